"""Assemble ``microskills/data/conversations.jsonl`` from the phrasing banks.

Run ``python -m tools.microskills_datagen.build`` from the repository root (offline build
material, not part of the runtime package). Output is deterministic (fixed seeds): the
phrasing-bank conversations ``c001``... then the varied ones ``v0001``... (``varied.py``).
Held-out conversations (see ``microskills.dataset.is_heldout``) draw every phrase, name
and company from the held-out bank only.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from types import ModuleType

from microskills.dataset import DATA_PATH, is_heldout
from tools.microskills_datagen import bank_heldout, bank_train, slots, varied

N_CONVERSATIONS = 240
SEED = 20240611
OBJECTIONS = ["price", "cancel", "refund", "trust", "timing"]
NAMEABLE = {"acknowledge", "empathy", "apology", "ownership", "answer", "closed_question",
            "further_help", "close", "positive", "expectation", "open_question"}


class Conversation:
    def __init__(self, cid: str, rng: random.Random, bank: ModuleType, heldout: bool) -> None:
        self.cid, self.rng, self.bank = cid, rng, bank
        self.rows: list[dict] = []
        scen = rng.choice(slots.SCENARIOS)
        names = slots.CUSTOMERS_HELDOUT if heldout else slots.CUSTOMERS_TRAIN
        self.customer_name = rng.choice(names)
        self.fill = dict(scen)
        self.fill.update(
            company=rng.choice(slots.COMPANIES_HELDOUT if heldout else slots.COMPANIES_TRAIN),
            agent=rng.choice(slots.AGENTS_HELDOUT if heldout else slots.AGENTS_TRAIN),
            Next=scen["next"][0].upper() + scen["next"][1:],
        )

    def _text(self, template: str) -> str:
        rng = self.rng
        f = dict(self.fill, fact=rng.choice(slots.FACTS), amount=rng.choice(slots.AMOUNTS))
        return template.format(**f)

    def agent(self, *moves: str, name_p: float = 0.0) -> None:
        texts, skills, flags = [], [], []
        for move in moves:
            labels, templates = self.bank.AGENT[move]
            texts.append(self._text(self.rng.choice(templates)))
            skills.extend(labels)
            flags.extend(self.bank.FLAGS.get(move, ()))
        text = " ".join(texts)
        if moves[-1] in NAMEABLE and self.rng.random() < name_p:
            text = self._add_name(text)
            skills.append("W.personalize")
        self._add("agent", text, skills, [], flags)

    def _add_name(self, text: str) -> str:
        name = self.customer_name
        if self.rng.random() < 0.5 and text[-1] in ".?!":
            return f"{text[:-1]}, {name}{text[-1]}"
        lead = self.rng.choice(["Okay", "Thanks", "Right", "Alright", "Sure"])
        return f"{lead}, {name}. {text}"

    def buried_answer(self) -> None:
        pre = self.rng.sample(self.bank.PREAMBLES, 3)
        ans = self._text(self.bank.AGENT["answer"][1][0])
        self._add("agent", " ".join([*pre, "But basically,", ans]), ["M.answer"], [],
                  ["missed.buried_answer"])

    def customer(self, *moves: str, text: str | None = None, signals: list | None = None) -> None:
        texts, signals = [], list(signals or [])
        if text is not None:
            texts.append(text)
        for move in moves:
            labels, templates = self.bank.CUSTOMER[move]
            texts.append(self._text(self.rng.choice(templates)))
            signals.extend(labels)
        self._add("customer", " ".join(texts), [], signals, [])

    def _add(self, speaker: str, text: str, skills: list, signals: list, flags: list) -> None:
        row = {"conversation": self.cid, "speaker": speaker, "text": text,
               "skills": sorted(set(skills)), "signals": sorted(set(signals))}
        if flags:
            row["flags"] = sorted(set(flags))
        self.rows.append(row)


def build_conversation(cid: str, rng: random.Random) -> list[dict]:
    heldout = is_heldout(cid)
    c = Conversation(cid, rng, bank_heldout if heldout else bank_train, heldout)
    p = rng.random
    pick = rng.choice

    if p() < 0.9:
        c.agent(pick(["greeting"] * 5 + ["greeting_ask"]))
        if c.rows[-1]["skills"] == ["A.greeting", "E.closed_question"]:
            c.customer("neutral")
    c.customer(*(["frustration"] if p() < 0.25 else []), text=c.fill["c_issue"],
               signals=c.fill.get("issue_signals", "").split())
    opener = pick([("acknowledge",), ("empathy",), ("apology",), ("acknowledge", "empathy"),
                   ("empathy", "apology"), ("apology", "acknowledge"), ("acknowledge", "apology"),
                   ("empathy", "ownership"), ("apology", "ownership")])
    c.agent(*opener, name_p=0.3)
    if p() < 0.5:
        c.customer(text=c.fill["c_detail"])
        c.agent("encourage")
        c.customer("frustration" if p() < 0.3 else "neutral")
    if p() < 0.85:
        c.agent(*pick([("open_question",), ("open_question",), ("acknowledge", "open_question"),
                       ("empathy", "open_question")]), name_p=0.15)
        c.customer(text=c.fill["c_detail"])
    if p() < 0.5:
        c.agent("encourage")
        c.customer("neutral")
    if p() < 0.7:
        c.agent(pick(["paraphrase", "paraphrase", "paraphrase_check"]))
        c.customer("neutral")
    for _ in range(pick([1, 1, 2, 2, 3])):
        c.agent("closed_question", name_p=0.15)
        c.customer("neutral")
    if p() < 0.7:
        c.agent("neutral")
        if p() < 0.5:
            c.agent("neutral")
    anti = p()
    if anti < 0.15:
        c.customer(text=c.fill["c_question"])
        c.agent("dont_know")
        c.customer("frustration" if p() < 0.5 else "neutral")
    elif anti < 0.3:
        c.agent("blame")
        c.customer("frustration")
    elif anti < 0.4:
        c.customer(text=c.fill["c_question"])
        c.agent(pick(["dont_know_ok", "dont_know_ok_expect"]))
    c.agent(*pick([("ownership",), ("ownership", "expectation"), ("ownership_expect",),
                   ("positive_own",), ("positive", "expectation"), ("apology", "ownership")]),
            name_p=0.15)
    if p() < 0.3:
        c.customer("confusion")
        c.agent(*pick([("expectation",), ("expectation", "check"), ("answer", "check")]))
    c.customer(text=c.fill["c_question"])
    if p() < 0.15:
        c.buried_answer()
    else:
        c.agent(*pick([("answer",), ("answer",), ("answer", "check"), ("answer", "expectation")]),
                name_p=0.15)
    if p() < 0.75:
        kinds = rng.sample(OBJECTIONS, 2 if p() < 0.25 else 1)
        extra = ["frustration"] if p() < 0.2 else []
        c.customer(*extra, *[f"objection.{k}" for k in kinds])
        lead = [pick(["empathy", "apology"])] if p() < 0.3 else []
        c.agent(*lead, f"objection.{kinds[0]}")
        follow = p()
        if follow < 0.35:
            c.customer("purchase_intent")
            c.agent(*pick([("answer",), ("positive_own",), ("answer", "expectation")]))
        elif follow < 0.5:
            c.customer("confusion")
            c.agent(*pick([("answer", "check"), ("expectation", "check"), ("answer",)]))
        elif follow < 0.8:
            c.customer("satisfaction" if p() < 0.5 else "neutral")
    if p() < 0.35:
        c.agent("personal")
    if p() < 0.7:
        c.agent(pick(["summary", "summary", "summary_only"]), name_p=0.1)
        if p() < 0.35:
            c.agent("check")
        c.customer("satisfaction" if p() < 0.7 else "neutral")
    if p() < 0.85:
        c.agent("further_help", name_p=0.15)
        if p() < 0.15:
            c.customer("purchase_intent")
            c.agent(*pick([("answer",), ("positive",), ("answer", "expectation")]))
            c.customer("satisfaction")
        else:
            c.customer("neutral")
    if p() < 0.9:
        c.agent(*pick([("close",), ("close",), ("further_help", "close")]), name_p=0.2)
    return c.rows


def build(path: Path = DATA_PATH, n: int = N_CONVERSATIONS) -> list[dict]:
    rng = random.Random(SEED)
    rows: list[dict] = []
    for i in range(1, n + 1):
        rows.extend(build_conversation(f"c{i:03d}", rng))
    rows.extend(varied.build())
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    return rows


if __name__ == "__main__":
    out = build()
    agent = [r for r in out if r["speaker"] == "agent"]
    print(f"{len(out)} utterances, {len(agent)} agent, written to {DATA_PATH}")
