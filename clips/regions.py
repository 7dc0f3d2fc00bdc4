"""Adjusting a chosen clip region to word boundaries."""

from __future__ import annotations

from collections.abc import Iterable

from coachlab.media.transcript import Word

#: Default padding (s) added on each side after snapping: word timestamps are approximate
#: and a clip that starts exactly on a word's onset tends to clip its first consonant.
DEFAULT_PAD = 0.25


def snap_to_words(
    words: Iterable[Word],
    start: float,
    end: float,
    *,
    pad: float = DEFAULT_PAD,
    duration: float | None = None,
) -> tuple[float, float]:
    """Widen ``[start, end]`` so it never cuts a word, then pad it.

    ``start`` moves back to the start of the word it falls in and ``end`` forward to the
    end of the word it falls in (a boundary exactly on a word edge stays). Words may come from
    both speakers and overlap: the region keeps widening until no boundary is inside a word.
    Padding is then added and the result clamped to ``[0, duration]`` (``duration=None``:
    no upper bound).
    """
    if end < start:
        raise ValueError(f"end ({end}) is before start ({start})")
    if pad < 0:
        raise ValueError(f"pad must be >= 0, got {pad}")
    spans = sorted((w.start, w.end) for w in words if w.end > w.start)
    moved = True
    while moved:
        moved = False
        for ws, we in spans:
            if ws < start < we:
                start, moved = ws, True
            if ws < end < we:
                end, moved = we, True
    start = max(0.0, start - pad)
    end = end + pad
    if duration is not None:
        end = min(end, float(duration))
        start = min(start, end)
    return start, end
