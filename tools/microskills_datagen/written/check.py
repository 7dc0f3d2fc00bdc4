"""Format check the writers ran on their own file: ``python3 check.py wNN.jsonl``.

It checks the form only (keys, codes, speakers, positions), never the labels' content.
"""

import json
import sys
from collections import defaultdict

SKILLS = {
    "A.greeting", "A.acknowledge", "A.encourage", "W.empathy", "W.apology", "W.personalize",
    "E.open_question", "E.closed_question", "S.paraphrase", "S.summary", "S.check",
    "O.ownership", "O.objection", "M.expectation", "M.answer", "M.positive",
    "E.further_help", "E.close",
}
SIGNALS = {
    "objection.price", "objection.cancel", "objection.refund", "objection.trust",
    "objection.timing", "frustration", "confusion", "purchase_intent", "satisfaction",
}
FLAGS = {"missed.dont_know", "missed.blame", "missed.buried_answer"}
KEYS = {"conversation", "position", "speaker", "text", "skills", "signals", "flags",
        "industry", "register", "writer"}


def problems_of(row: dict, writer: str) -> list[str]:
    found = []
    if set(row) != KEYS:
        found.append(f"keys {sorted(set(row) ^ KEYS)}")
    if row.get("writer") != writer:
        found.append(f"writer should be {writer}")
    if not str(row.get("conversation", "")).startswith(writer + "-"):
        found.append(f"conversation id should be {writer}-NNN")
    speaker = row.get("speaker")
    if speaker not in ("agent", "customer"):
        found.append("speaker")
    if not str(row.get("text", "")).strip():
        found.append("empty text")
    for key, allowed in (("skills", SKILLS), ("signals", SIGNALS), ("flags", FLAGS)):
        if unknown := set(row.get(key, [])) - allowed:
            found.append(f"unknown {key} {sorted(unknown)}")
    if speaker == "customer" and (row.get("skills") or row.get("flags")):
        found.append("customer lines carry signals only")
    if speaker == "agent" and row.get("signals"):
        found.append("agent lines carry no signals")
    return found


def main(path: str) -> int:
    writer = path.rsplit("/", 1)[-1].split(".")[0]
    positions: dict[str, list] = defaultdict(list)
    errors: list[str] = []
    count = 0
    with open(path, encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except ValueError as exc:
                errors.append(f"line {number}: not JSON ({exc})")
                continue
            count += 1
            errors += [f"line {number}: {p}" for p in problems_of(row, writer)]
            positions[row.get("conversation")].append(row.get("position"))
    for conversation, seen in positions.items():
        if sorted(seen) != list(range(len(seen))):
            errors.append(f"{conversation}: positions not 0..n-1")
    print(f"{count} utterances, {len(positions)} conversations, {len(errors)} problems")
    for error in errors[:40]:
        print("  " + error)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
