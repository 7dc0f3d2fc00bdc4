"""Pages of clips: cutting on the recording page, the clip page, the library, playlists."""

from __future__ import annotations

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
from markupsafe import Markup
from werkzeug.wrappers import Response

from clips import access as clip_access
from clips import comments, playlists, service, suggestions
from clips.forms import (
    ClipCommentEditForm,
    ClipCommentForm,
    ClipCreateForm,
    ClipEditForm,
    ClipFilterForm,
    PlaylistAddForm,
    PlaylistCreateForm,
    PlaylistMoveForm,
    microskill_choices,
    visibility_choices,
)
from clips.models import Clip, ClipKind, ClipMicroskill, ClipStatus, Playlist, Visibility
from clips.suggest import RulesError
from coachlab import access
from coachlab.auth.models import Team, User
from coachlab.db import db
from coachlab.forms import EmptyForm, options
from coachlab.recordings.models import Recording
from coachlab.storage import StorageError, get_storage
from coachlab.urls import page_number

bp = Blueprint("clips", __name__, template_folder="templates")


def cliptime(seconds: float | None) -> str:
    """Seconds as ``m:ss.s`` (``h:mm:ss.s`` past an hour), for clip bounds and comments."""
    if seconds is None:
        return "—"
    tenths = int(round(max(seconds, 0.0) * 10))
    minutes, rest = divmod(tenths, 600)
    hours, minutes = divmod(minutes, 60)
    secs = f"{rest // 10:02d}.{rest % 10}"
    return f"{hours}:{minutes:02d}:{secs}" if hours else f"{minutes}:{secs}"


def _errors(form) -> str:
    return "; ".join(f"{form[name].label.text}: {' '.join(errs)}"
                     for name, errs in form.errors.items())


# --- on the recording page ------------------------------------------------------------------


def _clip_form(recording: Recording) -> ClipCreateForm:
    form = ClipCreateForm(prefix="clip")
    form.microskills.choices = microskill_choices()
    form.advisor.set_objects(service.advisors_for_clip(current_user, recording))
    form.visibility.choices = visibility_choices(service.visibilities_for(current_user))
    if not form.is_submitted():
        form.advisor.data = recording.advisor_id
    return form


def recording_panel(recording: Recording, user: User) -> Markup:
    """The clips panel under the recording's player (see coachlab.plugins)."""
    may_cut = access.can(user, "cut (from a recording)", "clip", recording)
    may_decide = access.can(user, "see, accept, dismiss, refresh", "moment suggestion",
                            recording)
    return Markup(render_template(
        "clips/_panel.html", recording=recording, may_cut=may_cut,
        form=_clip_form(recording) if may_cut else None, action_form=EmptyForm(),
        clips=service.clips_of(recording, user),
        suggestions=suggestions.open_suggestions(recording) if may_decide else [],
        kind_label=suggestions.kind_label, ready=recording.transcribed_at is not None
        and recording.status.value == "ready"))


def _back_to(recording: Recording) -> Response:
    return redirect(url_for("recordings.detail", recording_id=recording.id, _anchor="clips"))


@bp.post("/recordings/<int:recording_id>/clips")
@login_required
def create(recording_id: int) -> Response:
    recording = access.get_visible_recording(current_user, recording_id)
    form = _clip_form(recording)
    if not form.validate_on_submit():
        flash("The clip was not saved: " + _errors(form), "error")
        return _back_to(recording)
    details = service.ClipDetails(
        title=form.title.data, kind=ClipKind(form.kind.data), reason=form.reason.data or "",
        microskills=form.microskills.data or [], advisor=form.advisor.selected,
        visibility=Visibility(form.visibility.data), keep_video=not form.drop_video.data)
    try:
        clip = service.create_clip(recording, form.start.data, form.end.data, details,
                                   acting=current_user)
    except service.ClipError as exc:
        db.session.rollback()
        flash(f"The clip was not saved: {exc}", "error")
        return _back_to(recording)
    db.session.commit()
    flash("Clip saved.", "success")
    return redirect(url_for("clips.detail", clip_id=clip.id))


def _suggestion_or_404(recording_id: int, suggestion_id: int):
    recording = access.get_visible_recording(current_user, recording_id)
    suggestion = suggestions.get_suggestion(recording, suggestion_id)
    if suggestion is None:
        abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    return recording, suggestion


@bp.post("/recordings/<int:recording_id>/suggestions/<int:suggestion_id>/accept")
@login_required
def accept_suggestion(recording_id: int, suggestion_id: int) -> Response:
    recording, suggestion = _suggestion_or_404(recording_id, suggestion_id)
    try:
        clip = suggestions.accept_suggestion(suggestion, acting=current_user)
    except service.ClipError as exc:
        db.session.rollback()
        flash(f"No clip made: {exc}", "error")
        return _back_to(recording)
    db.session.commit()
    flash(f"Clip made from the suggestion: {clip.title}.", "success")
    return redirect(url_for("clips.detail", clip_id=clip.id))


@bp.post("/recordings/<int:recording_id>/suggestions/<int:suggestion_id>/dismiss")
@login_required
def dismiss_suggestion(recording_id: int, suggestion_id: int) -> Response:
    recording, suggestion = _suggestion_or_404(recording_id, suggestion_id)
    suggestions.dismiss_suggestion(suggestion, acting=current_user)
    db.session.commit()
    flash("Suggestion dismissed; it will not come back.", "success")
    return _back_to(recording)


@bp.post("/recordings/<int:recording_id>/suggestions/refresh")
@login_required
def refresh_suggestions(recording_id: int) -> Response:
    recording = access.get_visible_recording(current_user, recording_id)
    access.require(current_user, "see, accept, dismiss, refresh", "moment suggestion", recording)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        found = suggestions.refresh_suggestions(recording)
    except RulesError as exc:
        db.session.rollback()
        flash(f"The suggestion rules cannot be used: {exc}", "error")
        return _back_to(recording)
    db.session.commit()
    flash(f"{len(found)} open suggestion{'s' if len(found) != 1 else ''}.", "success")
    return _back_to(recording)


# --- the clip page ---------------------------------------------------------------------------


def _clip(clip_id: int) -> Clip:
    return clip_access.get_visible_clip(current_user, clip_id)


def _playlist_add_form() -> PlaylistAddForm:
    form = PlaylistAddForm()
    form.playlist.set_objects(playlists.editable_playlists(current_user))
    return form


@bp.get("/clips/<int:clip_id>")
@login_required
def detail(clip_id: int) -> str:
    clip = _clip(clip_id)
    recording_visible = access.can(current_user, "see", "recording", clip.recording)
    may_manage = access.can(current_user, "change, retry, delete", "clip", clip)
    names = service.microskill_codes()
    return render_template(
        "clips/detail.html", clip=clip, segments=service.clip_transcript(clip),
        comment_form=ClipCommentForm(formdata=None), edit_form=ClipCommentEditForm(formdata=None),
        action_form=EmptyForm(), playlist_form=_playlist_add_form(),
        can_manage=may_manage, clip_edit_form=_clip_edit_form(clip) if may_manage else None,
        recording_visible=recording_visible, microskill_names=names,
        share_url=url_for("clips.detail", clip_id=clip.id, _external=True))


def _clip_edit_form(clip: Clip, *, formdata=None) -> ClipEditForm:
    form = ClipEditForm(formdata=formdata, obj=None if formdata else clip)
    choices = microskill_choices()
    known = {c.value for c in choices}
    # a microskill an admin since switched off stays selectable on the clips that have it
    form.microskills.choices = choices + options((c, c) for c in clip.microskills
                                                 if c not in known)
    allowed = service.visibilities_for(current_user)
    if clip.visibility not in allowed:
        allowed = [*allowed, clip.visibility]
    form.visibility.choices = visibility_choices(allowed)
    if formdata is None:
        form.kind.data = clip.kind.value
        form.visibility.data = clip.visibility.value
        form.microskills.data = clip.microskills
    return form


@bp.post("/clips/<int:clip_id>/edit")
@login_required
def edit(clip_id: int) -> Response:
    clip = _clip(clip_id)
    form = _clip_edit_form(clip, formdata=request.form)
    if not form.validate_on_submit():
        flash("The clip was not changed: " + _errors(form), "error")
        return redirect(url_for("clips.detail", clip_id=clip.id))
    try:
        service.update_clip(clip, title=form.title.data, kind=ClipKind(form.kind.data),
                            reason=form.reason.data or "", microskills=form.microskills.data,
                            visibility=Visibility(form.visibility.data), acting=current_user)
    except service.ClipError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash("The clip is updated.", "success")
    return redirect(url_for("clips.detail", clip_id=clip.id))


@bp.get("/clips/<int:clip_id>/media")
@login_required
def media(clip_id: int) -> Response:
    clip = _clip(clip_id)
    if clip.status is not ClipStatus.READY or not clip.media_key:
        abort(404)
    try:
        return get_storage().send(clip.media_key, mimetype=clip.content_type)
    except StorageError:
        abort(404)


@bp.get("/clips/<int:clip_id>/status.json")
@login_required
def status(clip_id: int) -> Response:
    clip = _clip(clip_id)
    step = {ClipStatus.PROCESSING: "Cutting"}.get(clip.status, "")
    return jsonify(status=clip.status.value, progress=clip.progress, step=step,
                   failure_reason=clip.failure_reason)


@bp.post("/clips/<int:clip_id>/retry")
@login_required
def retry(clip_id: int) -> Response:
    clip = _clip(clip_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        service.retry_clip(clip, acting=current_user)
    except service.ClipError as exc:
        flash(str(exc), "info")
        return redirect(url_for("clips.detail", clip_id=clip.id))
    db.session.commit()
    flash("Cutting starts again.", "success")
    return redirect(url_for("clips.detail", clip_id=clip.id))


@bp.post("/clips/<int:clip_id>/delete")
@login_required
def delete(clip_id: int) -> Response:
    clip = _clip(clip_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    recording_id = clip.recording_id
    service.delete_clip(clip, acting=current_user)
    db.session.commit()
    flash("The clip is deleted.", "success")
    recording = db.session.scalar(access.visible_recordings(current_user)
                                  .where(Recording.id == recording_id))
    if recording is not None:
        return _back_to(recording)
    return redirect(url_for("clips.index"))


def _to_comments(clip: Clip, anchor: str = "comments") -> Response:
    return redirect(url_for("clips.detail", clip_id=clip.id, _anchor=anchor))


@bp.post("/clips/<int:clip_id>/comments")
@login_required
def comment(clip_id: int) -> Response:
    clip = _clip(clip_id)
    form = ClipCommentForm()
    if not form.validate_on_submit():
        flash("The comment was not saved: " + _errors(form), "error")
        return _to_comments(clip)
    try:
        added = comments.add_comment(clip, at_second=form.at_second.data, body=form.body.data,
                                     acting=current_user)
    except service.ClipError as exc:
        db.session.rollback()
        flash(f"The comment was not saved: {exc}", "error")
        return _to_comments(clip)
    db.session.commit()
    return _to_comments(clip, f"comment-{added.id}")


def _own_comment(clip_id: int, comment_id: int):
    clip = _clip(clip_id)
    found = comments.get_comment(clip, comment_id)
    if found is None:
        abort(404)
    return clip, found


@bp.post("/clips/<int:clip_id>/comments/<int:comment_id>/edit")
@login_required
def comment_edit(clip_id: int, comment_id: int) -> Response:
    clip, found = _own_comment(clip_id, comment_id)
    form = ClipCommentEditForm()
    if not form.validate_on_submit():
        flash("The comment was not changed: " + _errors(form), "error")
        return _to_comments(clip, f"comment-{found.id}")
    try:
        comments.edit_comment(found, body=form.body.data, acting=current_user)
    except service.ClipError as exc:
        db.session.rollback()
        flash(f"The comment was not changed: {exc}", "error")
    else:
        db.session.commit()
    return _to_comments(clip, f"comment-{found.id}")


@bp.post("/clips/<int:clip_id>/comments/<int:comment_id>/delete")
@login_required
def comment_delete(clip_id: int, comment_id: int) -> Response:
    clip, found = _own_comment(clip_id, comment_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    comments.delete_comment(found, acting=current_user)
    db.session.commit()
    flash("Comment deleted.", "success")
    return _to_comments(clip)


@bp.post("/clips/<int:clip_id>/playlists")
@login_required
def add_to_playlist(clip_id: int) -> Response:
    clip = _clip(clip_id)
    form = _playlist_add_form()
    if not form.validate_on_submit() or form.playlist.selected is None:
        flash("Choose one of your playlists.", "error")
        return redirect(url_for("clips.detail", clip_id=clip.id))
    playlist = form.playlist.selected
    try:
        playlists.add_clip(playlist, clip, acting=current_user)
    except service.ClipError as exc:
        db.session.rollback()
        flash(str(exc), "info")
        return redirect(url_for("clips.detail", clip_id=clip.id))
    db.session.commit()
    flash(Markup("Added to <a href=\"{}\">{}</a>.").format(
        url_for("clips.playlist", playlist_id=playlist.id), playlist.name), "success")
    return redirect(url_for("clips.detail", clip_id=clip.id))


# --- the library ----------------------------------------------------------------------------


def _filter_form(query: sa.Select) -> ClipFilterForm:
    form = ClipFilterForm(request.args)
    clip_ids = query.with_only_columns(Clip.id)
    advisors = db.session.scalars(sa.select(User).where(
        User.id.in_(query.with_only_columns(Clip.advisor_id))).order_by(User.name)).all()
    teams = db.session.scalars(sa.select(Team).where(
        Team.id.in_(query.with_only_columns(Clip.team_id))).order_by(Team.name)).all()
    used = set(db.session.scalars(sa.select(ClipMicroskill.code).where(
        ClipMicroskill.clip_id.in_(clip_ids))))
    form.microskill.choices = options([("", "Any microskill")] + [
        (c.value, c.label) for c in microskill_choices() if c.value in used])
    form.advisor.choices = options([("", "All advisors")] + [(str(a.id), a.name)
                                                             for a in advisors])
    form.team.choices = options([("", "All teams")] + [(str(t.id), t.name) for t in teams])
    return form


def _apply_filters(query: sa.Select, form: ClipFilterForm) -> sa.Select:
    if form.microskill.data:
        query = query.where(Clip.id.in_(sa.select(ClipMicroskill.clip_id).where(
            ClipMicroskill.code == form.microskill.data)))
    if form.kind.data:
        query = query.where(Clip.kind == ClipKind(form.kind.data))
    if form.advisor.data:
        query = query.where(Clip.advisor_id == int(form.advisor.data))
    if form.team.data:
        query = query.where(Clip.team_id == int(form.team.data))
    return query


def _library(query: sa.Select, *, template: str, **context) -> str:
    form = _filter_form(query)
    if form.validate():
        query = _apply_filters(query, form)
    page = db.paginate(query.order_by(Clip.created_at.desc(), Clip.id.desc()),
                       page=page_number(), per_page=current_app.config["CLIPS_PER_PAGE"],
                       error_out=False)
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template(template, page=page, form=form, args=args,
                           microskill_names=service.microskill_codes(), **context)


@bp.get("/clips/")
@login_required
def index() -> str:
    return _library(service.visible_clips(current_user), template="clips/index.html",
                    endpoint="clips.index", heading="Clips")


@bp.get("/clips/good-calls")
@login_required
def good_calls() -> str:
    """Peers' good moments shared with the team or the library; not your own."""
    query = service.visible_clips(current_user).where(
        Clip.kind == ClipKind.GOOD_MOMENT, Clip.advisor_id != current_user.id,
        Clip.visibility.in_([Visibility.TEAM, Visibility.LIBRARY]),
        Clip.status == ClipStatus.READY)
    return _library(query, template="clips/index.html", endpoint="clips.good_calls",
                    heading="Others' good calls")


# --- playlists ------------------------------------------------------------------------------


def _playlist_form() -> PlaylistCreateForm:
    form = PlaylistCreateForm()
    form.visibility.choices = visibility_choices(service.visibilities_for(current_user))
    form.team.set_objects(playlists.teams_for_playlists(current_user))
    return form


@bp.get("/playlists/")
@login_required
def playlist_index() -> str:
    query = playlists.visible_playlists(current_user)
    found = db.session.scalars(query.order_by(Playlist.name)).all()
    return render_template("clips/playlists.html", playlists=found, form=_playlist_form(),
                           counts=playlists.visible_counts(found, current_user))


@bp.post("/playlists/")
@login_required
def playlist_create() -> Response | tuple[str, int]:
    form = _playlist_form()
    if not form.validate_on_submit():
        found = db.session.scalars(playlists.visible_playlists(current_user)
                                   .order_by(Playlist.name)).all()
        return render_template("clips/playlists.html", playlists=found, form=form,
                               counts=playlists.visible_counts(found, current_user)), 400
    try:
        playlist = playlists.create_playlist(
            name=form.name.data, description=form.description.data or "",
            visibility=Visibility(form.visibility.data), team=form.team.selected,
            acting=current_user)
    except service.ClipError as exc:
        db.session.rollback()
        flash(f"The playlist was not made: {exc}", "error")
        return redirect(url_for("clips.playlist_index"))
    db.session.commit()
    flash("Playlist made; add clips from their pages.", "success")
    return redirect(url_for("clips.playlist", playlist_id=playlist.id))


@bp.get("/playlists/<int:playlist_id>")
@login_required
def playlist(playlist_id: int) -> str:
    found = playlists.get_visible_playlist(current_user, playlist_id)
    return render_template("clips/playlist.html", playlist=found,
                           items=playlists.visible_items(found, current_user),
                           can_edit=access.can(current_user, "change, reorder, delete",
                                               "playlist", found),
                           action_form=EmptyForm())


def _editable_item(playlist_id: int, item_id: int):
    found = playlists.get_visible_playlist(current_user, playlist_id)
    item = playlists.get_item(found, item_id)
    if item is None:
        abort(404)
    return found, item


@bp.post("/playlists/<int:playlist_id>/items/<int:item_id>/remove")
@login_required
def playlist_remove(playlist_id: int, item_id: int) -> Response:
    found, item = _editable_item(playlist_id, item_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    playlists.remove_item(item, acting=current_user)
    db.session.commit()
    flash("Removed from the playlist.", "success")
    return redirect(url_for("clips.playlist", playlist_id=found.id))


@bp.post("/playlists/<int:playlist_id>/items/<int:item_id>/move")
@login_required
def playlist_move(playlist_id: int, item_id: int) -> Response:
    found, item = _editable_item(playlist_id, item_id)
    form = PlaylistMoveForm()
    if not form.validate_on_submit():
        abort(400)
    playlists.move_item(item, -1 if form.direction.data == "up" else 1, acting=current_user)
    db.session.commit()
    return redirect(url_for("clips.playlist", playlist_id=found.id, _anchor=f"item-{item_id}"))


@bp.post("/playlists/<int:playlist_id>/delete")
@login_required
def playlist_delete(playlist_id: int) -> Response:
    found = playlists.get_visible_playlist(current_user, playlist_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    playlists.delete_playlist(found, acting=current_user)
    db.session.commit()
    flash("Playlist deleted; its clips are kept.", "success")
    return redirect(url_for("clips.playlist_index"))
