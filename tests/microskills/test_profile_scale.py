"""The profile reads each call's counts, kept by tagging and reviews, rather than every tag
and segment of every call (issue 13): its SQL statements do not grow with the number of
calls, and it says what a full recount of the tags and segments says."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

import pytest
import sqlalchemy as sa

from coachlab.auth.models import Role
from coachlab.db import db
from coachlab.media.transcript import Segment, Transcript, Word
from coachlab.recordings.models import Recording
from coachlab.recordings.service import delete_recording
from coachlab.transcripts.models import TranscriptSegment
from coachlab.transcripts.service import store_transcript
from microskills import service
from microskills.models import RecordingSkillSummary, TagKind, TagStatus, UtteranceTag
from microskills.profile import (
    MIN_TEAM_FOR_COMPARISON,
    _missed_opportunities,
    _timeline,
    build_profile,
)

GREETING = ("agent", "Good morning, you are through to Northwind, my name is Sam, how can I help?")
FRUSTRATED = ("customer", "This is ridiculous, I'm so annoyed, nobody ever calls me back.")
EMPATHY = ("agent", "I'm so sorry, I understand how frustrating that must be.")
CANCEL = ("customer", "It's too expensive, I want to cancel my contract.")
NUMBER = ("agent", "Can I have your account number please?")
OFFER = ("agent", "That is a fair concern, as an alternative I can offer you a cheaper plan.")
GOODBYE = ("agent", "Is there anything else I can help you with today?")
# calls of several shapes: frustration met or missed, objections handled or not
SHAPES = [
    [GREETING, FRUSTRATED, EMPATHY, CANCEL, OFFER, GOODBYE],
    [GREETING, FRUSTRATED, NUMBER, CANCEL, NUMBER, ("customer", "It is 12345."), NUMBER],
    [GREETING, CANCEL, NUMBER, FRUSTRATED, NUMBER, GOODBYE],
    [("agent", "Hello."), FRUSTRATED, EMPATHY, ("customer", "Fine."), GOODBYE],
]


def transcript(lines) -> Transcript:
    segments, t = [], 0.0
    for speaker, text in lines:
        words = [Word(t + i * 0.3, t + i * 0.3 + 0.25, w, 0.95)
                 for i, w in enumerate(text.split())]
        segments.append(Segment(t, words[-1].end, speaker, text, -0.2, words))
        t = words[-1].end + 0.8
    return Transcript(duration=t, language="en", segments=segments)


@pytest.fixture
def call(make_recording):
    def make(advisor, lines, *, days_ago: float = 10):
        recording = make_recording(advisor, seconds=1.0, called_at=(
            dt.datetime.now(dt.UTC) - dt.timedelta(days=days_ago)))
        store_transcript(recording, transcript(lines), model="test")
        service.tag_recording(recording)
        db.session.commit()
        return recording

    return make


@pytest.fixture
def team(make_team, make_user):
    """A coach and a team big enough to compare its advisors."""
    team = make_team()
    coach = make_user(Role.COACH, led_teams=[team])
    advisors = [make_user(Role.ADVISOR, team=team) for _ in range(MIN_TEAM_FOR_COMPARISON)]
    return coach, advisors


def statements_of(build) -> int:
    count = 0

    def counted(*_args, **_kwargs) -> None:
        nonlocal count
        count += 1

    db.session.expire_all()
    sa.event.listen(db.engine, "before_cursor_execute", counted)
    try:
        build()
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", counted)
    return count


def test_the_profiles_statements_do_not_grow_with_the_calls(team, call):
    coach, advisors = team
    for advisor in advisors:  # with missed moments to quote from the start
        call(advisor, SHAPES[1], days_ago=5)
    build = lambda: build_profile(advisors[0], viewer=coach, days=90)  # noqa: E731
    build()  # the masterlist is in place, scipy loaded
    few = statements_of(build)
    for n in range(4):
        for i, advisor in enumerate(advisors):
            call(advisor, SHAPES[(i + n + 1) % len(SHAPES)], days_ago=10 + 7 * n)
    profile = build()
    assert profile.calls == 5 and profile.compared
    assert statements_of(build) == few
    # and it builds no object per tag: the tags stay in the database
    loaded = []

    def on_load(tag, _context) -> None:
        loaded.append(tag)

    sa.event.listen(UtteranceTag, "load", on_load)
    try:
        db.session.expire_all()
        build()
    finally:
        sa.event.remove(UtteranceTag, "load", on_load)
    assert loaded == []


def full_recount(advisor, coach, days: int = 90) -> dict:
    """What the profile said before it kept counts: every tag and segment of every call."""
    since = dt.datetime.now(dt.UTC) - dt.timedelta(days=days)
    recordings = db.session.scalars(
        sa.select(Recording).join(RecordingSkillSummary,
                                  RecordingSkillSummary.recording_id == Recording.id)
        .where(Recording.advisor_id == advisor.id, Recording.called_at >= since)
        .order_by(Recording.called_at)).all()
    tags = db.session.execute(
        sa.select(UtteranceTag, TranscriptSegment)
        .join(TranscriptSegment, TranscriptSegment.id == UtteranceTag.segment_id)
        .where(UtteranceTag.recording_id.in_([r.id for r in recordings]),
               UtteranceTag.status != TagStatus.REJECTED)).all()
    per_call: dict[int, Counter] = defaultdict(Counter)
    for tag, _segment in tags:
        if tag.kind is TagKind.SKILL:
            per_call[tag.recording_id][tag.code] += 1
    missed, answered, objections = _missed_opportunities(_timeline(recordings, tags))
    missed.sort(key=lambda m: (-m.called_at.timestamp(), m.start))
    calls = len(recordings)
    return {
        "calls": calls,
        "rates": {code: (sum(per_call[r.id][code] for r in recordings) / calls,
                         sum(1 for r in recordings if per_call[r.id][code]))
                  for code in {c for counts in per_call.values() for c in counts}},
        "answered": answered, "objections": objections,
        "missed": [(m.segment_id, m.note) for m in missed], "missed_total": len(missed),
    }


def assert_agrees(profile, recount) -> None:
    assert profile.calls == recount["calls"]
    rates = {r.code: (r.per_call, r.calls_with) for r in profile.rates}
    for code, (per_call, calls_with) in recount["rates"].items():
        if code in rates:
            assert rates[code] == pytest.approx((per_call, calls_with)), code
    assert profile.frustration_answered == recount["answered"]
    assert profile.objections_handled == recount["objections"]
    assert profile.missed_total == recount["missed_total"]
    assert [(m.segment_id, m.note) for m in profile.missed] == recount["missed"][:len(
        profile.missed)]
    assert len(profile.missed) == min(10, len(recount["missed"]))


def test_the_profile_says_what_a_full_recount_says(team, call):
    coach, advisors = team
    for n in range(14):  # more missed moments than the profile shows or picks among
        call(advisors[0], SHAPES[n % len(SHAPES)] if n % 5 == 4 else SHAPES[1 + n % 2],
             days_ago=2 + 5 * n)
    for i, advisor in enumerate(advisors[1:]):
        for n in range(2):
            call(advisor, SHAPES[(i + n) % len(SHAPES)], days_ago=3 + 5 * n)
    profile = build_profile(advisors[0], viewer=coach)
    assert profile.missed_total > 2 * 12 and len(profile.missed) == 10
    assert profile.improvements[0].rate.code == "W.empathy"  # a pattern: its missed moments
    assert len(profile.improvements[0].evidence) == 3
    assert_agrees(profile, full_recount(advisors[0], coach))
    # the team's medians from the summed counts are those of each advisor's own profile
    own = [{r.code: r.per_call for r in build_profile(a, viewer=coach).rates} for a in advisors]
    for rate in profile.rates:
        assert rate.team_median == pytest.approx(
            sorted(o[rate.code] for o in own)[len(own) // 2]), rate.code


def test_reviews_retagging_and_deleting_a_call_update_the_counts(team, call):
    coach, advisors = team
    advisor = advisors[0]
    kept = call(advisor, SHAPES[0], days_ago=4)
    gone = call(advisor, SHAPES[3], days_ago=2)
    assert build_profile(advisor, viewer=coach).frustration_answered == (2, 2)

    # a coach rejects the empathy that answered the frustration: it is missed now
    empathy = db.session.scalar(sa.select(UtteranceTag).where(
        UtteranceTag.recording_id == kept.id, UtteranceTag.code == "W.empathy"))
    service.review_tag(empathy, confirm=False, acting=coach)
    db.session.commit()
    summary = db.session.get(RecordingSkillSummary, kept.id)
    assert "W.empathy" not in (summary.skill_counts or {})
    profile = build_profile(advisor, viewer=coach)
    assert profile.frustration_answered == (1, 2)
    assert [m.note for m in profile.missed] == ["Frustration with no empathy next"]
    assert_agrees(profile, full_recount(advisor, coach))

    # re-tagging (a new tagger version, a corrected segment) keeps the person's verdict
    service.tag_recording(kept)
    db.session.commit()
    assert build_profile(advisor, viewer=coach).frustration_answered == (1, 2)

    # a deleted call leaves no summary behind and no longer counts
    delete_recording(gone, acting=coach)
    db.session.commit()
    assert db.session.get(RecordingSkillSummary, gone.id) is None
    profile = build_profile(advisor, viewer=coach)
    assert profile.calls == 1 and profile.frustration_answered == (0, 1)
    assert_agrees(profile, full_recount(advisor, coach))


def test_a_call_tagged_before_counts_were_kept_is_counted_when_read(team, call):
    coach, advisors = team
    for i, advisor in enumerate(advisors):
        call(advisor, SHAPES[i % len(SHAPES)])
    expected = {r.code: r.per_call for r in build_profile(advisors[0], viewer=coach).rates}
    medians = {r.code: r.team_median for r in build_profile(advisors[0], viewer=coach).rates}
    db.session.execute(sa.update(RecordingSkillSummary).values(
        skill_counts=sa.null(), frustration=0, frustration_answered=0, objections=0,
        objections_handled=0))
    db.session.commit()
    profile = build_profile(advisors[0], viewer=coach)
    assert {r.code: r.per_call for r in profile.rates} == expected
    assert {r.code: r.team_median for r in profile.rates} == medians
    assert_agrees(profile, full_recount(advisors[0], coach))
