"""The clips panel on the recording page: cutting a clip, and the suggested moments."""


from __future__ import annotations

from flask import (
    abort,
    flash,
    redirect,
    render_template,
    url_for,
)
from flask_login import current_user, login_required
from markupsafe import Markup
from werkzeug.wrappers import Response

from clips import service, suggestions
from clips.forms import (
    ClipCreateForm,
    microskill_choices,
    visibility_choices,
)
from clips.models import ClipKind, Visibility
from clips.suggest import RulesError
from clips.views import back_to_recording, bp, form_errors
from coachlab import access
from coachlab.auth.models import User
from coachlab.db import db
from coachlab.forms import EmptyForm
from coachlab.recordings.models import Recording


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


@bp.post("/recordings/<int:recording_id>/clips")
@login_required
def create(recording_id: int) -> Response:
    recording = access.get_visible_recording(current_user, recording_id)
    form = _clip_form(recording)
    if not form.validate_on_submit():
        flash("The clip was not saved: " + form_errors(form), "error")
        return back_to_recording(recording)
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
        return back_to_recording(recording)
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
        return back_to_recording(recording)
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
    return back_to_recording(recording)


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
        return back_to_recording(recording)
    db.session.commit()
    flash(f"{len(found)} open suggestion{'s' if len(found) != 1 else ''}.", "success")
    return back_to_recording(recording)


