"""Search costs what its page shows, not what it matches (issue 13): on SQLite a word found
in many segments is looked up by walking the calls newest first, and gives what sorting every
hit gives; each hit's advisor comes with it, not in a query of its own."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from coachlab import access
from coachlab.auth.models import Role
from coachlab.db import db
from coachlab.media.transcript import Segment, Transcript
from coachlab.transcripts import service
from coachlab.transcripts.models import TranscriptSegment

LINES = ["I want a refund for the late parcel.", "The refund is on its way.",
         "Nothing to do with money here.", "A refund, again, please."]


@pytest.fixture
def team(make_team, make_user):
    team = make_team()
    return (make_user(Role.COACH, led_teams=[team]),
            [make_user(Role.ADVISOR, team=team) for _ in range(3)])


@pytest.fixture
def calls(team, make_recording):
    """Six calls a day apart, two per advisor, each with "refund" in three segments."""
    _coach, advisors = team
    now = dt.datetime.now(dt.UTC)
    made = []
    for n in range(6):
        recording = make_recording(advisors[n % 3], called_at=now - dt.timedelta(days=n))
        service.store_transcript(recording, Transcript(duration=8.0, language="en", segments=[
            Segment(start=2.0 * i, end=2.0 * i + 1.5, speaker="customer", text=text,
                    avg_logprob=-0.2, words=[]) for i, text in enumerate(LINES)]), model="t")
        made.append(recording)
    db.session.commit()
    return made


def found(user, text: str, limit: int = 50) -> list[tuple[int, float]]:
    return [(hit.recording.id, hit.segment.start)
            for hit in service.search(access.visible_recordings(user), text, limit=limit)]


def test_many_hits_are_walked_newest_first_and_give_what_sorting_gives(
        team, calls, monkeypatch):
    coach, _advisors = team
    sorted_all, sorted_few = found(coach, "refund"), found(coach, "refund", limit=4)
    # the newest call first, its segments in order, three hits a call
    assert sorted_all == [(r.id, start) for r in calls for start in (0.0, 2.0, 6.0)]
    assert sorted_few == sorted_all[:4]
    monkeypatch.setattr(service, "FTS_SORTED_HITS", 2)  # every word is "common" now
    assert found(coach, "refund") == sorted_all
    assert found(coach, "refund", limit=4) == sorted_few
    assert found(coach, "parcel refund") == [(r.id, 0.0) for r in calls]
    assert found(coach, "nowhere") == []


def test_the_search_pages_statements_do_not_grow_with_the_advisors_hit(
        team, calls, client, login):
    coach, _advisors = team
    login(coach)

    def statements(query: str) -> int:
        count = 0

        def counted(*_args, **_kwargs) -> None:
            nonlocal count
            count += 1

        sa.event.listen(db.engine, "before_cursor_execute", counted)
        try:
            response = client.get("/search", query_string={"q": query})
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", counted)
        assert response.status_code == 200
        return count

    statements("money")  # warm up
    three_advisors = statements("parcel")  # a hit in every call, of three advisors
    assert "6 matches" in client.get("/search?q=parcel").get_data(as_text=True)
    db.session.execute(sa.delete(TranscriptSegment).where(
        TranscriptSegment.recording_id.in_([r.id for r in calls[1:]])))
    db.session.commit()
    assert "1 match." in client.get("/search?q=parcel").get_data(as_text=True)
    assert statements("parcel") == three_advisors


def test_the_walk_gives_what_sorting_gives_to_everyone_even_with_interleaved_segments(
        team, calls, make_user, make_recording, monkeypatch):
    """Walking the calls asks FTS5 for the range of each call's segment ids: segments of two
    calls stored in turns (their ranges overlap) are still each found once, in their call."""
    coach, advisors = team
    admin = make_user(Role.ADMIN)
    now = dt.datetime.now(dt.UTC)
    a, b = (make_recording(advisors[0], called_at=now + dt.timedelta(hours=h)) for h in (2, 1))
    for i, text in enumerate(LINES):
        for recording in (a, b):  # a's and b's segments alternate: their id ranges overlap
            db.session.add(TranscriptSegment(
                recording_id=recording.id, position=i, start=2.0 * i, end=2.0 * i + 1.5,
                speaker="customer", text=text, original_speaker="customer",
                original_text=text, avg_logprob=-0.2))
            db.session.flush()
    db.session.commit()
    expected = {who: found(user, "refund") for who, user in
                (("admin", admin), ("coach", coach), ("advisor", advisors[0]))}
    assert expected["admin"][:6] == [(r.id, start) for r in (a, b) for start in (0.0, 2.0, 6.0)]
    assert {rid for rid, _ in expected["advisor"]} == {a.id, b.id, calls[0].id, calls[3].id}
    monkeypatch.setattr(service, "FTS_SORTED_HITS", 2)  # walk the calls
    for who, user in (("admin", admin), ("coach", coach), ("advisor", advisors[0])):
        assert found(user, "refund") == expected[who]
        assert found(user, "refund", limit=5) == expected[who][:5]
