"""Train the microskill tagger's linear model on the TRAINING split only.

Usage: python scripts/train_microskills.py [--data PATH] [--c 8.0]

Writes microskills/model/tagger.npz and tagger_vocab.json (portable: numpy arrays and a
JSON feature list, no pickle). Per-code thresholds are chosen by 5-fold cross-validation
grouped by conversation, on the combined rule+model score, within the training split.
AnnoMI is never used here.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from microskills.dataset import DATA_PATH, Utterance, load_split  # noqa: E402
from microskills.masterlist import CODES, SIGNAL_CODES  # noqa: E402
from microskills.tagger.core import (  # noqa: E402
    Context,
    all_context_features,
    combine_signal_scores,
    combine_skill_scores,
    context_features,
    previous_customer_turns,
)
from microskills.tagger.features import analyze, clean, vectorize  # noqa: E402
from microskills.tagger.model import Head, TaggerModel, save_model  # noqa: E402
from microskills.tagger.questions import question_types  # noqa: E402

THRESHOLD_GRID = np.round(np.arange(0.2, 0.91, 0.05), 2)
#: idf given to the context features (they are not in the fitted vectoriser).
CONTEXT_IDF = 3.0


def _fit_head(x, y: np.ndarray, c: float) -> tuple[np.ndarray, np.ndarray]:
    coef = np.zeros((x.shape[1], y.shape[1]), dtype=np.float64)
    intercept = np.full(y.shape[1], -10.0)
    for k in range(y.shape[1]):
        if y[:, k].sum() == 0:  # nothing to learn; the rules alone decide
            continue
        clf = LogisticRegression(C=c, class_weight="balanced", solver="liblinear", max_iter=2000)
        clf.fit(x, y[:, k])
        coef[:, k] = clf.coef_[0]
        intercept[k] = clf.intercept_[0]
    return coef, intercept


def _probs(x, coef: np.ndarray, intercept: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-(np.asarray(x @ coef) + intercept)))


def _f1(pred: np.ndarray, gold: np.ndarray) -> float:
    tp = float((pred & gold).sum())
    denom = float(pred.sum() + gold.sum())
    return 2 * tp / denom if denom else 1.0


def contexts_of(utts: Sequence[Utterance]) -> list[Context | None]:
    """The previous customer utterance of each utterance, within its conversation, with its
    labelled signals (at run time the tagger's own signals stand in for the labels)."""
    by_conv: dict[str, list[int]] = {}
    for i, u in enumerate(utts):
        by_conv.setdefault(u.conversation, []).append(i)
    ctx: list[Context | None] = [None] * len(utts)
    for idx in by_conv.values():
        prev = previous_customer_turns([utts[i].speaker for i in idx])
        for i, j in zip(idx, prev, strict=True):
            if j is not None:
                u = utts[idx[j]]
                low = clean(u.text)
                ctx[i] = Context(low, frozenset(u.signals), bool(question_types(low)))
    return ctx


def _train_head(utts: Sequence[Utterance], codes: Sequence[str], attr: str, combine, vocab,
                idf, c: float, contexts: Sequence[Context | None] | None = None) -> Head:
    texts = [u.text for u in utts]
    groups = [u.conversation for u in utts]
    y = np.array([[code in getattr(u, attr) for code in codes] for u in utts], dtype=bool)
    extras = None
    if contexts is not None:
        extras = [context_features(t, ctx) for t, ctx in zip(texts, contexts, strict=True)]
    x = vectorize(texts, vocab, idf, extras)
    oof = np.zeros(y.shape)
    for tr, te in GroupKFold(n_splits=5).split(x, y, groups):
        coef, intercept = _fit_head(x[tr], y[tr], c)
        oof[te] = _probs(x[te], coef, intercept)
    ctxs = contexts if contexts is not None else [None] * len(texts)
    combined = [combine(t, p, codes, ctx) for t, p, ctx in zip(texts, oof, ctxs, strict=True)]
    scores = np.vstack([c.scores for c in combined])
    fired = np.vstack([c.fired for c in combined])
    vetoed = np.vstack([c.vetoed for c in combined])

    def decide(k: int, t: float) -> np.ndarray:
        return (fired[:, k] | (scores[:, k] >= t)) & ~vetoed[:, k]

    thresholds = np.array([
        max(THRESHOLD_GRID, key=lambda t, k=k: (_f1(decide(k, t), y[:, k]), -abs(t - 0.5)))
        for k in range(len(codes))
    ])
    for code, k in zip(codes, range(len(codes)), strict=True):
        rule_p = _f1(fired[:, k] & ~vetoed[:, k], y[:, k])
        print(f"  {code:20s} positives={int(y[:, k].sum()):4d} threshold={thresholds[k]:.2f} "
              f"cv-F1={_f1(decide(k, thresholds[k]), y[:, k]):.3f} rules-only-F1={rule_p:.3f}")
    coef, intercept = _fit_head(x, y, c)
    return Head(tuple(codes), coef.astype(np.float32), intercept, thresholds)


def train(data: Path = DATA_PATH, c: float = 8.0) -> TaggerModel:
    utts = load_split(heldout=False, path=data)
    contexts = contexts_of(utts)
    agent = [u for u in utts if u.speaker == "agent"]
    agent_ctx = [ctx for u, ctx in zip(utts, contexts, strict=True) if u.speaker == "agent"]
    customer = [u for u in utts if u.speaker == "customer"]
    tfidf = TfidfVectorizer(analyzer=analyze, sublinear_tf=True, min_df=2)
    tfidf.fit([u.text for u in utts])
    vocab = {f: int(j) for f, j in tfidf.vocabulary_.items()}
    idf = tfidf.idf_.astype(np.float64)
    for f in all_context_features(SIGNAL_CODES):
        vocab[f] = len(vocab)
    idf = np.concatenate([idf, np.full(len(vocab) - len(idf), CONTEXT_IDF)])
    print(f"training on {len(agent)} agent / {len(customer)} customer utterances from "
          f"{len({u.conversation for u in utts})} conversations; {len(vocab)} features")
    print("skills:")
    skills = _train_head(agent, CODES, "skills", combine_skill_scores, vocab, idf, c, agent_ctx)
    print("signals:")
    signals = _train_head(customer, SIGNAL_CODES, "signals",
                          lambda t, p, codes, _ctx: combine_signal_scores(t, p, codes), vocab,
                          idf, c)
    meta = {"C": c, "n_agent": len(agent), "n_customer": len(customer), "data": data.name}
    return TaggerModel(vocab, idf, skills, signals, meta)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=DATA_PATH)
    parser.add_argument("--c", type=float, default=8.0, help="inverse L2 regularisation")
    args = parser.parse_args(argv)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=UserWarning)
        model = train(args.data, args.c)
    save_model(model)
    print("model written to microskills/model/")


if __name__ == "__main__":
    main()
