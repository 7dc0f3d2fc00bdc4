"""Does training on the adjudicated labels help? Leave writers out, as
``scripts/train_microskills.py --dev`` does (three groups of w1-w14; the other writers
always train), but keep what each model says so it can be scored against either labelling.

  python tools/microskills_adjudication/measure.py predict original preds_original.json
  python tools/microskills_adjudication/measure.py predict adjudicated preds_adjudicated.json
  python tools/microskills_adjudication/measure.py score preds_original.json preds_adjudicated.json

Reads only the training material: never the independent set or AnnoMI.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))
sys.path.insert(0, str(HERE.parent.parent / "scripts"))
sys.path.insert(0, str(HERE))

from select_candidates import out_of_fold_tags  # noqa: E402
from train_microskills import (  # noqa: E402
    Settings,
    _f1,
)

from microskills.dataset import load_written, turn_ids  # noqa: E402
from microskills.masterlist import CODES  # noqa: E402

HELD = [f"w{i}" for i in range(1, 15)]


def predict(labels: str, out: Path) -> None:
    settings = Settings(adjudicated=labels == "adjudicated")
    written = load_written(settings.written)
    ids = turn_ids(written)
    found = out_of_fold_tags(written, settings, HELD)
    out.write_text(json.dumps({ids[i]: sorted(skills) for i, skills in found.items()
                               if written[i].speaker == "agent"}))


def score(paths: list[Path]) -> None:
    written = load_written(Settings().written)
    golds = {"writers' labels": written,
             "adjudicated labels": load_written(Settings().written, adjudicated=True)}
    ids = turn_ids(written)
    for path in paths:
        found = json.loads(path.read_text())
        for title, gold in golds.items():
            pairs = [(set(g.skills), set(found[i])) for g, i in zip(gold, ids, strict=True)
                     if i in found]
            f1 = {c: _f1(np.array([c in p for _g, p in pairs]),
                         np.array([c in g for g, _p in pairs])) for c in CODES}
            rest = [f1[c] for c in CODES if c not in ("W.personalize", "S.paraphrase")]
            print(f"{path.name} against {title}: agent macro-F1 {np.mean(list(f1.values())):.3f}"
                  f" (W.personalize {f1['W.personalize']:.2f}, S.paraphrase "
                  f"{f1['S.paraphrase']:.2f}, the other 16 codes {np.mean(rest):.3f})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    steps = parser.add_subparsers(dest="step", required=True)
    predict_step = steps.add_parser("predict", help="train without each group and tag it")
    predict_step.add_argument("labels", choices=("original", "adjudicated"))
    predict_step.add_argument("out", type=Path)
    score_step = steps.add_parser("score", help="F1 against both labellings")
    score_step.add_argument("predictions", type=Path, nargs="+")
    args = parser.parse_args()
    if args.step == "predict":
        predict(args.labels, args.out)
    else:
        score(args.predictions)


if __name__ == "__main__":
    main()
