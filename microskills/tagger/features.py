"""Text features shared by training and inference: word 1-2grams + char 2-5grams.

Punctuation, case, fillers and stuttered repeats are ignored, so typed text and Whisper
output ("um so can i have your postcode") give the same features.

The same ``analyze`` function is given to scikit-learn's ``TfidfVectorizer`` at training
time and used directly (with the saved vocabulary and idf) at inference, so prediction
needs only numpy/scipy and no pickled estimator.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp

_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_SPACES = re.compile(r"\s+")
CHAR_NGRAMS = (2, 5)


def normalise(text: str) -> str:
    text = text.lower().replace("\u2019", "'").replace("\u2018", "'")
    return _SPACES.sub(" ", text).strip()


_FILLER = re.compile(r"\b(?:u+m+|u+h+|e+r+m*|hmm+)\b[,.]?\s*")
_REPEAT = re.compile(r"\b(\w+(?:'\w+)?)(?:,? \1\b)+")


def clean(text: str) -> str:
    """Normalised text without fillers and stuttered repeats, punctuation kept: what the
    rules read ("um, i'm i'm so sorry" -> "i'm so sorry")."""
    text = _REPEAT.sub(r"\1", _FILLER.sub("", normalise(text)))
    return _SPACES.sub(" ", text).strip()


FILLERS = frozenset({"um", "umm", "uh", "uhh", "er", "erm", "ah", "hmm", "eh"})


def words_of(norm: str) -> list[str]:
    """Word tokens of normalised text without fillers or stuttered repeats ("i i", "the the"):
    Whisper output has both, typed text has neither."""
    out: list[str] = []
    for w in _WORD.findall(norm):
        if w in FILLERS or (out and out[-1] == w):
            continue
        out.append(w)
    return out


def _length_band(n_words: int) -> int:
    """0 for no words, then 1, 2, 3-4, 5-8, 9-16, 17-32, 33 or more."""
    return min(n_words, 1) + max(0, min(n_words - 1, 63)).bit_length()


def analyze(text: str, extra: Sequence[str] = ()) -> list[str]:
    """Feature strings of one utterance (order irrelevant, duplicates counted).

    ``extra`` are ready-made feature strings added as they are (the context features of
    an advisor utterance, see ``core.context_features``).
    """
    words = words_of(normalise(text))
    feats = ["w:" + w for w in words]
    feats.extend(f"b:{a} {b}" for a, b in zip(words, words[1:], strict=False))
    if words:
        feats.append("first:" + words[0])
        feats.append("last:" + words[-1])
        if len(words) > 1:
            feats.append(f"first2:{words[0]} {words[1]}")
            feats.append(f"last2:{words[-2]} {words[-1]}")
    feats.append(f"len:{_length_band(len(words))}")
    feats.extend(extra)
    lo, hi = CHAR_NGRAMS
    for w in words:
        padded = f" {w} "
        n_chars = len(padded)
        for n in range(lo, min(hi, n_chars) + 1):
            feats.extend("c:" + padded[i : i + n] for i in range(n_chars - n + 1))
    return feats


def vectorize(texts: Sequence[str], vocab: dict[str, int], idf: np.ndarray,
              extras: Sequence[Sequence[str]] | None = None) -> sp.csr_matrix:
    """Sublinear tf * idf, L2-normalised rows (matches TfidfVectorizer(sublinear_tf=True))."""
    indptr = [0]
    indices: list[int] = []
    data: list[float] = []
    get = vocab.get
    for i, text in enumerate(texts):
        for f, n in Counter(analyze(text, extras[i] if extras is not None else ())).items():
            j = get(f)
            if j is not None:
                indices.append(j)
                data.append(n)
        indptr.append(len(indices))
    x = sp.csr_matrix(
        (np.asarray(data, dtype=np.float64), np.asarray(indices, dtype=np.int64), indptr),
        shape=(len(texts), len(vocab)),
    )
    if x.nnz:
        x.data = (1.0 + np.log(x.data)) * idf[x.indices]
        norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        x = sp.csr_matrix(sp.diags(1.0 / norms) @ x)
    return x

