"""Agreement between the two independent annotators on the double-labelled sample.

Usage: python benchmarks/data/independent/agreement.py

``conversations.jsonl`` was written and labelled by one annotator from the spec alone;
``second_labels.jsonl`` holds a second annotator's labels (spec and unlabelled text only)
for 13 of its conversations drawn at random. Per code: F1 of one against the other (it is
symmetric) and Cohen's kappa (utterance present/absent).
"""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).resolve().parent


def load(name: str) -> dict[tuple[str, int], dict]:
    rows = (json.loads(line) for line in (HERE / name).read_text().splitlines() if line.strip())
    return {(r["conversation"], r["position"]): r for r in rows}


def agreement(a: list[bool], b: list[bool]) -> tuple[float, float, int]:
    both = sum(x and y for x, y in zip(a, b, strict=True))
    only_a = sum(x and not y for x, y in zip(a, b, strict=True))
    only_b = sum(y and not x for x, y in zip(a, b, strict=True))
    f1 = 2 * both / (2 * both + only_a + only_b) if both + only_a + only_b else 1.0
    n = len(a)
    observed = sum(x == y for x, y in zip(a, b, strict=True)) / n
    pa, pb = sum(a) / n, sum(b) / n
    expected = pa * pb + (1 - pa) * (1 - pb)
    kappa = (observed - expected) / (1 - expected) if expected < 1 else 1.0
    return f1, kappa, sum(a) + sum(b)


def main() -> None:
    first, second = load("conversations.jsonl"), load("second_labels.jsonl")
    keys = sorted(second)
    print(f"{len(keys)} utterances double-labelled ({len({k[0] for k in keys})} conversations)")
    for field, speaker in (("skills", "agent"), ("signals", "customer"), ("flags", "agent")):
        rows = [k for k in keys if first[k]["speaker"] == speaker]
        codes = sorted({c for k in rows for c in first[k][field] + second[k][field]})
        print(
            f"\n{field} ({len(rows)} {speaker} utterances)\n{'code':22s} {'F1':>6s} "
            f"{'kappa':>6s} {'labels':>6s}"
        )
        f1s, kappas = [], []
        for code in codes:
            f1, kappa, n = agreement(
                [code in first[k][field] for k in rows], [code in second[k][field] for k in rows]
            )
            f1s.append(f1)
            kappas.append(kappa)
            print(f"{code:22s} {f1:6.3f} {kappa:6.3f} {n:6d}")
        if codes:
            print(f"{'mean':22s} {sum(f1s) / len(f1s):6.3f} {sum(kappas) / len(kappas):6.3f}")


if __name__ == "__main__":
    main()
