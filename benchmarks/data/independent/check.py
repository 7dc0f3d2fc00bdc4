"""Format checks of the frozen independent set (run: python check.py)."""

import collections
import json
import sys
from pathlib import Path

P = Path(__file__).resolve().parent / "conversations.jsonl"
SKILLS = {
    "A.greeting",
    "A.acknowledge",
    "A.encourage",
    "W.empathy",
    "W.apology",
    "W.personalize",
    "E.open_question",
    "E.closed_question",
    "S.paraphrase",
    "S.summary",
    "S.check",
    "O.ownership",
    "O.objection",
    "M.expectation",
    "M.answer",
    "M.positive",
    "E.further_help",
    "E.close",
}
SIGNALS = {
    "objection.price",
    "objection.cancel",
    "objection.refund",
    "objection.trust",
    "objection.timing",
    "frustration",
    "confusion",
    "purchase_intent",
    "satisfaction",
}
FLAGS = {"missed.dont_know", "missed.blame", "missed.buried_answer"}
IND = {"telecom", "banking", "e-commerce", "utilities", "SaaS", "insurance", "travel", "healthcare"}
REG = {"formal", "casual", "non-native", "angry", "hesitant"}
errs = []
rows = []
for i, line in enumerate(P.read_text().splitlines(), 1):
    try:
        r = json.loads(line)
    except Exception as e:
        errs.append(f"line {i}: bad json {e}")
        continue
    rows.append(r)
    keys = {
        "conversation",
        "position",
        "speaker",
        "text",
        "skills",
        "signals",
        "flags",
        "industry",
        "register",
    }
    if set(r) != keys:
        errs.append(f"line {i}: keys {set(r) ^ keys}")
    if r["speaker"] not in ("agent", "customer"):
        errs.append(f"line {i}: speaker")
    if not r["text"].strip():
        errs.append(f"line {i}: empty text")
    if set(r["skills"]) - SKILLS:
        errs.append(f"line {i}: bad skill {r['skills']}")
    if set(r["signals"]) - SIGNALS:
        errs.append(f"line {i}: bad signal")
    if set(r["flags"]) - FLAGS:
        errs.append(f"line {i}: bad flag")
    if len(set(r["skills"])) != len(r["skills"]):
        errs.append(f"line {i}: dup skill")
    if r["speaker"] == "customer" and (r["skills"] or r["flags"]):
        errs.append(f"line {i}: skills/flags on customer")
    if r["speaker"] == "agent" and r["signals"]:
        errs.append(f"line {i}: signals on agent")
    if r["industry"] not in IND:
        errs.append(f"line {i}: industry")
    if r["register"] not in REG:
        errs.append(f"line {i}: register")
convs = collections.OrderedDict()
for r in rows:
    convs.setdefault(r["conversation"], []).append(r)
for c, rs in convs.items():
    if [r["position"] for r in rs] != list(range(len(rs))):
        errs.append(f"{c}: positions not consecutive")
    if not 6 <= len(rs) <= 14:
        errs.append(f"{c}: length {len(rs)}")
    if len({r["industry"] for r in rs}) > 1 or len({r["register"] for r in rs}) > 1:
        errs.append(f"{c}: mixed meta")
ids = [r["conversation"] for r in rows]
# conversations must be contiguous
seen = set()
prev = None
for c in ids:
    if c != prev:
        if c in seen:
            errs.append(f"{c}: not contiguous")
        seen.add(c)
        prev = c
sent = collections.Counter(r["text"].lower() for r in rows)
for t, n in sent.items():
    if n > 3:
        errs.append(f"sentence used {n}x: {t}")


def cnt(key):
    return collections.Counter(x for r in rows for x in r[key])


ag = [r for r in rows if r["speaker"] == "agent"]
cu = [r for r in rows if r["speaker"] == "customer"]
print(f"utterances {len(rows)}  agent {len(ag)}  customer {len(cu)}  conversations {len(convs)}")
no_skill = sum(1 for r in ag if not r["skills"])
no_signal = sum(1 for r in cu if not r["signals"])
print(f"agent utterances with no skill: {no_skill}; customer with no signal: {no_signal}")
wl = [len(r["text"].split()) for r in rows]
print(f"words per utterance min {min(wl)} max {max(wl)} mean {sum(wl) / len(wl):.1f}")
for key, allowed, minn in (("skills", SKILLS, 15), ("signals", SIGNALS, 12), ("flags", FLAGS, 8)):
    c = cnt(key)
    print(f"\n{key}:")
    for k in sorted(allowed):
        print(f"  {k:24s} {c[k]:4d}" + ("   <-- below minimum" if c[k] < minn else ""))
ci = collections.Counter(rs[0]["industry"] for rs in convs.values())
cr = collections.Counter(rs[0]["register"] for rs in convs.values())
ui = collections.Counter(r["industry"] for r in rows)
ur = collections.Counter(r["register"] for r in rows)
print("\nindustry (conversations / utterances):")
[print(f"  {k:12s} {ci[k]:3d} {ui[k]:4d}") for k in sorted(IND)]
print("register (conversations / utterances):")
[print(f"  {k:12s} {cr[k]:3d} {ur[k]:4d}") for k in sorted(REG)]
if len(ag) < 420 or len(cu) < 220:
    errs.append("too few agent/customer utterances")
print("\nERRORS:" if errs else "\nOK: no errors")
[print(" ", e) for e in errs]
sys.exit(1 if errs else 0)
