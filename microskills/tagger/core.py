"""Tagging API: rules + model combined per code.

A code is reported when one of its rules fires, or when the model probability reaches
the per-code threshold chosen at training time (cross-validated on the training split
only); a veto rule removes it whatever the rest says. The reported confidence is
``max(model probability, rule confidence)``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from microskills.tagger.features import normalise
from microskills.tagger.model import Head, TaggerModel, load_model
from microskills.tagger.rules import (
    RULE_ONLY_SKILLS,
    SIGNAL_VETOES,
    SKILL_VETOES,
    signal_rule_scores,
    skill_rule_scores,
    utterance_flags,
)

TAGGER_VERSION = "1.0.0"

AGENT_SPEAKERS = frozenset({"agent", "advisor", "adviser", "rep", "therapist"})
CUSTOMER_SPEAKERS = frozenset({"customer", "caller", "client"})
CHUNK = 2048
BURIED_MIN_WORDS = 40
BURIED_PREAMBLE_WORDS = 30


@dataclass(frozen=True)
class TagResult:
    skills: dict[str, float] = field(default_factory=dict)
    signals: dict[str, float] = field(default_factory=dict)
    flags: list[str] = field(default_factory=list)


def speaker_role(speaker: str) -> str:
    role = speaker.strip().lower()
    if role in AGENT_SPEAKERS:
        return "agent"
    if role in CUSTOMER_SPEAKERS:
        return "customer"
    raise ValueError(f"unknown speaker {speaker!r} (expected 'agent' or 'customer')")


@dataclass(frozen=True)
class Combined:
    """Per-code scores for one utterance and which codes the rules fired (or vetoed)."""

    scores: np.ndarray
    fired: np.ndarray  # bool: a rule fired -> reported whatever the model says
    vetoed: np.ndarray  # bool: a veto rule matched -> never reported

    def selected(self, thresholds: np.ndarray) -> np.ndarray:
        return (self.fired | (self.scores >= thresholds)) & ~self.vetoed


def _combine(probs: np.ndarray, codes: Sequence[str], rule_scores: dict[str, float],
             vetoes: dict, low: str, rule_only: frozenset[str]) -> Combined:
    scores = np.array(probs, dtype=np.float64)
    fired = np.zeros(len(codes), dtype=bool)
    vetoed = np.zeros(len(codes), dtype=bool)
    index = {c: i for i, c in enumerate(codes)}
    for code in rule_only:
        if code in index:
            scores[index[code]] = 0.0
    for code, conf in rule_scores.items():
        i = index[code]
        scores[i] = max(scores[i], conf)
        fired[i] = True
    for code, veto in vetoes.items():
        if veto.search(low):
            i = index[code]
            scores[i], fired[i], vetoed[i] = 0.0, False, True
    return Combined(scores, fired, vetoed)


def combine_skill_scores(text: str, probs: np.ndarray, codes: Sequence[str]) -> Combined:
    """Rule/model combination for one agent utterance (also used by training)."""
    low = normalise(text)
    return _combine(probs, codes, skill_rule_scores(text, low), SKILL_VETOES, low,
                    RULE_ONLY_SKILLS)


def combine_signal_scores(text: str, probs: np.ndarray, codes: Sequence[str]) -> Combined:
    low = normalise(text)
    return _combine(probs, codes, signal_rule_scores(low), SIGNAL_VETOES, low, frozenset())


def _selected(combined: Combined, head: Head) -> dict[str, float]:
    mask = combined.selected(head.thresholds)
    return {c: round(float(s), 3) for c, s, m in zip(head.codes, combined.scores, mask,
                                                      strict=True) if m}


def _buried_answer(text: str, model: TaggerModel) -> bool:
    """The answer only arrives after a long preamble (the customer has to dig for it)."""
    sentences = [s for s in _split_sentences(text) if s]
    if len(sentences) < 3:
        return False
    probs = model.probabilities(sentences, model.skills)
    i_answer = model.skills.codes.index("M.answer")
    threshold = model.skills.thresholds[i_answer]
    words_before = 0
    for sentence, row in zip(sentences, probs, strict=True):
        if row[i_answer] >= threshold:
            return words_before >= BURIED_PREAMBLE_WORDS
        words_before += len(sentence.split())
    return False


def _split_sentences(text: str) -> list[str]:
    out, start = [], 0
    for i, ch in enumerate(text):
        if ch in ".?!" and (i + 1 == len(text) or text[i + 1] == " "):
            out.append(text[start : i + 1].strip())
            start = i + 1
    out.append(text[start:].strip())
    return out


def tag_utterances(items: Iterable[tuple[str, str]], model: TaggerModel | None = None
                   ) -> list[TagResult]:
    """Tag a batch of ``(text, speaker)`` pairs; model features are computed in one go."""
    items = list(items)
    model = model or load_model()
    if len(items) > CHUNK:  # bounded memory and cache-friendly matrices for big batches
        return [r for start in range(0, len(items), CHUNK)
                for r in tag_utterances(items[start : start + CHUNK], model)]
    roles = [speaker_role(s) for _, s in items]
    agent_idx = [i for i, r in enumerate(roles) if r == "agent"]
    cust_idx = [i for i, r in enumerate(roles) if r == "customer"]
    results: list[TagResult | None] = [None] * len(items)

    agent_probs = model.probabilities([items[i][0] for i in agent_idx], model.skills)
    for i, probs in zip(agent_idx, agent_probs, strict=True):
        text = items[i][0]
        skills = _selected(combine_skill_scores(text, probs, model.skills.codes), model.skills)
        flags = utterance_flags(normalise(text))
        if ("M.answer" in skills and len(text.split()) >= BURIED_MIN_WORDS
                and _buried_answer(text, model)):
            flags.append("missed.buried_answer")
        results[i] = TagResult(skills=skills, flags=flags)

    cust_probs = model.probabilities([items[i][0] for i in cust_idx], model.signals)
    for i, probs in zip(cust_idx, cust_probs, strict=True):
        scores = combine_signal_scores(items[i][0], probs, model.signals.codes)
        results[i] = TagResult(signals=_selected(scores, model.signals))
    return [r for r in results if r is not None]


def skill_scores(texts: Sequence[str], model: TaggerModel | None = None) -> np.ndarray:
    """Combined rule+model scores of agent utterances, columns in ``model.skills.codes``
    order (for evaluation tools that need more than the selected codes)."""
    model = model or load_model()
    probs = model.probabilities(list(texts), model.skills)
    rows = [combine_skill_scores(t, p, model.skills.codes).scores
            for t, p in zip(texts, probs, strict=True)]
    return np.vstack(rows) if rows else np.zeros((0, len(model.skills.codes)))


def tag_utterance(text: str, speaker: str) -> TagResult:
    return tag_utterances([(text, speaker)])[0]


def conversation_flags(speakers: Sequence[str], results: Sequence[TagResult]) -> list[str]:
    """Call-level "missed" flags: no greeting at the start, no offer of further help at the end.

    ``speakers`` and ``results`` are one whole call in order.
    """
    agent = [r for s, r in zip(speakers, results, strict=True) if speaker_role(s) == "agent"]
    if not agent:
        return []
    flags = []
    if not any("A.greeting" in r.skills for r in agent[:2]):
        flags.append("missed.no_greeting")
    if not any("E.further_help" in r.skills for r in agent[-4:]):
        flags.append("missed.no_further_help")
    return flags
