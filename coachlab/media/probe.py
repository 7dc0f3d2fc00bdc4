"""Checking that an uploaded file is playable audio (or video with audio), with PyAV."""

from __future__ import annotations

import os
import struct
from dataclasses import dataclass
from pathlib import Path

import av

# A file is called truncated when it holds less audio than its header promises, beyond
# this share and a little slack for encoder padding.
TRUNCATION_TOLERANCE = 0.05
TRUNCATION_SLACK_S = 0.5
FRAMES_TO_DECODE = 8


class ProbeError(ValueError):
    """The file is not something we can play; the message is for the uploader."""


@dataclass(frozen=True, slots=True)
class MediaInfo:
    duration: float
    container: str
    audio_codec: str
    channels: int
    sample_rate: int
    has_video: bool
    video_codec: str | None = None

    @property
    def is_stereo(self) -> bool:
        return self.channels >= 2


def probe(path: str | os.PathLike) -> MediaInfo:
    """Open, demux and partly decode ``path``; raise :class:`ProbeError` with a clear reason."""
    path = Path(path)
    if not path.is_file() or path.stat().st_size == 0:
        raise ProbeError("The file is empty.")
    _check_wav_length(path)
    try:
        container = av.open(os.fspath(path))
    except (av.FFmpegError, UnicodeDecodeError) as exc:
        raise ProbeError("This is not an audio or video file we can play.") from exc
    with container:
        if not container.streams.audio:
            if container.streams.video:
                raise ProbeError("This video has no sound track.")
            raise ProbeError("This file has no audio stream.")
        audio = container.streams.audio[0]
        video = container.streams.video[0] if container.streams.video else None
        declared = _declared_duration(container, audio)
        actual = _demux_audio(container, audio)
    duration = actual if actual > 0 else declared
    if declared and actual and actual < declared * (1 - TRUNCATION_TOLERANCE) - TRUNCATION_SLACK_S:
        raise ProbeError(
            f"The file looks truncated: it should last {declared:.1f} s but holds "
            f"only {actual:.1f} s of audio. Upload the complete file."
        )
    if duration <= 0:
        raise ProbeError("The file holds no audio.")
    return MediaInfo(
        duration=duration,
        container=container.format.name,
        audio_codec=audio.codec_context.name,
        channels=audio.codec_context.channels,
        sample_rate=audio.codec_context.sample_rate or 0,
        has_video=video is not None,
        video_codec=video.codec_context.name if video is not None else None,
    )


def _declared_duration(container: av.container.InputContainer, audio: av.AudioStream) -> float:
    if audio.duration is not None and audio.time_base is not None:
        return float(audio.duration * audio.time_base)
    if container.duration is not None:
        return container.duration / av.time_base
    return 0.0


def _demux_audio(container: av.container.InputContainer, audio: av.AudioStream) -> float:
    """Read every audio packet (cheap: no decoding) and decode the first few frames.

    Returns the audio's real length from the packets' timestamps, which is what tells a
    truncated file from a whole one.
    """
    start = None
    end = 0.0
    decoded = 0
    try:
        for packet in container.demux(audio):
            if packet.pts is not None and packet.time_base is not None:
                t0 = float(packet.pts * packet.time_base)
                start = t0 if start is None else min(start, t0)
                end = max(end, t0 + float((packet.duration or 0) * packet.time_base))
            if decoded < FRAMES_TO_DECODE and packet.size:
                decoded += len(packet.decode())
    except av.FFmpegError as exc:
        raise ProbeError(f"The file is damaged and cannot be read to the end ({exc}).") from exc
    if decoded == 0:
        raise ProbeError("The audio in this file cannot be decoded.")
    return max(0.0, end - (start or 0.0))


def _check_wav_length(path: Path) -> None:
    """A WAV header states its data size; ffmpeg quietly plays what is there, so check it.

    Only RIFF/WAVE files are looked at; other formats are judged by their timestamps.
    """
    size = path.stat().st_size
    with path.open("rb") as f:
        header = f.read(12)
        if len(header) < 12 or header[:4] != b"RIFF" or header[8:12] != b"WAVE":
            return
        offset = 12
        while offset + 8 <= size:
            f.seek(offset)
            chunk_id, chunk_size = struct.unpack("<4sI", f.read(8))
            if chunk_id == b"data":
                present = size - offset - 8
                streaming = chunk_size in (0, 0xFFFFFFFF)  # written by a live recorder
                if not streaming and present < chunk_size * (1 - TRUNCATION_TOLERANCE):
                    raise ProbeError(
                        f"The file looks truncated: its header announces {chunk_size} bytes "
                        f"of audio but only {present} are there. Upload the complete file.")
                return
            offset += 8 + chunk_size + (chunk_size & 1)
