"""The transcription step of the recording pipeline."""

from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask, current_app

from coachlab.media import whisper
from coachlab.recordings.models import Recording
from coachlab.recordings.pipeline import ProgressFn, Step
from coachlab.transcripts.service import store_transcript

log = logging.getLogger(__name__)


def model_dir(app: Flask) -> Path:
    return whisper.check_model(app.config.get("WHISPER_MODEL"))


def check_model_at_worker_start(app: Flask) -> None:
    """Say at start-up, not at the first job, when the configured model is unusable."""
    try:
        path = model_dir(app)
    except whisper.WhisperModelError as exc:
        log.error("Transcription will fail: %s (set COACHLAB_WHISPER_MODEL to a CTranslate2 "
                  "Whisper directory, or unset it for the bundled tiny.en)", exc)
    else:
        log.info("Whisper model: %s", path)


def _transcribe(recording: Recording, path: Path, progress: ProgressFn) -> None:
    cfg = current_app.config
    directory = model_dir(current_app)
    transcript = whisper.transcribe_file(
        path, agent_channel=recording.agent_channel.value, model_dir=directory,
        language=cfg.get("WHISPER_LANGUAGE"), progress=progress,
        cpu_threads=int(cfg["WHISPER_THREADS"]))
    store_transcript(recording, transcript, model=directory.name if cfg.get("WHISPER_MODEL")
                     else "tiny.en (bundled)")


def _transcribed(recording: Recording) -> bool:
    return recording.transcribed_at is not None


TRANSCRIBE_STEP = Step(name="transcribe", label="Transcribing", run=_transcribe,
                       is_done=_transcribed, weight=8.0)
