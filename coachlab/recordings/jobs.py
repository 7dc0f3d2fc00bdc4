"""Background jobs of recordings: process (run the pipeline) and re-queue what was lost."""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import socket

import sqlalchemy as sa
from flask import current_app
from huey import crontab

from coachlab.db import db, utcnow
from coachlab.jobs import claim, enqueue_after_commit, huey, job
from coachlab.media.waveform import compute_waveform
from coachlab.recordings.models import Recording, Status
from coachlab.recordings.pipeline import ProgressReporter, Step, pipeline_steps, step_label
from coachlab.storage import get_storage

log = logging.getLogger(__name__)


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def queue_processing(recording: Recording) -> None:
    """Mark the recording queued and enqueue its job once the transaction commits."""
    recording.status = Status.QUEUED
    recording.step = ""
    recording.progress = 0
    recording.failure_reason = ""
    recording.queued_at = utcnow()
    recording.heartbeat_at = None
    recording.worker_id = ""
    enqueue_after_commit(process_recording, recording.id)


@job()
def process_recording(recording_id: int) -> None:
    if not _claim(recording_id):
        log.info("recording %s is not waiting for processing; skipped", recording_id)
        return
    recording = db.session.get(Recording, recording_id)
    try:
        run_pipeline(recording)
    except Exception as exc:
        db.session.rollback()
        _mark_failed(recording_id, exc)
        raise


def _claim(recording_id: int) -> bool:
    return claim(Recording, recording_id, queued=Status.QUEUED, processing=Status.PROCESSING,
                 worker_id=worker_id())


def run_pipeline(recording: Recording) -> None:
    steps = pipeline_steps()
    total = sum(s.weight for s in steps) or 1.0
    done = 0.0
    with get_storage().local_path(recording.storage_key) as path:
        for step in steps:
            if not step.is_done(recording):
                recording.step = step.name
                report = ProgressReporter(recording, done / total, step.weight / total)
                report(0.0)
                log.info("recording %s: %s", recording.id, step.name)
                step.run(recording, path, report)
                db.session.commit()
            done += step.weight
    recording.status = Status.READY
    recording.step = ""
    recording.progress = 100
    recording.heartbeat_at = utcnow()
    db.session.commit()


def _mark_failed(recording_id: int, exc: Exception) -> None:
    recording = db.session.get(Recording, recording_id)
    if recording is None:  # deleted while processing
        return
    where = step_label(recording.step) if recording.step else "Opening the recording"
    recording.status = Status.FAILED
    recording.failure_reason = f"{where} failed: {exc}"[:2000]
    recording.heartbeat_at = utcnow()
    db.session.commit()
    log.warning("recording %s failed: %s", recording_id, recording.failure_reason)


def requeue_interrupted(*, at_worker_start: bool = False) -> list[int]:
    """Put lost jobs back in the queue; returns the recording ids re-queued.

    A job is lost when its worker died (a processing row whose heartbeat went stale, or, at
    worker start, one claimed by a process of this host that no longer exists) or when its
    queue message vanished (a queued row that nobody picked up in time).
    """
    stale = utcnow() - dt.timedelta(seconds=current_app.config["JOB_STALE_AFTER_S"])
    rows = db.session.scalars(
        sa.select(Recording).where(Recording.status.in_([Status.QUEUED, Status.PROCESSING]))
    ).all()
    requeued = []
    for rec in rows:
        if rec.status is Status.PROCESSING:
            lost = (rec.heartbeat_at is None or rec.heartbeat_at < stale
                    or (at_worker_start and _worker_is_dead(rec.worker_id)))
        else:
            lost = rec.queued_at is None or rec.queued_at < stale
        if lost:
            log.warning("re-queueing recording %s (was %s)", rec.id, rec.status.value)
            queue_processing(rec)
            requeued.append(rec.id)
    db.session.commit()
    return requeued


def _worker_is_dead(worker: str) -> bool:
    host, _, pid = worker.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, owned by someone else
        return False
    return False


@huey.periodic_task(crontab(minute="*"))
def requeue_stalled() -> None:
    with huey.flask_app.app_context():
        requeue_interrupted()


# --- the core's own step ---------------------------------------------------------------


def _waveform_done(recording: Recording) -> bool:
    return recording.waveform_key is not None


def _draw_waveform(recording: Recording, path, progress) -> None:
    waveform = compute_waveform(path, channels=recording.channels,
                                duration=recording.duration_s, progress=progress)
    key = f"{recording.storage_prefix}/waveform.json"
    get_storage().save_bytes(key, json.dumps(waveform.to_dict()).encode())
    recording.waveform_key = key


WAVEFORM_STEP = Step(name="waveform", label="Drawing the waveform", run=_draw_waveform,
                     is_done=_waveform_done, weight=1.0)
