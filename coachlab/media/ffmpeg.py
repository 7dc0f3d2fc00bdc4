"""Finding ffmpeg: ``COACHLAB_FFMPEG``, else ``ffmpeg`` on PATH, else imageio-ffmpeg's binary."""

from __future__ import annotations

import functools
import os
import shutil


class FFmpegNotFound(RuntimeError):
    pass


@functools.cache
def ffmpeg_exe() -> str:
    configured = os.environ.get("COACHLAB_FFMPEG")
    if configured:
        if shutil.which(configured) is None:
            raise FFmpegNotFound(f"COACHLAB_FFMPEG={configured!r} is not an executable")
        return configured
    on_path = shutil.which("ffmpeg")
    if on_path:
        return on_path
    try:
        import imageio_ffmpeg
    except ImportError as exc:  # pragma: no cover - imageio-ffmpeg is a dependency
        raise FFmpegNotFound("no ffmpeg on PATH and imageio-ffmpeg is not installed") from exc
    return imageio_ffmpeg.get_ffmpeg_exe()
