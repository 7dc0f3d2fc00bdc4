"""Planning a coaching session: the list, a new session, its page, the agenda and the
sandwich feedback. Running, holding and acknowledging are in ``sessions.meeting``."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from clips.access import visible_clips
from clips.models import Clip
from coachlab import access, timezones
from coachlab.auth.models import User
from coachlab.db import db
from coachlab.forms import EmptyForm, options
from coachlab.recordings.models import Recording
from microskills.service import skill_names
from sessions import service
from sessions.access import get_visible_session, published_praise, visible_sessions
from sessions.forms import (
    AcknowledgeForm,
    AgendaClipForm,
    AgendaStretchForm,
    PlanForm,
    PointForm,
    SessionCreateForm,
)
from sessions.models import (
    AgendaItem,
    AgendaKind,
    CoachingSession,
    FeedbackPoint,
    SessionState,
    Slot,
)

bp = Blueprint("sessions", __name__, url_prefix="/sessions", template_folder="templates")

CHANGE = "change, run, mark held"
SEE = "see (agenda, feedback, shared notes)"
CHOICES_SHOWN = 40


def form_errors(form) -> str:
    return " ".join(f"{getattr(form, name).label.text}: {' '.join(errors)}"
                    for name, errors in form.errors.items())


def back(session: CoachingSession, anchor: str | None = None) -> Response:
    return redirect(url_for("sessions.detail", session_id=session.id, _anchor=anchor))


def changeable(session_id: int) -> CoachingSession:
    """The session, if the user may change it (404 otherwise); POSTs need their CSRF token."""
    session = get_visible_session(current_user, session_id)
    access.require(current_user, CHANGE, "coaching session", session)
    return session


def coachable_advisors(coach: User) -> list[User]:
    return [a for a in db.session.scalars(access.visible_advisors(coach).order_by(User.name))
            if access.can(coach, "create", "coaching session", a)]


# --- list and new ------------------------------------------------------------------------------


@bp.get("/")
@login_required
def index() -> str:
    state = request.args.get("state", "")
    query = visible_sessions(current_user)
    if state in {s.value for s in SessionState}:
        query = query.where(CoachingSession.state == SessionState(state))
    query = query.options(sa.orm.joinedload(CoachingSession.advisor),  # no query per row
                          sa.orm.joinedload(CoachingSession.coach),
                          sa.orm.selectinload(CoachingSession.skills))
    sessions = db.session.scalars(query.order_by(CoachingSession.scheduled_at.desc().nulls_first(),
                                                 CoachingSession.id.desc()).limit(200)).all()
    return render_template("sessions/index.html", sessions=sessions, state=state,
                           states=list(SessionState),
                           may_create=bool(current_user.is_coach
                                           and coachable_advisors(current_user)))


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new() -> str | Response | tuple[str, int]:
    advisors = coachable_advisors(current_user)
    if not advisors:
        abort(404)  # only coaches with advisors create sessions
    form = SessionCreateForm()
    form.advisor.set_objects(advisors)
    if request.method == "GET" and request.args.get("advisor", "").isdigit():
        form.advisor.data = int(request.args["advisor"])
    if not form.validate_on_submit():
        return render_template("sessions/new.html", form=form), (
            400 if request.method == "POST" else 200)
    when = timezones.from_local(form.scheduled_at.data) if form.scheduled_at.data else None
    try:
        session = service.create_session(coach=current_user, advisor=form.advisor.selected,
                                         scheduled_at=when,
                                         length_minutes=form.length_minutes.data,
                                         focus=form.focus.data or [])
    except service.SessionError as exc:
        db.session.rollback()
        form.advisor.errors = [str(exc)]
        return render_template("sessions/new.html", form=form), 400
    db.session.commit()
    flash("Session created: build its agenda below.", "success")
    return back(session)


# --- the session page ---------------------------------------------------------------------------


def evidence_choices(session: CoachingSession) -> list:
    """Clips the advisor may see (the agenda's first) and the advisor's calls."""
    agenda = [i.clip for i in session.items if i.clip is not None]
    seen = db.session.scalars(visible_clips(session.advisor).where(
        Clip.id.not_in([c.id for c in agenda]) if agenda else sa.true())
        .order_by(Clip.created_at.desc()).limit(CHOICES_SHOWN)).all()
    calls = db.session.scalars(access.visible_recordings(session.advisor)
                               .order_by(Recording.called_at.desc()).limit(CHOICES_SHOWN)).all()
    return options([("", "Choose evidence")]
                   + [(f"clip:{c.id}", f"Clip (agenda): {c.title}") for c in agenda]
                   + [(f"clip:{c.id}", f"Clip: {c.title}") for c in seen]
                   + [(f"recording:{r.id}", f"Call: {r.display_title} "
                       f"({timezones.day(r.called_at)})") for r in calls])


def agenda_forms(session: CoachingSession) -> tuple[AgendaClipForm, AgendaStretchForm]:
    clip_form, stretch_form = AgendaClipForm(prefix="agenda"), AgendaStretchForm(prefix="stretch")
    clips = db.session.scalars(visible_clips(session.advisor)
                               .order_by(Clip.created_at.desc()).limit(CHOICES_SHOWN)).all()
    clip_form.clip.choices = options([("", "Choose a clip")] + [
        (str(c.id), f"{c.title} · {c.advisor.name}") for c in clips])
    calls = db.session.scalars(access.visible_recordings(session.advisor)
                               .order_by(Recording.called_at.desc()).limit(CHOICES_SHOWN)).all()
    stretch_form.recording.choices = options([("", "Choose a call")] + [
        (str(r.id), f"{r.display_title} ({timezones.day(r.called_at)}, "
                    f"{r.duration_s:.0f} s)") for r in calls])
    return clip_form, stretch_form


@bp.get("/<int:session_id>")
@login_required
def detail(session_id: int) -> str:
    return render_detail(get_visible_session(current_user, session_id))


def render_detail(session: CoachingSession, *, point_form: PointForm | None = None,
                  goal_form=None, goal_error: str = "", status: int = 200) -> tuple[str, int]:
    """The session page; ``point_form`` is a refused point, shown again as it was typed."""
    may_change = access.can(current_user, CHANGE, "coaching session", session)
    context = dict(
        session=session, may_change=may_change, names=skill_names(),
        see_private=access.can(current_user, "see private notes of", "coaching session",
                               session),
        may_acknowledge=access.can(current_user, "acknowledge", "coaching session", session),
        balance=service.balance(session), open_points=service.open_points(session),
        sandwich_missing=service.sandwich_problems(session), action=EmptyForm(),
        ack_form=AcknowledgeForm(), kinds=list(AgendaKind), Slot=Slot, State=SessionState,
        point_refused=point_form is not None,
    )
    if may_change:
        plan = PlanForm(prefix="plan", formdata=None, length_minutes=session.length_minutes,
                        focus=session.focus_codes)
        if session.scheduled_at:
            plan.scheduled_at.data = timezones.local_naive(session.scheduled_at)
        clip_form, stretch_form = agenda_forms(session)
        point_form = point_form or PointForm(prefix="point", formdata=None)
        point_form.evidence.choices = evidence_choices(session)
        context.update(plan_form=plan, clip_form=clip_form, stretch_form=stretch_form,
                       point_form=point_form)
    context.update(goal_context(session, goal_form))
    context["goal_error"] = goal_error
    return render_template("sessions/detail.html", **context), status


def goal_context(session: CoachingSession, refused_form=None) -> dict:
    """The goals section of the session page, and its form for the session's coach."""
    from sessions import goals, measures
    from sessions.goal_views import goal_form

    names = skill_names()
    may_set = (session.is_closed
               and access.can(current_user, "set, remove", "goal", session))
    return dict(goal_specs=measures.METRICS, baseline_days=goals.baseline_days(),
                goal_titles={g.id: measures.metric_name(g.metric, g.microskill, names)
                             for g in session.goals},
                goal_form=(refused_form or goal_form(session)) if may_set else None)


@bp.post("/<int:session_id>/plan")
@login_required
def plan(session_id: int) -> Response:
    session = changeable(session_id)
    form = PlanForm(prefix="plan")
    if not form.validate_on_submit():
        flash("The plan was not saved: " + form_errors(form), "error")
        return back(session, "plan")
    when = timezones.from_local(form.scheduled_at.data) if form.scheduled_at.data else None
    try:
        service.update_plan(session, acting=current_user, scheduled_at=when,
                            length_minutes=form.length_minutes.data, focus=form.focus.data or [])
    except service.SessionError as exc:
        db.session.rollback()
        flash(f"The plan was not saved: {exc}", "error")
        return back(session, "plan")
    db.session.commit()
    flash("Plan saved.", "success")
    return back(session, "plan")


@bp.post("/<int:session_id>/cancel")
@login_required
def cancel(session_id: int) -> Response:
    session = changeable(session_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        service.cancel(session, acting=current_user)
    except service.SessionError as exc:
        flash(str(exc), "error")
        return back(session)
    db.session.commit()
    flash("Session cancelled.", "info")
    return back(session)


@bp.post("/<int:session_id>/next")
@login_required
def start_next(session_id: int) -> Response:
    previous = get_visible_session(current_user, session_id)
    access.require(current_user, "create", "coaching session", previous.advisor)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        session = service.start_next(previous, acting=current_user)
    except service.SessionError as exc:
        flash(str(exc), "error")
        return back(previous)
    db.session.commit()
    flash("Next session started from this one: its focus and open points are carried over.",
          "success")
    return back(session)


# --- the agenda -----------------------------------------------------------------------------


@bp.post("/<int:session_id>/agenda/propose")
@login_required
def propose(session_id: int) -> Response:
    session = changeable(session_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    missing = service.propose_agenda(session, acting=current_user)
    db.session.commit()
    if missing:
        flash("Agenda proposed, but nothing found for: " + ", ".join(missing)
              + ". Add one by hand (a clip, or a stretch of a call).", "info")
    else:
        flash("Agenda proposed: swap, reorder or add moments.", "success")
    return back(session, "agenda")


@bp.post("/<int:session_id>/agenda/clip")
@login_required
def add_clip(session_id: int) -> Response:
    session = changeable(session_id)
    form = AgendaClipForm(prefix="agenda")
    if not form.validate_on_submit() or not (form.clip.data or "").isdigit():
        flash("Not added: choose a clip and what it is for.", "error")
        return back(session, "agenda")
    clip = db.session.get(Clip, int(form.clip.data))
    try:
        if clip is None or not access.among(visible_clips(current_user), clip):
            raise service.SessionError("That clip does not exist.")
        service.add_clip(session, clip, AgendaKind(form.kind.data), acting=current_user)
    except service.SessionError as exc:
        db.session.rollback()
        flash(f"Not added: {exc}", "error")
        return back(session, "agenda")
    db.session.commit()
    flash("Added to the agenda.", "success")
    return back(session, "agenda")


@bp.post("/<int:session_id>/agenda/stretch")
@login_required
def add_stretch(session_id: int) -> Response:
    session = changeable(session_id)
    form = AgendaStretchForm(prefix="stretch")
    if not form.validate_on_submit() or not (form.recording.data or "").isdigit():
        flash("Not added: " + (form_errors(form) or "choose a call."), "error")
        return back(session, "agenda")
    recording = db.session.get(Recording, int(form.recording.data))
    try:
        if recording is None:
            raise service.SessionError("That call does not exist.")
        service.add_stretch(session, recording, form.start.data, form.end.data,
                            AgendaKind(form.kind.data), acting=current_user)
    except (service.SessionError, ValueError) as exc:
        db.session.rollback()
        flash(f"Not added: {exc}", "error")
        return back(session, "agenda")
    db.session.commit()
    flash("Added to the agenda; it is cut into a clip in the background.", "success")
    return back(session, "agenda")


def agenda_item(session_id: int, item_id: int) -> AgendaItem:
    session = changeable(session_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    item = next((i for i in session.items if i.id == item_id), None)
    if item is None:
        abort(404)
    return item


@bp.post("/<int:session_id>/agenda/<int:item_id>/move")
@login_required
def move_item(session_id: int, item_id: int) -> Response:
    item = agenda_item(session_id, item_id)
    service.move_item(item, -1 if request.form.get("direction") == "up" else 1,
                      acting=current_user)
    db.session.commit()
    return back(item.session, "agenda")


@bp.post("/<int:session_id>/agenda/<int:item_id>/swap")
@login_required
def swap_item(session_id: int, item_id: int) -> Response:
    item = agenda_item(session_id, item_id)
    session = item.session
    if service.swap_item(item, acting=current_user):
        db.session.commit()
        flash("Swapped for another moment of the same kind.", "success")
    else:
        flash("No other moment of that kind to swap in.", "info")
    return back(session, "agenda")


@bp.post("/<int:session_id>/agenda/<int:item_id>/remove")
@login_required
def remove_item(session_id: int, item_id: int) -> Response:
    item = agenda_item(session_id, item_id)
    session = item.session
    service.remove_item(item, acting=current_user)
    db.session.commit()
    return back(session, "agenda")


# --- sandwich feedback ----------------------------------------------------------------------


def parse_evidence(session: CoachingSession, value: str, at_second: float | None):
    kind, _, number = (value or "").partition(":")
    if not number.isdigit():
        raise service.SessionError("Give evidence: a clip, or a call and the second the point "
                                   "is about.")
    if kind == "clip":
        clip = db.session.get(Clip, int(number))
        if clip is None:
            raise service.SessionError("That clip does not exist.")
        return service.Evidence(clip=clip)
    if kind == "recording":
        recording = db.session.get(Recording, int(number))
        if recording is None:
            raise service.SessionError("That call does not exist.")
        return service.Evidence(recording=recording, at_second=at_second)
    raise service.SessionError("Give evidence: a clip, or a call and the second.")


@bp.post("/<int:session_id>/points")
@login_required
def add_point(session_id: int) -> Response | tuple[str, int]:
    session = changeable(session_id)
    form = PointForm(prefix="point")
    if not form.validate_on_submit():
        flash("The point was not saved: " + form_errors(form), "error")
        return render_detail(session, point_form=form, status=400)
    try:
        evidence = parse_evidence(session, form.evidence.data, form.at_second.data)
        service.add_point(session, acting=current_user, slot=Slot(form.slot.data),
                          text=form.text.data or "", microskill=form.microskill.data or "",
                          evidence=evidence, published=bool(form.published.data))
    except (service.SessionError, ValueError) as exc:
        db.session.rollback()
        session = get_visible_session(current_user, session.id)
        flash(f"The point was not saved: {exc}", "error")
        return render_detail(session, point_form=form, status=400)
    db.session.commit()
    flash("Feedback point saved.", "success")
    return back(session, "feedback")


def feedback_point(session_id: int, point_id: int) -> FeedbackPoint:
    session = changeable(session_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    point = next((p for p in session.points if p.id == point_id), None)
    if point is None:
        abort(404)
    return point


@bp.post("/<int:session_id>/points/<int:point_id>/remove")
@login_required
def remove_point(session_id: int, point_id: int) -> Response:
    point = feedback_point(session_id, point_id)
    session = point.session
    service.remove_point(point, acting=current_user)
    db.session.commit()
    return back(session, "feedback")


@bp.post("/<int:session_id>/points/<int:point_id>/publish")
@login_required
def publish_point(session_id: int, point_id: int) -> Response:
    point = feedback_point(session_id, point_id)
    try:
        service.set_published(point, request.form.get("published") == "1", acting=current_user)
    except service.SessionError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return back(point.session, "feedback")
    db.session.commit()
    flash("Published to the team." if point.published else "No longer published.", "success")
    return back(point.session, "feedback")


# --- the team's published praise ---------------------------------------------------------------


@bp.get("/praise")
@login_required
def praise() -> str:
    points = db.session.scalars(published_praise(current_user)
                                .order_by(CoachingSession.held_at.desc()).limit(100)).all()
    return render_template("sessions/praise.html", points=points, names=skill_names())

