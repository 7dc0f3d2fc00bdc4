"""Choose the advisor lines of the hand-written training calls whose label for a disputed
code is re-decided from the spec (see this folder's README).

A line is a candidate for a code when its writer gave it the code, or when a tagger trained
without that writer's group gives it (three groups of writers, as ``--dev`` splits them).
Reads only the training material: never the independent set or AnnoMI.

Writes ``selection.jsonl``: one line per (line, code) with up to six turns before the line
and the line after it. ``_writer`` and ``_model`` say why it was chosen; ``batches.py split``
leaves them out of what the adjudicators get, who decide blind.
"""

from __future__ import annotations

import json
import sys
import warnings
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))
sys.path.insert(0, str(HERE.parent.parent / "scripts"))

from train_microskills import Settings, train, training_material  # noqa: E402

from microskills.dataset import load_written, turn_ids, writer_of  # noqa: E402
from microskills.tagger.core import tag_conversation  # noqa: E402

CODES = ("W.personalize", "S.paraphrase")
HISTORY = 6  # turns shown before the line


def out_of_fold_tags(utts, settings: Settings, writers: list[str] | None = None,
                     folds: int = 3) -> dict[int, set[str]]:
    """``{index in utts: skills}`` for the lines of ``writers`` (default: all), each tagged
    in its conversation by a tagger trained without its group of writers."""
    writers = sorted(writers or {writer_of(u.conversation) for u in utts})
    found: dict[int, set[str]] = {}
    for group in (writers[i::folds] for i in range(folds)):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", category=UserWarning)
            model = train(training_material(settings, exclude_writers=group), settings,
                          verbose=False)
        conversations: dict[str, list[int]] = {}
        for i, u in enumerate(utts):
            if writer_of(u.conversation) in group:
                conversations.setdefault(u.conversation, []).append(i)
        for idx in conversations.values():
            tags = tag_conversation([(utts[i].text, utts[i].speaker) for i in idx], model)
            for i, t in zip(idx, tags, strict=True):
                found[i] = set(t.skills)
        print(f"tagged without {'+'.join(group)}", flush=True)
    return found


def write_jsonl(path: Path, rows) -> None:
    """Write ``rows`` to a temporary file, then put it in place: a failed run leaves the
    committed file whole."""
    partial = path.with_suffix(".partial")
    with open(partial, "w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row) + "\n")
    partial.replace(path)


def main() -> None:
    settings = Settings(adjudicated=False)  # the writers' own labels
    utts = load_written(settings.written)
    predicted = out_of_fold_tags(utts, settings)
    out = []
    for i, (u, line_id) in enumerate(zip(utts, turn_ids(utts), strict=True)):
        if u.speaker != "agent":
            continue
        before = [(v.speaker, v.text) for v in utts[max(0, i - HISTORY):i]
                  if v.conversation == u.conversation]
        after = (utts[i + 1] if i + 1 < len(utts)
                 and utts[i + 1].conversation == u.conversation else None)
        for code in CODES:
            if code in u.skills or code in predicted[i]:
                out.append({"id": f"{line_id}/{code}", "conversation": u.conversation,
                            "code": code, "before": before, "line": u.text,
                            "reply": after.text if after else None,
                            "_writer": code in u.skills, "_model": code in predicted[i]})
    write_jsonl(HERE / "selection.jsonl", out)
    for code in CODES:
        rows = [r for r in out if r["code"] == code]
        print(code, len(rows), "writer", sum(r["_writer"] for r in rows),
              "model", sum(r["_model"] for r in rows),
              "both", sum(r["_writer"] and r["_model"] for r in rows))


if __name__ == "__main__":
    main()
