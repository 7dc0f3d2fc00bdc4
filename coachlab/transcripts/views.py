from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from coachlab import access
from coachlab.db import db
from coachlab.media import export
from coachlab.transcripts import service
from coachlab.transcripts.forms import SegmentCorrectForm, TranscriptSearchForm
from coachlab.transcripts.models import TranscriptSegment

bp = Blueprint("transcripts", __name__, template_folder="templates")

EXPORTS = {
    "txt": (export.to_text, "text/plain"),
    "vtt": (export.to_webvtt, "text/vtt"),
    "srt": (export.to_srt, "application/x-subrip"),
    "json": (export.to_json, "application/json"),
}


@bp.get("/recordings/<int:recording_id>/transcript.<fmt>")
@login_required
def download(recording_id: int, fmt: str) -> Response:
    recording = access.get_visible_recording(current_user, recording_id)
    if fmt not in EXPORTS or recording.transcribed_at is None:
        abort(404)
    render, mimetype = EXPORTS[fmt]
    body = render(service.load_transcript(recording))
    name = f"recording-{recording.id}-{recording.called_at:%Y%m%d-%H%M}.{fmt}"
    return Response(body, mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.post("/recordings/<int:recording_id>/segments/<int:segment_id>")
@login_required
def correct(recording_id: int, segment_id: int) -> Response:
    recording = access.get_visible_recording(current_user, recording_id)
    segment = db.session.get(TranscriptSegment, segment_id)
    if segment is None or segment.recording_id != recording.id:
        abort(404)
    form = SegmentCorrectForm()
    if not form.validate_on_submit():
        flash("The correction was not saved: " + "; ".join(
            f"{form[name].label.text}: {' '.join(errors)}" for name, errors in form.errors.items()),
            "error")
    else:
        try:
            service.correct_segment(segment, text=form.text.data, speaker=form.speaker.data,
                                    acting=current_user)
            service.refresh_talk_time(recording)
        except service.CorrectionError as exc:
            db.session.rollback()
            flash(str(exc), "error")
        else:
            db.session.commit()
            flash("Correction saved; Whisper's original is kept.", "success")
    return redirect(url_for("recordings.detail", recording_id=recording.id,
                            _anchor=f"segment-{segment_id}"))


@bp.get("/search")
@login_required
def search() -> str:
    form = TranscriptSearchForm(request.args)
    hits = []
    if request.args.get("q") and form.validate():
        hits = service.search(access.visible_recordings(current_user), form.q.data)
    return render_template("transcripts/search.html", form=form, hits=hits,
                           searched=bool(request.args.get("q")))
