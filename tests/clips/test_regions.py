"""Snapping clip regions to word boundaries."""

from __future__ import annotations

import pytest

from clips.regions import snap_to_words
from coachlab.media.transcript import Word

WORDS = [
    Word(0.5, 1.0, " one", 0.9),
    Word(1.2, 1.8, " two", 0.9),
    Word(2.0, 2.6, " three", 0.9),
    Word(4.0, 4.5, " four", 0.9),
]


def test_boundaries_inside_words_move_outwards():
    assert snap_to_words(WORDS, 1.5, 2.3, pad=0.0) == (1.2, 2.6)


def test_boundaries_in_gaps_or_on_edges_stay():
    assert snap_to_words(WORDS, 1.1, 3.0, pad=0.0) == (1.1, 3.0)
    assert snap_to_words(WORDS, 1.2, 2.6, pad=0.0) == (1.2, 2.6)


def test_padding_is_added_and_clamped():
    assert snap_to_words(WORDS, 1.5, 2.3) == pytest.approx((0.95, 2.85))
    assert snap_to_words(WORDS, 0.6, 4.2, pad=0.25, duration=4.6) == pytest.approx((0.25, 4.6))
    assert snap_to_words(WORDS, 0.1, 0.2, pad=0.5) == pytest.approx((0.0, 0.7))


def test_overlapping_words_of_two_speakers_widen_until_stable():
    words = [Word(0.0, 2.0, " agent", 1), Word(1.5, 3.0, " customer", 1), Word(2.8, 4.0, " x", 1)]
    # 1.0 ends inside "agent" (-> 2.0), which is inside "customer" (-> 3.0), inside "x" (-> 4.0)
    assert snap_to_words(words, 1.0, 1.0, pad=0.0) == (0.0, 4.0)
    assert snap_to_words(words, 3.5, 4.0, pad=0.0) == (0.0, 4.0)
    assert snap_to_words(words[:1], 0.5, 1.0, pad=0.0) == (0.0, 2.0)
    assert snap_to_words(reversed(words), 1.8, 2.9, pad=0.0) == (0.0, 4.0)


def test_no_words_only_pads():
    assert snap_to_words([], 3.0, 5.0, pad=0.5, duration=5.2) == (2.5, 5.2)


def test_invalid_arguments():
    with pytest.raises(ValueError, match="before start"):
        snap_to_words(WORDS, 3.0, 2.0)
    with pytest.raises(ValueError, match="pad"):
        snap_to_words(WORDS, 1.0, 2.0, pad=-1)
