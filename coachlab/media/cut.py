"""Cutting a coaching clip out of a recording, frame-accurately.

The cut seeks on the *input* (``-ss`` before ``-i``) so ffmpeg jumps close to the start
without decoding the hours before it, then decodes a short pre-roll, drops the samples
before ``start`` and re-encodes exactly ``end - start`` seconds. A stream copy would be
faster but starts on a packet/page/keyframe boundary (an Ogg copy measured 370 ms early).

Output: Opus in Ogg (or WebM) for audio, H.264 + AAC in MP4 when the source has video and
``keep_video`` is set. Channels are kept as they are (a dual-channel call stays stereo).
"""

from __future__ import annotations

import contextlib
import logging
import math
import os
import subprocess
import uuid
from dataclasses import dataclass
from pathlib import Path

import av
import ffmpeg  # ffmpeg-python

from coachlab.media.ffmpeg import command

log = logging.getLogger(__name__)

#: Opus bit rate per channel count; speech is transparent well below these.
OPUS_BITRATE = {1: "32k", 2: "48k"}
#: libopus effort, 0-10 (ffmpeg default 10). 5 encodes about twice as fast with no audible
#: difference on call audio at these bit rates.
OPUS_COMPRESSION = 5
AAC_BITRATE = "96k"
AUDIO_SUFFIXES = {".ogg": "ogg", ".opus": "ogg", ".oga": "ogg", ".webm": "webm"}
VIDEO_SUFFIXES = {".mp4": "mp4", ".m4v": "mp4"}
#: ``end`` may exceed the probed duration by this much (rounding in stored figures).
END_TOLERANCE = 0.005
#: Lines of ffmpeg's stderr quoted in a CutError.
STDERR_LINES = 8
#: Seconds decoded and dropped before the start. Input seeking alone (``-ss`` before ``-i``)
#: is exact for Ogg/Opus and WAV but lands up to one AAC frame early on AAC in MP4/M4A
#: (64 ms at 16 kHz: the encoder-delay edit list is misapplied after a seek, ffmpeg 9.0);
#: seeking on the input to a little before the start and trimming the rest on the output
#: side is exact for all of them and still skips the hours before the clip.
PREROLL = 3.0
#: Wall-clock limit for one cut (s).
TIMEOUT = 600


class CutError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class CutResult:
    path: Path
    duration: float
    has_video: bool
    size: int


@dataclass(frozen=True, slots=True)
class _Probe:
    duration: float
    has_audio: bool
    has_video: bool
    channels: int


def _probe(path: Path) -> _Probe:
    """Duration and streams of a media file, with PyAV (the bundled ffmpeg has no ffprobe)."""
    try:
        with av.open(str(path)) as container:
            audio = [s for s in container.streams.audio]
            video = [
                s
                for s in container.streams.video
                if not s.disposition & av.stream.Disposition.attached_pic
            ]
            duration = _container_duration(container)
            channels = audio[0].codec_context.channels if audio else 0
    except av.FFmpegError as exc:
        raise CutError(f"cannot read media file {path}: {exc}") from exc
    return _Probe(duration, bool(audio), bool(video), channels)


def _container_duration(container) -> float:
    if container.duration is not None and container.duration > 0:
        return container.duration / av.time_base - _ogg_opus_preskip(container)
    durations = [
        float(s.duration * s.time_base)
        for s in container.streams
        if s.duration is not None and s.time_base is not None
    ]
    if durations:
        return max(durations)
    # Streamed files (e.g. MediaRecorder WebM) carry no duration: read the packet times.
    end = 0.0
    for packet in container.demux():
        if packet.pts is None or packet.time_base is None:
            continue
        end = max(end, float((packet.pts + (packet.duration or 0)) * packet.time_base))
    return end


def _ogg_opus_preskip(container) -> float:
    """Opus pre-skip (encoder delay) in s; the Ogg demuxer counts it in the duration."""
    if "ogg" not in container.format.name.split(","):
        return 0.0
    streams = list(container.streams.audio)
    if len(streams) != 1 or streams[0].codec_context.name != "opus":
        return 0.0
    head = streams[0].codec_context.extradata or b""
    if len(head) < 12 or not head.startswith(b"OpusHead"):
        return 0.0
    return int.from_bytes(head[10:12], "little") / 48000


def _probe_duration(path: str | os.PathLike) -> float:
    return _probe(Path(path)).duration


def _output_path(out: Path, video: bool) -> tuple[Path, str]:
    """The path actually written and its muxer; a suffix unfit for the content is replaced."""
    table, default = (VIDEO_SUFFIXES, ".mp4") if video else (AUDIO_SUFFIXES, ".ogg")
    suffix = out.suffix.lower()
    if suffix in table:
        return out, table[suffix]
    fixed = out.with_suffix(default)
    log.info("clip %s holds %s: writing %s", out, "video" if video else "audio", fixed)
    return fixed, table[default]


def cut_clip(
    src: str | os.PathLike,
    out: str | os.PathLike,
    start: float,
    end: float,
    *,
    keep_video: bool = True,
) -> CutResult:
    """Cut ``[start, end)`` seconds of ``src`` into ``out``.

    If ``out``'s suffix does not fit the content (``.ogg``/``.opus``/``.webm`` for audio,
    ``.mp4`` for video) it is replaced; :attr:`CutResult.path` is the file written. The file
    appears atomically: ffmpeg writes a temporary file next to it that is renamed on success
    and removed on failure.
    """
    src = Path(src)
    if not src.is_file():
        raise CutError(f"source file not found: {src}")
    if not (math.isfinite(start) and math.isfinite(end)):
        raise CutError(f"start and end must be finite numbers, got {start!r} and {end!r}")
    if start < 0:
        raise CutError(f"start must be >= 0, got {start:.3f}")
    if end <= start:
        raise CutError(f"end ({end:.3f}) must be after start ({start:.3f})")
    info = _probe(src)
    if end > info.duration + END_TOLERANCE:
        raise CutError(f"end ({end:.3f} s) is beyond the source duration ({info.duration:.3f} s)")
    end = min(end, info.duration)
    if end <= start:
        raise CutError(f"start ({start:.3f} s) is at the end of the source ({info.duration:.3f} s)")
    video = keep_video and info.has_video
    if not video and not info.has_audio:
        raise CutError(f"{src} has no audio stream to cut")

    path, fmt = _output_path(Path(out), video)
    path.parent.mkdir(parents=True, exist_ok=True)
    # Hidden, unique and in the same directory, so os.replace() is an atomic rename.
    tmp = path.with_name(f".{path.stem}.{uuid.uuid4().hex[:12]}.part")
    try:
        _run_ffmpeg(src, tmp, fmt, start, end - start, info, video)
        result = _probe(tmp)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise
    log.info("cut %s [%.3f, %.3f] -> %s (%.3f s)", src, start, end, path, result.duration)
    return CutResult(path, result.duration, result.has_video, path.stat().st_size)


def _cut_command(
    src: Path, tmp: Path, fmt: str, start: float, length: float, info: _Probe, video: bool
) -> list[str]:
    """The ffmpeg argv for one cut, built with ffmpeg-python.

    Fast input seek (``-ss`` before ``-i``: an option of ``ffmpeg.input``) to PREROLL s
    before the start, then an exact output seek over the decoded pre-roll (see PREROLL for
    why not input seeking alone) and the length, both options of the output.
    """
    seek = max(0.0, start - PREROLL)
    source = ffmpeg.input(str(src), ss=f"{seek:.6f}")
    options: dict[str, str | None] = {
        "ss": f"{start - seek:.6f}", "t": f"{length:.6f}",
        "sn": None, "dn": None, "map_metadata": "-1", "format": fmt,
    }
    if video:
        # Each selected stream is one -map, in this order: first video, then first audio.
        streams = [source["v:0"]] + ([source["a:0"]] if info.has_audio else [])
        options |= {"c:v": "libx264", "preset": "veryfast", "pix_fmt": "yuv420p",
                    "c:a": "aac", "b:a": AAC_BITRATE, "movflags": "+faststart"}
    else:
        streams = [source["a:0"]]
        options |= {"vn": None, "c:a": "libopus", "b:a": OPUS_BITRATE.get(info.channels, "64k"),
                    "compression_level": str(OPUS_COMPRESSION)}
    return command(ffmpeg.output(*streams, str(tmp), **options), overwrite=True)


def _run_ffmpeg(
    src: Path, tmp: Path, fmt: str, start: float, length: float, info: _Probe, video: bool
) -> None:
    args = _cut_command(src, tmp, fmt, start, length, info, video)
    log.debug("running %s", args)
    try:
        proc = subprocess.run(args, capture_output=True, timeout=TIMEOUT, check=False)
    except subprocess.TimeoutExpired as exc:
        raise CutError(f"ffmpeg took longer than {TIMEOUT} s cutting {src}") from exc
    if proc.returncode != 0:
        tail = proc.stderr.decode("utf-8", "replace").strip().splitlines()[-STDERR_LINES:]
        raise CutError(
            f"ffmpeg failed cutting {src} (exit {proc.returncode}):\n" + "\n".join(tail)
        )
