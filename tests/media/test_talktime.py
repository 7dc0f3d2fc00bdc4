"""Talk-time figures on hand-built transcripts with known timings."""

from __future__ import annotations

import pytest

from coachlab.media.talktime import (
    Response,
    merge_intervals,
    moment_of,
    monologues,
    overlaps,
    response_latencies,
    silences,
    speech_intervals,
    talk_time_summary,
    turns,
)
from coachlab.media.transcript import Segment, Transcript, Word


def seg(speaker: str, start: float, end: float, text: str, *, words: bool = True) -> Segment:
    """A segment whose words share [start, end] evenly and back to back."""
    tokens = text.split()
    step = (end - start) / len(tokens)
    ws = [
        Word(start + i * step, end if i == len(tokens) - 1 else start + (i + 1) * step,
             " " + tok, 0.9)
        for i, tok in enumerate(tokens)
    ] if words else []
    return Segment(start, end, speaker, text, words=ws)


@pytest.fixture
def call() -> Transcript:
    return Transcript(35.0, "en", [
        seg("agent", 0.5, 4.0, "Hello, thank you for calling. How can I help?"),
        seg("customer", 5.0, 9.0, "My bill has gone up again this month."),
        seg("agent", 12.0, 20.0, "Let me look at that for you, one moment please, checking now."),
        seg("customer", 19.0, 22.0, "Wait, I already told you that."),
        seg("agent", 22.5, 30.0, "Sorry, I see it now, the discount ended in May."),
        seg("customer", 25.0, 25.4, "mhm"),
    ])


def test_speech_intervals_per_speaker(call):
    assert speech_intervals(call, "agent") == [(0.5, 4.0), (12.0, 20.0), (22.5, 30.0)]
    assert speech_intervals(call, "customer") == [(5.0, 9.0), (19.0, 22.0), (25.0, 25.4)]
    assert speech_intervals(call) == [(0.5, 4.0), (5.0, 9.0), (12.0, 22.0), (22.5, 30.0)]


def test_word_pauses_below_join_gap_are_bridged():
    words = [Word(0.0, 1.0, " a", 1), Word(1.3, 2.0, " b", 1), Word(2.6, 3.0, " c", 1)]
    t = Transcript(5.0, "en", [Segment(0.0, 3.0, "agent", "a b c", words=words)])
    assert speech_intervals(t, "agent") == [(0.0, 2.0), (2.6, 3.0)]
    assert speech_intervals(t, "agent", join_gap=0.0) == [(0.0, 1.0), (1.3, 2.0), (2.6, 3.0)]


def test_segment_bounds_used_without_words():
    t = Transcript(10.0, "en", [seg("agent", 1.0, 3.0, "no words here", words=False),
                                seg("customer", 6.0, 8.0, "nor here", words=False)])
    assert speech_intervals(t, "agent") == [(1.0, 3.0)]
    assert silences(t) == [(3.0, 6.0)]


def test_silences_exclude_call_edges_unless_asked(call):
    assert silences(call) == [(9.0, 12.0)]
    assert silences(call, 0.0) == [(4.0, 5.0), (9.0, 12.0), (22.0, 22.5)]
    assert silences(call, 0.0, include_edges=True) == [
        (0.0, 0.5), (4.0, 5.0), (9.0, 12.0), (22.0, 22.5), (30.0, 35.0)
    ]
    assert silences(Transcript(8.0, "en", [])) == []
    assert silences(Transcript(8.0, "en", []), include_edges=True) == [(0.0, 8.0)]


def test_overlaps(call):
    assert overlaps(call) == [(19.0, 20.0), (25.0, 25.4)]
    assert overlaps(call, 0.5) == [(19.0, 20.0)]


def test_turns_ignore_backchannels(call):
    assert [(t.speaker, t.start, t.end) for t in turns(call)] == [
        ("agent", 0.5, 4.0),
        ("customer", 5.0, 9.0),
        ("agent", 12.0, 20.0),
        ("customer", 19.0, 22.0),
        ("agent", 22.5, 30.0),
    ]


def test_response_latencies(call):
    assert response_latencies(call) == [Response(9.0, 12.0), Response(22.0, 22.5)]
    assert [r.latency for r in response_latencies(call)] == [3.0, 0.5]
    assert Response(10.0, 9.5).latency == 0.0  # the agent started before the customer ended


def test_monologues_split_at_dead_air_pauses():
    t = Transcript(40.0, "en", [
        seg("customer", 0.0, 3.0, "what does the contract say"),
        seg("agent", 3.5, 13.5, "so the contract runs for twelve months from the start date"),
        seg("agent", 15.0, 25.0, "and after that it rolls on month by month until you cancel"),
        seg("agent", 27.5, 30.0, "does that help"),
    ])
    assert monologues(t, "agent") == [(3.5, 25.0), (27.5, 30.0)]
    assert monologues(t, "agent", min_duration=5.0) == [(3.5, 25.0)]
    assert monologues(t, "customer") == [(0.0, 3.0)]


def test_summary_figures(call):
    tt = talk_time_summary(call)
    assert tt.duration == 35.0
    assert tt.speech_seconds == {"agent": pytest.approx(19.0), "customer": pytest.approx(7.4)}
    assert tt.talk_ratio["agent"] == pytest.approx(19.0 / 26.4)
    assert tt.talk_ratio["customer"] == pytest.approx(7.4 / 26.4)
    assert tt.dead_air_total == pytest.approx(3.0)
    assert tt.dead_air_count == 1
    assert tt.longest_silence == pytest.approx(3.0)
    assert tt.overtalk_total == pytest.approx(1.4)
    assert tt.longest_agent_monologue == pytest.approx(8.0)
    assert tt.mean_response_latency == pytest.approx(1.75)
    assert tt.max_response_latency == pytest.approx(3.0)
    d = tt.to_dict()
    assert d["dead_air_total"] == 3.0
    assert d["talk_ratio"]["agent"] == round(19.0 / 26.4, 3)


def test_summary_mono():
    t = Transcript(20.0, "en", [
        seg("speaker", 1.0, 5.0, "hello thanks for calling"),
        seg("speaker", 8.0, 12.0, "hi I want to cancel"),
    ])
    tt = talk_time_summary(t)
    assert tt.talk_ratio == {"speaker": 1.0}
    assert tt.speech_seconds == {"speaker": 8.0}
    assert tt.overtalk_total == 0.0
    assert tt.dead_air_total == 3.0
    assert tt.longest_agent_monologue is None
    assert tt.mean_response_latency is None
    assert tt.max_response_latency is None


def test_summary_empty_transcript():
    tt = talk_time_summary(Transcript(10.0, "en", []))
    assert tt.talk_ratio == {}
    assert tt.dead_air_total == 0.0
    assert tt.longest_silence == 0.0


def test_merge_intervals():
    assert merge_intervals([(5, 6), (0, 1), (1, 2), (2.2, 3)]) == [(0, 2), (2.2, 3), (5, 6)]
    assert merge_intervals([(0, 1), (1.2, 2)], 0.5) == [(0, 2)]
    assert merge_intervals([(0, 1), (1, 1)]) == [(0, 1)]


def test_the_moment_a_figure_comes_from(call):
    """Evidence opens a call where its figure comes from."""
    assert moment_of(call, "dead_air_total") == 9.0  # the longest dead air, 9-12 s
    assert moment_of(call, "longest_agent_monologue") == 12.0  # the agent's 12-20 s
    assert moment_of(call, "mean_response_latency") == 9.0  # the 3 s answer to 5-9 s
    quiet = Transcript(8.0, "en", [seg("agent", 0.5, 4.0, "Hello there")])
    assert moment_of(quiet, "dead_air_total") is None
    assert moment_of(quiet, "mean_response_latency") is None
    assert moment_of(call, "talk_ratio") is None

