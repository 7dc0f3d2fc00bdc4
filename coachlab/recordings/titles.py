"""A recording's title: what the call was about, in a few words a list can show.

Whoever uploads may type one. Otherwise it is defaulted from the disposition (the outcome
code or note the contact-centre system gives a call: ``refund_issued`` -> "Refund issued"),
and, when there is none, after transcription from the customer's first words that say
something ("I have been charged twice this month"). Anyone who may rename it can change it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from coachlab.recordings.models import Recording
from coachlab.recordings.pipeline import ProgressFn, Step

MAX_TITLE = 200
DEFAULT_WORDS = 12  # a defaulted title is at most this many words
# Openers that say nothing about the call; a customer turn made only of these is skipped.
_FILLER = re.compile(
    r"^(?:(?:hi|hello|hey|yes|yeah|yep|no|ok|okay|oh|um|uh|er|erm|hmm|right|well|so|sure|"
    r"thanks|thank you|good (?:morning|afternoon|evening)|hiya|morning|speaking|"
    r"it'?s|this is|my name is)\b[\s,.!?-]*)+", re.IGNORECASE)


def clean(text: str, *, limit: int = MAX_TITLE) -> str:
    """One line, single spaces, at most ``limit`` characters."""
    return " ".join((text or "").split())[:limit]


def from_disposition(disposition: str) -> str:
    """ "refund_issued" -> "Refund issued"; a free-text note gives its first sentence."""
    text = clean(disposition)
    if not text:
        return ""
    if re.fullmatch(r"[\w-]+", text):  # a code
        text = re.sub(r"[_-]+", " ", text).strip()
    else:
        text = re.split(r"(?<=[.!?])\s", text, maxsplit=1)[0]
    return _shorten(text.rstrip(".").capitalize() if text.islower() else text.rstrip("."))


def from_customer_turns(texts: Iterable[str]) -> str:
    """The first customer turn with substance, without greetings, as a title."""
    for text in texts:
        words = _FILLER.sub("", clean(text)).strip(" ,.!?-")
        if len(words.split()) >= 3:
            return _shorten(words[0].upper() + words[1:])
    return ""


def _shorten(text: str) -> str:
    words = text.split()
    if len(words) <= DEFAULT_WORDS:
        return clean(text)
    return clean(" ".join(words[:DEFAULT_WORDS]).rstrip(",;:") + "…")


def default_title(recording: Recording) -> str:
    """The title to give a recording that has none: disposition first, then the customer."""
    from_code = from_disposition(recording.disposition)
    if from_code:
        return from_code
    from coachlab.transcripts.service import segments_of

    return from_customer_turns(s.text for s in segments_of(recording)
                               if s.speaker == "customer")


def _fill_title(recording: Recording, path: Path, progress: ProgressFn) -> None:
    recording.title = default_title(recording)


# After transcription: a recording uploaded without a title nor a disposition gets one
# from the customer's words. A typed title is kept.
TITLE_STEP = Step(name="title", label="Naming the call", run=_fill_title,
                  is_done=lambda recording: bool(recording.title), weight=0.05)
