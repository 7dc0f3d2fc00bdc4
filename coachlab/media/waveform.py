"""Waveform peaks for the player, decoded by ffmpeg and downsampled as the audio streams by.

Memory stays constant whatever the recording's length: ffmpeg writes raw samples to a
pipe and each chunk is reduced to its per-bucket maxima before the next is read.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from dataclasses import dataclass

import ffmpeg  # ffmpeg-python
import numpy as np

from coachlab.media.ffmpeg import command

DECODE_RATE = 8000  # Hz: plenty for drawing, cheap to decode
MAX_POINTS = 40_000  # per channel, whatever the length
MAX_PEAKS_PER_SECOND = 100
MIN_PEAKS_PER_SECOND = 5


class WaveformError(RuntimeError):
    pass


@dataclass(slots=True)
class Waveform:
    duration: float
    peaks_per_second: float
    peaks: list[list[float]]  # one list per channel, values 0..1

    def to_dict(self) -> dict:
        return {"duration": round(self.duration, 3), "peaks_per_second": self.peaks_per_second,
                "peaks": self.peaks}


def peaks_per_second_for(duration: float) -> int:
    if duration <= 0:
        return MAX_PEAKS_PER_SECOND
    return int(max(MIN_PEAKS_PER_SECOND, min(MAX_PEAKS_PER_SECOND, MAX_POINTS // duration)))


def waveform_command(path: str | os.PathLike, channels: int) -> list[str]:
    """ffmpeg argv decoding the first audio stream to raw s16le at DECODE_RATE on stdout."""
    return command(
        ffmpeg.input(os.fspath(path))["a:0"].output(
            "pipe:1", format="s16le", acodec="pcm_s16le", ac=str(channels), ar=str(DECODE_RATE),
            vn=None,
        )
    )


def compute_waveform(path: str | os.PathLike, *, channels: int, duration: float,
                     progress: Callable[[float], None] | None = None) -> Waveform:
    channels = 2 if channels >= 2 else 1
    pps = peaks_per_second_for(duration)
    bucket = max(1, DECODE_RATE // pps)
    cmd = waveform_command(path, channels)
    frame_bytes = 2 * channels
    chunk_frames = bucket * 256
    expected_frames = max(1, int(duration * DECODE_RATE))
    sums: list[list[np.ndarray]] = [[] for _ in range(channels)]
    leftover = b""
    done_frames = 0
    with subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as proc:
        try:
            while chunk := proc.stdout.read(chunk_frames * frame_bytes):
                data = leftover + chunk
                usable = len(data) - len(data) % (bucket * frame_bytes)
                leftover = data[usable:]
                _reduce(data[:usable], channels, bucket, sums)
                done_frames += usable // frame_bytes
                if progress:
                    progress(min(1.0, done_frames / expected_frames))
            tail = leftover[: len(leftover) - len(leftover) % frame_bytes]
            if tail:
                _reduce(tail, channels, len(tail) // frame_bytes, sums)
                done_frames += len(tail) // frame_bytes
            stderr = proc.stderr.read().decode(errors="replace")
        except BaseException:
            proc.kill()
            raise
        if proc.wait() != 0:
            raise WaveformError(f"ffmpeg could not decode the audio: {stderr.strip()[-400:]}")
    peaks = [np.concatenate(c).round(3).tolist() if c else [] for c in sums]
    return Waveform(duration=done_frames / DECODE_RATE, peaks_per_second=DECODE_RATE / bucket,
                    peaks=peaks)


def _reduce(raw: bytes, channels: int, bucket: int, out: list[list[np.ndarray]]) -> None:
    samples = np.frombuffer(raw, dtype="<i2").reshape(-1, channels)
    frames = samples.shape[0] - samples.shape[0] % bucket
    if frames == 0:
        return
    blocks = np.abs(samples[:frames].astype(np.int32)).reshape(-1, bucket, channels).max(axis=1)
    for ch in range(channels):
        out[ch].append(blocks[:, ch] / 32768.0)
