"""Clips of decisive moments: cutting, suggestions, comments, playlists and the library."""


def init_app(app) -> None:
    """Register this package's views and hooks with the app (see coachlab.plugins)."""
