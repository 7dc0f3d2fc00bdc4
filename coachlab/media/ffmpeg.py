"""Finding ffmpeg (``COACHLAB_FFMPEG``, else ``ffmpeg`` on PATH, else imageio-ffmpeg's binary)
and building its command lines with ffmpeg-python."""

from __future__ import annotations

import functools
import os
import shutil

import ffmpeg  # ffmpeg-python: builds the command lines


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


#: Global options put first on every command line: never read the terminal, report errors
#: only (stderr then holds just what went wrong, for CutError/WaveformError), no banner.
GLOBAL_ARGS = ("-hide_banner", "-nostdin", "-v", "error")


def command(stream, *, overwrite: bool = False) -> list[str]:
    """The argv that runs an ffmpeg-python graph with the binary :func:`ffmpeg_exe` resolves.

    The global options (and ``-y`` with ``overwrite``) go right after the binary, before the
    inputs; ffmpeg-python then writes each input's options before its ``-i`` (so
    ``ffmpeg.input(path, ss=...)`` is an input seek) and each output's options, sorted by
    name, before its file name.
    """
    return ffmpeg.compile(stream, cmd=[ffmpeg_exe(), *GLOBAL_ARGS, *(["-y"] if overwrite else [])])
