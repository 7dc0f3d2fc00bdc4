"""Transcript search as people type it: matched words marked, stray operators harmless, each
hit named by its recording. Runs on SQLite (FTS5) and, in the PostgreSQL pass, on tsvector."""

from __future__ import annotations

import re

import pytest

from coachlab.auth.models import Role
from coachlab.db import db
from coachlab.media.transcript import Segment, Transcript
from coachlab.transcripts import service

REFUND = "I'd like a refund <script>alert(1)</script> & refunds take five days."
OTHER = "The parcel never arrived or so the tracking says."


@pytest.fixture
def advisor(make_user):
    return make_user(Role.ADVISOR)


@pytest.fixture
def recording(advisor, make_recording):
    """A recording whose transcript we write ourselves (the words matter here, not Whisper)."""
    recording = make_recording(advisor, name="call-0042.wav", title="Refund for a late parcel",
                               customer_ref="CUST-7")
    service.store_transcript(recording, Transcript(duration=2.0, language="en", segments=[
        Segment(start=0.0, end=1.0, speaker="customer", text=REFUND, avg_logprob=-0.2,
                words=[]),
        Segment(start=1.0, end=2.0, speaker="agent", text=OTHER, avg_logprob=-0.2, words=[]),
    ]), model="test")
    db.session.commit()
    return recording


def hits_text(client, query: str) -> str:
    response = client.get("/search", query_string={"q": query})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_matched_words_are_marked_and_the_text_stays_escaped(recording, advisor, client, login):
    login(advisor)
    page = hits_text(client, "refund")
    assert "1 match." in page
    # both forms of the word (the search stems), each inside its own <mark>
    assert "a <mark>refund</mark> &lt;script&gt;" in page
    assert "&amp; <mark>refunds</mark> take" in page
    assert "<script>alert" not in page
    hit, = service.search(_visible(advisor), "refunds")
    assert "".join(piece for piece, _ in hit.fragments) == REFUND
    assert [piece for piece, matched in hit.fragments if matched] == ["refund", "refunds"]


@pytest.mark.parametrize("query", [
    "refund OR", "OR refund", "refund AND", "NOT refund", "refund NOT", "refund NEAR(",
    '"refund', 'refund "', "refund -", "-refund", "(refund", "refund)", "refund*", "'refund'",
    "refund OR AND NOT",
])
def test_a_stray_operator_does_not_empty_the_result(recording, advisor, client, login, query):
    login(advisor)
    page = hits_text(client, query)
    assert "1 match." in page, re.sub(r"\s+", " ", page)[-800:]
    assert "<mark>refund</mark>" in page
    assert "error" not in page.lower()


def test_search_terms_drop_operators_and_punctuation():
    assert service.search_terms('refund OR "five days" -late (NEAR') == [
        "refund", "five", "days", "late"]
    assert service.search_terms("don't - '") == ["don't"]
    # lower-case words are words, and a query of nothing but operators searches them
    assert service.search_terms("not or") == ["not", "or"]
    assert service.search_terms("OR") == ["OR"]


def test_a_hit_names_its_recording(recording, advisor, client, login):
    login(advisor)
    page = hits_text(client, "parcel arrived")
    assert "1 match." in page
    assert "Refund for a late parcel" in page and advisor.name in page
    # without a title: the customer reference, and without that the file name
    recording.title = ""
    db.session.commit()
    assert "CUST-7" in hits_text(client, "parcel arrived")
    recording.customer_ref = ""
    db.session.commit()
    assert "call-0042.wav" in hits_text(client, "parcel arrived")


def _visible(user):
    from coachlab import access

    return access.visible_recordings(user)


def test_search_keeps_to_the_recordings_a_query_selects_with_or_without_a_join(
        recording, advisor, make_user, make_recording):
    import sqlalchemy as sa

    from coachlab.auth.models import User
    from coachlab.recordings.models import Recording

    other = make_recording(make_user(Role.ADVISOR), name="other.wav")
    service.store_transcript(other, Transcript(duration=1.0, language="en", segments=[
        Segment(start=0.0, end=1.0, speaker="agent", text=OTHER, avg_logprob=-0.2, words=[]),
    ]), model="test")
    db.session.commit()
    plain = sa.select(Recording).where(Recording.advisor_id == advisor.id)
    joined = (sa.select(Recording).join(User, User.id == Recording.advisor_id)
              .where(User.id == advisor.id))
    everyone = sa.select(Recording)
    for query, expected in ((plain, {recording.id}), (joined, {recording.id}),
                            (everyone, {recording.id, other.id})):
        assert {hit.recording.id for hit in service.search(query, "parcel")} == expected
