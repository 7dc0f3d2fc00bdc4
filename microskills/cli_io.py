"""JSON-lines in, JSON-lines out: the I/O behind ``coachlab microskills tag``.

Input lines: ``{"id": ..., "text": "...", "speaker": "agent"|"customer"}``.
Output lines: ``{"id": ..., "skills": [...], "signals": [...], "flags": [...]}``, or
``{"line": N, "error": "..."}`` for a line that cannot be tagged (processing continues).
"""

from __future__ import annotations

import json
from typing import Any, TextIO

from microskills.tagger import tag_utterances
from microskills.tagger.core import speaker_role

BATCH_SIZE = 512


def _parse(line: str) -> tuple[Any, str, str]:
    obj = json.loads(line)
    if not isinstance(obj, dict):
        raise ValueError("expected a JSON object")
    text, speaker = obj.get("text"), obj.get("speaker")
    if not isinstance(text, str):
        raise ValueError("'text' must be a string")
    if not isinstance(speaker, str):
        raise ValueError("'speaker' must be a string")
    speaker_role(speaker)  # raises ValueError for unknown speakers
    return obj.get("id"), text, speaker


def tag_jsonl(in_stream: TextIO, out_stream: TextIO, batch_size: int = BATCH_SIZE) -> int:
    """Tag every line of ``in_stream`` into ``out_stream`` in input order; return #errors."""
    errors = 0
    pending: list[tuple[Any, str, str]] = []

    def flush() -> None:
        results = tag_utterances([(text, speaker) for _, text, speaker in pending])
        for (uid, _, _), res in zip(pending, results, strict=True):
            out = {"id": uid, "skills": sorted(res.skills), "signals": sorted(res.signals),
                   "flags": list(res.flags)}
            out_stream.write(json.dumps(out, ensure_ascii=False) + "\n")
        pending.clear()

    for number, line in enumerate(in_stream, start=1):
        if not line.strip():
            continue
        try:
            pending.append(_parse(line))
        except (ValueError, TypeError) as exc:  # json.JSONDecodeError is a ValueError
            flush()  # keep output in input order
            errors += 1
            out_stream.write(json.dumps({"line": number, "error": str(exc)}) + "\n")
            continue
        if len(pending) >= batch_size:
            flush()
    flush()
    return errors
