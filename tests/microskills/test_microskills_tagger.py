import numpy as np
import pytest

from microskills.masterlist import CODES, SIGNAL_CODES
from microskills.tagger import (
    TAGGER_VERSION,
    TagResult,
    conversation_flags,
    tag_utterance,
    tag_utterances,
)
from microskills.tagger.model import VOCAB_PATH, WEIGHTS_PATH, load_model


def skills(text: str) -> set[str]:
    return set(tag_utterance(text, "agent").skills)


def test_model_file_loads_and_version_is_set():
    assert TAGGER_VERSION and isinstance(TAGGER_VERSION, str)
    # small enough to commit with each retraining (5.5 MB for 27 writers' calls)
    assert WEIGHTS_PATH.stat().st_size + VOCAB_PATH.stat().st_size < 8_000_000
    model = load_model()
    assert model.skills.codes == CODES
    assert model.signals.codes == SIGNAL_CODES
    assert model.skills.coef.shape == (len(model.vocab), len(CODES))
    assert np.isfinite(model.skills.coef).all()
    assert load_model() is model  # cached


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I'm so sorry, that sounds really frustrating", {"W.empathy", "W.apology"}),
        ("Can I have your postcode?", {"E.closed_question"}),
        ("What happened when you tried to log in?", {"E.open_question"}),
        ("Is there anything else I can help you with today?", {"E.further_help"}),
        ("Good morning, you're through to Northwind, my name is Sam, how can I help?",
         {"A.greeting"}),
        ("Does that make sense?", {"S.check"}),
        ("Leave it with me, I'll get that sorted for you today.", {"O.ownership"}),
        ("The refund will reach your card within five working days.", {"M.expectation"}),
        ("What I can do is book you the first slot on Monday.", {"M.positive"}),
        ("Thanks for calling, have a lovely afternoon.", {"E.close"}),
        ("Mm-hm, go on.", {"A.encourage"}),
        ("Thanks, Maria. Did the lights come back on?", {"W.personalize", "E.closed_question"}),
        ("Just to recap, I've cancelled the order and refunded your card.", {"S.summary"}),
    ],
)
def test_typical_utterances(text, expected):
    assert expected <= skills(text)


def test_non_apology_sorry_and_hold_message():
    assert "W.apology" not in skills("Sorry, could you repeat the postcode?")
    assert skills("Bear with me one moment.") == set()


def test_customer_utterances_get_signals_not_skills():
    res = tag_utterance("That's way too expensive, I want to cancel", "customer")
    assert res.skills == {}
    assert {"objection.price", "objection.cancel"} <= set(res.signals)
    assert "frustration" in tag_utterance("This is the third time I've called!", "customer").signals


def test_dont_know_flag_needs_a_missing_next_step():
    assert "missed.dont_know" in tag_utterance("I don't know.", "agent").flags
    res = tag_utterance("I don't know, but let me find out for you", "agent")
    assert "missed.dont_know" not in res.flags
    assert "O.ownership" in res.skills


def test_blame_flag():
    assert "missed.blame" in tag_utterance("That's the courier's fault, not ours.", "agent").flags
    assert tag_utterance("I'll chase the courier for you.", "agent").flags == []


def test_batch_matches_single_and_keeps_order():
    items = [("Can I have your postcode?", "agent"), ("I want my money back.", "customer"),
             ("Anything else I can do for you?", "agent")]
    batch = tag_utterances(items)
    assert batch == [tag_utterance(t, s) for t, s in items]
    assert all(isinstance(r, TagResult) for r in batch)
    assert all(0.0 < c <= 1.0 for r in batch for c in {**r.skills, **r.signals}.values())
    assert tag_utterances([]) == []


def test_unknown_speaker_is_rejected():
    with pytest.raises(ValueError):
        tag_utterance("hello", "robot")


def test_conversation_flags():
    speakers = ["customer", "agent", "agent"]
    results = tag_utterances([("Hi", "customer"), ("Can I have your postcode?", "agent"),
                              ("Bye now.", "agent")])
    assert conversation_flags(speakers, results) == ["missed.no_greeting",
                                                     "missed.no_further_help"]
