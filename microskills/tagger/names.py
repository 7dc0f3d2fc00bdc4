"""Personalisation features: where a customer's name (or a title) is in an advisor's words.

Whisper writes names in lower case, so capital letters cannot say which word is a name; a
list of common first names (``model/first_names.txt``, built by
``tools/microskills_names/build.py``) can. An advisor's own name in a greeting ("this is
sam") is not personalisation, so names in a self-introduction are told apart. These are
features of the model, which weighs them against everything else.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from microskills.tagger.features import normalise, words_of

NAMES_PATH = Path(__file__).resolve().parent.parent / "model" / "first_names.txt"

_TITLE = re.compile(r"\b(?:mr|mrs|ms|miss|mister|missus|dr|doctor|sir|madam)\.? (?=[a-z])")
# words before which a name is the advisor's own ("this is sam", "my name's priya",
# "you're through to jo"), or after which it is ("sam speaking", "sam here")
_SELF_BEFORE = frozenset({"is", "name's", "i'm", "it's", "to", "with", "called"})
_SELF_AFTER = frozenset({"speaking", "here"})


@lru_cache(maxsize=1)
def first_names() -> frozenset[str]:
    lines = NAMES_PATH.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def name_features(text: str) -> list[str]:
    """``n:title`` for "mr ...", ``n:self`` for a name in a self-introduction, ``n:name``
    for any other first name, with ``n:first``/``n:last`` when it opens or ends the
    utterance ("maria, did the lights come back on", "thanks for waiting maria")."""
    norm = normalise(text)
    feats = ["n:title"] if _TITLE.search(norm) else []
    words = words_of(norm)
    names = first_names()
    for i, word in enumerate(words):
        if word not in names:
            continue
        before = words[i - 1] if i else ""
        after = words[i + 1] if i + 1 < len(words) else ""
        if before in _SELF_BEFORE or after in _SELF_AFTER:
            feats.append("n:self")
            continue
        feats.append("n:name")
        if i <= 1:
            feats.append("n:first")
        if i >= len(words) - 2:
            feats.append("n:last")
    return feats


ALL_NAME_FEATURES = ("n:title", "n:self", "n:name", "n:first", "n:last")
