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


def whisper_options(app: Flask) -> dict:
    """The transcription settings of ``app`` as keyword arguments of transcribe_file."""
    cfg = app.config
    return {
        "language": cfg.get("WHISPER_LANGUAGE"),
        "cpu_threads": int(cfg["WHISPER_THREADS"]),
        "beam_size": int(cfg.get("WHISPER_BEAM_SIZE", whisper.DEFAULT_BEAM_SIZE)),
        "batch_size": int(cfg.get("WHISPER_BATCH_SIZE", whisper.DEFAULT_BATCH_SIZE)),
        "parallel_channels": _flag(cfg.get("WHISPER_PARALLEL_CHANNELS",
                                           whisper.DEFAULT_PARALLEL_CHANNELS)),
        "vad_filter": _flag(cfg.get("WHISPER_VAD", whisper.DEFAULT_VAD_FILTER)),
        "condition_on_previous_text": _flag(cfg.get(
            "WHISPER_CONDITION_ON_PREVIOUS_TEXT", whisper.DEFAULT_CONDITION_ON_PREVIOUS_TEXT)),
    }


def _flag(value) -> bool:
    """A boolean setting, also when given as a string ("false", "0", "no", "off")."""
    if isinstance(value, str):
        return value.strip().lower() not in ("", "0", "false", "no", "off")
    return bool(value)


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
        progress=progress, **whisper_options(current_app))
    store_transcript(recording, transcript, model=directory.name if cfg.get("WHISPER_MODEL")
                     else "tiny.en (bundled)")


def _transcribed(recording: Recording) -> bool:
    return recording.transcribed_at is not None


TRANSCRIBE_STEP = Step(name="transcribe", label="Transcribing", run=_transcribe,
                       is_done=_transcribed, weight=8.0)
