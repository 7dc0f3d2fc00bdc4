"""The clip page: playing, editing, retrying and deleting a clip, its comments, adding it to
a playlist."""


from __future__ import annotations

from flask import (
    abort,
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
from clips import comments, playlists, service
from clips.forms import (
    ClipCommentEditForm,
    ClipCommentForm,
    ClipEditForm,
    PlaylistAddForm,
    microskill_choices,
    visibility_choices,
)
from clips.models import Clip, ClipKind, ClipStatus, Visibility
from clips.views import back_to_recording, bp, form_errors
from coachlab import access
from coachlab.db import db
from coachlab.forms import EmptyForm, options
from coachlab.recordings.models import Recording
from coachlab.storage import StorageError, get_storage


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
        flash("The clip was not changed: " + form_errors(form), "error")
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
        return back_to_recording(recording)
    return redirect(url_for("clips.index"))


def _to_comments(clip: Clip, anchor: str = "comments") -> Response:
    return redirect(url_for("clips.detail", clip_id=clip.id, _anchor=anchor))


@bp.post("/clips/<int:clip_id>/comments")
@login_required
def comment(clip_id: int) -> Response:
    clip = _clip(clip_id)
    form = ClipCommentForm()
    if not form.validate_on_submit():
        flash("The comment was not saved: " + form_errors(form), "error")
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
        flash("The comment was not changed: " + form_errors(form), "error")
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


