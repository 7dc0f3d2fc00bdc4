"""Decisive-moment suggestions on hand-built transcripts."""

from __future__ import annotations

import json

import pytest

from clips.suggest import (
    DEFAULT_RULES_PATH,
    MONO_FACTOR,
    RulesError,
    Suggestion,
    load_rules,
    suggest_moments,
)
from coachlab.media.transcript import Segment, Transcript, Word

GREETING = ("agent", 0.0, 4.0, "Hello, thank you for calling Acme. My name is Sam.")
CLOSING = ("agent", 0.0, 4.0, "Is there anything else I can help with? Thank you for calling.")


def seg(speaker: str, start: float, end: float, text: str) -> Segment:
    """A segment whose words share [start, end] evenly and back to back."""
    tokens = text.split()
    step = (end - start) / len(tokens)
    words = [
        Word(start + i * step, end if i == len(tokens) - 1 else start + (i + 1) * step,
             " " + tok, 0.9)
        for i, tok in enumerate(tokens)
    ]
    return Segment(start, end, speaker, text, words=words)


def call(*turns: tuple[str, float, float, str], duration: float | None = None,
         greet: bool = True, close: bool = True) -> Transcript:
    """A call from (speaker, start, end, text), with a greeting first and a closing last."""
    segments = [seg(*t) for t in turns]
    if greet:
        segments.insert(0, seg(*GREETING))
    if close:
        end = max(s.end for s in segments)
        segments.append(seg("agent", end + 1.0, end + 5.0, CLOSING[3]))
    total = duration if duration is not None else max(s.end for s in segments) + 2.0
    return Transcript(total, "en", segments)


def kinds(suggestions: list[Suggestion]) -> list[str]:
    return [s.kind for s in suggestions]


def only(suggestions: list[Suggestion], kind: str) -> Suggestion:
    found = [s for s in suggestions if s.kind == kind]
    assert len(found) == 1, suggestions
    return found[0]


def test_price_objection_covers_trigger_and_answer():
    t = call(
        ("customer", 5.0, 9.0, "Hi. Honestly your new plan is way too expensive for me."),
        ("agent", 10.0, 16.0, "I understand. Let me look at the cheaper options we have."),
        ("customer", 17.0, 19.0, "Okay then."),
    )
    s = only(suggest_moments(t), "objection.price")
    assert s.reason == (
        'Customer raised a price objection: "Honestly your new plan is way too expensive for me."'
    )
    assert s.score == 0.75
    assert s.key == "objection.price@7"
    # the anchor is the matched words "way too expensive"
    assert s.anchor_start == pytest.approx(5.0 + 6 * 4.0 / 11, abs=1e-3)
    assert s.anchor_end == pytest.approx(5.0 + 9 * 4.0 / 11, abs=1e-3)
    # the region starts before the customer's sentence and ends after the agent's answer
    assert s.start <= 5.0 + 4.0 / 11
    assert s.end == pytest.approx(16.25)
    assert 10.0 <= s.end - s.start <= 45.0 + 0.5


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("I want to cancel my account today.", "objection.cancel"),
        ("I just want a refund for last month.", "objection.refund"),
        ("How do I know this isn't another scam?", "objection.trust"),
        ("I need to think about it and talk to my wife.", "objection.timing"),
        ("Can I speak to your manager please?", "customer.escalation"),
        ("This is ridiculous.", "customer.frustration"),
        ("It's the third time I'm calling about this.", "customer.frustration"),
        ("That’s absolutely unacceptable.", "customer.frustration"),
    ],
)
def test_customer_phrases(text, kind):
    t = call(("customer", 5.0, 9.0, text), ("agent", 10.0, 14.0, "I see, let me help with that."))
    assert kind in kinds(suggest_moments(t))


def test_phrases_are_not_found_in_agent_speech_or_ordinary_talk():
    t = call(
        ("agent", 5.0, 9.0, "Some customers think it is too expensive at first."),
        ("customer", 10.0, 14.0, "Right, the price seems fine to me."),
    )
    assert not [k for k in kinds(suggest_moments(t)) if k.startswith(("objection", "customer"))]


@pytest.mark.parametrize(
    ("agent_lines", "flagged"),
    [
        (["I don't know.", "Sorry about that."], True),
        (["I do not know why it did that."], True),
        (["I don't know, but let me find out for you."], False),
        (["I don't know.", "I'll check with billing now."], False),
        (["I don't know off-hand.", "What I can do is ask my colleague."], False),
    ],
)
def test_agent_dont_know_without_next_step(agent_lines, flagged):
    turns = [("customer", 5.0, 8.0, "Why did my bill go up?")]
    start = 9.0
    for line in agent_lines:
        turns.append(("agent", start, start + 3.0, line))
        start += 3.5
    suggestions = suggest_moments(call(*turns))
    assert ("agent.dont_know" in kinds(suggestions)) is flagged
    if flagged:
        s = only(suggestions, "agent.dont_know")
        assert s.reason.startswith("Agent said they don't know without offering a next step: ")
        assert s.start <= 5.0  # the clip includes the customer's question


def test_missing_greeting_and_closing():
    t = call(
        ("agent", 0.5, 3.0, "Yeah, what is it?"),
        ("customer", 4.0, 8.0, "My internet is down again."),
        ("agent", 9.0, 14.0, "Okay, I have reset the line now."),
        ("customer", 15.0, 20.0, "Right, it is working again."),
        ("agent", 21.0, 34.0, "Good, the line should stay up from now on."),
        greet=False, close=False, duration=40.0,
    )
    suggestions = suggest_moments(t)
    greeting = only(suggestions, "missing_greeting")
    assert greeting.reason == "Agent's opening has no greeting"
    assert greeting.start == 0.0
    assert 10.0 <= greeting.end <= 15.5 + 0.5  # the opening, not the call
    closing = only(suggestions, "missing_closing")
    assert closing.end == 40.0
    assert closing.start >= 20.0 - 0.5  # the last agent turn to the end, not the call
    assert closing.end - closing.start >= 10.0


def test_greeting_and_closing_present():
    t = call(("customer", 5.0, 8.0, "Just checking my balance."),
             ("agent", 9.0, 12.0, "It is forty pounds."))
    assert not {"missing_greeting", "missing_closing"} & set(kinds(suggest_moments(t)))


def test_dead_air():
    t = call(("customer", 5.0, 8.0, "Can you check my order?"),
             ("agent", 9.0, 11.0, "One moment please."),
             ("agent", 17.0, 20.0, "Thanks for waiting, it shipped."),
             ("customer", 20.5, 26.0, "Great, that was all I wanted to know today."))
    s = only(suggest_moments(t), "dead_air")
    assert (s.anchor_start, s.anchor_end) == (11.0, 17.0)
    assert s.reason == "6.0 s of dead air"
    assert s.score == pytest.approx(0.52)
    assert s.start <= 11.0 and s.end >= 17.0


def test_short_silence_is_not_suggested():
    t = call(("customer", 5.0, 8.0, "Can you check my order?"),
             ("agent", 12.0, 14.0, "It shipped."))
    assert "dead_air" not in kinds(suggest_moments(t))


def test_overtalk():
    t = call(("customer", 5.0, 10.0, "No no no listen to me I said the router"),
             ("agent", 7.0, 12.0, "Yes I know but if you just let me explain"),
             ("customer", 12.5, 18.0, "Fine, go on then, explain it to me slowly."),
             ("agent", 18.5, 28.0, "The router needs a restart and then a minute to settle."))
    s = only(suggest_moments(t), "overtalk")
    assert (s.anchor_start, s.anchor_end) == (7.0, 10.0)
    assert "3.0 s" in s.reason


def test_long_monologue_after_customer_turn():
    long_text = " ".join(["word"] * 80)
    t = call(("customer", 5.0, 8.0, "What are my options?"),
             ("agent", 8.5, 48.5, long_text), close=False)
    s = only(suggest_moments(t), "long_monologue")
    assert (s.anchor_start, s.anchor_end) == (8.5, 48.5)
    assert s.reason == "Agent talked for 40 s without a break after the customer spoke"
    assert s.start <= 5.0  # shows the customer's turn first
    assert s.end - s.start <= 45.0 + 0.5


def test_region_clamped_to_transcript():
    t = call(("customer", 1.0, 4.0, "This is ridiculous."), greet=False, close=False,
             duration=6.0)
    s = only(suggest_moments(t), "customer.frustration")
    assert s.start == 0.0 and s.end == 6.0


def test_overlapping_suggestions_of_one_kind_are_merged():
    t = call(
        ("customer", 5.0, 9.0, "That is way too expensive."),
        ("agent", 10.0, 12.0, "I hear you."),
        ("customer", 13.0, 16.0, "I honestly can't afford it."),
        ("agent", 17.0, 20.0, "Let me see what I can do."),
    )
    s = only(suggest_moments(t), "objection.price")
    assert s.reason.endswith('"That is way too expensive." (and 1 more like it)')
    assert s.score == pytest.approx(0.8)
    assert s.key == "objection.price@7"
    assert s.end >= 20.0


def test_sorted_by_score_then_start():
    t = call(
        ("customer", 5.0, 8.0, "Let me think about it."),
        ("agent", 9.0, 11.0, "Sure."),
        ("customer", 60.0, 63.0, "Can I speak to your manager?"),
        ("agent", 64.0, 66.0, "Of course."),
    )
    suggestions = suggest_moments(t)
    assert kinds(suggestions)[0] == "customer.escalation"
    scores = [(-s.score, s.start) for s in suggestions]
    assert scores == sorted(scores)
    assert "objection.timing" in kinds(suggestions)


def test_mono_transcript():
    t = Transcript(30.0, "en", [
        seg("speaker", 0.0, 4.0, "Hello, thanks for calling."),
        seg("speaker", 5.0, 9.0, "It is way too expensive."),
        seg("speaker", 10.0, 13.0, "I don't know."),
    ])
    suggestions = suggest_moments(t)
    s = only(suggestions, "objection.price")
    assert s.score == pytest.approx(0.75 * MONO_FACTOR)
    assert "speaker not identified" in s.reason
    assert "agent.dont_know" not in kinds(suggestions)
    assert not {"missing_greeting", "missing_closing", "overtalk"} & set(kinds(suggestions))


def test_segments_without_words():
    t = Transcript(30.0, "en", [
        Segment(0.0, 4.0, "agent", "Hello, thanks for calling."),
        Segment(5.0, 10.0, "customer", "Hi. I want a refund."),
        Segment(11.0, 14.0, "agent", "Sure, anything else?"),
    ])
    s = only(suggest_moments(t), "objection.refund")
    # the tagger's evidence "want a refund", in the second sentence (which starts at 6.0)
    assert 6.0 <= s.anchor_start < 10.0
    assert s.start <= 5.0 and s.end >= 14.0


def test_custom_rules_are_merged(tmp_path):
    extra = tmp_path / "extra.json"
    extra.write_text(json.dumps({
        "region": {"max_seconds": 30},
        "phrase_rules": [
            # a phrase the tagger does not know yet: it feeds the tagger's detection
            {"kind": "objection.price", "phrases": ["makes my eyes water"]},
            {"kind": "objection.trust", "enabled": False},
            {"kind": "compliance.recording", "speaker": "customer", "score": 0.95,
             "reason": 'Customer asked about recording: "{quote}"',
             "patterns": [r"\bare you recording\b"]},
        ],
        "structural": {"dead_air": {"enabled": False}},
    }))
    t = call(
        ("customer", 5.0, 9.0, "That price makes my eyes water."),
        ("agent", 10.0, 12.0, "I understand."),
        ("customer", 20.0, 23.0, "Are you recording this call? It sounds like a scam."),
        ("agent", 24.0, 26.0, "Yes, for training."),
    )
    by_default = kinds(suggest_moments(t))
    assert "objection.price" not in by_default
    assert "objection.trust" in by_default
    assert "dead_air" in by_default

    rules = load_rules(extra)
    assert rules.region.max_seconds == 30
    for suggestions in (suggest_moments(t, rules), suggest_moments(t, extra)):
        found = kinds(suggestions)
        assert "objection.price" in found
        assert "objection.trust" not in found
        assert "dead_air" not in found
        assert found[0] == "compliance.recording"
        assert only(suggestions, "compliance.recording").reason.startswith(
            'Customer asked about recording: "Are you recording this call?"')
    # the built-in phrases of the extended rule still work
    t2 = call(("customer", 5.0, 9.0, "It is way too expensive."))
    assert "objection.price" in kinds(suggest_moments(t2, rules))


def test_replace_rule(tmp_path):
    extra = tmp_path / "extra.json"
    extra.write_text(json.dumps({"phrase_rules": [
        {"kind": "objection.price", "replace": True, "speaker": "customer",
         "reason": "Price: {quote}", "phrases": ["daylight robbery"]},
    ]}))
    t = call(("customer", 5.0, 9.0, "It is way too expensive."))
    assert "objection.price" not in kinds(suggest_moments(t, extra))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", r"not valid JSON \(line 1"),
        ("[]", "top level must be a JSON object"),
        ('{"phrase_rules": [{"kind": "x.y", "patterns": ["(unclosed"]}]}',
         r"phrase_rules\[0\] \(x.y\)\.patterns\[0\]: invalid regular expression"),
        ('{"phrase_rules": [{"kind": "objection.price", "score": 2}]}',
         r"score: must be between 0.0 and 1.0"),
        ('{"phrase_rules": [{"kind": "Bad Kind"}]}', "kind: must be a dotted lower-case name"),
        ('{"phrase_rules": [{"kind": "x.y", "speaker": "robot"}]}', "speaker: must be one of"),
        ('{"phrase_rules": [{"kind": "x.y", "phrase": ["a"]}]}', r"unknown key\(s\) phrase"),
        ('{"phrase_rules": [{"kind": "x.y", "speaker": "customer", "phrases": ["a"]}]}',
         "phrase rule x.y: missing 'reason'"),
        ('{"phrase_rules": [{"kind": "x.y", "reason": "{who} said it"}]}',
         r"bad placeholder .*available: \{quote\}"),
        ('{"phrase_rules": [{"kind": "x.y", "phrases": "abc"}]}', "must be a list of strings"),
        ('{"structural": {"dead_air": {"min_seconds": -1}}}',
         r"structural.dead_air.min_seconds: must be >= 0.0"),
        ('{"structural": {"coffee_break": {}}}', r"unknown key\(s\) coffee_break"),
        ('{"region": {"min_seconds": 60}}', "min_seconds .* is above max_seconds"),
        ('{"version": 2}', "unsupported version 2"),
    ],
)
def test_invalid_rules_file(tmp_path, content, message):
    extra = tmp_path / "bad.json"
    extra.write_text(content)
    with pytest.raises(RulesError, match=message) as info:
        load_rules(extra)
    assert "bad.json" in str(info.value)


def test_missing_rules_file(tmp_path):
    with pytest.raises(RulesError, match="rules file not found"):
        suggest_moments(call(), tmp_path / "nope.json")


def test_default_rules_file_is_valid():
    rules = load_rules()
    assert DEFAULT_RULES_PATH.is_file()
    found = {r.kind for r in rules.phrase_rules}
    assert {"objection.price", "objection.cancel", "objection.refund", "objection.trust",
            "objection.timing", "customer.escalation", "customer.frustration",
            "agent.dont_know"} <= found
    assert set(rules.structural) == {"dead_air", "overtalk", "long_monologue",
                                     "missing_greeting", "missing_closing"}
