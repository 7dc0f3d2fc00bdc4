"""Conversational microskills: the AWESOME masterlist, training data and the utterance tagger."""


def init_app(app) -> None:
    """Register this package's views and hooks with the app (see coachlab.plugins)."""
