"""Access to the hand-templated conversation corpus and its deterministic split."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

DATA_PATH = Path(__file__).parent / "data" / "conversations.jsonl"

HELDOUT_EVERY = 4
"""Every 4th conversation (c004, c008, ..., v0004, ...) is held out and never used for
training: the ``c`` ones are generated from a separate phrasing bank
(``tools/microskills_datagen/bank_heldout.py``), the varied ``v`` ones (the dev split) from
a disjoint fifth of every template and scenario list (``tools/microskills_datagen/varied.py``)."""


@dataclass(frozen=True)
class Utterance:
    conversation: str
    speaker: str
    text: str
    skills: tuple[str, ...] = ()
    signals: tuple[str, ...] = ()
    flags: tuple[str, ...] = field(default=())


def is_heldout(conversation_id: str) -> bool:
    digits = "".join(ch for ch in conversation_id if ch.isdigit())
    return bool(digits) and int(digits) % HELDOUT_EVERY == 0


def iter_utterances(path: Path = DATA_PATH) -> Iterator[Utterance]:
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            d = json.loads(line)
            yield Utterance(
                d["conversation"], d["speaker"], d["text"],
                tuple(d.get("skills", ())), tuple(d.get("signals", ())), tuple(d.get("flags", ())),
            )


def load_split(heldout: bool, path: Path = DATA_PATH) -> list[Utterance]:
    """All utterances of the training (``heldout=False``) or held-out split."""
    return [u for u in iter_utterances(path) if is_heldout(u.conversation) == heldout]


WRITTEN_DIR = Path(__file__).resolve().parent.parent / "tools" / "microskills_datagen" / "written"
"""Conversations written and labelled by hand from the spec alone, one file per writer
(``w1.jsonl`` ...; conversation ids start with the writer's id). Training material only:
the writers never saw the tagger, its rules, its other data or the evaluation sets."""


def writer_of(conversation_id: str) -> str | None:
    """``"w3"`` for ``"w3-012"``; None for the generated corpus's ids."""
    head, _, rest = conversation_id.partition("-")
    return head if rest and head.startswith("w") and head[1:].isdigit() else None


ADJUDICATED = WRITTEN_DIR.parent.parent / "microskills_adjudication" / "decisions.jsonl"
"""Decisions, made blind from the spec, that replace the writers' labels of personalisation
and paraphrase on the lines they name (see that folder's README)."""


def load_written(folder: Path = WRITTEN_DIR, adjudicated: bool = False) -> list[Utterance]:
    """Every hand-written utterance, in conversation order (empty when the folder is not
    there, e.g. in an installed package: it is build material); with ``adjudicated``, the
    adjudicated labels in place of the writers' where there is a decision."""
    out: list[Utterance] = []
    for path in sorted(folder.glob("w*.jsonl")) if folder.is_dir() else ():
        out.extend(iter_utterances(path))
    return relabel(out, load_decisions()) if adjudicated and out else out


def turn_ids(utts: Sequence[Utterance]) -> list[str]:
    """``"w5-001/3"``: the conversation and the turn's place in it, as decisions name lines."""
    out, turn = [], 0
    for i, u in enumerate(utts):
        turn = turn + 1 if i and utts[i - 1].conversation == u.conversation else 0
        out.append(f"{u.conversation}/{turn}")
    return out


def load_decisions(path: Path = ADJUDICATED) -> dict[str, dict[str, bool]]:
    """``{line id: {code: decision}}`` from lines ``{"id": "w5-001/3/S.paraphrase",
    "decision": true}``."""
    out: dict[str, dict[str, bool]] = {}
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            line_id, _, code = row["id"].rpartition("/")
            out.setdefault(line_id, {})[code] = bool(row["decision"])
    return out


def relabel(utts: Sequence[Utterance], decisions: dict[str, dict[str, bool]]
            ) -> list[Utterance]:
    """``utts`` with each decision in place of the writer's label for that code."""
    out = []
    for u, line_id in zip(utts, turn_ids(utts), strict=True):
        skills = set(u.skills)
        for code, decision in decisions.get(line_id, {}).items():
            if decision:
                skills.add(code)
            else:
                skills.discard(code)
        out.append(u if skills == set(u.skills)
                   else dataclasses.replace(u, skills=tuple(sorted(skills))))
    return out
