"""Team Blue (coach Cora; advisors Ali, Bea, Cal) with tagged calls that differ in empathy
and greeting; Dan in team Red with coach Rex. Each Blue advisor has a good-moment clip."""

from __future__ import annotations

import datetime as dt

import pytest

from clips.models import ClipKind, Visibility
from clips.service import ClipDetails, create_clip
from coachlab.auth.models import Role
from coachlab.db import db, utcnow
from coachlab.transcripts.service import store_transcript
from microskills import service as microskills
from tests.microskills.test_review_and_profile import CALL, scripted_transcript

WITHOUT_EMPATHY = [line for i, line in enumerate(CALL) if i != 2]
WITHOUT_GREETING = [line for i, line in enumerate(CALL) if i != 0]


@pytest.fixture
def team(app, make_team, make_user, make_recording):
    app.config["BUDDIES_MIN_CALLS"] = 2
    blue, red = make_team("Blue"), make_team("Red")
    people = {
        "coach": make_user(Role.COACH, led_teams=[blue], name="Cora Coach"),
        "ali": make_user(team=blue, name="Ali"),
        "bea": make_user(team=blue, name="Bea"),
        "cal": make_user(team=blue, name="Cal"),
        "dan": make_user(team=red, name="Dan"),
        "rex": make_user(Role.COACH, led_teams=[red], name="Rex Coach"),
        "admin": make_user(Role.ADMIN, name="Ada Admin"),
    }
    scripts = {"ali": CALL, "bea": WITHOUT_EMPATHY, "cal": WITHOUT_GREETING, "dan": CALL}
    calls = {}
    for name, lines in scripts.items():
        for days in ((2,) if name == "dan" else (2, 4)):
            recording = make_recording(people[name], seconds=7.0,
                                       called_at=utcnow() - dt.timedelta(days=days))
            store_transcript(recording, scripted_transcript(lines), model="test")
            microskills.tag_recording(recording)
            calls.setdefault(name, []).append(recording)
    db.session.commit()
    clips = {}
    for name in ("ali", "bea", "cal", "dan"):
        coach = people["rex"] if name == "dan" else people["coach"]
        clips[name] = create_clip(calls[name][0], 0.2, 3.0, ClipDetails(
            title=f"{name.title()}'s greeting", kind=ClipKind.GOOD_MOMENT,
            microskills=["A.greeting"], visibility=Visibility.TEAM), acting=coach)
    clips["ali_private"] = create_clip(calls["ali"][1], 3.0, 5.0, ClipDetails(
        title="Ali's private moment", kind=ClipKind.MISSED_OPPORTUNITY), acting=people["coach"])
    db.session.commit()
    return {"people": people, "blue": blue, "red": red, "calls": calls, "clips": clips}


@pytest.fixture
def pairing(team):
    from buddies import access as buddy_access
    from buddies import service

    p = team["people"]
    today = buddy_access.today()
    made = service.make_pairing(team["blue"], p["ali"], p["bea"], starts_on=today,
                                ends_on=today + dt.timedelta(days=13), acting=p["coach"])
    db.session.commit()
    return made
