"""Pages of clips, by area: the panel on the recording page (``panel``), the clip page and
its comments (``clip_page``), the library (``library``) and playlists (``playlists``).
This module holds the blueprint and the helpers they share."""

from __future__ import annotations

from flask import Blueprint, redirect, url_for
from werkzeug.wrappers import Response

bp = Blueprint("clips", __name__, template_folder="../templates")


def cliptime(seconds: float | None) -> str:
    """Seconds as ``m:ss.s`` (``h:mm:ss.s`` past an hour), for clip bounds and comments."""
    if seconds is None:
        return "—"
    tenths = int(round(max(seconds, 0.0) * 10))
    minutes, rest = divmod(tenths, 600)
    hours, minutes = divmod(minutes, 60)
    secs = f"{rest // 10:02d}.{rest % 10}"
    return f"{hours}:{minutes:02d}:{secs}" if hours else f"{minutes}:{secs}"


def form_errors(form) -> str:
    return "; ".join(f"{form[name].label.text}: {' '.join(errs)}"
                     for name, errs in form.errors.items())


def back_to_recording(recording) -> Response:
    """Back to the clips panel of the recording's page."""
    return redirect(url_for("recordings.detail", recording_id=recording.id, _anchor="clips"))


# the routes of each area register on ``bp`` when imported
from clips.views import clip_page, library, panel, playlists  # noqa: E402, F401
from clips.views.panel import recording_panel  # noqa: E402

__all__ = ["back_to_recording", "bp", "cliptime", "form_errors", "recording_panel"]
