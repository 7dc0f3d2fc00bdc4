"""Does training on the adjudicated labels help? Leave writers out, as
``scripts/train_microskills.py --dev`` does (three groups of w1-w14; the other writers
always train), but keep what each model says so it can be scored against either labelling.

  python tools/microskills_adjudication/measure.py predict original preds_original.json
  python tools/microskills_adjudication/measure.py predict adjudicated preds_adjudicated.json
  python tools/microskills_adjudication/measure.py score preds_original.json preds_adjudicated.json

Reads only the training material: never the independent set or AnnoMI.
"""

from __future__ import annotations

import json
import sys
import warnings
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))
sys.path.insert(0, str(HERE.parent.parent / "scripts"))

from train_microskills import (  # noqa: E402
    Settings,
    _f1,
    train,
    training_material,
)

from microskills.dataset import load_written, turn_ids, writer_of  # noqa: E402
from microskills.masterlist import CODES  # noqa: E402
from microskills.tagger.core import tag_conversation  # noqa: E402

HELD = [f"w{i}" for i in range(1, 15)]


def predict(labels: str, out: Path) -> None:
    settings = Settings(adjudicated=labels == "adjudicated")
    written = load_written(settings.written)
    ids = turn_ids(written)
    found: dict[str, list[str]] = {}
    writers = sorted(HELD)
    for group in (writers[i::3] for i in range(3)):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", category=UserWarning)
            model = train(training_material(settings, exclude_writers=group), settings,
                          verbose=False)
        conversations: dict[str, list[int]] = {}
        for i, u in enumerate(written):
            if writer_of(u.conversation) in group:
                conversations.setdefault(u.conversation, []).append(i)
        for idx in conversations.values():
            tags = tag_conversation([(written[i].text, written[i].speaker) for i in idx], model)
            for i, t in zip(idx, tags, strict=True):
                if written[i].speaker == "agent":
                    found[ids[i]] = sorted(t.skills)
        print(f"{labels}: tagged {'+'.join(group)}", flush=True)
    out.write_text(json.dumps(found))


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
    if sys.argv[1] == "predict":
        predict(sys.argv[2], Path(sys.argv[3]))
    else:
        score([Path(p) for p in sys.argv[2:]])


if __name__ == "__main__":
    main()
