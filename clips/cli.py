"""``coachlab cut``: cut a file exactly as the app cuts a clip."""

from __future__ import annotations

from pathlib import Path

import click

from coachlab.media.cut import CutError, cut_clip


class Seconds(click.ParamType):
    """Seconds as ``83.5``, ``1:23.5`` or ``0:01:23.5``."""

    name = "seconds"

    def convert(self, value, param, ctx) -> float:
        if isinstance(value, int | float):
            return float(value)
        try:
            total = 0.0
            for part in str(value).strip().split(":"):
                total = total * 60 + float(part)
        except ValueError:
            self.fail(f"{value!r} is not a time (use seconds like 83.5, or 1:23.5)", param, ctx)
        if len(str(value).split(":")) > 3 or total != total:
            self.fail(f"{value!r} is not a time (use seconds like 83.5, or 1:23.5)", param, ctx)
        return total


@click.command("cut")
@click.argument("src", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--start", "-s", type=Seconds(), required=True, help="Start (s or m:ss.f).")
@click.option("--end", "-e", type=Seconds(), required=True, help="End (s or m:ss.f).")
@click.option("--drop-video", is_flag=True, help="Keep only the audio of a video file.")
def cut_command(src: Path, out: Path, start: float, end: float, drop_video: bool) -> None:
    """Cut SRC from --start to --end into OUT, frame-accurately, as the app cuts clips.

    Audio becomes Opus in Ogg (.ogg), video H.264 + AAC in MP4 (.mp4); an OUT suffix that
    does not fit the content is replaced, and the file written is printed.
    """
    try:
        result = cut_clip(src, out, start, end, keep_video=not drop_video)
    except CutError as exc:
        raise click.ClickException(str(exc)) from None
    kind = "video" if result.has_video else "audio"
    click.echo(f"{result.path}: {result.duration:.3f} s of {kind}, {result.size} bytes")
