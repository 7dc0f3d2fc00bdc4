"""The buddies pages: pairings (by hand and suggested), a pairing with its shared clips and
check-ins, a shared clip with peer feedback, kudos, the team wall and skill champions."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from buddies import access as buddy_access
from buddies import experiments, service
from buddies.forms import (
    AcceptSuggestionForm,
    CheckInForm,
    EditCommentForm,
    ExperimentForm,
    KudosForm,
    PairingForm,
    PeerCommentForm,
    ReplyForm,
    ShareForm,
)
from buddies.models import BuddyPairing, PeerPrompt, TeamExperiment
from buddies.rates import team_advisors
from clips.access import get_visible_clip
from clips.forms import microskill_choices
from clips.models import ClipStatus
from coachlab import access
from coachlab.auth.models import Team, User
from coachlab.db import db
from coachlab.forms import EmptyForm
from coachlab.storage import StorageError, get_storage
from microskills.service import skill_names

bp = Blueprint("buddies", __name__, url_prefix="/buddies", template_folder="templates")

PAIR = service.PAIR


def form_errors(form) -> str:
    return " ".join(f"{getattr(form, name).label.text}: {' '.join(errors)}"
                    for name, errors in form.errors.items())


def _team_from_args(teams: list[Team]) -> Team:
    """The team ``?team=`` names among ``teams`` (the first by default); 404 otherwise."""
    wanted = request.args.get("team", "")
    if not teams:
        abort(404)
    if not wanted:
        return teams[0]
    team = next((t for t in teams if str(t.id) == wanted), None)
    if team is None:
        abort(404)
    return team


def _default_period() -> tuple[dt.date, dt.date]:
    start = buddy_access.today()
    return start, start + dt.timedelta(days=13)


def _pairing_form(team: Team, formdata=None) -> PairingForm:
    form = PairingForm(formdata=formdata, prefix="pair")
    advisors = team_advisors(team.id)
    form.advisor_a.set_objects(advisors)
    form.advisor_b.set_objects(advisors)
    if formdata is None:
        form.starts_on.data, form.ends_on.data = _default_period()
    return form


def _pairing_teams(user: User) -> list[Team]:
    return [t for t in service.teams_for(user) if access.can(user, "make, suggest",
                                                              "buddy pairing", t)]


# --- pairings -----------------------------------------------------------------------------


@bp.get("/")
@login_required
def index() -> str:
    today = buddy_access.today()
    mine = db.session.scalars(buddy_access.visible_pairings(current_user)
                              .where(buddy_access.in_pairing(current_user))
                              .order_by(BuddyPairing.starts_on.desc())).all()
    teams = _pairing_teams(current_user)
    context = dict(mine=mine, today=today, teams=teams, team=None)
    if teams:
        team = _team_from_args(teams)
        start, end = _default_period()
        context.update(team=team, pairings=service.pairings_of_team(team),
                       suggestions=service.suggest_pairings(team, acting=current_user),
                       pair_form=_pairing_form(team),
                       accept_form=AcceptSuggestionForm(formdata=None, prefix="accept"),
                       start=start, end=end, action_form=EmptyForm(),
                       names=skill_names(), min_calls=_min_calls())
    elif request.args.get("team"):
        abort(404)
    return render_template("buddies/index.html", **context)


def _min_calls() -> int:
    from flask import current_app

    return current_app.config["BUDDIES_MIN_CALLS"]


def _pairing_team(team_id: int) -> Team:
    team = db.get_or_404(Team, team_id)
    access.require(current_user, "make, suggest", "buddy pairing", team)
    return team


def _back_to_team(team: Team) -> Response:
    return redirect(url_for("buddies.index", team=team.id))


@bp.post("/teams/<int:team_id>/pairings")
@login_required
def make_pairing(team_id: int) -> Response | tuple[str, int]:
    team = _pairing_team(team_id)
    form = _pairing_form(team, formdata=request.form)
    if not form.validate_on_submit():
        flash("The pairing was not made: " + form_errors(form), "error")
        return _back_to_team(team)
    a, b = form.advisor_a.selected, form.advisor_b.selected
    if a is None or b is None:
        flash("The pairing was not made: choose two advisors of the team.", "error")
        return _back_to_team(team)
    try:
        pairing = service.make_pairing(team, a, b, starts_on=form.starts_on.data,
                                       ends_on=form.ends_on.data, acting=current_user)
    except service.BuddyError as exc:
        db.session.rollback()
        flash(f"The pairing was not made: {exc}", "error")
        return _back_to_team(team)
    db.session.commit()
    flash(f"{pairing.names} are buddies now.", "success")
    return _back_to_team(team)


@bp.post("/teams/<int:team_id>/suggestions/accept")
@login_required
def accept(team_id: int) -> Response:
    team = _pairing_team(team_id)
    form = AcceptSuggestionForm(prefix="accept")
    people = {u.id: u for u in team_advisors(team.id)}
    if not form.validate_on_submit():
        flash("The suggestion was not accepted: " + form_errors(form), "error")
        return _back_to_team(team)
    weak = people.get(int(form.weak.data)) if form.weak.data.isdigit() else None
    strong = people.get(int(form.strong.data)) if form.strong.data.isdigit() else None
    if weak is None or strong is None:
        flash("The suggestion was not accepted: those advisors are not in the team.", "error")
        return _back_to_team(team)
    try:
        pairing = service.accept_suggestion(team, weak, strong, form.code.data,
                                            starts_on=form.starts_on.data,
                                            ends_on=form.ends_on.data, acting=current_user)
    except service.BuddyError as exc:
        db.session.rollback()
        flash(f"The suggestion was not accepted: {exc}", "error")
        return _back_to_team(team)
    db.session.commit()
    flash(f"{pairing.names} are buddies now.", "success")
    return _back_to_team(team)


@bp.get("/pairings/<int:pairing_id>")
@login_required
def pairing(pairing_id: int) -> str:
    found = buddy_access.get_visible_pairing(current_user, pairing_id)
    in_pair = found.includes(current_user)
    share_form = None
    if in_pair:
        share_form = ShareForm(formdata=None, prefix="share")
        share_form.clip.set_objects(service.shareable_clips(found, current_user))
    return render_template(
        "buddies/pairing.html", pairing=found, in_pair=in_pair, share_form=share_form,
        checkin_form=CheckInForm(formdata=None, prefix="checkin"), action_form=EmptyForm(),
        may_end=access.can(current_user, "end", "buddy pairing", found),
        current=found.is_current(buddy_access.today()), names=skill_names(),
        help_question=service.HELP_QUESTION, manage_question=service.MANAGE_QUESTION)


def _back_to_pairing(pairing: BuddyPairing, anchor: str | None = None) -> Response:
    return redirect(url_for("buddies.pairing", pairing_id=pairing.id, _anchor=anchor))


@bp.post("/pairings/<int:pairing_id>/end")
@login_required
def end_pairing(pairing_id: int) -> Response:
    found = buddy_access.get_visible_pairing(current_user, pairing_id)
    access.require(current_user, "end", "buddy pairing", found)
    if not EmptyForm().validate_on_submit():
        abort(400)
    service.end_pairing(found, acting=current_user)
    db.session.commit()
    flash(f"The pairing of {found.names} has ended; it stays in the history.", "success")
    return _back_to_team(found.team)


def _pair_pairing(pairing_id: int) -> BuddyPairing:
    found = buddy_access.get_visible_pairing(current_user, pairing_id)
    if not found.includes(current_user):
        raise access.NotAllowed
    return found


@bp.post("/pairings/<int:pairing_id>/share")
@login_required
def share(pairing_id: int) -> Response:
    found = _pair_pairing(pairing_id)
    form = ShareForm(prefix="share")
    form.clip.set_objects(service.shareable_clips(found, current_user))
    if not form.validate_on_submit() or form.clip.selected is None:
        flash("Nothing was shared: choose one of your clips.", "error")
        return _back_to_pairing(found)
    try:
        shared = service.share_clip(found, form.clip.selected, acting=current_user,
                                    note=form.note.data or "")
    except service.BuddyError as exc:
        db.session.rollback()
        flash(f"Nothing was shared: {exc}", "error")
        return _back_to_pairing(found)
    db.session.commit()
    flash(f"Shared with {found.other(current_user).name}.", "success")
    return redirect(url_for("buddies.shared", share_id=shared.id))


@bp.post("/pairings/<int:pairing_id>/checkins")
@login_required
def checkin(pairing_id: int) -> Response:
    found = _pair_pairing(pairing_id)
    form = CheckInForm(prefix="checkin")
    if not form.validate_on_submit():
        abort(400)
    try:
        service.record_checkin(found, acting=current_user, help_answer=form.help_answer.data,
                               manage_answer=form.manage_answer.data)
    except service.BuddyError as exc:
        db.session.rollback()
        flash(f"The check-in was not saved: {exc}", "error")
        return _back_to_pairing(found, "checkins")
    db.session.commit()
    flash("Check-in saved.", "success")
    return _back_to_pairing(found, "checkins")


# --- a shared clip and its peer feedback --------------------------------------------------


def _comment_form(formdata=None) -> PeerCommentForm:
    form = PeerCommentForm(formdata=formdata, prefix="peer")
    form.microskills.choices = microskill_choices()
    return form


@bp.get("/shared/<int:share_id>")
@login_required
def shared(share_id: int) -> str:
    found = buddy_access.get_pair_share(current_user, share_id)
    access.require(current_user, PAIR, "clip shared with a buddy", found)
    return render_template(
        "buddies/shared.html", share=found, clip=found.clip, form=_comment_form(),
        reply_form=ReplyForm(formdata=None), edit_form=EditCommentForm(formdata=None),
        action_form=EmptyForm(), names=skill_names(), prompts=list(PeerPrompt),
        buddy=found.pairing.other(current_user))


@bp.get("/shared/<int:share_id>/media")
@login_required
def shared_media(share_id: int) -> Response:
    found = buddy_access.get_pair_share(current_user, share_id)
    access.require(current_user, PAIR, "clip shared with a buddy", found)
    clip = found.clip
    if clip.status is not ClipStatus.READY or not clip.media_key:
        abort(404)
    try:
        return get_storage().send(clip.media_key, mimetype=clip.content_type)
    except StorageError:
        abort(404)


def _to_share(share_id: int, anchor: str = "peer-comments") -> Response:
    return redirect(url_for("buddies.shared", share_id=share_id, _anchor=anchor))


@bp.post("/shared/<int:share_id>/comments")
@login_required
def comment(share_id: int) -> Response | tuple[str, int]:
    found = buddy_access.get_pair_share(current_user, share_id)
    form = _comment_form(request.form)
    if not form.validate_on_submit():
        flash("The comment was not saved: " + form_errors(form), "error")
        return _to_share(found.id)
    try:
        added = service.add_peer_comment(found, acting=current_user, body=form.body.data,
                                         at_second=form.at_second.data,
                                         prompt=PeerPrompt(form.prompt.data),
                                         microskills=form.microskills.data)
    except service.BuddyError as exc:
        db.session.rollback()
        flash(f"The comment was not saved: {exc}", "error")
        return _to_share(found.id)
    db.session.commit()
    return _to_share(found.id, f"peer-comment-{added.id}")


@bp.post("/shared/<int:share_id>/comments/<int:comment_id>/reply")
@login_required
def reply(share_id: int, comment_id: int) -> Response:
    found = buddy_access.get_pair_share(current_user, share_id)
    parent = service.get_peer_comment(found, comment_id)
    form = ReplyForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        added = service.add_peer_comment(found, acting=current_user, body=form.body.data,
                                         at_second=None, parent=parent)
    except service.BuddyError as exc:
        db.session.rollback()
        flash(f"The reply was not saved: {exc}", "error")
        return _to_share(found.id, f"peer-comment-{parent.id}")
    db.session.commit()
    return _to_share(found.id, f"peer-comment-{added.id}")


@bp.post("/shared/<int:share_id>/comments/<int:comment_id>/edit")
@login_required
def comment_edit(share_id: int, comment_id: int) -> Response:
    found = buddy_access.get_pair_share(current_user, share_id)
    target = service.get_peer_comment(found, comment_id)
    access.require(current_user, "change, delete", "peer comment", target)
    form = EditCommentForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        service.edit_peer_comment(target, acting=current_user, body=form.body.data)
    except service.BuddyError as exc:
        db.session.rollback()
        flash(f"The comment was not changed: {exc}", "error")
    else:
        db.session.commit()
    return _to_share(found.id, f"peer-comment-{target.id}")


@bp.post("/shared/<int:share_id>/comments/<int:comment_id>/delete")
@login_required
def comment_delete(share_id: int, comment_id: int) -> Response:
    found = buddy_access.get_pair_share(current_user, share_id)
    target = service.get_peer_comment(found, comment_id)
    access.require(current_user, "change, delete", "peer comment", target)
    if not EmptyForm().validate_on_submit():
        abort(400)
    service.delete_peer_comment(target, acting=current_user)
    db.session.commit()
    flash("Comment deleted.", "success")
    return _to_share(found.id)


# --- kudos, the wall, champions -----------------------------------------------------------


def _kudos_form(formdata=None) -> KudosForm:
    form = KudosForm(formdata=formdata)
    form.microskill.choices = microskill_choices()
    return form


@bp.route("/kudos/<int:clip_id>", methods=["GET", "POST"])
@login_required
def kudos(clip_id: int) -> str | Response | tuple[str, int]:
    clip = get_visible_clip(current_user, clip_id)
    form = _kudos_form(request.form if request.method == "POST" else None)
    if request.method == "GET" and clip.microskills:
        form.microskill.data = clip.microskills[0]
    error = None
    if form.validate_on_submit():
        try:
            given = service.give_kudos(clip, acting=current_user,
                                       microskill=form.microskill.data,
                                       message=form.message.data or "")
        except service.BuddyError as exc:
            db.session.rollback()
            error = str(exc)
        else:
            db.session.commit()
            flash(f"Kudos sent to {clip.advisor.name}.", "success")
            return redirect(url_for("buddies.wall", team=given.team_id))
    elif request.method == "POST":
        error = form_errors(form)
    return render_template("buddies/kudos.html", clip=clip, form=form, error=error), (
        400 if request.method == "POST" else 200)


@bp.get("/wall")
@login_required
def wall() -> str:
    teams = service.teams_for(current_user)
    if not teams:
        return render_template("buddies/wall.html", team=None, teams=[], items=[],
                               candidates=[])
    team = _team_from_args(teams)
    return render_template(
        "buddies/wall.html", team=team, teams=teams,
        items=service.team_wall(team, viewer=current_user),
        candidates=service.kudos_candidates(current_user, team))


@bp.get("/champions")
@login_required
def champions() -> str:
    teams = service.teams_for(current_user)
    if not teams:
        return render_template("buddies/champions.html", team=None, teams=[], skills=[],
                               min_calls=_min_calls())
    team = _team_from_args(teams)
    return render_template("buddies/champions.html", team=team, teams=teams,
                           skills=service.skill_champions(team, viewer=current_user),
                           min_calls=_min_calls())




# --- team experiments ---------------------------------------------------------------------


def _experiment_form(formdata=None) -> ExperimentForm:
    form = ExperimentForm(formdata=formdata, prefix="exp")
    form.metric.choices = experiments.metric_choices()
    form.microskill.choices = [("", "—"), *[(c.value, c.label) for c in microskill_choices()]]
    if formdata is None:
        form.starts_on.data = buddy_access.today()
        form.ends_on.data = buddy_access.today() + dt.timedelta(days=13)
    return form


@bp.get("/experiments")
@login_required
def experiment_index() -> str:
    teams = service.teams_for(current_user)
    if not teams:
        return render_template("buddies/experiments.html", team=None, teams=[], found=[],
                               form=None)
    team = _team_from_args(teams)
    found = db.session.scalars(buddy_access.visible_experiments(current_user)
                               .where(TeamExperiment.team_id == team.id)
                               .order_by(TeamExperiment.starts_on.desc())).all()
    may_propose = access.can(current_user, "propose", "team experiment", team)
    return render_template("buddies/experiments.html", team=team, teams=teams, found=found,
                           form=_experiment_form() if may_propose else None,
                           today=buddy_access.today())


@bp.post("/experiments")
@login_required
def experiment_propose() -> Response:
    teams = service.teams_for(current_user)
    team = next((t for t in teams if str(t.id) == request.form.get("team", "")), None)
    if team is None or not access.can(current_user, "propose", "team experiment", team):
        abort(404)
    form = _experiment_form(request.form)
    if not form.validate_on_submit():
        flash("The experiment was not proposed: " + form_errors(form), "error")
        return redirect(url_for("buddies.experiment_index", team=team.id))
    try:
        made = experiments.propose(team, acting=current_user, title=form.title.data,
                                   description=form.description.data or "",
                                   metric=form.metric.data,
                                   microskill=form.microskill.data or "",
                                   starts_on=form.starts_on.data, ends_on=form.ends_on.data)
    except service.BuddyError as exc:
        db.session.rollback()
        flash(f"The experiment was not proposed: {exc}", "error")
        return redirect(url_for("buddies.experiment_index", team=team.id))
    db.session.commit()
    flash("Experiment proposed: teammates can opt in.", "success")
    return redirect(url_for("buddies.experiment", experiment_id=made.id))


@bp.get("/experiments/<int:experiment_id>")
@login_required
def experiment(experiment_id: int) -> str:
    from sessions.measures import METRICS, MIN_CALLS

    found = buddy_access.get_visible_experiment(current_user, experiment_id)
    return render_template(
        "buddies/experiment.html", experiment=found, outcome=experiments.outcome(found),
        metric=METRICS[found.metric], min_calls=MIN_CALLS, action_form=EmptyForm(),
        may_join=access.can(current_user, "join, leave", "team experiment", found))


def _join_or_leave(experiment_id: int, do) -> Response:
    found = buddy_access.get_visible_experiment(current_user, experiment_id)
    access.require(current_user, "join, leave", "team experiment", found)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        do(found, acting=current_user)
    except service.BuddyError as exc:
        db.session.rollback()
        flash(str(exc), "info")
    else:
        db.session.commit()
    return redirect(url_for("buddies.experiment", experiment_id=found.id))


@bp.post("/experiments/<int:experiment_id>/join")
@login_required
def experiment_join(experiment_id: int) -> Response:
    return _join_or_leave(experiment_id, experiments.join)


@bp.post("/experiments/<int:experiment_id>/leave")
@login_required
def experiment_leave(experiment_id: int) -> Response:
    return _join_or_leave(experiment_id, experiments.leave)
