from microskills.masterlist import (
    CODES,
    FLAG_CODES,
    SIGNAL_CODES,
    load_anti_patterns,
    load_masterlist,
    load_signals,
)

SPEC_CODES = [
    "A.greeting", "A.acknowledge", "A.encourage", "W.empathy", "W.apology", "W.personalize",
    "E.open_question", "E.closed_question", "S.paraphrase", "S.summary", "S.check",
    "O.ownership", "O.objection", "M.expectation", "M.answer", "M.positive",
    "E.further_help", "E.close",
]


def test_masterlist_has_exactly_the_spec_codes():
    skills = load_masterlist()
    assert [s.code for s in skills] == SPEC_CODES
    assert len(set(CODES)) == len(CODES) == 18


def test_every_microskill_is_described():
    for skill in load_masterlist():
        assert skill.family and skill.name and skill.definition
        assert 1 <= len(skill.examples) <= 3
        assert skill.code[0] == skill.family[0]


def test_signals_and_flags():
    assert set(SIGNAL_CODES) == {
        "objection.price", "objection.cancel", "objection.refund", "objection.trust",
        "objection.timing", "frustration", "confusion", "purchase_intent", "satisfaction",
    }
    assert all(s.definition for s in load_signals())
    assert {"missed.dont_know", "missed.blame", "missed.buried_answer"} <= set(FLAG_CODES)
    assert {a.scope for a in load_anti_patterns()} <= {"utterance", "conversation", "timing"}
    assert len(set(FLAG_CODES)) == len(FLAG_CODES)
