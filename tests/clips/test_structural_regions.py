"""Structural suggestions: a minimum call length, and a region around the moment (issue 10)."""

from __future__ import annotations

import json

import pytest

from clips.suggest import EDGE_SHARE, MIN_CALL_SECONDS, RulesError, load_rules, suggest_moments
from coachlab.media.transcript import Transcript
from tests.clips.test_suggest import call, kinds, only, seg

STRUCTURAL = {"dead_air", "overtalk", "long_monologue", "missing_greeting", "missing_closing"}
PAD = 0.25


def five_second_call() -> Transcript:
    """The reported upload: 5 s, both speakers at once, no greeting and no closing."""
    return Transcript(5.0, "en", [
        seg("agent", 0.2, 4.6, "Yes so the thing is the router"),
        seg("customer", 1.0, 4.8, "No no listen the router is broken"),
    ])


def test_a_five_second_call_gets_no_structural_suggestions():
    assert not STRUCTURAL & set(kinds(suggest_moments(five_second_call())))


def test_the_minimum_is_a_rule_setting(tmp_path):
    """With the minimum switched off the same call gets the three whole-call suggestions the
    issue saw: the minimum is what keeps them away."""
    extra = tmp_path / "short.json"
    extra.write_text(json.dumps({"structural": {
        name: {"min_call_seconds": 0} for name in sorted(STRUCTURAL)}}))
    found = suggest_moments(five_second_call(), extra)
    assert {"overtalk", "missing_greeting", "missing_closing"} <= set(kinds(found))
    assert load_rules(extra).structural["overtalk"]["min_call_seconds"] == 0
    assert load_rules().structural["missing_closing"]["min_call_seconds"] == MIN_CALL_SECONDS


def test_conversation_is_counted_from_first_word_to_last():
    """A minute-long file with 5 s of talk (ringing first, a long tail) is still a 5 s call."""
    t = Transcript(60.0, "en", [
        seg("agent", 20.0, 23.0, "Yeah what is it"),
        seg("customer", 23.5, 25.0, "Never mind"),
    ])
    assert not STRUCTURAL & set(kinds(suggest_moments(t)))


def test_phrase_rules_still_apply_to_a_short_call():
    t = Transcript(5.0, "en", [seg("customer", 0.5, 4.5, "I want a refund now.")])
    assert "objection.refund" in kinds(suggest_moments(t))


def long_call(duration: float = 120.0) -> Transcript:
    """Two minutes of back and forth, greeting and closing missing."""
    turns, t, speaker = [], 0.5, "agent"
    lines = {"agent": "Okay let me look at the account for you now.",
             "customer": "Right the bill went up again this month."}
    while t + 5.0 < duration - 5.0:
        turns.append((speaker, t, t + 5.0, lines[speaker]))
        t += 5.5
        speaker = "customer" if speaker == "agent" else "agent"
    return call(*turns, greet=False, close=False, duration=duration)


def test_a_long_call_missing_its_closing_covers_the_end():
    t = long_call()
    s = only(suggest_moments(t), "missing_closing")
    last_agent = max(x.end for x in t.segments if x.speaker == "agent")
    assert s.end == 120.0
    assert s.start > 60.0  # the end of the call, not 0:00 to the end
    assert s.start <= last_agent  # and it shows the agent's last words
    assert s.anchor_end == pytest.approx(last_agent)


def test_a_long_call_missing_its_greeting_covers_the_opening():
    s = only(suggest_moments(long_call()), "missing_greeting")
    assert s.start == 0.0
    assert 10.0 <= s.end <= 0.5 + 15.0 + PAD + 0.5  # the window of the opening


def test_closing_and_greeting_never_cover_the_whole_call():
    """A 32 s call of which the agent speaks all but a few seconds in two long turns."""
    words = " ".join(["word"] * 30)
    t = Transcript(33.0, "en", [
        seg("agent", 0.5, 14.0, words),
        seg("customer", 14.5, 16.0, "Okay then."),
        seg("agent", 16.5, 32.5, words),
    ])
    found = suggest_moments(t)
    length = 32.0
    for kind in ("missing_greeting", "missing_closing"):
        s = only(found, kind)
        assert s.end - s.start <= EDGE_SHARE * length + 2 * PAD + 0.5, s
        assert (s.start, s.end) != (0.0, 33.0)
    assert only(found, "missing_closing").end == 33.0
    assert only(found, "missing_greeting").start == 0.0


def test_overtalk_covers_its_stretch_in_a_long_call():
    t = call(("customer", 5.0, 10.0, "No no no listen to me I said the router"),
             ("agent", 7.0, 12.0, "Yes I know but if you just let me explain"),
             ("customer", 12.5, 18.0, "Fine, go on then, explain it to me slowly."),
             ("agent", 18.5, 60.0, " ".join(["word"] * 60)), close=False)
    s = only(suggest_moments(t), "overtalk")
    assert s.start <= 7.0 and s.end >= 10.0
    assert s.end - s.start < 20.0


@pytest.mark.parametrize("value", [-1, "30", True])
def test_a_bad_minimum_is_refused(tmp_path, value):
    extra = tmp_path / "bad.json"
    extra.write_text(json.dumps({"structural": {"overtalk": {"min_call_seconds": value}}}))
    with pytest.raises(RulesError, match="structural.overtalk.min_call_seconds"):
        load_rules(extra)
