"""Hand the candidates to adjudicators and gather their decisions.

  python tools/microskills_adjudication/batches.py split OUT_DIR
      writes OUT_DIR/batch1.jsonl ... batch7.jsonl (every candidate once, shuffled, without
      the ``_writer``/``_model`` fields) and batch8.jsonl (150 of them again, for agreement)
  python tools/microskills_adjudication/batches.py collect OUT_DIR
      checks that each OUT_DIR/outN.jsonl decides its batch's ids in order, then writes
      decisions.jsonl (batches 1-7) and second_adjudicator.jsonl (batch 8)

Each adjudicator gets ``adjudicator_brief.md`` with {BATCH} and {OUT} filled in.
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

from select_candidates import HERE, write_jsonl

BATCHES = 7
AGREEMENT_SAMPLE = 150
SHOWN = ("id", "code", "before", "line", "reply")


def read_jsonl(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def split(out_dir: Path) -> None:
    rows = read_jsonl(HERE / "selection.jsonl")
    random.Random(11).shuffle(rows)
    out_dir.mkdir(parents=True, exist_ok=True)
    batches = [rows[b::BATCHES] for b in range(BATCHES)]
    batches.append(random.Random(12).sample(rows, AGREEMENT_SAMPLE))
    for n, batch in enumerate(batches, start=1):
        write_jsonl(out_dir / f"batch{n}.jsonl", ({k: r[k] for k in SHOWN} for r in batch))


def decided(out_dir: Path, n: int) -> list[dict]:
    """Batch ``n``'s decisions, or SystemExit naming what is wrong with them."""
    wanted = [r["id"] for r in read_jsonl(out_dir / f"batch{n}.jsonl")]
    try:
        got = read_jsonl(out_dir / f"out{n}.jsonl")
    except (OSError, json.JSONDecodeError) as exc:
        raise SystemExit(f"out{n}.jsonl: {exc}") from exc
    if [r.get("id") for r in got] != wanted:
        raise SystemExit(f"out{n}.jsonl does not decide batch{n}.jsonl's ids in order")
    if not all(isinstance(r.get("decision"), bool) for r in got):
        raise SystemExit(f"out{n}.jsonl has a decision that is not true or false")
    return [{"id": r["id"], "decision": r["decision"]} for r in got]


def collect(out_dir: Path) -> None:
    first = {r["id"]: r for n in range(1, BATCHES + 1) for r in decided(out_dir, n)}
    second = decided(out_dir, BATCHES + 1)  # checked before anything is written
    order = [r["id"] for r in read_jsonl(HERE / "selection.jsonl")]
    write_jsonl(HERE / "decisions.jsonl", (first[i] for i in order))
    write_jsonl(HERE / "second_adjudicator.jsonl", second)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("step", choices=("split", "collect"))
    parser.add_argument("out_dir", type=Path)
    args = parser.parse_args()
    (split if args.step == "split" else collect)(args.out_dir)


if __name__ == "__main__":
    main()
