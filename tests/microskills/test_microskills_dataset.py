from collections import Counter

from microskills.dataset import (
    Utterance,
    is_heldout,
    iter_utterances,
    load_decisions,
    load_split,
    load_written,
    relabel,
    turn_ids,
)
from microskills.masterlist import CODES, SIGNAL_CODES


def test_split_is_by_conversation_and_deterministic():
    assert is_heldout("c004") and not is_heldout("c005")
    train, held = load_split(heldout=False), load_split(heldout=True)
    assert {u.conversation for u in train}.isdisjoint({u.conversation for u in held})
    assert len({u.conversation for u in train}) + len({u.conversation for u in held}) >= 120


def test_every_code_has_positives_in_both_splits():
    for heldout in (False, True):
        counts = Counter(c for u in load_split(heldout=heldout) for c in u.skills)
        assert all(counts[c] >= 20 for c in CODES), counts


def test_labels_are_known_codes_and_speakers_consistent():
    utts = list(iter_utterances())
    assert sum(u.speaker == "agent" for u in utts) >= 1500
    for u in utts:
        assert u.speaker in ("agent", "customer")
        assert set(u.skills) <= set(CODES)
        assert set(u.signals) <= set(SIGNAL_CODES)
        assert not (u.speaker == "customer" and u.skills)
        assert not (u.speaker == "agent" and u.signals)


def test_heldout_phrasings_are_not_in_training():
    train = {u.text for u in load_split(heldout=False) if u.speaker == "agent"}
    held = [u.text for u in load_split(heldout=True) if u.speaker == "agent"]
    overlap = sum(t in train for t in held)
    assert overlap / len(held) < 0.02


def test_adjudicated_labels_replace_the_writers_only_where_decided():
    writers = load_written()
    adjudicated = load_written(adjudicated=True)
    decisions = load_decisions()
    assert len(writers) == len(adjudicated) > 20_000
    added = removed = 0
    for line_id, before, after in zip(turn_ids(writers), writers, adjudicated, strict=True):
        decided = decisions.get(line_id, {})
        assert before.speaker == "agent" or not decided
        for code in set(before.skills) | set(after.skills):
            assert (code in after.skills) == decided.get(code, code in before.skills)
        assert (before.text, before.signals) == (after.text, after.signals)
        added += len(set(after.skills) - set(before.skills))
        removed += len(set(before.skills) - set(after.skills))
    # the decisions name real lines, and some overturn the writer in each direction
    assert set(decisions) <= set(turn_ids(writers))
    assert added > 100 and removed > 10


def test_relabel_adds_and_removes_one_code_on_one_line():
    utts = [Utterance("w1-001", "agent", "hi mr patel", ("A.greeting",)),
            Utterance("w1-001", "customer", "hi"),
            Utterance("w1-001", "agent", "so it never came", ("S.paraphrase", "S.summary"))]
    out = relabel(utts, {"w1-001/0": {"W.personalize": True},
                         "w1-001/2": {"S.paraphrase": False}})
    assert set(out[0].skills) == {"A.greeting", "W.personalize"}
    assert out[1] is utts[1]
    assert out[2].skills == ("S.summary",)
