from collections import Counter

from microskills.dataset import is_heldout, iter_utterances, load_split
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
