"""Template filters and globals used across packages."""

from __future__ import annotations

from flask import Flask

from coachlab.recordings.models import Status


def duration(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    seconds = int(round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def filesize(size: int) -> str:
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GB"


def init_app(app: Flask) -> None:
    app.jinja_env.filters.update(duration=duration, filesize=filesize)
    from coachlab.plugins import nav_links

    app.jinja_env.globals.update(Status=Status, nav_links=nav_links)
