"""Fixtures for clips: two teams of people and a ready recording with a known transcript.

The recording is a real generated file uploaded through the service (the real pipeline runs
on it); its transcript is then replaced by a hand-written one through the transcripts
service, so region snapping, slices and suggestions have exact words to work on. The
end-to-end tests use the real Whisper model on real speech instead.
"""

from __future__ import annotations

import pytest

from coachlab.auth.models import Role
from coachlab.db import db
from coachlab.media.transcript import Segment, Transcript, Word
from coachlab.transcripts.service import store_transcript

TURNS = [
    ("agent", 0.5, 3.0, "Hello, thank you for calling Acme."),
    ("customer", 3.5, 7.0, "Honestly this is way too expensive for me."),
    ("agent", 7.5, 11.0, "I understand, let me find a cheaper plan."),
]


def segment(speaker: str, start: float, end: float, text: str) -> Segment:
    tokens = text.split()
    step = (end - start) / len(tokens)
    words = [Word(round(start + i * step, 3), round(start + (i + 1) * step - 0.05, 3),
                  " " + token, 0.9) for i, token in enumerate(tokens)]
    return Segment(start, end, speaker, text, words=words)


@pytest.fixture
def people(make_team, make_user):
    blue, red = make_team("Blue"), make_team("Red")
    return {
        "blue": blue, "red": red,
        "advisor": make_user(Role.ADVISOR, team=blue, name="Ada Advisor"),
        "peer": make_user(Role.ADVISOR, team=blue, name="Pat Peer"),
        "coach": make_user(Role.COACH, led_teams=[blue], name="Cora Coach"),
        "outsider": make_user(Role.ADVISOR, team=red, name="Otto Outsider"),
        "red_coach": make_user(Role.COACH, led_teams=[red], name="Rex Coach"),
        "admin": make_user(Role.ADMIN, name="Ann Admin"),
    }


@pytest.fixture
def recording(make_recording, people):
    """A ready 12 s stereo recording of the Blue advisor with a known transcript."""
    rec = make_recording(people["advisor"], name="clip-call.wav", seconds=12.0)
    store_transcript(rec, Transcript(12.0, "en", [segment(*t) for t in TURNS]), model="test")
    db.session.commit()
    return rec
