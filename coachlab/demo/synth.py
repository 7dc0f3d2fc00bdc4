"""Synthetic dual-channel call recordings spoken by espeak-ng.

Used for the demo data and the transcription benchmark: the text and timings of every
turn are known, so the transcripts can be scored. The agent speaks on the LEFT channel,
the customer on the RIGHT, one after the other with a gap between turns.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import tempfile
import wave
from pathlib import Path

import ffmpeg  # ffmpeg-python
import numpy as np

from coachlab.media.ffmpeg import command

log = logging.getLogger(__name__)

SPEAKERS = ("agent", "customer")
LEAD_IN = 0.3  # seconds of silence before the first turn and after the last
SILENCE_THRESHOLD = 64  # |s16 sample| below this counts as silence when trimming
ESPEAK_SPEED = 165  # words per minute


class SynthesisError(RuntimeError):
    pass


def synthesize_call(
    turns: list[tuple[str, str]],
    out_path: str | Path,
    *,
    agent_voice: str = "en-us",
    customer_voice: str = "en-gb",
    gap: float = 0.6,
    sample_rate: int = 16000,
) -> list[dict]:
    """Render ``turns`` ((speaker, text), speaker "agent" or "customer") to a stereo file.

    The format follows the suffix of ``out_path``: ``.wav`` (16-bit PCM), ``.ogg``/``.opus``
    (Opus ~24 kbit/s), anything else as ffmpeg picks for that suffix.
    Returns the timeline ``[{"speaker", "text", "start", "end"}]`` in seconds.
    """
    espeak = shutil.which("espeak-ng")
    if espeak is None:
        raise SynthesisError("espeak-ng is not installed (Debian: apt-get install espeak-ng)")
    voices = {"agent": agent_voice, "customer": customer_voice}
    with tempfile.TemporaryDirectory(prefix="coachlab-synth-") as tmp:
        clips = [
            _speak(espeak, voices[_check_speaker(speaker)], text, Path(tmp) / f"{n}.wav")
            for n, (speaker, text) in enumerate(turns)
        ]
    rate = clips[0][1] if clips else sample_rate
    stereo, timeline = _arrange(turns, [c for c, _ in clips], rate, gap)
    _encode(stereo, rate, Path(out_path), sample_rate)
    log.info("Synthesised %d turns (%.1f s) to %s", len(turns), len(stereo) / rate, out_path)
    return timeline


def _check_speaker(speaker: str) -> str:
    if speaker not in SPEAKERS:
        raise ValueError(f"turn speaker must be 'agent' or 'customer', not {speaker!r}")
    return speaker


def _speak(espeak: str, voice: str, text: str, wav_path: Path) -> tuple[np.ndarray, int]:
    """One turn as trimmed mono int16 samples and their sample rate."""
    result = subprocess.run(
        [espeak, "--stdin", "-v", voice, "-s", str(ESPEAK_SPEED), "-w", str(wav_path)],
        input=text.encode(), capture_output=True, check=False,
    )
    if result.returncode != 0 or not wav_path.exists():
        raise SynthesisError(f"espeak-ng failed for voice {voice!r}: {result.stderr.decode()}")
    with wave.open(str(wav_path)) as w:
        samples = np.frombuffer(w.readframes(w.getnframes()), dtype=np.int16)
        return _trim(samples), w.getframerate()


def _trim(samples: np.ndarray) -> np.ndarray:
    """Drop espeak's leading/trailing silence so the timeline matches the speech."""
    loud = np.flatnonzero(np.abs(samples.astype(np.int32)) > SILENCE_THRESHOLD)
    return samples[loud[0]: loud[-1] + 1] if loud.size else samples[:0]


def _arrange(
    turns: list[tuple[str, str]], clips: list[np.ndarray], rate: int, gap: float
) -> tuple[np.ndarray, list[dict]]:
    """Lay the clips out in sequence: (frames, 2) int16 and the timeline."""
    lead, pause = round(LEAD_IN * rate), round(gap * rate)
    total = 2 * lead + sum(len(c) for c in clips) + pause * max(len(clips) - 1, 0)
    stereo = np.zeros((total, 2), dtype=np.int16)
    timeline, cursor = [], lead
    for (speaker, text), clip in zip(turns, clips, strict=True):
        channel = 0 if speaker == "agent" else 1
        stereo[cursor: cursor + len(clip), channel] = clip
        timeline.append({"speaker": speaker, "text": text, "start": round(cursor / rate, 3),
                         "end": round((cursor + len(clip)) / rate, 3)})
        cursor += len(clip) + pause
    return stereo, timeline


def _encode(stereo: np.ndarray, rate: int, out_path: Path, sample_rate: int) -> None:
    codec = {
        ".wav": {"c:a": "pcm_s16le"},
        ".ogg": {"c:a": "libopus", "b:a": "24k"},
        ".opus": {"c:a": "libopus", "b:a": "24k"},
    }.get(out_path.suffix.lower(), {})
    out_path.parent.mkdir(parents=True, exist_ok=True)
    samples = ffmpeg.input("pipe:0", format="s16le", ar=str(rate), ac="2")
    cmd = command(
        samples.output(str(out_path), ar=str(sample_rate), **codec, map_metadata="-1",
                       fflags="+bitexact", **{"flags:a": "+bitexact"}),
        overwrite=True,
    )
    result = subprocess.run(cmd, input=stereo.tobytes(), capture_output=True, check=False)
    if result.returncode != 0:
        raise SynthesisError(f"ffmpeg could not write {out_path}: {result.stderr.decode()}")
