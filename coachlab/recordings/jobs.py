"""The processing job of a recording: the pipeline of steps, run by the job machinery."""

from __future__ import annotations

import json
import logging

from flask import Flask

from coachlab.db import db
from coachlab.jobs import JobKind, ProgressReporter, queue_job
from coachlab.media.waveform import compute_waveform
from coachlab.plugins import add_job_kind
from coachlab.recordings.models import Recording
from coachlab.recordings.pipeline import Step, pipeline_steps, step_label
from coachlab.storage import get_storage

log = logging.getLogger(__name__)

PROCESS = "recording.process"


def queue_processing(recording: Recording) -> None:
    """Mark the recording queued and enqueue its job once the transaction commits."""
    queue_job(PROCESS, recording)


def run_pipeline(recording: Recording) -> None:
    """Run the steps not done yet; a re-queued job resumes where it stopped."""
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
    recording.step = ""


def _describe_failure(recording: Recording, exc: BaseException) -> str:
    where = step_label(recording.step) if recording.step else "Opening the recording"
    return f"{where} failed: {exc}"


def init_app(app: Flask) -> None:
    add_job_kind(app, JobKind(name=PROCESS, model=Recording, run=run_pipeline,
                                   label="Processing", describe_failure=_describe_failure))


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
