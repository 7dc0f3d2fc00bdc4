"""The transcription step of the recording pipeline.

Identical media is transcribed once: when another recording of the same file (sha256) and
channel layout already has a transcript made by the same model with the same settings, its
segments and words are copied instead of running Whisper again (see :func:`reusable_transcript`).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import logging
import time
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import sqlalchemy as sa
from flask import Flask, current_app

from coachlab.db import db, utcnow
from coachlab.jobs import JobStatus, report_progress
from coachlab.media import whisper
from coachlab.media.transcript import Segment, Transcript, Word
from coachlab.recordings.models import Recording
from coachlab.recordings.pipeline import ProgressFn, Step
from coachlab.transcripts.models import TranscriptSegment, TranscriptWord
from coachlab.transcripts.service import store_transcript

log = logging.getLogger(__name__)

TRANSCRIBE_STEP_NAME = "transcribe"


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


def model_label(app: Flask, directory: Path) -> str:
    """What ``Recording.transcript_model`` records: the model's name and a digest of
    everything that shapes Whisper's output (the model directory and its weights' size, the
    transcription settings, the faster-whisper and CTranslate2 versions), e.g.
    ``tiny.en (bundled); settings 3f9c2a1b7d4e5f60``. Transcripts are reused only between
    recordings whose labels are equal."""
    name = directory.name[:200] if app.config.get("WHISPER_MODEL") else "tiny.en (bundled)"
    weights = directory / "model.bin"
    identity = {
        "model_dir": str(directory),
        "model_bytes": weights.stat().st_size if weights.is_file() else None,
        "window_seconds": whisper.WINDOW_SECONDS,
        **_library_versions(),
        **whisper_options(app),
    }
    digest = hashlib.sha256(json.dumps(identity, sort_keys=True).encode()).hexdigest()
    return f"{name}; settings {digest[:16]}"


@functools.cache
def _library_versions() -> dict[str, str]:
    return {name: metadata.version(name) for name in ("faster-whisper", "ctranslate2")}


def _transcribe(recording: Recording, path: Path, progress: ProgressFn) -> None:
    directory = model_dir(current_app)
    model = model_label(current_app, directory)
    reused = reusable_transcript(recording, model=model)
    if reused is None and wait_for_twin(recording):
        reused = reusable_transcript(recording, model=model)
    if reused is not None:
        store_transcript(recording, reused.transcript, model=model)
        if reused.talk_time is not None:
            recording.talk_time = reused.talk_time
        db.session.flush()
        progress(1.0)
        log.info("recording %s: reused the transcript of recording %s (same media, channel "
                 "layout and Whisper settings); Whisper not run", recording.id,
                 reused.source_id)
        return
    transcript = whisper.transcribe_file(
        path, agent_channel=recording.agent_channel.value, model_dir=directory,
        progress=progress, **whisper_options(current_app))
    store_transcript(recording, transcript, model=model)
    log.info("recording %s: transcribed with Whisper (%s)", recording.id, model)


TWIN_POLL_S = 1.0  # how often a recording waiting for its twin looks again
HEARTBEAT_S = 10.0  # how often it beats its own job's heart meanwhile


def wait_for_twin(recording: Recording) -> bool:
    """Wait while another worker transcribes the same media with the same channel layout
    (a *twin* with a lower id, so that two recordings never wait for each other), so that
    the file is transcribed once even when two workers meet it at the same time. The wait
    ends when the twin is done, failed, deleted or its heartbeat goes stale; this job's
    heart beats meanwhile. Returns whether it waited."""
    stale_after = dt.timedelta(seconds=current_app.config["JOB_STALE_AFTER_S"])
    waited_for = None
    beat = time.monotonic()
    while True:
        db.session.commit()  # see what the other workers committed
        twin = db.session.scalar(
            sa.select(Recording.id)
            .where(Recording.sha256 == recording.sha256,
                   Recording.agent_channel == recording.agent_channel,
                   Recording.channels == recording.channels,
                   Recording.id < recording.id,
                   Recording.status == JobStatus.PROCESSING,
                   Recording.step == TRANSCRIBE_STEP_NAME,
                   Recording.transcribed_at.is_(None),
                   Recording.heartbeat_at >= utcnow() - stale_after)
            .order_by(Recording.id).limit(1))
        if twin is None:
            return waited_for is not None
        if twin != waited_for:
            log.info("recording %s: waiting for recording %s, the same media, which another "
                     "worker is transcribing", recording.id, twin)
            waited_for = twin
        if time.monotonic() - beat >= HEARTBEAT_S:
            report_progress(recording, recording.progress)
            beat = time.monotonic()
        time.sleep(TWIN_POLL_S)


@dataclass(frozen=True, slots=True)
class ReusedTranscript:
    source_id: int
    transcript: Transcript  # as Whisper made it: coaches' corrections left out
    talk_time: dict | None  # the source's figures when it has no corrections, else None


def reusable_transcript(recording: Recording, *, model: str) -> ReusedTranscript | None:
    """The transcript Whisper made of another recording of the same media (sha256) and
    channel layout with ``model`` (a :func:`model_label`), or None when there is none, in
    which case the recording is transcribed normally."""
    source_id = db.session.scalar(
        sa.select(Recording.id)
        .where(*_same_transcription(recording, model), Recording.id != recording.id)
        .order_by(Recording.transcribed_at, Recording.id)
        .limit(1))
    return None if source_id is None else read_transcript(source_id, recording, model=model)


def _same_transcription(recording: Recording, model: str) -> tuple:
    return (Recording.sha256 == recording.sha256,
            Recording.agent_channel == recording.agent_channel,
            Recording.channels == recording.channels,
            Recording.transcript_model == model,
            Recording.transcribed_at.is_not(None))


def read_transcript(source_id: int, recording: Recording, *,
                    model: str) -> ReusedTranscript | None:
    """Recording ``source_id``'s Whisper transcript, if it still is one ``recording`` may
    reuse. One statement reads the source row, its segments and their words, so the answer
    is consistent even when the source is deleted or re-transcribed meanwhile: a source that
    is gone (or no longer matches) gives None, never an empty or partial transcript."""
    seg, word = TranscriptSegment, TranscriptWord
    rows = db.session.execute(
        sa.select(Recording.transcript_language, Recording.talk_time, seg.id,
                  seg.start, seg.end, seg.original_speaker, seg.original_text, seg.speaker,
                  seg.text, seg.avg_logprob, word.start, word.end, word.word, word.probability)
        .select_from(Recording)
        .outerjoin(seg, seg.recording_id == Recording.id)
        .outerjoin(word, word.segment_id == seg.id)
        .where(Recording.id == source_id, *_same_transcription(recording, model))
        .order_by(seg.position, seg.id, word.position)).all()
    if not rows:
        return None
    segments: dict[int, Segment] = {}
    corrected = False
    for (_, _, seg_id, start, end, speaker, text, shown_speaker, shown_text, logprob,
         w_start, w_end, w_word, w_probability) in rows:
        if seg_id is None:  # a transcript without speech: the source row alone
            continue
        segment = segments.get(seg_id)
        if segment is None:
            segment = segments[seg_id] = Segment(start=start, end=end, speaker=speaker,
                                                 text=text, avg_logprob=logprob, words=[])
            corrected = corrected or shown_text != text or shown_speaker != speaker
        if w_start is not None:
            segment.words.append(Word(w_start, w_end, w_word, w_probability))
    language, talk_time = rows[0][0], rows[0][1]
    transcript = Transcript(duration=recording.duration_s, language=language or "en",
                            segments=list(segments.values()))
    return ReusedTranscript(source_id=source_id, transcript=transcript,
                            talk_time=None if corrected else talk_time)


def _transcribed(recording: Recording) -> bool:
    return recording.transcribed_at is not None


TRANSCRIBE_STEP = Step(name=TRANSCRIBE_STEP_NAME, label="Transcribing", run=_transcribe,
                       is_done=_transcribed, weight=8.0)
