"""Tagging API: rules + model combined per code.

A code is reported when one of its rules fires, or when the model probability reaches
the per-code threshold chosen at training time (cross-validated on the training split
only); a veto rule removes it whatever the rest says. The reported confidence is
``max(model probability, rule confidence)``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from microskills.tagger.features import clean, normalise, words_of
from microskills.tagger.model import Head, TaggerModel, load_model
from microskills.tagger.names import name_features
from microskills.tagger.questions import question_types
from microskills.tagger.rules import (
    RULE_ONLY_SKILLS,
    SIGNAL_VETOES,
    SKILL_VETOES,
    ExtraRule,
    has_next_step,
    signal_rule_scores,
    skill_rule_scores,
    utterance_flags,
)

TAGGER_VERSION = "3.2.0"

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
class Context:
    """What the advisor is answering: the previous customer utterance and its signals."""

    text: str  # cleaned (see features.clean)
    signals: frozenset[str] = frozenset()
    question: bool = False


_STOP = frozenset([
    "about", "after", "again", "also", "been", "before", "being", "could", "does", "doing",
    "from", "have", "having", "here", "just", "know", "like", "make", "more", "much", "need",
    "only", "over", "really", "right", "some", "than", "that", "that's", "them", "then", "there",
    "these", "they", "this", "those", "very", "want", "what", "when", "where", "which", "while",
    "will", "with", "would", "your", "you're", "yeah", "okay",
])


def _content_words(text: str) -> set[str]:
    return {w for w in words_of(text) if len(w) >= 4 and w not in _STOP}


def context_features(text: str, context: Context | None) -> list[str]:
    """Feature strings an advisor utterance gets from the customer turn it follows."""
    if context is None:
        return ["x:none"]
    feats = ["x:any", *(f"x:sig:{s}" for s in sorted(context.signals))]
    if any(s.startswith("objection.") for s in context.signals):
        feats.append("x:objection")
    if context.question:
        feats.append("x:q")
    shared = len(_content_words(normalise(text)) & _content_words(context.text))
    feats.append(f"x:ovl:{min(shared, 3)}")
    return feats


def all_context_features(signal_codes: Sequence[str]) -> list[str]:
    """Every string ``context_features`` can produce (the model's vocabulary needs them)."""
    return ["x:none", "x:any", "x:objection", "x:q", *(f"x:sig:{s}" for s in signal_codes),
            *(f"x:ovl:{n}" for n in range(4))]


@dataclass(frozen=True)
class Combined:
    """Per-code scores for one utterance and which codes the rules fired (or vetoed)."""

    scores: np.ndarray
    fired: np.ndarray  # bool: a rule fired -> reported whatever the model says
    vetoed: np.ndarray  # bool: a veto rule matched -> never reported

    def selected(self, thresholds: np.ndarray) -> np.ndarray:
        return (self.fired | (self.scores >= thresholds)) & ~self.vetoed


def _combine(probs: np.ndarray, codes: Sequence[str], rule_scores: dict[str, float],
             vetoes: dict, low: str, rule_only: frozenset[str],
             vetoes_off: frozenset[str] = frozenset()) -> Combined:
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
        if code not in vetoes_off and veto.search(low):
            i = index[code]
            scores[i], fired[i], vetoed[i] = 0.0, False, True
    return Combined(scores, fired, vetoed)


@dataclass(frozen=True)
class RuleChoice:
    """Which hand-written rules a trained model lets decide, per code.

    Training measures each code on writers the model has not read, with and without its
    rules firing and its veto, and keeps what scores better (``meta["rules_off"]`` and
    ``meta["vetoes_off"]`` per head); the model then decides alone where a rule only added
    mistakes. An admin's phrases for a signal always fire.
    """

    rules_off: frozenset[str] = frozenset()
    vetoes_off: frozenset[str] = frozenset()


def rule_choice(model: TaggerModel | None, head: str) -> RuleChoice:
    """Which built-in rules and vetoes the model leaves out for a head ("skills" or
    "signals"); training chose them. ``None``: the default model."""
    meta = (model or load_model()).meta
    return RuleChoice(frozenset(meta.get("rules_off", {}).get(head, ())),
                      frozenset(meta.get("vetoes_off", {}).get(head, ())))


def combine_skill_scores(text: str, probs: np.ndarray, codes: Sequence[str],
                         context: Context | None = None, *,
                         rule_only: frozenset[str] = RULE_ONLY_SKILLS,
                         choice: RuleChoice = RuleChoice()) -> Combined:
    """Rule/model combination for one agent utterance (also used by training); the
    ``rule_only`` codes come from the rules alone."""
    low = clean(text)
    rules = {c: v for c, v in skill_rule_scores(text, low, context).items()
             if c not in choice.rules_off}
    return _combine(probs, codes, rules, SKILL_VETOES, low, rule_only, choice.vetoes_off)


def combine_signal_scores(text: str, probs: np.ndarray, codes: Sequence[str],
                          extra: Mapping[str, ExtraRule] | None = None,
                          choice: RuleChoice = RuleChoice()) -> Combined:
    """The same for one customer utterance; an admin's phrases (``extra``) detect their
    code, and replace the rest for a code they replace."""
    low = clean(text)
    replaced = frozenset(c for c, r in (extra or {}).items() if r.replace)
    return _combine(probs, codes, signal_rule_scores(low, extra, skip=choice.rules_off),
                    SIGNAL_VETOES, low, replaced, choice.vetoes_off)


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


def tag_utterances(items: Iterable[tuple[str, str]], model: TaggerModel | None = None,
                   contexts: Sequence[str | None] | None = None,
                   extra: Mapping[str, ExtraRule] | None = None,
                   replies: Sequence[str | None] | None = None) -> list[TagResult]:
    """Tag a batch of ``(text, speaker)`` pairs; model features are computed in one go.

    ``contexts`` (optional, one per item): the turn of the other party that the item
    answers (the customer utterance an advisor utterance answers, the advisor utterance a
    customer one answers), or None. ``replies`` (optional): the other party's turn that
    answers the item, the advisor's for a customer item and the customer's for an advisor
    item (a recorded call is tagged after the fact, so how the other took it is known).
    ``extra``: admin phrases per signal code (and ``missed.dont_know``), see
    ``rules.ExtraRule``.
    """
    items = list(items)
    model = model or load_model()
    ctx_texts = list(contexts) if contexts is not None else [None] * len(items)
    reply_texts = list(replies) if replies is not None else [None] * len(items)
    if len(ctx_texts) != len(items) or len(reply_texts) != len(items):
        raise ValueError("contexts and replies must have one entry per item")
    if len(items) > CHUNK:  # bounded memory and cache-friendly matrices for big batches
        return [r for start in range(0, len(items), CHUNK)
                for r in tag_utterances(items[start : start + CHUNK], model,
                                        ctx_texts[start : start + CHUNK], extra,
                                        reply_texts[start : start + CHUNK])]
    roles = [speaker_role(s) for _, s in items]
    agent_idx = [i for i, r in enumerate(roles) if r == "agent"]
    cust_idx = [i for i, r in enumerate(roles) if r == "customer"]
    results: list[TagResult | None] = [None] * len(items)

    signals = _signals([items[i][0] for i in cust_idx], model, extra,
                       [ctx_texts[i] for i in cust_idx], [reply_texts[i] for i in cust_idx])
    for i, found in zip(cust_idx, signals, strict=True):
        results[i] = TagResult(signals=found)
    known = {items[i][0]: found for i, found in zip(cust_idx, signals, strict=True)}
    wanted = sorted({ctx_texts[i] for i in agent_idx if ctx_texts[i]} - set(known))
    known.update(zip(wanted, _signals(wanted, model, extra), strict=True))
    agent_ctx = [_context(ctx_texts[i], known) for i in agent_idx]
    texts = [items[i][0] for i in agent_idx]
    words, names = _skill_options(model)
    rule_only = rule_only_skills(model)
    choice = rule_choice(model, "skills")
    reply_of = reads_customer_replies(model)
    extras = [skill_features(t, c, words, names, reply_texts[i] if reply_of else None)
              for i, t, c in zip(agent_idx, texts, agent_ctx, strict=True)]
    agent_probs = model.probabilities(texts, model.skills, extras)
    for i, probs, ctx in zip(agent_idx, agent_probs, agent_ctx, strict=True):
        text = items[i][0]
        skills = _selected(combine_skill_scores(text, probs, model.skills.codes, ctx,
                                                rule_only=rule_only, choice=choice),
                           model.skills)
        flags = utterance_flags(clean(text), extra)
        if ("M.answer" in skills and len(text.split()) >= BURIED_MIN_WORDS
                and _buried_answer(text, model)):
            flags.append("missed.buried_answer")
        results[i] = TagResult(skills=skills, flags=flags)
    return [r for r in results if r is not None]


def skill_features(text: str, context: Context | None, words: bool = False,
                   names: bool = False, reply: str | None = None) -> list[str]:
    """The ready-made feature strings of an advisor utterance: its context, the words of
    the customer turn (with ``words``), where names are in it (with ``names``) and the
    words of the customer's reply to it (``reply``, for models with
    ``meta["customer_replies"]``)."""
    feats = context_features(text, context)
    if words and context is not None:
        feats += turn_words(context.text)
    if names:
        feats += name_features(text)
    return feats + turn_words(reply, "cr")


def _skill_options(model: TaggerModel) -> tuple[bool, bool]:
    """(turn words, names): what ``skill_features`` gives this model."""
    return bool(model.meta.get("turn_words")), bool(model.meta.get("names"))


def reads_customer_replies(model: TaggerModel) -> bool:
    """Whether an advisor turn also reads the customer's reply to it ("yes exactly" after
    a paraphrase, "no that's everything" after an offer of further help)."""
    return bool(model.meta.get("customer_replies"))


def rule_only_skills(model: TaggerModel) -> frozenset[str]:
    """Codes the rules alone decide for this model (personalisation, for models without
    name features)."""
    return frozenset(model.meta.get("rule_only", RULE_ONLY_SKILLS))


def signal_features(previous: str | None, reply: str | None, words: bool = False,
                    replies: bool = False) -> list[str]:
    """The ready-made feature strings of a customer utterance: the words of the advisor
    turn it answers (with ``words``) and of the advisor's reply to it (with ``replies``)."""
    return (turn_words(previous) if words else []) + (turn_words(reply, "ar") if replies
                                                       else [])


def _signals(texts: Sequence[str], model: TaggerModel,
             extra: Mapping[str, ExtraRule] | None,
             previous: Sequence[str | None] | None = None,
             replies: Sequence[str | None] | None = None) -> list[dict[str, float]]:
    words, read_replies = bool(model.meta.get("turn_words")), bool(model.meta.get("replies"))
    extras = None
    if words or read_replies:
        before = previous if previous is not None else [None] * len(texts)
        after = replies if replies is not None else [None] * len(texts)
        extras = [signal_features(p, r, words, read_replies)
                  for p, r in zip(before, after, strict=True)]
    probs = model.probabilities(list(texts), model.signals, extras)
    choice = rule_choice(model, "signals")
    return [_selected(combine_signal_scores(t, p, model.signals.codes, extra, choice),
                      model.signals)
            for t, p in zip(texts, probs, strict=True)]


def _context(text: str | None, signals: Mapping[str, dict[str, float]]) -> Context | None:
    if not text or not text.strip():
        return None
    low = clean(text)
    return Context(low, frozenset(signals.get(text, {})), bool(question_types(low)))


def previous_other_turns(speakers: Sequence[str]) -> list[int | None]:
    """For each item, the index of the last item before it of the other party: the
    customer turn an advisor answers, the advisor turn a customer answers."""
    out: list[int | None] = []
    last: dict[str, int] = {}
    for i, speaker in enumerate(speakers):
        role = speaker_role(speaker)
        out.append(last.get("customer" if role == "agent" else "agent"))
        last[role] = i
    return out


def customer_replies(speakers: Sequence[str]) -> list[int | None]:
    """For each advisor item, the index of the customer item straight after it (the
    customer answering that turn); None otherwise."""
    roles = [speaker_role(s) for s in speakers]
    return [i + 1 if role == "agent" and i + 1 < len(roles) and roles[i + 1] == "customer"
            else None for i, role in enumerate(roles)]


def other_party_replies(speakers: Sequence[str]) -> list[int | None]:
    """For each item, the index of the other party's turn that answers it: the advisor's
    (``advisor_replies``) for a customer item, the customer's (``customer_replies``) for an
    advisor item; None where nobody answers."""
    return [j if j is not None else k
            for j, k in zip(advisor_replies(speakers), customer_replies(speakers), strict=True)]


def advisor_replies(speakers: Sequence[str]) -> list[int | None]:
    """For each customer item, the index of the advisor item that follows it (the first
    one after it, before the customer speaks again); None for advisor items."""
    out: list[int | None] = [None] * len(speakers)
    roles = [speaker_role(s) for s in speakers]
    for i, role in enumerate(roles):
        if role != "customer":
            continue
        for j in range(i + 1, len(roles)):
            if roles[j] == "agent":
                out[i] = j
                break
    return out


def turn_words(turn: str | None, prefix: str = "p") -> list[str]:
    """The words of another turn as features: of the turn an utterance answers (``p:``,
    ``meta["turn_words"]``: "yes please go ahead" is purchase intent after an offer, "so
    you were charged twice" restates what the customer said), of the advisor's reply to
    a customer (``ar:``, ``meta["replies"]``: "i'm sorry it's been so frustrating"), or of
    the customer's reply to an advisor (``cr:``, ``meta["customer_replies"]``: "yes
    exactly" after a paraphrase)."""
    if not turn:
        return []
    return [f"{prefix}:{w}" for w in dict.fromkeys(words_of(normalise(turn)))]


def tag_conversation(items: Sequence[tuple[str, str]], model: TaggerModel | None = None,
                     extra: Mapping[str, ExtraRule] | None = None) -> list[TagResult]:
    """Tag one whole conversation in order: each advisor utterance gets the previous
    customer utterance as context, and "I don't know" followed straight away by an advisor
    utterance with a next step is not flagged."""
    items = list(items)
    speakers = [s for _, s in items]
    prev = previous_other_turns(speakers)
    contexts = [items[j][0] if j is not None else None for j in prev]
    replies = [items[j][0] if j is not None else None for j in other_party_replies(speakers)]
    results = tag_utterances(items, model, contexts, extra, replies)
    for i in range(len(items) - 1):
        nxt = i + 1  # the advisor goes straight on, before the customer speaks again
        if speaker_role(items[nxt][1]) != "agent":
            continue
        if "missed.dont_know" in results[i].flags and has_next_step(clean(items[nxt][0]),
                                                                    extra):
            r = results[i]
            results[i] = TagResult(r.skills, r.signals,
                                   [f for f in r.flags if f != "missed.dont_know"])
    return results


def skill_scores(texts: Sequence[str], model: TaggerModel | None = None,
                 contexts: Sequence[str | None] | None = None,
                 replies: Sequence[str | None] | None = None) -> np.ndarray:
    """Combined rule+model scores of agent utterances, columns in ``model.skills.codes``
    order (for evaluation tools that need more than the selected codes). ``contexts`` and
    ``replies``: the customer turns before and after each, as in ``tag_utterances``."""
    model = model or load_model()
    ctx_texts = list(contexts) if contexts is not None else [None] * len(texts)
    reply_texts = (list(replies) if replies is not None and reads_customer_replies(model)
                   else [None] * len(texts))
    wanted = sorted({c for c in ctx_texts if c})
    known = dict(zip(wanted, _signals(wanted, model, None), strict=True))
    ctxs = [_context(c, known) for c in ctx_texts]
    words, names = _skill_options(model)
    rule_only = rule_only_skills(model)
    extras = [skill_features(t, c, words, names, r)
              for t, c, r in zip(texts, ctxs, reply_texts, strict=True)]
    probs = model.probabilities(list(texts), model.skills, extras)
    choice = rule_choice(model, "skills")
    rows = [combine_skill_scores(t, p, model.skills.codes, c, rule_only=rule_only,
                                 choice=choice).scores
            for t, p, c in zip(texts, probs, ctxs, strict=True)]
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
