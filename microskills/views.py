from __future__ import annotations

import json

import sqlalchemy as sa
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required

from coachlab import access, activity, timezones
from coachlab.access import admin_required
from coachlab.auth.models import User
from coachlab.db import db
from coachlab.forms import EmptyForm
from coachlab.plugins import evidence_for
from coachlab.transcripts.models import TranscriptSegment
from microskills import service
from microskills.forms import MicroskillCreateForm, MicroskillEditForm
from microskills.masterlist import SIGNAL_CODES, load_anti_patterns, load_signals
from microskills.models import Microskill, UtteranceTag
from microskills.profile import MIN_TEAM_FOR_COMPARISON, build_profile, per_call_text

bp = Blueprint("microskills", __name__, url_prefix="/microskills", template_folder="templates")
# one rounding for a per-call rate wherever a page shows one
bp.add_app_template_filter(per_call_text, "per_call")


@bp.get("/")
@login_required
def masterlist() -> str:
    form = MicroskillCreateForm() if current_user.is_admin else None
    return render_template("microskills/masterlist.html", skills=service.all_microskills(),
                           signals=load_signals(), anti_patterns=load_anti_patterns(), form=form)


@bp.post("/new")
@admin_required
def create() -> Response | str:
    form = MicroskillCreateForm()
    if form.validate_on_submit():
        try:
            skill = service.create_microskill(
                code=form.code.data, family=form.family.data, name=form.name.data,
                definition=form.definition.data,
                examples=(form.examples.data or "").splitlines())
        except service.MicroskillError as exc:
            form.code.errors.append(str(exc))
        else:
            db.session.commit()
            flash(f"{skill.code} added to the masterlist.", "success")
            return redirect(url_for("microskills.masterlist"))
    return render_template("microskills/masterlist.html", skills=service.all_microskills(),
                           signals=load_signals(), anti_patterns=load_anti_patterns(),
                           form=form), 400


@bp.route("/<code>/edit", methods=["GET", "POST"])
@admin_required
def edit(code: str) -> Response | str:
    service.ensure_masterlist()
    skill = db.session.scalar(sa.select(Microskill).where(Microskill.code == code))
    if skill is None:
        abort(404)
    form = MicroskillEditForm(obj=skill if request.method == "GET" else None)
    if request.method == "GET":
        form.examples.data = "\n".join(skill.examples)
    if form.validate_on_submit():
        service.update_microskill(skill, name=form.name.data, definition=form.definition.data,
                                  examples=(form.examples.data or "").splitlines(),
                                  active=form.active.data)
        db.session.commit()
        flash(f"{skill.code} is updated.", "success")
        return redirect(url_for("microskills.masterlist"))
    return render_template("microskills/edit.html", form=form, skill=skill)


# --- profiles -----------------------------------------------------------------------------


@bp.get("/advisors")
@login_required
def advisors() -> Response | str:
    if current_user.is_advisor:
        return redirect(url_for("microskills.profile", advisor_id=current_user.id))
    advisors = db.session.scalars(access.visible_advisors(current_user).order_by(User.name))
    return render_template("microskills/advisors.html", advisors=advisors.all())


@bp.get("/advisors/<int:advisor_id>")
@login_required
def profile(advisor_id: int) -> str:
    advisor = db.get_or_404(User, advisor_id)
    access.require(current_user, "see", "microskill profile", advisor)
    if advisor.id == current_user.id:
        activity.record_view(advisor.id, "profile")
    days = request.args.get("days", 90, type=int)
    days = days if days in (30, 90, 365) else 90
    result = build_profile(advisor, viewer=current_user, days=days)
    names = service.skill_names()
    trend = result.trend
    # Mondays as the viewer reads dates ("23 Nov"); the tooltip gives the year
    chart = {"labels": [timezones.short_day(w) for w in trend.weeks],
             "titles": [f"Week of {timezones.day(w)}" for w in trend.weeks],
             "datasets": [{"label": names.get(code, code), "code": code, "data": values,
                           "hidden": code not in trend.shown}
                          for code, values in trend.series.items()]}
    picked = [p.rate.code for p in result.strengths + result.improvements]
    return render_template("microskills/profile.html", profile=result, days=days,
                           evidence=evidence_for(advisor, picked, current_user),
                           chart=chart, names=names, min_team=MIN_TEAM_FOR_COMPARISON,
                           flag_names={a.code: a.definition for a in load_anti_patterns()})


# --- coaches' reviews on the transcript ---------------------------------------------------


def _segment_for_review(segment_id: int) -> TranscriptSegment:
    segment = db.get_or_404(TranscriptSegment, segment_id)
    access.get_visible_recording(current_user, segment.recording_id)
    return segment


@bp.post("/tags/<int:tag_id>/<any(confirm, reject):verdict>")
@login_required
def review(tag_id: int, verdict: str) -> Response:
    tag = db.get_or_404(UtteranceTag, tag_id)
    _segment_for_review(tag.segment_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    service.review_tag(tag, confirm=verdict == "confirm", acting=current_user)
    db.session.commit()
    return _back_to(tag.recording_id, tag.segment_id)


@bp.post("/segments/<int:segment_id>/tags")
@login_required
def add(segment_id: int) -> Response:
    segment = _segment_for_review(segment_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        service.add_tag(segment, request.form.get("code", ""), acting=current_user)
    except service.MicroskillError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        db.session.commit()
    return _back_to(segment.recording_id, segment.id)


def _back_to(recording_id: int, segment_id: int) -> Response:
    return redirect(url_for("recordings.detail", recording_id=recording_id,
                            _anchor=f"segment-{segment_id}"))


@bp.get("/labels.jsonl")
@admin_required
def labels() -> Response:
    body = "".join(json.dumps(row) + "\n" for row in service.human_labels())
    disposition = 'attachment; filename="microskill-labels.jsonl"'
    return Response(body, mimetype="application/x-ndjson",
                    headers={"Content-Disposition": disposition})


def segment_tags(recording, segments, user) -> dict[int, str]:
    """Tag chips under each transcript segment (a coachlab.plugins segment extra)."""
    tags = service.tags_by_segment(recording)
    reviewer = access.can(user, "review, add", "microskill tag", recording)
    if not tags and not reviewer:
        return {}
    everything = service.all_microskills()
    skills = [m for m in everything if m.active]
    names = {m.code: m.name for m in everything}
    # one template, loaded once: a long call has hundreds of segments
    template = current_app.jinja_env.get_template("microskills/_segment_tags.html")
    return {
        seg.id: template.render(segment=seg, tags=tags.get(seg.id, []), reviewer=reviewer,
                                names=names, skills=skills, signal_codes=SIGNAL_CODES)
        for seg in segments if seg.id in tags or (reviewer and seg.speaker in
                                                   service.TAGGED_SPEAKERS)
    }
