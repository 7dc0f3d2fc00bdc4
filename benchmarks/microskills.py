"""Benchmark the microskill tagger.

Usage: python benchmarks/microskills.py [--annomi PATH] [--errors N]

1. Held-out conversations of microskills/data/conversations.jsonl (never trained on):
   per-code precision/recall/F1 and macro-F1 over the 18 codes, customer-signal F1s,
   utterance-level flags; the same for the varied dev split.
   Then the frozen independent set (benchmarks/data/independent/, written and labelled from
   the spec alone by people who never saw the tagger): figures only, never its errors.
2. Throughput over 20,000 utterances (model load excluded).
3. AnnoMI (evaluation only, read from the shared data folder, never trained on):
   open vs closed question macro-F1 among therapist utterances annotated as questions
   (majority vote over annotators), and a mapped question/reflection/other report. Each
   therapist utterance is read with the client utterances before and straight after it, as
   the app reads an advisor's turn with the customer's.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
# "on one core": numpy's BLAS must not spread (or fight over) threads; set before numpy loads
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

from microskills.dataset import load_split  # noqa: E402
from microskills.masterlist import CODES, FLAG_CODES, SIGNAL_CODES  # noqa: E402
from microskills.tagger import tag_conversation, tag_utterances  # noqa: E402
from microskills.tagger.core import skill_scores  # noqa: E402
from microskills.tagger.model import load_model  # noqa: E402

ANNOMI_PATH = Path(__file__).resolve().parents[2] / "shared" / "data" / "annomi" / "annomi-dev.csv"
REFLECTION_CODES = ("S.paraphrase", "W.empathy", "S.summary")


def prf(gold: Sequence[set[str]], pred: Sequence[set[str]], code: str) -> tuple[float, ...]:
    tp = sum(code in g and code in p for g, p in zip(gold, pred, strict=True))
    fp = sum(code not in g and code in p for g, p in zip(gold, pred, strict=True))
    fn = sum(code in g and code not in p for g, p in zip(gold, pred, strict=True))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1, tp + fn


def report(title: str, codes: Iterable[str], gold, pred) -> float:
    print(f"\n{title}\n{'code':22s} {'P':>6s} {'R':>6s} {'F1':>6s} {'n':>5s}")
    f1s = []
    for code in codes:
        p, r, f, n = prf(gold, pred, code)
        f1s.append(f)
        print(f"{code:22s} {p:6.3f} {r:6.3f} {f:6.3f} {n:5d}")
    macro = sum(f1s) / len(f1s)
    print(f"{'macro-F1':22s} {'':6s} {'':6s} {macro:6.3f}")
    return macro


def _tag_in_context(utts) -> list:
    """Tag each conversation as the app does: in order, with the previous customer turn."""
    results, start = [], 0
    for i in range(1, len(utts) + 1):
        if i == len(utts) or utts[i].conversation != utts[start].conversation:
            results.extend(tag_conversation([(u.text, u.speaker) for u in utts[start:i]]))
            start = i
    return results


def heldout(show_errors: int, prefix: str = "c", title: str = "held-out") -> float:
    """``prefix`` "c": the phrasing-bank held-out calls; "v": the dev split of the varied
    conversations (every 4th, wording from templates training never drew)."""
    utts = [u for u in load_split(heldout=True) if u.conversation.startswith(prefix)]
    results = _tag_in_context(utts)
    agent = [(u, r) for u, r in zip(utts, results, strict=True) if u.speaker == "agent"]
    cust = [(u, r) for u, r in zip(utts, results, strict=True) if u.speaker == "customer"]
    print(f"\n{title}: {len({u.conversation for u in utts})} conversations, {len(agent)} agent / "
          f"{len(cust)} customer utterances")
    macro = report(f"Microskills ({title})", CODES, [set(u.skills) for u, _ in agent],
                   [set(r.skills) for _, r in agent])
    report(f"Customer signals ({title})", SIGNAL_CODES, [set(u.signals) for u, _ in cust],
           [set(r.signals) for _, r in cust])
    utt_flags = [f for f in FLAG_CODES if f in {"missed.dont_know", "missed.blame",
                                                 "missed.buried_answer"}]
    report(f"Utterance flags ({title})", utt_flags, [set(u.flags) for u, _ in agent],
           [set(r.flags) for _, r in agent])
    if show_errors:
        print(f"\nfirst {show_errors} {title} agent errors:")
        shown = 0
        for u, r in agent:
            if set(u.skills) != set(r.skills) and shown < show_errors:
                print(f"  {u.text!r}\n     gold={sorted(u.skills)} pred={sorted(r.skills)}")
                shown += 1
    return macro


INDEPENDENT_PATH = Path(__file__).resolve().parent / "data" / "independent" / "conversations.jsonl"
AGENT_TARGET, SIGNAL_TARGET, CODE_FLOOR = 0.85, 0.80, 0.60


def independent(path: Path = INDEPENDENT_PATH) -> tuple[float, float]:
    """The frozen independent set (written and labelled from the spec alone, never tuned
    to): each conversation tagged in order, as the app tags a call. Prints figures only,
    never errors: rules and training data are not written by reading them."""
    rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    by_conversation: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        by_conversation[row["conversation"]].append(row)
    gold_rows, results = [], []
    for turns in by_conversation.values():
        turns.sort(key=lambda r: r["position"])
        results.extend(tag_conversation([(r["text"], r["speaker"]) for r in turns]))
        gold_rows.extend(turns)
    agent = [(g, r) for g, r in zip(gold_rows, results, strict=True) if g["speaker"] == "agent"]
    cust = [(g, r) for g, r in zip(gold_rows, results, strict=True)
            if g["speaker"] == "customer"]
    print(f"\nindependent set: {len(by_conversation)} conversations, {len(agent)} agent / "
          f"{len(cust)} customer utterances (frozen; figures only)")
    skills = report("Microskills (independent)", CODES, [set(g["skills"]) for g, _ in agent],
                    [set(r.skills) for _, r in agent])
    signals = report("Customer signals (independent)", SIGNAL_CODES,
                     [set(g["signals"]) for g, _ in cust], [set(r.signals) for _, r in cust])
    report("Utterance flags (independent)", ["missed.dont_know", "missed.blame",
                                             "missed.buried_answer"],
           [set(g["flags"]) for g, _ in agent], [set(r.flags) for _, r in agent])
    low = [c for c in CODES if prf([set(g["skills"]) for g, _ in agent],
                                   [set(r.skills) for _, r in agent], c)[2] < CODE_FLOOR]
    low += [c for c in SIGNAL_CODES if prf([set(g["signals"]) for g, _ in cust],
                                           [set(r.signals) for _, r in cust], c)[2] < CODE_FLOOR]
    print(f"targets: agent macro-F1 {skills:.3f} (>= {AGENT_TARGET}) "
          f"{'met' if skills >= AGENT_TARGET else 'NOT met'}; signals {signals:.3f} "
          f"(>= {SIGNAL_TARGET}) {'met' if signals >= SIGNAL_TARGET else 'NOT met'}; codes under "
          f"{CODE_FLOOR}: {', '.join(low) or 'none'}")
    return skills, signals


def throughput(n: int = 20_000) -> float:
    utts = load_split(heldout=True)
    items = [(u.text, u.speaker) for u in utts]
    items = (items * (n // len(items) + 1))[:n]
    load_model()  # excluded from the timing
    tag_utterances(items[:100])
    start = time.perf_counter()
    tag_utterances(items)
    elapsed = time.perf_counter() - start
    rate = n / elapsed
    print(f"\nThroughput: {n} utterances in {elapsed:.2f} s = {rate:,.0f} utterances/s")
    return rate


def _majority(values: list[str]) -> str:
    return Counter(values).most_common(1)[0][0] if values else ""


def load_annomi(path: Path) -> list[dict[str, str]]:
    """One row per therapist utterance with majority-vote labels, the client utterance it
    follows in its conversation and the client's reply straight after it (what the app
    gives an advisor's turn)."""
    votes: dict[tuple[str, str], dict] = {}
    order: list[tuple[str, str]] = []
    last_client: dict[str, str] = {}
    client: dict[tuple[str, int], str] = {}
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            transcript = row["transcript_id"]
            if row["interlocutor"] != "therapist":
                last_client[transcript] = row["utterance_text"]
                client[(transcript, int(row["utterance_id"]))] = row["utterance_text"]
                continue
            key = (transcript, row["utterance_id"])
            if key not in votes:
                votes[key] = {"text": row["utterance_text"], "behaviour": [], "subtype": [],
                              "context": last_client.get(transcript)}
                order.append(key)
            votes[key]["behaviour"].append(row["main_therapist_behaviour"])
            votes[key]["subtype"].append(row["question_subtype"] if row["question_exists"] ==
                                         "True" else "")
    return [{"text": votes[k]["text"], "behaviour": _majority(votes[k]["behaviour"]),
             "subtype": _majority(votes[k]["subtype"]), "context": votes[k]["context"],
             "reply": client.get((k[0], int(k[1]) + 1))}
            for k in order]


def annomi(path: Path, show_errors: int) -> None:
    if not path.is_file():
        print(f"\nAnnoMI: {path} not found, skipping the AnnoMI evaluation.")
        return
    rows = load_annomi(path)
    model = load_model()
    scores = skill_scores([r["text"] for r in rows], model, [r["context"] for r in rows],
                          [r["reply"] for r in rows])
    idx = {c: i for i, c in enumerate(model.skills.codes)}
    thr = dict(zip(model.skills.codes, model.skills.thresholds, strict=True))

    qs = [(r, s) for r, s in zip(rows, scores, strict=True)
          if r["behaviour"] == "question" and r["subtype"] in ("open", "closed")]
    gold = [{r["subtype"]} for r, _ in qs]
    pred = [{"open" if s[idx["E.open_question"]] >= s[idx["E.closed_question"]] else "closed"}
            for _, s in qs]
    print(f"\nAnnoMI ({len(rows)} therapist utterances, majority vote; evaluation only)")
    report(f"Open vs closed among {len(qs)} question utterances", ["open", "closed"], gold, pred)
    if show_errors:
        errs = [(r["text"], g, p) for (r, _), g, p in zip(qs, gold, pred, strict=True) if g != p]
        for text, g, p in errs[:show_errors]:
            print(f"  gold={next(iter(g)):6s} pred={next(iter(p)):6s} {text[:150]!r}")

    def mapped(s) -> str:
        if s[idx["E.open_question"]] >= thr["E.open_question"] or \
                s[idx["E.closed_question"]] >= thr["E.closed_question"]:
            return "question"
        if any(s[idx[c]] >= thr[c] for c in REFLECTION_CODES):
            return "reflection"
        return "other"

    gold3 = [{r["behaviour"] if r["behaviour"] in ("question", "reflection") else "other"}
             for r in rows]
    pred3 = [{mapped(s)} for s in scores]
    report("Therapist behaviour mapped to question / reflection / other",
           ["question", "reflection", "other"], gold3, pred3)
    per = defaultdict(Counter)
    for g, p in zip(gold3, pred3, strict=True):
        per[next(iter(g))][next(iter(p))] += 1
    print("confusion (gold -> predicted):", {g: dict(c) for g, c in per.items()})


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--annomi", type=Path, default=ANNOMI_PATH)
    parser.add_argument("--errors", type=int, default=0, help="print up to N errors")
    parser.add_argument("--skip-throughput", action="store_true")
    args = parser.parse_args(argv)
    heldout(args.errors)
    heldout(args.errors, "v", "varied dev")
    independent()
    if not args.skip_throughput:
        throughput()
    annomi(args.annomi, args.errors)


if __name__ == "__main__":
    main()
