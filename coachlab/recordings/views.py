from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from coachlab import access, timezones
from coachlab.auth.models import Team, User
from coachlab.db import db
from coachlab.forms import EmptyForm, options
from coachlab.recordings import service
from coachlab.recordings.forms import (
    RecordingDetailsForm,
    RecordingFilterForm,
    RecordingTitleForm,
    RecordingUploadForm,
)
from coachlab.recordings.models import AgentChannel, Direction, Recording, Status, Tag
from coachlab.recordings.pipeline import step_label
from coachlab.storage import StorageError, get_storage
from coachlab.urls import page_number

bp = Blueprint("recordings", __name__, url_prefix="/recordings", template_folder="templates")


@bp.get("/")
@login_required
def index() -> str:
    form = RecordingFilterForm(request.args)
    advisors = db.session.scalars(access.visible_advisors(current_user).order_by(User.name)).all()
    teams = db.session.scalars(access.visible_teams(current_user).order_by(Team.name)).all()
    form.advisor.choices = options([("", "All advisors")] + [(str(a.id), a.name) for a in advisors])
    form.team.choices = options([("", "All teams")] + [(str(t.id), t.name) for t in teams])
    query = access.visible_recordings(current_user).options(
        sa.orm.selectinload(Recording.tags), sa.orm.joinedload(Recording.advisor))
    if form.validate():
        query = _apply_filters(query, form)
    page = db.paginate(query, page=page_number(),
                       per_page=current_app.config["RECORDINGS_PER_PAGE"], error_out=False)
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template("recordings/index.html", page=page, form=form, args=args,
                           show_team_filter=len(teams) > 1,
                           show_advisor_filter=not current_user.is_advisor)


def _apply_filters(query: sa.Select, form: RecordingFilterForm) -> sa.Select:
    if form.advisor.data:
        query = query.where(Recording.advisor_id == int(form.advisor.data))
    if form.team.data:
        query = query.where(Recording.team_id == int(form.team.data))
    if form.date_from.data:
        start = timezones.local_day_start(form.date_from.data)
        query = query.where(Recording.called_at >= start)
    # (the day after 9999-12-31 does not exist: that "to" date filters nothing)
    if form.date_to.data and form.date_to.data < dt.date.max:
        end = timezones.local_day_start(form.date_to.data + dt.timedelta(days=1))
        query = query.where(Recording.called_at < end)
    if form.q.data and form.q.data.strip():
        words = form.q.data.strip()
        query = query.where(sa.or_(Recording.title.icontains(words, autoescape=True),
                                   Recording.customer_ref.icontains(words, autoescape=True)))
    if form.tag.data:
        query = query.where(Recording.tags.any(Tag.name == form.tag.data.strip().lower()))
    outcome = form.outcome.data
    if outcome == "detractor":
        query = query.where(Recording.nps <= 6)
    elif outcome == "passive":
        query = query.where(Recording.nps.between(7, 8))
    elif outcome == "promoter":
        query = query.where(Recording.nps >= 9)
    elif outcome in ("resolved", "unresolved"):
        query = query.where(Recording.resolved.is_(outcome == "resolved"))
    if form.status.data:
        query = query.where(Recording.status == Status(form.status.data))
    order = {
        "oldest": (Recording.called_at.asc(),),
        "longest": (Recording.duration_s.desc(),),
        "nps_low": (Recording.nps.is_(None), Recording.nps.asc()),
    }.get(form.sort.data, (Recording.called_at.desc(),))
    return query.order_by(*order, Recording.id.desc())


@bp.route("/upload", methods=["GET", "POST"])
@login_required
def upload() -> str | Response | tuple[str, int]:
    if current_user.is_auditor:
        abort(404)  # auditors see every call but upload for nobody (the "upload" rule)
    form = RecordingUploadForm()
    form.advisor.set_objects(db.session.scalars(
        access.visible_advisors(current_user).outerjoin(User.team)
        .where(Team.archived_at.is_(None)).order_by(User.name)).all())  # no archived teams
    if current_user.is_advisor and request.method == "GET":
        form.advisor.data = current_user.id
    if request.method == "GET" and not form.called_at.data:
        form.called_at.data = timezones.local_naive(timezones.local_now()).replace(
            second=0, microsecond=0)
    if not form.validate_on_submit():
        status = 400 if request.method == "POST" else 200
        return render_template("recordings/upload.html", form=form), status
    advisor: User | None = form.advisor.selected
    if advisor is None:
        abort(404)
    files = [f for f in form.files.data if f and f.filename]
    most = int(current_app.config["MAX_FILES_PER_UPLOAD"])
    if len(files) > most:
        form.files.errors = [f"Choose at most {most} files at once ({len(files)} chosen)."]
        return render_template("recordings/upload.html", form=form), 400
    details = _details_from(form, advisor)
    stored: list[Recording] = []
    rejected: list[service.UploadRejected] = []
    for file in files:
        try:
            stored.append(service.store_upload(file.stream, file.filename, details,
                                               uploaded_by=current_user))
        except service.UploadRejected as exc:
            rejected.append(exc)
    db.session.commit()
    for exc in rejected:
        flash(f"Not uploaded: {exc.filename}: {exc.reason}", "error")
    if not stored:
        form.files.errors = [f"{e.filename}: {e.reason}" for e in rejected] or [
            "Choose at least one file."]
        return render_template("recordings/upload.html", form=form), 400
    flash(f"Uploaded {len(stored)} recording{'s' if len(stored) > 1 else ''}; "
          "processing has started.", "success")
    if len(stored) == 1:
        return redirect(url_for("recordings.detail", recording_id=stored[0].id))
    return redirect(url_for("recordings.index"))


def _details_from(form: RecordingUploadForm | RecordingDetailsForm,
                  advisor: User) -> service.CallDetails:
    called_at = timezones.from_local(form.called_at.data)  # typed in the uploader's zone
    resolved = {"yes": True, "no": False}.get(form.resolved.data)
    return service.CallDetails(
        advisor=advisor, called_at=called_at, title=form.title.data or "",
        direction=Direction(form.direction.data),
        customer_ref=form.customer_ref.data or "", nps=form.nps.data, csat=form.csat.data,
        resolved=resolved, disposition=form.disposition.data or "",
        tags=service.parse_tags(form.tags.data or ""),
        agent_channel=(AgentChannel(form.agent_channel.data) if hasattr(form, "agent_channel")
                       else AgentChannel.LEFT),
    )


@bp.get("/<int:recording_id>")
@login_required
def detail(recording_id: int) -> str:
    from coachlab.plugins import recording_panels, segment_extras
    from coachlab.transcripts.service import LOW_CONFIDENCE, segments_of

    recording = access.get_visible_recording(current_user, recording_id)
    segments = segments_of(recording)
    return render_template("recordings/detail.html", recording=recording, form=EmptyForm(),
                           can_manage=access.can(current_user, "delete", "recording", recording),
                           can_rename=access.can(current_user, "rename", "recording", recording),
                           step_label=step_label(recording.step), segments=segments,
                           low_confidence=LOW_CONFIDENCE,
                           panels=recording_panels(recording, current_user),
                           extras=segment_extras(recording, segments, current_user))


@bp.route("/<int:recording_id>/edit", methods=["GET", "POST"])
@login_required
def edit(recording_id: int) -> str | Response | tuple[str, int]:
    """Coaches and admins correct the call's details; the advisor may rename it."""
    recording = access.get_visible_recording(current_user, recording_id)
    full = access.can(current_user, "edit details of", "recording", recording)
    if not full:
        access.require(current_user, "rename", "recording", recording)
    form = (RecordingDetailsForm if full else RecordingTitleForm)(obj=recording)
    if request.method == "GET" and full:
        form.called_at.data = timezones.local_naive(recording.called_at)
        form.resolved.data = {True: "yes", False: "no"}.get(recording.resolved, "")
        form.tags.data = ", ".join(t.name for t in recording.tags)
    if not form.validate_on_submit():
        status = 400 if request.method == "POST" else 200
        return render_template("recordings/edit.html", form=form, recording=recording,
                               full=full), status
    if full:
        service.update_details(recording, _details_from(form, recording.advisor),
                               acting=current_user)
    else:
        service.rename_recording(recording, form.title.data or "", acting=current_user)
    db.session.commit()
    flash("The call's details are saved.", "success")
    return redirect(url_for("recordings.detail", recording_id=recording.id))


@bp.get("/<int:recording_id>/media")
@login_required
def media(recording_id: int) -> Response:
    recording = access.get_visible_recording(current_user, recording_id)
    try:
        return get_storage().send(recording.storage_key, mimetype=recording.content_type)
    except StorageError:
        abort(404)


@bp.get("/<int:recording_id>/waveform.json")
@login_required
def waveform(recording_id: int) -> Response:
    recording = access.get_visible_recording(current_user, recording_id)
    if not recording.waveform_key:
        abort(404)
    try:
        return get_storage().send(recording.waveform_key, mimetype="application/json")
    except StorageError:
        abort(404)


@bp.get("/<int:recording_id>/status.json")
@login_required
def status(recording_id: int) -> Response:
    recording = access.get_visible_recording(current_user, recording_id)
    return jsonify(status=recording.status.value, progress=recording.progress,
                   step=step_label(recording.step) if recording.step else "",
                   failure_reason=recording.failure_reason)


@bp.post("/<int:recording_id>/retry")
@login_required
def retry(recording_id: int) -> Response:
    recording = access.get_visible_recording(current_user, recording_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        service.retry_processing(recording, acting=current_user)
    except ValueError as exc:
        flash(str(exc), "info")
        return redirect(url_for("recordings.detail", recording_id=recording.id))
    db.session.commit()
    flash("Processing starts again.", "success")
    return redirect(url_for("recordings.detail", recording_id=recording.id))


@bp.post("/<int:recording_id>/delete")
@login_required
def delete(recording_id: int) -> Response:
    recording = access.get_visible_recording(current_user, recording_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    service.delete_recording(recording, acting=current_user)
    db.session.commit()
    flash("The recording and its files are deleted.", "success")
    return redirect(url_for("recordings.index"))
