"""JSON-lines in, JSON-lines out: the I/O behind ``coachlab microskills tag``.

Input lines: ``{"id": ..., "text": "...", "speaker": "agent"|"customer"}``, optionally with
``"conversation": <any JSON value>``. A line is tagged on its own; lines that carry the same
``conversation`` value are read in their order as one conversation, exactly as the app
tags a call (each advisor line gets the previous customer line of its conversation as
context, see ``microskills.tagger.tag_conversation``).
Output lines: ``{"id": ..., "skills": [...], "signals": [...], "flags": [...]}``, or
``{"line": N, "error": "..."}`` for a line that cannot be tagged (processing continues).
"""

from __future__ import annotations

import json
from typing import Any, TextIO

from microskills.tagger import tag_conversation, tag_utterances
from microskills.tagger.core import speaker_role

BATCH_SIZE = 512


def _parse(line: str) -> tuple[Any, str, str, str | None]:
    obj = json.loads(line)
    if not isinstance(obj, dict):
        raise ValueError("expected a JSON object")
    text, speaker = obj.get("text"), obj.get("speaker")
    if not isinstance(text, str):
        raise ValueError("'text' must be a string")
    if not isinstance(speaker, str):
        raise ValueError("'speaker' must be a string")
    speaker_role(speaker)  # raises ValueError for unknown speakers
    conversation = None
    if obj.get("conversation") is not None:
        conversation = json.dumps(obj["conversation"], sort_keys=True)
    return obj.get("id"), text, speaker, conversation


def tag_jsonl(in_stream: TextIO, out_stream: TextIO, batch_size: int = BATCH_SIZE) -> int:
    """Tag every line of ``in_stream`` into ``out_stream`` in input order; return #errors.

    Lines without a conversation are written batch by batch; a conversation is complete
    only at the end of the input, so its lines (and what follows them) wait until then.
    """
    errors = 0
    rows: list[tuple[Any, str, str, str | None] | dict] = []
    written = 0

    def write(upto: int) -> None:
        nonlocal written
        todo = rows[written:upto]
        items = [r for r in todo if isinstance(r, tuple)]
        results = _tag(items)
        for row in todo:
            if isinstance(row, dict):
                out_stream.write(json.dumps(row) + "\n")
                continue
            res = results[id(row)]
            out = {"id": row[0], "skills": sorted(res.skills), "signals": sorted(res.signals),
                   "flags": list(res.flags)}
            out_stream.write(json.dumps(out, ensure_ascii=False) + "\n")
        written = upto

    for number, line in enumerate(in_stream, start=1):
        if not line.strip():
            continue
        try:
            rows.append(_parse(line))
        except (ValueError, TypeError) as exc:  # json.JSONDecodeError is a ValueError
            errors += 1
            rows.append({"line": number, "error": str(exc)})
        has_conversation = any(isinstance(r, tuple) and r[3] is not None
                               for r in rows[written:])
        if not has_conversation and len(rows) - written >= batch_size:
            write(len(rows))
    write(len(rows))
    return errors


def _tag(items: list[tuple[Any, str, str, str | None]]) -> dict[int, Any]:
    alone = [r for r in items if r[3] is None]
    out = dict(zip(map(id, alone), tag_utterances([(t, s) for _, t, s, _ in alone]),
                   strict=True))
    conversations: dict[str, list] = {}
    for r in items:
        if r[3] is not None:
            conversations.setdefault(r[3], []).append(r)
    for rows in conversations.values():
        results = tag_conversation([(t, s) for _, t, s, _ in rows])
        out.update(zip(map(id, rows), results, strict=True))
    return out
