"""The learned part of the tagger, stored portably (no pickle).

``microskills/model/tagger.npz`` holds weight matrices (float16), intercepts, idf and
per-code decision thresholds; ``tagger_vocab.json`` holds the feature strings in column
order. Prediction is a sparse matrix product plus a sigmoid.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from microskills.tagger.features import vectorize

MODEL_DIR = Path(__file__).resolve().parent.parent / "model"
WEIGHTS_PATH = MODEL_DIR / "tagger.npz"
VOCAB_PATH = MODEL_DIR / "tagger_vocab.json"


@dataclass(frozen=True)
class Head:
    """One group of binary classifiers sharing the features (skills or signals)."""

    codes: tuple[str, ...]
    coef: np.ndarray  # (n_features, n_codes), float32
    intercept: np.ndarray  # (n_codes,)
    thresholds: np.ndarray  # (n_codes,) decision thresholds on the combined score

    def threshold(self, code: str) -> float:
        return float(self.thresholds[self.codes.index(code)])


@dataclass(frozen=True)
class TaggerModel:
    vocab: dict[str, int]
    idf: np.ndarray
    skills: Head
    signals: Head
    meta: dict

    def probabilities(self, texts: Sequence[str], head: Head,
                      extras: Sequence[Sequence[str]] | None = None) -> np.ndarray:
        """(len(texts), n_codes) model probabilities (``extras``: context features)."""
        if not texts:
            return np.zeros((0, len(head.codes)))
        x = vectorize(texts, self.vocab, self.idf, extras)
        z = np.asarray(x @ head.coef, dtype=np.float64) + head.intercept
        return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))


def save_model(model: TaggerModel, weights: Path = WEIGHTS_PATH, vocab: Path = VOCAB_PATH) -> None:
    weights.parent.mkdir(parents=True, exist_ok=True)
    features = [""] * len(model.vocab)
    for f, j in model.vocab.items():
        features[j] = f
    vocab.write_text(json.dumps(features, ensure_ascii=False, separators=(",", ":")),
                     encoding="utf-8")
    arrays = {"idf": model.idf.astype(np.float32),
              "meta": np.array(json.dumps(model.meta))}
    for name, head in (("skills", model.skills), ("signals", model.signals)):
        arrays[f"{name}_codes"] = np.array(json.dumps(list(head.codes)))
        # half precision: a tenth of a percent on a weight changes no decision, and the
        # file stays small enough for the repository
        arrays[f"{name}_coef"] = head.coef.astype(np.float16)
        arrays[f"{name}_intercept"] = head.intercept.astype(np.float32)
        arrays[f"{name}_thresholds"] = head.thresholds.astype(np.float32)
    np.savez_compressed(weights, **arrays)


def _head(npz: np.lib.npyio.NpzFile, name: str) -> Head:
    return Head(
        codes=tuple(json.loads(str(npz[f"{name}_codes"]))),
        coef=npz[f"{name}_coef"].astype(np.float32),
        intercept=npz[f"{name}_intercept"].astype(np.float64),
        thresholds=npz[f"{name}_thresholds"].astype(np.float64),
    )


@lru_cache(maxsize=4)
def load_model(weights: Path = WEIGHTS_PATH, vocab: Path = VOCAB_PATH) -> TaggerModel:
    """Load (once per process) the shipped model."""
    features = json.loads(vocab.read_text(encoding="utf-8"))
    with np.load(weights, allow_pickle=False) as npz:
        return TaggerModel(
            vocab={f: j for j, f in enumerate(features)},
            idf=npz["idf"].astype(np.float64),
            skills=_head(npz, "skills"),
            signals=_head(npz, "signals"),
            meta=json.loads(str(npz["meta"])),
        )
