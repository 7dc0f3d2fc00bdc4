"""The cut job: one clip's file, cut from its recording with coachlab.media.cut.

Enqueue with :func:`queue_cut`; the job machinery (coachlab.jobs) claims, runs and records
failures. Services import this module, never the other way round.
"""

from __future__ import annotations

import contextlib
import logging
import tempfile
import uuid
from pathlib import Path

from flask import Flask, current_app

from clips.models import Clip
from coachlab.jobs import JobKind, queue_job, report_progress
from coachlab.media.cut import CutError, cut_clip
from coachlab.plugins import add_job_kind
from coachlab.storage import StorageError, discard_on_rollback, get_storage

log = logging.getLogger(__name__)

CUT = "clip.cut"


class SourceMissing(RuntimeError):
    pass


def queue_cut(clip: Clip) -> None:
    """Mark the clip waiting to be cut and enqueue its job once the transaction commits."""
    queue_job(CUT, clip)


def cut(clip: Clip) -> None:
    """Cut the clip into a temporary file and store it; the machinery marks it ready."""
    storage = get_storage()
    recording = clip.recording
    tmp_root = Path(current_app.config["UPLOAD_TMP_DIR"])
    tmp_root.mkdir(parents=True, exist_ok=True)
    with contextlib.ExitStack() as stack:
        try:
            src = stack.enter_context(storage.local_path(recording.storage_key))
        except StorageError as exc:
            raise SourceMissing("the recording's media file is missing from storage, so there "
                                "is nothing to cut; upload the recording again") from exc
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="clip-", dir=tmp_root)))
        wanted = tmp / ("clip.mp4" if clip.keep_video and recording.has_video else "clip.ogg")
        report_progress(clip, 20)
        result = cut_clip(src, wanted, clip.start, clip.end, keep_video=clip.keep_video)
        prefix = f"clips/{uuid.uuid4().hex}"
        key = f"{prefix}/clip{result.path.suffix}"
        storage.save(key, result.path)
        discard_on_rollback(prefix)
    clip.media_key = key
    clip.has_video = result.has_video
    clip.content_type = "video/mp4" if result.has_video else "audio/ogg"
    clip.duration_s = round(result.duration, 3)
    clip.size_bytes = result.size
    log.info("clip %s cut: %s (%.2f s)", clip.id, key, result.duration)


def _describe_failure(clip: Clip, exc: BaseException) -> str:
    reason = str(exc)
    if isinstance(exc, CutError):
        reason = "ffmpeg could not cut it: " + reason.splitlines()[0]
    return f"Cutting failed: {reason}"


def init_app(app: Flask) -> None:
    add_job_kind(app, JobKind(name=CUT, model=Clip, run=cut, label="Cutting",
                                   describe_failure=_describe_failure))
