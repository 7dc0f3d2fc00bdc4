"""The cut job: one clip's file, cut from its recording with coachlab.media.cut."""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import tempfile
import uuid
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from huey import crontab

from clips.models import Clip, ClipStatus
from coachlab.db import db, utcnow
from coachlab.jobs import claim, huey, job
from coachlab.media.cut import CutError, cut_clip
from coachlab.storage import StorageError, discard_on_rollback, get_storage

log = logging.getLogger(__name__)


class SourceMissing(RuntimeError):
    pass


@job()
def cut_clip_job(clip_id: int) -> None:
    if not _claim(clip_id):
        log.info("clip %s is not waiting to be cut; skipped", clip_id)
        return
    clip = db.session.get(Clip, clip_id)
    try:
        cut(clip)
    except Exception as exc:
        db.session.rollback()
        _mark_failed(clip_id, exc)
        raise


def _claim(clip_id: int) -> bool:
    return claim(Clip, clip_id, queued=ClipStatus.QUEUED, processing=ClipStatus.PROCESSING,
                 progress=5)


def cut(clip: Clip) -> None:
    """Cut the clip into a temporary file, store it, and mark the clip ready."""
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
        clip.progress = 20
        clip.heartbeat_at = utcnow()
        db.session.commit()
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
    clip.status = ClipStatus.READY
    clip.progress = 100
    clip.heartbeat_at = utcnow()
    db.session.commit()
    log.info("clip %s cut: %s (%.2f s)", clip.id, key, result.duration)


def _mark_failed(clip_id: int, exc: Exception) -> None:
    clip = db.session.get(Clip, clip_id)
    if clip is None:  # deleted while cutting
        return
    reason = str(exc)
    if isinstance(exc, CutError):
        reason = "ffmpeg could not cut it: " + reason.splitlines()[0]
    clip.status = ClipStatus.FAILED
    clip.failure_reason = f"Cutting failed: {reason}"[:2000]
    clip.heartbeat_at = utcnow()
    db.session.commit()
    log.warning("clip %s failed: %s", clip_id, clip.failure_reason)


def requeue_lost_clips() -> list[int]:
    """Queued or processing clips whose job was lost (a dead worker, a lost message)."""
    from clips.service import queue_cut

    stale = utcnow() - dt.timedelta(seconds=current_app.config["JOB_STALE_AFTER_S"])
    lost = db.session.scalars(sa.select(Clip).where(sa.or_(
        sa.and_(Clip.status == ClipStatus.QUEUED,
                sa.or_(Clip.queued_at.is_(None), Clip.queued_at < stale)),
        sa.and_(Clip.status == ClipStatus.PROCESSING,
                sa.or_(Clip.heartbeat_at.is_(None), Clip.heartbeat_at < stale))))).all()
    for clip in lost:
        log.warning("re-queueing clip %s (was %s)", clip.id, clip.status.value)
        queue_cut(clip)
    db.session.commit()
    return [c.id for c in lost]


@huey.periodic_task(crontab(minute="*"))
def requeue_stalled_clips() -> None:
    with huey.flask_app.app_context():
        requeue_lost_clips()
