"""Text features shared by training and inference: word 1-2grams + char 2-5grams.

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


def analyze(text: str) -> list[str]:
    """Feature strings of one utterance (order irrelevant, duplicates counted)."""
    norm = normalise(text)
    words = _WORD.findall(norm)
    feats = ["w:" + w for w in words]
    feats.extend(f"b:{a} {b}" for a, b in zip(words, words[1:], strict=False))
    if words:
        feats.append("first:" + words[0])
        if len(words) > 1:
            feats.append(f"first2:{words[0]} {words[1]}")
    feats.append("q:" + ("1" if "?" in norm else "0"))
    lo, hi = CHAR_NGRAMS
    for w in norm.split(" "):
        padded = f" {w} "
        n_chars = len(padded)
        for n in range(lo, min(hi, n_chars) + 1):
            feats.extend("c:" + padded[i : i + n] for i in range(n_chars - n + 1))
    return feats


def vectorize(texts: Sequence[str], vocab: dict[str, int], idf: np.ndarray) -> sp.csr_matrix:
    """Sublinear tf * idf, L2-normalised rows (matches TfidfVectorizer(sublinear_tf=True))."""
    indptr = [0]
    indices: list[int] = []
    data: list[float] = []
    get = vocab.get
    for text in texts:
        for f, n in Counter(analyze(text)).items():
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
