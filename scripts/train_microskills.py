"""Train the microskill tagger's linear model.

Usage:
  python scripts/train_microskills.py [--c 8] [--written-weight 4] [--turn-words] [--names]
  python scripts/train_microskills.py --dev [same options]

The training material is the generated corpus's training split
(``microskills/data/conversations.jsonl``; its held-out quarter is never used) and the
conversations written by hand from the spec (``tools/microskills_datagen/written/``), whose
rows weigh ``--written-weight`` times more: they read like real calls, the generated ones
like their templates. Neither the independent evaluation set nor AnnoMI is ever read here.

Features: word and character n-grams (tf-idf) and the context strings of the customer turn
an advisor answers (its signals, whether it asked a question, shared words); options add
the words of the turn an utterance answers, of the other party's reply (the advisor's to a
customer, the customer's to an advisor), and first names.
Per-code decision thresholds are chosen on out-of-fold probabilities: the writers split in
two groups, each predicted by a model that never read it (the generated rows always train).

``--dev`` writes nothing: it splits the writers in three groups, trains without each group
and tags its conversations as the app does (in order, with the tagger's own signals as
context), then prints per-code F1 and the macro-F1s. That is how settings are chosen.

Writes microskills/model/tagger.npz and tagger_vocab.json (numpy arrays and a JSON feature
list, no pickle).
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from microskills.dataset import (  # noqa: E402
    DATA_PATH,
    WRITTEN_DIR,
    Utterance,
    load_split,
    load_written,
    writer_of,
)
from microskills.masterlist import CODES, SIGNAL_CODES  # noqa: E402
from microskills.tagger.core import (  # noqa: E402
    Context,
    RuleChoice,
    all_context_features,
    combine_signal_scores,
    combine_skill_scores,
    other_party_replies,
    previous_other_turns,
    signal_features,
    skill_features,
    tag_conversation,
)
from microskills.tagger.features import analyze, clean, vectorize  # noqa: E402
from microskills.tagger.model import Head, TaggerModel, save_model  # noqa: E402
from microskills.tagger.names import ALL_NAME_FEATURES  # noqa: E402
from microskills.tagger.questions import question_types  # noqa: E402
from microskills.tagger.rules import RULE_ONLY_SKILLS  # noqa: E402

THRESHOLD_GRID = np.round(np.arange(0.2, 0.91, 0.05), 2)
#: idf given to the context features (they are not in the fitted vectoriser).
CONTEXT_IDF = 3.0
#: how much better (out-of-fold F1) a code must do without its rules for them to be left out
RULE_CHOICE_MARGIN = 0.01


@dataclass(frozen=True)
class Settings:
    c: float = 8.0
    written_weight: float = 4.0
    generated_share: float = 0.35
    folds: int = 2
    turn_words: bool = True  # the words of the turn an utterance answers are features
    replies: bool = True  # a customer line also gets the words of the advisor's reply
    names: bool = True  # where first names are in an advisor's words; the model then
    # learns personalisation instead of leaving it to the capital-letter rules
    written: Path = WRITTEN_DIR
    rule_choice: bool = True  # per code, leave out rules that do worse than the model alone
    customer_replies: bool = True  # an advisor line also gets the words of the customer's
    # reply ("yes exactly" after a paraphrase)
    adjudicated: bool = False  # personalisation and paraphrase as decided blind from the
    # spec (tools/microskills_adjudication/) instead of as each writer labelled them

    @property
    def rule_only(self) -> frozenset[str]:
        return frozenset() if self.names else RULE_ONLY_SKILLS


def _fit_head(x, y: np.ndarray, c: float,
              weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    coef = np.zeros((x.shape[1], y.shape[1]), dtype=np.float64)
    intercept = np.full(y.shape[1], -10.0)
    for k in range(y.shape[1]):
        if y[:, k].sum() == 0:  # nothing to learn; the rules alone decide
            continue
        clf = LogisticRegression(C=c, class_weight="balanced", solver="liblinear", max_iter=2000)
        clf.fit(x, y[:, k], sample_weight=weights)
        coef[:, k] = clf.coef_[0]
        intercept[k] = clf.intercept_[0]
    return coef, intercept


def _probs(x, coef: np.ndarray, intercept: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-(np.asarray(x @ coef) + intercept)))


def _f1(pred: np.ndarray, gold: np.ndarray) -> float:
    tp = float((pred & gold).sum())
    denom = float(pred.sum() + gold.sum())
    return 2 * tp / denom if denom else 1.0


def contexts_of(utts: Sequence[Utterance]) -> list[tuple[Context | None, str | None]]:
    """For each utterance, the turn of the other party it answers, within its conversation:
    for an advisor line the customer turn, as the tagger's ``Context`` (with its labelled
    signals; at run time the tagger's own signals stand in for the labels) and as text; for a
    customer line the advisor turn (text only)."""
    by_conv: dict[str, list[int]] = {}
    for i, u in enumerate(utts):
        by_conv.setdefault(u.conversation, []).append(i)
    out: list[tuple[Context | None, str | None]] = [(None, None)] * len(utts)
    for idx in by_conv.values():
        prev = previous_other_turns([utts[i].speaker for i in idx])
        for i, j in zip(idx, prev, strict=True):
            if j is None:
                continue
            u = utts[idx[j]]
            if u.speaker == "customer":
                low = clean(u.text)
                out[i] = (Context(low, frozenset(u.signals), bool(question_types(low))), u.text)
            else:
                out[i] = (None, u.text)
    return out


def replies_of(utts: Sequence[Utterance]) -> list[str | None]:
    """For each utterance, the other party's turn that answers it (None otherwise): the
    advisor's for a customer line, the customer's for an advisor line."""
    by_conv: dict[str, list[int]] = {}
    for i, u in enumerate(utts):
        by_conv.setdefault(u.conversation, []).append(i)
    out: list[str | None] = [None] * len(utts)
    for idx in by_conv.values():
        for i, j in zip(idx, other_party_replies([utts[i].speaker for i in idx]),
                        strict=True):
            if j is not None:
                out[i] = utts[idx[j]].text
    return out


def advisor_extras(texts: Sequence[str], contexts: Sequence[Context | None],
                   replies: Sequence[str | None], settings: Settings) -> list[list[str]]:
    """The context features of advisor lines (the customer turn each answers and, when
    ``settings.customer_replies``, the customer's reply), as the tagger builds them."""
    answers = replies if settings.customer_replies else [None] * len(texts)
    return [skill_features(t, ctx, settings.turn_words, settings.names, reply)
            for t, ctx, reply in zip(texts, contexts, answers, strict=True)]


def _threshold_folds(utts: Sequence[Utterance], folds: int):
    """Train/test row indices for the out-of-fold probabilities that thresholds are chosen
    on. With hand-written rows: the writers split in ``folds`` groups (the generated rows
    always train), so thresholds are set for people the model has not read, as in use.
    Without: groups of conversations."""
    writers = sorted({w for u in utts if (w := writer_of(u.conversation))})
    if len(writers) >= folds:
        of = {w: i % folds for i, w in enumerate(writers)}
        fold = np.array([of.get(writer_of(u.conversation), -1) for u in utts])
        for k in range(folds):
            yield np.flatnonzero(fold != k), np.flatnonzero(fold == k)
        return
    groups = [u.conversation for u in utts]
    yield from GroupKFold(n_splits=folds).split(np.zeros(len(utts)), None, groups)


def _train_head(utts: Sequence[Utterance], codes: Sequence[str], attr: str, combine, vocab,
                idf, settings: Settings, contexts=None, verbose: bool = True,
                previous=None, replies=None) -> tuple[Head, RuleChoice]:
    """``contexts``: an advisor head's (Context, text) of the customer turn of each row,
    and ``replies`` the customer's replies to them; ``previous``: a customer head's
    (advisor turn before, advisor reply) texts per row."""
    texts = [u.text for u in utts]
    written = np.array([writer_of(u.conversation) is not None for u in utts])
    weights = np.where(written, settings.written_weight, 1.0)
    y = np.array([[code in getattr(u, attr) for code in codes] for u in utts], dtype=bool)
    with_context = contexts is not None
    extras = ctx_objs = None
    if with_context:
        ctx_objs = [c for c, _t in contexts]
        extras = advisor_extras(texts, ctx_objs, replies, settings)
    elif settings.turn_words or settings.replies:
        extras = [signal_features(before, reply, settings.turn_words, settings.replies)
                  for before, reply in previous]
    x = vectorize(texts, vocab, idf, extras)
    oof = np.zeros(y.shape)
    for tr, te in _threshold_folds(utts, settings.folds):
        coef, intercept = _fit_head(x[tr], y[tr], settings.c, weights[tr])
        oof[te] = _probs(x[te], coef, intercept)
    ctxs = ctx_objs if ctx_objs is not None else [None] * len(texts)
    combined = [combine(t, p, codes, ctx, rule_only=settings.rule_only)
                for t, p, ctx in zip(texts, oof, ctxs, strict=True)]
    scores = np.vstack([c.scores for c in combined])
    fired = np.vstack([c.fired for c in combined])
    vetoed = np.vstack([c.vetoed for c in combined])
    rows = written if written.any() else np.ones(len(utts), dtype=bool)

    def decide(k: int, t: float, rules: bool = True, veto: bool = True) -> np.ndarray:
        score = scores[:, k] if rules else oof[:, k]
        chosen = (fired[:, k] | (score >= t)) if rules else score >= t
        return (chosen & ~vetoed[:, k] if veto else chosen)[rows]

    def best(k: int, rules: bool, veto: bool) -> tuple[float, float]:
        """(F1, threshold) of the best threshold for code k with this use of the rules."""
        f1, _, t = max((_f1(decide(k, t, rules, veto), y[rows, k]), -abs(t - 0.5), t)
                       for t in THRESHOLD_GRID)
        return f1, t

    thresholds = np.zeros(len(codes))
    rules_off: list[str] = []
    vetoes_off: list[str] = []
    for k, code in enumerate(codes):
        modes = {(rules, veto): best(k, rules, veto) for rules in (True, False)
                 for veto in (True, False)}
        mode = (True, True)  # the rules decide unless leaving them out clearly does better
        if settings.rule_choice:
            for other, (f1, _t) in modes.items():
                if f1 > modes[mode][0] + RULE_CHOICE_MARGIN:
                    mode = other
        thresholds[k] = modes[mode][1]
        if not mode[0]:
            rules_off.append(code)
        if not mode[1]:
            vetoes_off.append(code)
        if verbose:
            print(f"  {code:20s} positives={int(y[rows, k].sum()):4d} "
                  f"threshold={thresholds[k]:.2f} out-of-fold F1={modes[mode][0]:.3f}"
                  f"{'' if mode[0] else ' (rules off)'}{'' if mode[1] else ' (veto off)'}")
    coef, intercept = _fit_head(x, y, settings.c, weights)
    return Head(tuple(codes), coef.astype(np.float32), intercept, thresholds), RuleChoice(
        frozenset(rules_off), frozenset(vetoes_off))


def _kept(conversation: str, share: float) -> bool:
    """A fixed ``share`` of the generated conversations (by a hash of the id, so every run
    keeps the same ones)."""
    return zlib.crc32(conversation.encode()) % 1000 < share * 1000


def training_material(settings: Settings,
                      exclude_writers: Sequence[str] = ()) -> list[Utterance]:
    generated = [u for u in load_split(heldout=False, path=DATA_PATH)
                 if _kept(u.conversation, settings.generated_share)]
    written = [u for u in load_written(settings.written, settings.adjudicated)
               if writer_of(u.conversation) not in exclude_writers]
    return generated + written


def fit_vocabulary(utts: Sequence[Utterance], settings: Settings
                   ) -> tuple[dict[str, int], np.ndarray]:
    """Feature columns and their idf: the n-grams of ``utts``, then the context and name
    features, then the words of the turn answered and of the reply (as ``settings`` asks)."""
    tfidf = TfidfVectorizer(analyzer=analyze, sublinear_tf=True, min_df=2)
    tfidf.fit([u.text for u in utts])
    vocab: dict[str, int] = {f: int(j) for f, j in tfidf.vocabulary_.items()}
    idfs = list(tfidf.idf_.astype(np.float64))

    def add(feature: str, weight: float) -> None:
        if feature in vocab:
            raise ValueError(f"feature {feature!r} made twice")
        vocab[feature] = len(vocab)
        idfs.append(weight)

    for f in all_context_features(SIGNAL_CODES) + list(ALL_NAME_FEATURES):
        add(f, CONTEXT_IDF)
    words = [(f[2:], idfs[j]) for f, j in list(vocab.items()) if f.startswith("w:")]
    for prefix, wanted in (("p", settings.turn_words), ("ar", settings.replies),
                           ("cr", settings.customer_replies)):
        for word, weight in words if wanted else ():  # weigh as the words themselves do
            add(f"{prefix}:{word}", weight)
    idf = np.array(idfs)
    return vocab, idf


def train(utts: Sequence[Utterance], settings: Settings, verbose: bool = True) -> TaggerModel:
    contexts = contexts_of(utts)
    agent = [u for u in utts if u.speaker == "agent"]
    agent_ctx = [c for u, c in zip(utts, contexts, strict=True) if u.speaker == "agent"]
    customer = [u for u in utts if u.speaker == "customer"]
    replies = replies_of(utts)
    customer_prev = [(c[1], r) for u, c, r in zip(utts, contexts, replies, strict=True)
                     if u.speaker == "customer"]
    agent_replies = [r for u, r in zip(utts, replies, strict=True) if u.speaker == "agent"]
    vocab, idf = fit_vocabulary(utts, settings)
    n_written = sum(writer_of(u.conversation) is not None for u in utts)
    if verbose:
        print(f"training on {len(agent)} agent / {len(customer)} customer utterances "
              f"({n_written} written by hand) from {len({u.conversation for u in utts})} "
              f"conversations; {len(vocab)} n-gram features; {settings}")
        print("skills:")
    skills, skill_choice = _train_head(agent, CODES, "skills", combine_skill_scores, vocab,
                                       idf, settings, agent_ctx, verbose,
                                       replies=agent_replies)
    if verbose:
        print("signals:")
    signals, signal_choice = _train_head(customer, SIGNAL_CODES, "signals",
                          lambda t, p, codes, _ctx, rule_only: combine_signal_scores(
                              t, p, codes), vocab,
                          idf, settings, None, verbose, customer_prev)
    meta = {"C": settings.c, "written_weight": settings.written_weight,
            "generated_share": settings.generated_share,
            "turn_words": settings.turn_words, "replies": settings.replies,
            "customer_replies": settings.customer_replies,
            "names": settings.names, "adjudicated": settings.adjudicated,
            "rule_only": sorted(settings.rule_only),
            "rules_off": {"skills": sorted(skill_choice.rules_off),
                          "signals": sorted(signal_choice.rules_off)},
            "vetoes_off": {"skills": sorted(skill_choice.vetoes_off),
                           "signals": sorted(signal_choice.vetoes_off)},
            "n_agent": len(agent),
            "n_customer": len(customer), "n_written": n_written}
    return TaggerModel(vocab, idf, skills, signals, meta)


def per_code_f1s(utts: Sequence[Utterance], model: TaggerModel
                 ) -> tuple[dict[str, float], dict[str, float]]:
    """Per-code F1 of the tagger on whole conversations, tagged as the app tags them: the
    18 microskills on advisor lines, the signals on customer lines."""
    results = []
    start = 0
    for i in range(1, len(utts) + 1):
        if i == len(utts) or utts[i].conversation != utts[start].conversation:
            results.extend(tag_conversation([(u.text, u.speaker) for u in utts[start:i]], model))
            start = i

    def f1s(codes, speaker, attr) -> dict[str, float]:
        pairs = [(set(getattr(u, attr)), set(getattr(r, attr)))
                 for u, r in zip(utts, results, strict=True) if u.speaker == speaker]
        gold = np.array([[c in g for c in codes] for g, _p in pairs])
        pred = np.array([[c in p for c in codes] for _g, p in pairs])
        return {c: _f1(pred[:, k], gold[:, k]) for k, c in enumerate(codes)}

    return f1s(CODES, "agent", "skills"), f1s(SIGNAL_CODES, "customer", "signals")


def dev(settings: Settings, folds: int = 3, runs: int = 3,
        held: Sequence[str] = ()) -> tuple[float, float]:
    """Leave writers out: ``folds`` groups of writers; train without a group's
    conversations, measure on them. With ``held``, only those writers are measured (the
    others always train): figures stay comparable when writers are added."""
    writers = sorted(held) or sorted({w for u in load_written(settings.written)
                                      if (w := writer_of(u.conversation))})
    skills: list[dict[str, float]] = []
    signals: list[dict[str, float]] = []
    for group in (writers[i::folds] for i in range(min(runs, folds))):
        started = time.perf_counter()
        model = train(training_material(settings, exclude_writers=group), settings,
                      verbose=False)
        held = [u for u in load_written(settings.written, settings.adjudicated)
                if writer_of(u.conversation) in group]
        found = per_code_f1s(held, model)
        skills.append(found[0])
        signals.append(found[1])
        print(f"  without {'+'.join(group)}: agent macro-F1 {np.mean(list(found[0].values())):.3f}"
              f", signals {np.mean(list(found[1].values())):.3f} "
              f"({time.perf_counter() - started:.0f} s)", flush=True)
    for title, runs in (("skills", skills), ("signals", signals)):
        print(f"{title}: " + ", ".join(f"{code} {np.mean([r[code] for r in runs]):.2f}"
                                       for code in runs[0]))
    agent = float(np.mean([np.mean(list(r.values())) for r in skills]))
    signal = float(np.mean([np.mean(list(r.values())) for r in signals]))
    print(f"dev {settings}: agent {agent:.3f}, signals {signal:.3f}")
    return agent, signal


#: the on/off settings, each a --name / --no-name option
SWITCHES = {
    "turn_words": "the words of the turn an utterance answers are features",
    "replies": "customer lines also read the advisor's reply",
    "names": "first-name features; personalisation is learned, not rule-only",
    "rule_choice": "per code, leave out rules that do worse than the model alone",
    "customer_replies": "an advisor line also gets the words of the customer's reply",
    "adjudicated": "train (and, with --dev, measure) on the adjudicated labels of "
                   "personalisation and paraphrase",
}


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--c", type=float, default=Settings.c, help="inverse L2 regularisation")
    parser.add_argument("--written-weight", type=float, default=Settings.written_weight)
    parser.add_argument("--generated-share", type=float, default=Settings.generated_share,
                        help="share of the generated corpus's conversations trained on")
    parser.add_argument("--written", type=Path, default=WRITTEN_DIR,
                        help="folder of the hand-written conversations")
    parser.add_argument("--dev-folds", type=int, default=3,
                        help="--dev: how many of the 3 writer groups to measure on")
    for name, help_text in SWITCHES.items():
        parser.add_argument(f"--{name.replace('_', '-')}", action=argparse.BooleanOptionalAction,
                            default=getattr(Settings, name), help=help_text)
    parser.add_argument("--dev-held", default="",
                        help="comma-separated writers measured by --dev (default: all)")
    parser.add_argument("--dev", action="store_true",
                        help="leave-one-writer-out figures only; writes nothing")
    args = parser.parse_args(argv)
    settings = Settings(args.c, args.written_weight, args.generated_share,
                        written=args.written, **{name: getattr(args, name) for name in SWITCHES})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=UserWarning)
        if args.dev:
            dev(settings, runs=args.dev_folds,
                held=[w for w in args.dev_held.split(",") if w])
            return
        model = train(training_material(settings), settings)
    save_model(model)
    print("model written to microskills/model/")


if __name__ == "__main__":
    main()
