"""Checks of the demo's six weeks of history: dates, the mix per advisor, one transcription
per file. ``tests/demo/test_seed.py`` seeds once and runs them."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import sqlalchemy as sa

from coachlab.auth.models import User
from coachlab.db import db
from coachlab.demo.seed import MEDIA_DIR
from coachlab.recordings.models import Recording, Status
from coachlab.timezones import site_zone, week_start

HARD = {"delivery-complaint-escalation", "cancellation-price-objection"}
EMPATHY = {"billing-double-charge"}
NEWEST = {f"CUST-{1001 + i}" for i in range(4)}  # the four demo calls as they always were


def calls_of(email: str) -> list[Recording]:
    return list(db.session.scalars(
        sa.select(Recording).join(User, User.id == Recording.advisor_id)
        .where(User.email == email, Recording.customer_ref.not_in(NEWEST))
        .order_by(Recording.called_at)))


def slug(recording: Recording) -> str:
    return recording.original_filename.removesuffix(".ogg")


def check_six_weeks_in_the_past(started: dt.datetime) -> None:
    zone = site_zone()
    newest = db.session.scalar(sa.select(sa.func.max(Recording.called_at)))
    this_week = week_start(newest, zone)  # the week of the seed (newest call: its hour)
    for email in ("advisor1@example.com", "advisor2@example.com", "advisor3@example.com"):
        calls = calls_of(email)
        assert len(calls) >= 17, email
        assert all(r.status is Status.READY for r in calls), email
        assert all(r.called_at < started for r in calls), email
        weeks = Counter(week_start(r.called_at, zone) for r in calls)
        # the six calendar weeks before this one, about three calls each: a weekly trend
        # has six points
        assert sorted(weeks) == [this_week - dt.timedelta(weeks=n) for n in range(6, 0, -1)]
        assert all(2 <= n <= 3 for n in weeks.values()), (email, weeks)
        local = [r.called_at.astimezone(zone) for r in calls]
        assert all(t.weekday() < 5 and 9 <= t.hour < 17 for t in local), email
        assert len({r.customer_ref for r in calls}) == len(calls), email
        assert len({r.title for r in calls}) > 4, email  # titles vary a little


def check_the_newest_calls_and_what_seeders_get(demo: dict) -> None:
    """The four demo calls as they always were stay the newest, in demo["recordings"];
    the history comes in demo["history"]."""
    newest = db.session.scalars(
        sa.select(Recording).order_by(Recording.called_at.desc()).limit(4)).all()
    assert {r.customer_ref for r in newest} == NEWEST
    assert [r.id for r in demo["recordings"]] == sorted(r.id for r in newest)
    history = demo["history"]
    assert len(history) >= 54 and not {r.id for r in history} & {r.id for r in newest}
    assert [r.called_at for r in history] == sorted(r.called_at for r in history)
    # scores come from the script, a point either side at most
    scripts = {r.original_filename: r for r in newest}
    for r in history:
        script = scripts[r.original_filename]
        assert abs(r.nps - script.nps) <= 1 and abs(r.csat - script.csat) <= 1
        assert 0 <= r.nps <= 10 and 1 <= r.csat <= 5
        assert r.resolved == script.resolved and r.disposition == script.disposition


def check_the_mix_per_advisor(started: dt.datetime) -> None:
    """advisor1: mostly hard calls before the empathy coaching three weeks ago, mostly the
    empathy and ownership call after it; advisor2 and advisor3 an even mix throughout."""
    split = started - dt.timedelta(days=21)
    media = {p.stem for p in MEDIA_DIR.glob("*.ogg")}
    for email in ("advisor1@example.com", "advisor2@example.com", "advisor3@example.com"):
        calls = calls_of(email)
        before = Counter(slug(r) for r in calls if r.called_at < split)
        after = Counter(slug(r) for r in calls if r.called_at >= split)
        assert before.total() >= 9 and after.total() >= 5, email
        if email == "advisor1@example.com":
            assert sum(before[s] for s in HARD) > before.total() / 2
            assert sum(after[s] for s in EMPATHY) > after.total() / 2
            assert sum(after[s] for s in HARD) / after.total() \
                < sum(before[s] for s in HARD) / before.total()
        else:  # the comparison group: every kind of call, evenly, before and after
            for half in (before, after):
                counts = [half[m] for m in media]
                assert max(counts) - min(counts) <= 1, (email, half)


def check_each_file_transcribed_once(messages: list[str]) -> None:
    whispered = [m for m in messages if "transcribed with Whisper" in m]
    reused = [m for m in messages if "reused the transcript" in m]
    total = db.session.scalar(sa.select(sa.func.count(Recording.id)))
    assert len(whispered) == len(list(MEDIA_DIR.glob("*.ogg")))
    assert len(whispered) + len(reused) == total
