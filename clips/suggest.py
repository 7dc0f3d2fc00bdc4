"""Decisive-moment suggestions: places in a call worth cutting into a coaching clip.

Three sorts of rule, all configured in ``clips/rules/decisive_moments.json``:

* tagger rules: customer objections (``objection.*``), ``customer.frustration`` and
  ``agent.dont_know`` are the microskill tagger's own signals and ``missed.dont_know`` flag
  (see :data:`TAGGER_CODES`), tagged per segment with the previous customer turn exactly as
  the app tags a call, so suggestions and profile counts agree. Phrases added to those
  rules in an extra rules file feed the tagger (``Rules.tagger_extras``);
* phrase rules match one sentence of one speaker (escalation, and any kind an admin adds);
* structural rules use :mod:`coachlab.media.talktime` (dead air, overtalk, a long agent
  monologue after the customer spoke, a missing greeting or closing). They only look at a
  call with at least :data:`MIN_CALL_SECONDS` of conversation (``min_call_seconds`` per
  rule): in a shorter one any region around a moment is the whole call. Each region is
  around its moment: the stretch of dead air, overtalk or monologue; the agent's opening (at
  most ``window_seconds``) for a missing greeting; the last ``window_seconds`` of the agent's
  last turn to the end for a missing closing. A greeting or closing region covers at most
  :data:`EDGE_SHARE` of the conversation, never the whole call.

An extra rules file (``load_rules(extra)`` or ``suggest_moments(t, rules=path)``) is merged
over the defaults: a phrase rule with a new ``kind`` is added; one with an existing kind has
its lists appended and its other fields replaced, or is replaced whole with ``"replace":
true``, or switched off with ``"enabled": false``; ``structural.<name>`` and ``region``
settings replace the defaults key by key. Anything malformed raises :class:`RulesError`
naming the file and the place in it.

Mono transcripts (speaker ``"speaker"``): phrase rules marked ``"mono": true`` (the default)
still apply at :data:`MONO_FACTOR` of their score, since the speaker cannot be told apart;
agent-only structural rules are skipped.
"""

from __future__ import annotations

import functools
import json
import logging
import os
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from clips.regions import snap_to_words
from coachlab.media import talktime
from coachlab.media.transcript import Segment, Transcript, Word
from microskills.tagger import tag_conversation, tag_utterances
from microskills.tagger.core import rule_choice
from microskills.tagger.features import normalise
from microskills.tagger.rules import ExtraRule, signal_evidence

log = logging.getLogger(__name__)

DEFAULT_RULES_PATH = Path(__file__).resolve().parent / "rules" / "decisive_moments.json"
#: Score multiplier for phrase hits in a mono transcript, where the speaker is a guess.
MONO_FACTOR = 0.8
#: Score added for each further hit merged into one suggestion.
MERGE_BONUS = 0.05
#: Longest quote (characters) in a reason.
QUOTE_MAX = 90
#: Conversation (s, first word to last) a structural rule needs unless its
#: ``min_call_seconds`` says otherwise.
MIN_CALL_SECONDS = 30.0
#: Largest share of the conversation a missing greeting or closing region may cover.
EDGE_SHARE = 0.5

#: Suggestion kinds that are the tagger's signal or flag codes (one detector).
TAGGER_CODES = {
    "objection.price": "objection.price",
    "objection.cancel": "objection.cancel",
    "objection.refund": "objection.refund",
    "objection.trust": "objection.trust",
    "objection.timing": "objection.timing",
    "customer.frustration": "frustration",
    "agent.dont_know": "missed.dont_know",
}

_KIND_RE = re.compile(r"^[a-z0-9_]+(?:\.[a-z0-9_]+)*$")
_SENTENCE_END = re.compile(r"[.?!]+[\"')\]]*$")
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'"})


class RulesError(ValueError):
    pass


# --------------------------------------------------------------------------- results


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A proposed clip. ``anchor_*`` is the trigger itself (the words, the silence...)."""

    kind: str
    reason: str
    score: float
    start: float
    end: float
    #: Stable id for remembering dismissals: kind and the trigger's start, rounded to 1 s.
    #: The trigger time does not move when region settings change, the clip bounds would.
    key: str
    anchor_start: float
    anchor_end: float

    @property
    def duration(self) -> float:
        return self.end - self.start

    def to_dict(self) -> dict:
        return asdict(self)


# --------------------------------------------------------------------------- rules


@dataclass(frozen=True, slots=True)
class PhraseRule:
    kind: str
    speaker: str
    score: float
    reason: str
    match: re.Pattern[str] | None
    unless: re.Pattern[str] | None = None
    mono: bool = True
    #: The tagger code this kind reports (TAGGER_CODES), None for a plain phrase rule.
    code: str | None = None
    #: The file's phrases replace the tagger's own detection of ``code``.
    replace: bool = False


@dataclass(frozen=True, slots=True)
class Region:
    before: float = 1.0
    context: float = 5.0
    answer_wait: float = 20.0
    min_seconds: float = 10.0
    max_seconds: float = 45.0
    pad: float = 0.25


@dataclass(frozen=True, slots=True)
class Rules:
    phrase_rules: tuple[PhraseRule, ...]
    structural: dict[str, dict[str, Any]]
    region: Region
    sources: tuple[str, ...] = field(default=())

    @property
    def tagger_extras(self) -> dict[str, ExtraRule]:
        """Admin phrases for the tagger, per signal / flag code."""
        return {r.code: ExtraRule(r.match, r.unless, r.replace) for r in self.phrase_rules
                if r.code and (r.match is not None or r.unless is not None or r.replace)}


_TOP_KEYS = {"version", "description", "region", "phrase_rules", "structural"}
_PHRASE_KEYS = {
    "kind", "speaker", "score", "reason", "phrases", "patterns", "unless_phrases",
    "unless_patterns", "mono", "enabled", "replace", "description",
}
_LIST_KEYS = ("phrases", "patterns", "unless_phrases", "unless_patterns")
_SPEAKERS = ("agent", "customer", "any")
_COMMON_STRUCT = {"enabled", "score", "reason", "description", "min_call_seconds"}
_STRUCT_KEYS = {
    "dead_air": _COMMON_STRUCT | {"min_seconds", "score_per_second", "score_max"},
    "overtalk": _COMMON_STRUCT | {"min_seconds", "score_per_second", "score_max"},
    "long_monologue": _COMMON_STRUCT | {"min_seconds", "score_per_second", "score_max"},
    "missing_greeting": _COMMON_STRUCT | {"window_seconds", "phrases", "patterns"},
    "missing_closing": _COMMON_STRUCT | {"window_seconds", "phrases", "patterns"},
}
_STRUCT_LIST_KEYS = ("phrases", "patterns")


def load_rules(extra: str | os.PathLike | None = None) -> Rules:
    """The default rules, with ``extra`` (a rules file path) merged over them."""
    if extra is None:
        return _default_rules()
    base = _read(DEFAULT_RULES_PATH)
    _check(base, str(DEFAULT_RULES_PATH))
    data = _read(Path(extra))
    _check(data, str(extra))
    return _compile(_merge(base, data, str(extra)), (str(DEFAULT_RULES_PATH), str(extra)))


@functools.cache
def _default_rules() -> Rules:
    data = _read(DEFAULT_RULES_PATH)
    _check(data, str(DEFAULT_RULES_PATH))
    return _compile(data, (str(DEFAULT_RULES_PATH),))


def _read(path: Path) -> dict:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise RulesError(f"rules file not found: {path}") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise RulesError(f"cannot read rules file {path}: {exc}") from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise RulesError(
            f"{path}: not valid JSON (line {exc.lineno}, column {exc.colno}): {exc.msg}"
        ) from exc
    if not isinstance(data, dict):
        raise RulesError(f"{path}: the top level must be a JSON object")
    return data


def _fail(where: str, message: str) -> RulesError:
    return RulesError(f"{where}: {message}")


def _check_number(where: str, value: Any, lo: float = 0.0, hi: float | None = None) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _fail(where, f"must be a number, got {value!r}")
    if value < lo or (hi is not None and value > hi):
        bound = f"between {lo} and {hi}" if hi is not None else f">= {lo}"
        raise _fail(where, f"must be {bound}, got {value!r}")


def _check_strings(where: str, value: Any, regex: bool) -> None:
    if not isinstance(value, list):
        raise _fail(where, f"must be a list of strings, got {type(value).__name__}")
    for i, item in enumerate(value):
        if not isinstance(item, str) or not item.strip():
            raise _fail(f"{where}[{i}]", f"must be a non-empty string, got {item!r}")
        if regex:
            try:
                re.compile(item)
            except re.error as exc:
                raise _fail(f"{where}[{i}]", f"invalid regular expression {item!r}: {exc}") from exc


def _check_keys(where: str, obj: Any, allowed: set[str]) -> None:
    if not isinstance(obj, dict):
        raise _fail(where, f"must be an object, got {type(obj).__name__}")
    unknown = sorted(set(obj) - allowed)
    if unknown:
        raise _fail(
            where, f"unknown key(s) {', '.join(unknown)}; allowed: {', '.join(sorted(allowed))}"
        )


def _check_template(where: str, template: Any, **sample: Any) -> None:
    if not isinstance(template, str) or not template.strip():
        raise _fail(where, f"must be a non-empty string, got {template!r}")
    try:
        template.format(**sample)
    except (KeyError, IndexError, ValueError) as exc:
        fields = ", ".join("{" + k + "}" for k in sample) or "none"
        raise _fail(where, f"bad placeholder in {template!r} ({exc}); available: {fields}") from exc


def _check(data: dict, source: str) -> None:
    """Check the shape of one rules file (complete or partial)."""
    _check_keys(source, data, _TOP_KEYS)
    if "version" in data and data["version"] != 1:
        raise _fail(f"{source}: version", f"unsupported version {data['version']!r} (expected 1)")
    if "region" in data:
        _check_keys(f"{source}: region", data["region"], set(Region.__dataclass_fields__))
        for k, v in data["region"].items():
            _check_number(f"{source}: region.{k}", v)
    rules = data.get("phrase_rules", [])
    if not isinstance(rules, list):
        raise _fail(f"{source}: phrase_rules", "must be a list of objects")
    for i, rule in enumerate(rules):
        where = f"{source}: phrase_rules[{i}]"
        _check_keys(where, rule, _PHRASE_KEYS)
        kind = rule.get("kind")
        if not isinstance(kind, str) or not _KIND_RE.match(kind):
            raise _fail(f"{where}.kind", f"must be a dotted lower-case name, got {kind!r}")
        where = f"{source}: phrase_rules[{i}] ({kind})"
        if "speaker" in rule and rule["speaker"] not in _SPEAKERS:
            raise _fail(f"{where}.speaker", f"must be one of {', '.join(_SPEAKERS)}, "
                        f"got {rule['speaker']!r}")
        if "score" in rule:
            _check_number(f"{where}.score", rule["score"], 0.0, 1.0)
        if "reason" in rule:
            _check_template(f"{where}.reason", rule["reason"], quote="...")
        for key in ("mono", "enabled", "replace"):
            if key in rule and not isinstance(rule[key], bool):
                raise _fail(f"{where}.{key}", f"must be true or false, got {rule[key]!r}")
        for key in _LIST_KEYS:
            if key in rule:
                _check_strings(f"{where}.{key}", rule[key], regex=key.endswith("patterns"))
    structural = data.get("structural", {})
    _check_keys(f"{source}: structural", structural, set(_STRUCT_KEYS))
    for name, conf in structural.items():
        where = f"{source}: structural.{name}"
        _check_keys(where, conf, _STRUCT_KEYS[name])
        for k, v in conf.items():
            if k == "enabled" and not isinstance(v, bool):
                raise _fail(f"{where}.enabled", f"must be true or false, got {v!r}")
            if k in ("score", "score_max"):
                _check_number(f"{where}.{k}", v, 0.0, 1.0)
            elif k in ("min_seconds", "window_seconds", "score_per_second",
                       "min_call_seconds"):
                _check_number(f"{where}.{k}", v)
            elif k == "reason":
                _check_template(f"{where}.reason", v, seconds=1.0)
            elif k in _STRUCT_LIST_KEYS:
                _check_strings(f"{where}.{k}", v, regex=k == "patterns")


def _merge(base: dict, extra: dict, source: str) -> dict:
    merged = {
        "region": {**base.get("region", {}), **extra.get("region", {})},
        "structural": {k: dict(v) for k, v in base.get("structural", {}).items()},
        "phrase_rules": [dict(r) for r in base.get("phrase_rules", [])],
    }
    for name, conf in extra.get("structural", {}).items():
        merged["structural"].setdefault(name, {}).update(conf)
    by_kind = {r["kind"]: r for r in merged["phrase_rules"]}
    for rule in extra.get("phrase_rules", []):
        current = by_kind.get(rule["kind"])
        if current is None or rule.get("replace"):
            new = {k: v for k, v in rule.items() if k != "replace"}
            if current is not None and rule["kind"] in TAGGER_CODES:
                new = {**{k: v for k, v in current.items() if k not in _LIST_KEYS}, **new,
                       "_replace": True}
            if current is None:
                merged["phrase_rules"].append(new)
            else:
                merged["phrase_rules"][merged["phrase_rules"].index(current)] = new
            by_kind[rule["kind"]] = new
            continue
        for k, v in rule.items():
            current[k] = current.get(k, []) + v if k in _LIST_KEYS else v
    log.debug("merged rules from %s", source)
    return merged


def _phrase_regex(phrase: str) -> str:
    """Whole words, any whitespace between them, apostrophes optional."""
    words = phrase.strip().translate(_APOSTROPHES).split()
    body = r"\s+".join(re.escape(w).replace("'", "'?") for w in words)
    head = r"\b" if re.match(r"\w", words[0]) else ""
    tail = r"\b" if re.search(r"\w$", words[-1]) else ""
    return head + body + tail


def _alternation(phrases: list[str], patterns: list[str]) -> re.Pattern[str] | None:
    parts = [_phrase_regex(p) for p in phrases] + [f"(?:{p})" for p in patterns]
    return re.compile("|".join(parts), re.IGNORECASE) if parts else None


def _compile(data: dict, sources: tuple[str, ...]) -> Rules:
    where = " + ".join(sources)
    region = Region(**data.get("region", {}))
    if region.min_seconds > region.max_seconds:
        raise _fail(f"{where}: region", f"min_seconds ({region.min_seconds}) is above "
                    f"max_seconds ({region.max_seconds})")
    compiled: list[PhraseRule] = []
    for rule in data.get("phrase_rules", []):
        if not rule.get("enabled", True):
            continue
        rwhere = f"{where}: phrase rule {rule['kind']}"
        for key in ("speaker", "reason"):
            if key not in rule:
                raise _fail(rwhere, f"missing {key!r}")
        match = _alternation(rule.get("phrases", []), rule.get("patterns", []))
        code = TAGGER_CODES.get(rule["kind"])
        if match is None and code is None:
            raise _fail(rwhere, "needs at least one entry in 'phrases' or 'patterns'")
        compiled.append(PhraseRule(
            kind=rule["kind"],
            speaker=rule["speaker"],
            score=float(rule.get("score", 0.6)),
            reason=rule["reason"],
            match=match,
            unless=_alternation(rule.get("unless_phrases", []), rule.get("unless_patterns", [])),
            mono=rule.get("mono", True),
            code=code,
            replace=bool(rule.get("_replace")),
        ))
    structural: dict[str, dict[str, Any]] = {}
    for name, conf in data.get("structural", {}).items():
        conf = dict(conf)
        if not conf.get("enabled", True):
            continue
        missing = {"score", "reason"} - set(conf)
        if name in ("dead_air", "overtalk", "long_monologue"):
            missing |= {"min_seconds"} - set(conf)
        if missing:
            raise _fail(f"{where}: structural.{name}", f"missing {', '.join(sorted(missing))}")
        if name in ("missing_greeting", "missing_closing"):
            conf["match"] = _alternation(conf.get("phrases", []), conf.get("patterns", []))
            if conf["match"] is None:
                raise _fail(f"{where}: structural.{name}", "needs 'phrases' or 'patterns'")
        structural[name] = conf
    return Rules(tuple(compiled), structural, region, sources)


# --------------------------------------------------------------------------- sentences


@dataclass(slots=True)
class _Sentence:
    speaker: str
    text: str
    start: float
    end: float
    #: (first char, end char, start s, end s) per word; None: times are interpolated.
    spans: list[tuple[int, int, float, float]] | None

    def times(self, a: int, b: int) -> tuple[float, float]:
        """Start and end time of the characters ``text[a:b]``."""
        if self.spans:
            hit = [(s, e) for ca, cb, s, e in self.spans if ca < b and cb > a]
            if hit:
                return min(s for s, _ in hit), max(e for _, e in hit)
            return self.start, self.end
        n = max(len(self.text), 1)
        span = self.end - self.start
        return self.start + span * a / n, self.start + span * b / n


def _sentences(segment: Segment) -> list[_Sentence]:
    out: list[_Sentence] = []
    if segment.words:
        text, spans = "", []
        for w in segment.words:
            token = w.word.strip()
            if not token:
                continue
            if text:
                text += " "
            spans.append((len(text), len(text) + len(token), w.start, w.end))
            text += token
            if _SENTENCE_END.search(token):
                out.append(_Sentence(segment.speaker, text, spans[0][2], spans[-1][3], spans))
                text, spans = "", []
        if spans:
            out.append(_Sentence(segment.speaker, text, spans[0][2], spans[-1][3], spans))
        return out
    text = segment.text
    n = max(len(text), 1)
    span = segment.end - segment.start
    for m in re.finditer(r"[^.?!]+[.?!]*", text):
        piece = m.group().strip()
        if not piece:
            continue
        a = m.start() + m.group().index(piece)
        b = a + len(piece)
        out.append(_Sentence(segment.speaker, piece,
                             segment.start + span * a / n, segment.start + span * b / n, None))
    return out


def _quote(text: str, a: int, b: int) -> str:
    text = " ".join(text.split())
    if len(text) <= QUOTE_MAX:
        return text
    lo = max(0, min(a - (QUOTE_MAX - (b - a)) // 2, len(text) - QUOTE_MAX))
    piece = text[lo:lo + QUOTE_MAX].strip()
    return ("..." if lo > 0 else "") + piece + ("..." if lo + QUOTE_MAX < len(text) else "")


# --------------------------------------------------------------------------- suggesting


@dataclass(slots=True)
class _Context:
    transcript: Transcript
    rules: Rules
    words: list[Word]
    turns: list[talktime.Turn]
    mono: bool

    def fit(self, start: float, end: float, a_start: float, a_end: float) -> tuple[float, float]:
        """Clamp a proposed region to the length limits, keeping the trigger, and snap it."""
        r = self.rules.region
        duration = float(self.transcript.duration)
        start, end = max(0.0, start), min(duration, end)
        if end - start > r.max_seconds:
            end = max(start + r.max_seconds, min(a_end, duration))
            start = max(start, end - r.max_seconds)
        if end - start < r.min_seconds:
            end = min(duration, start + r.min_seconds)
            start = max(0.0, end - r.min_seconds)
        return snap_to_words(self.words, start, end, pad=r.pad, duration=duration)

    def make(self, kind: str, reason: str, score: float, region: tuple[float, float],
             anchor: tuple[float, float]) -> Suggestion:
        start, end = self.fit(*region, *anchor)
        return Suggestion(
            kind=kind, reason=reason, score=round(min(1.0, max(0.0, score)), 3),
            start=round(start, 3), end=round(end, 3), key=f"{kind}@{round(anchor[0])}",
            anchor_start=round(anchor[0], 3), anchor_end=round(anchor[1], 3),
        )


def suggest_moments(
    transcript: Transcript, rules: Rules | str | os.PathLike | None = None
) -> list[Suggestion]:
    """Suggested clips, best first. ``rules``: loaded rules, or an extra rules file path."""
    if rules is None:
        rules = _default_rules()
    elif not isinstance(rules, Rules):
        rules = load_rules(rules)
    ctx = _Context(
        transcript=transcript,
        rules=rules,
        words=[w for s in transcript.segments for w in s.words],
        turns=talktime.turns(transcript),
        mono=talktime.is_mono(transcript),
    )
    found = _tagger_suggestions(ctx) + _phrase_suggestions(ctx) + _structural_suggestions(ctx)
    result = _dedupe(found, rules.region)
    result.sort(key=lambda s: (-s.score, s.start))
    log.debug("%d suggestions (%d before merging)", len(result), len(found))
    return result


def _phrase_suggestions(ctx: _Context) -> list[Suggestion]:
    sentences = sorted(
        (s for seg in ctx.transcript.segments for s in _sentences(seg)), key=lambda s: s.start
    )
    out: list[Suggestion] = []
    for i, sent in enumerate(sentences):
        norm = sent.text.translate(_APOSTROPHES)
        for rule in ctx.rules.phrase_rules:
            if rule.code is not None or rule.match is None:
                continue  # the tagger's (see _tagger_suggestions)
            factor = 1.0
            if sent.speaker == "speaker":
                if not rule.mono:
                    continue
                factor = MONO_FACTOR if rule.speaker != "any" else 1.0
            elif rule.speaker not in ("any", sent.speaker):
                continue
            m = rule.match.search(norm)
            if m is None:
                continue
            if rule.unless is not None:
                following = next((s for s in sentences[i + 1:] if s.speaker == sent.speaker), None)
                scope = norm + (" " + following.text.translate(_APOSTROPHES) if following else "")
                if rule.unless.search(scope):
                    continue
            anchor = sent.times(m.start(), m.end())
            reason = rule.reason.format(quote=_quote(sent.text, m.start(), m.end()))
            if factor != 1.0:
                reason += " (mono recording: speaker not identified)"
            region = _phrase_region(ctx, sent, anchor)
            out.append(ctx.make(rule.kind, reason, rule.score * factor, region, anchor))
    return out


def tagged_segments(transcript: Transcript, extra: dict[str, ExtraRule] | None = None
                    ) -> list[tuple[Segment, Any]]:
    """The transcript's segments with the tagger's result, tagged as the app tags a call
    (one conversation, in order). Mono transcripts: every segment is read for customer
    signals, since the speaker is unknown."""
    if talktime.is_mono(transcript):
        segs = [s for s in transcript.segments if s.speaker == "speaker" and s.text.strip()]
        return list(zip(segs, tag_utterances([(s.text, "customer") for s in segs], extra=extra),
                        strict=True))
    segs = [s for s in transcript.segments if s.speaker in ("agent", "customer")
            and s.text.strip()]
    return list(zip(segs, tag_conversation([(s.text, s.speaker) for s in segs], extra=extra),
                    strict=True))


def _tagger_suggestions(ctx: _Context) -> list[Suggestion]:
    rules = {r.code: r for r in ctx.rules.phrase_rules if r.code is not None}
    if not rules:
        return []
    extra = ctx.rules.tagger_extras
    out: list[Suggestion] = []
    for seg, result in tagged_segments(ctx.transcript, extra):
        for code in [*result.signals, *result.flags]:
            rule = rules.get(code)
            if rule is None or (seg.speaker == "speaker" and not rule.mono):
                continue
            sentences = _sentences(seg)
            if not sentences:
                continue
            sent, (a, b) = _evidence(sentences, code, extra)
            anchor = sent.times(a, b)
            reason = rule.reason.format(quote=_quote(sent.text, a, b))
            factor = 1.0
            if seg.speaker == "speaker":
                factor = MONO_FACTOR
                reason += " (mono recording: speaker not identified)"
            out.append(ctx.make(rule.kind, reason, rule.score * factor,
                                _phrase_region(ctx, sent, anchor), anchor))
    return out


def _evidence(sentences: list[_Sentence], code: str, extra: dict[str, ExtraRule]
              ) -> tuple[_Sentence, tuple[int, int]]:
    """The sentence (and its words) that made the tagger report ``code``: where a rule
    fires, else the first sentence the tagger reports it for on its own, else the first."""
    skip = rule_choice(None, "signals").rules_off
    for sent in sentences:
        span = signal_evidence(normalise(sent.text.translate(_APOSTROPHES)), code, extra, skip)
        if span is not None:
            return sent, span
    if len(sentences) > 1 and not code.startswith("missed."):
        alone = tag_utterances([(s.text, "customer") for s in sentences], extra=extra)
        for sent, res in zip(sentences, alone, strict=True):
            if code in res.signals:
                return sent, (0, len(sent.text))
    return sentences[0], (0, len(sentences[0].text))


def _phrase_region(ctx: _Context, sent: _Sentence, anchor: tuple[float, float]
                   ) -> tuple[float, float]:
    """Trigger plus the agent's answer (customer trigger) or plus the question (agent one)."""
    r = ctx.rules.region
    a_start, a_end = anchor
    if sent.speaker == "agent":
        question = [t for t in ctx.turns if t.speaker == "customer" and t.end <= a_start + 0.01
                    and t.end >= a_start - r.answer_wait]
        start = question[-1].start if question else sent.start - r.before
        own = [p for t in ctx.turns if t.speaker == "agent" for p in _stretches(t)
               if p[0] <= a_start <= p[1]]
        end = max(sent.end, own[0][1] if own else sent.end)
        return max(start, a_start - r.max_seconds / 2), end
    start = sent.start - r.before
    answer = next((t for t in ctx.turns if t.speaker == "agent" and t.start > a_start), None)
    if answer is not None and answer.start - a_end <= r.answer_wait:
        return start, _stretches(answer)[0][1]
    return start, sent.end + r.context


def _stretches(turn: talktime.Turn) -> list[talktime.Interval]:
    """A turn cut at dead-air pauses: an answer ends where the agent falls silent."""
    return talktime.merge_intervals(turn.intervals, talktime.DEAD_AIR_MIN)


def _scaled(conf: dict, seconds: float) -> float:
    score = conf["score"] + conf.get("score_per_second", 0.0) * (seconds - conf["min_seconds"])
    return min(conf.get("score_max", 1.0), score)


def _conversation(t: Transcript) -> tuple[float, float]:
    """From the first word to the last (lead-in and hang-up tail left out)."""
    speech = talktime.speech_intervals(t)
    return (speech[0][0], speech[-1][1]) if speech else (0.0, 0.0)


def _long_enough(conf: dict, length: float) -> bool:
    return length >= conf.get("min_call_seconds", MIN_CALL_SECONDS)


def _structural_suggestions(ctx: _Context) -> list[Suggestion]:
    st, r, t = ctx.rules.structural, ctx.rules.region, ctx.transcript
    talk_start, talk_end = _conversation(t)
    length = talk_end - talk_start
    st = {name: conf for name, conf in st.items() if _long_enough(conf, length)}
    out: list[Suggestion] = []
    if conf := st.get("dead_air"):
        for s, e in talktime.silences(t, conf["min_seconds"]):
            out.append(ctx.make("dead_air", conf["reason"].format(seconds=e - s),
                                _scaled(conf, e - s), (s - r.context, e + r.context), (s, e)))
    if ctx.mono:
        return out
    if conf := st.get("overtalk"):
        for s, e in talktime.overlaps(t, conf["min_seconds"]):
            out.append(ctx.make("overtalk", conf["reason"].format(seconds=e - s),
                                _scaled(conf, e - s), (s - r.context, e + r.context), (s, e)))
    if conf := st.get("long_monologue"):
        for s, e in talktime.monologues(t, "agent", min_duration=conf["min_seconds"]):
            before = [x for x in ctx.turns if x.speaker == "customer" and x.end <= s + 0.01]
            if not before or s - before[-1].end > r.answer_wait:
                continue
            start = max(before[-1].start, s - r.context)
            out.append(ctx.make("long_monologue", conf["reason"].format(seconds=e - s),
                                _scaled(conf, e - s), (start, e), (s, e)))
    agent_turns = [x for x in ctx.turns if x.speaker == "agent"]
    if not agent_turns:
        return out
    agent_sentences = sorted(
        (s for seg in t.segments if seg.speaker == "agent" for s in _sentences(seg)),
        key=lambda s: s.start,
    )
    edge = EDGE_SHARE * length
    if conf := st.get("missing_greeting"):
        first = agent_turns[0]
        limit = first.start + conf.get("window_seconds", 15.0)
        opening = [s for s in agent_sentences if s.start < limit]
        if not any(conf["match"].search(s.text.translate(_APOSTROPHES)) for s in opening):
            # the agent's opening sentences, cut at the window and at EDGE_SHARE of the call
            end = min(max((s.end for s in opening), default=first.end), limit,
                      first.start + edge)
            out.append(ctx.make("missing_greeting", conf["reason"].format(seconds=0.0),
                                conf["score"], (first.start - r.before, end), (first.start, end)))
    if conf := st.get("missing_closing"):
        last = agent_turns[-1]
        limit = last.end - conf.get("window_seconds", 30.0)
        closing = [s for s in agent_sentences if s.end > limit]
        if not any(conf["match"].search(s.text.translate(_APOSTROPHES)) for s in closing):
            # the end of the last agent turn (the window looked at, at most EDGE_SHARE of the
            # call) to the end of the call; the anchor (and key) stays the last agent turn
            start = max(last.start - r.before, limit, last.end - edge)
            out.append(ctx.make("missing_closing", conf["reason"].format(seconds=0.0),
                                conf["score"], (start, t.duration), (last.start, last.end)))
    return out


def _dedupe(found: list[Suggestion], region: Region) -> list[Suggestion]:
    """Merge overlapping suggestions of one kind; the best reason and the earliest key win."""
    limit = region.max_seconds + 2 * region.pad + 1.0
    out: list[Suggestion] = []
    for kind in sorted({s.kind for s in found}):
        group: list[tuple[Suggestion, int]] = []
        for s in sorted((s for s in found if s.kind == kind), key=lambda s: s.start):
            if group and s.start < group[-1][0].end:
                prev, n = group[-1]
                if max(prev.end, s.end) - prev.start <= limit:
                    group[-1] = (_union(prev, s), n + 1)
                    continue
                if prev.start <= s.anchor_start <= prev.end:
                    group[-1] = (prev, n + 1)  # same moment, already in the clip
                    continue
            group.append((s, 1))
        for s, n in group:
            if n > 1:
                bonus = min(1.0, s.score + MERGE_BONUS * (n - 1))
                s = _replace(s, score=round(bonus, 3),
                             reason=f"{s.reason} (and {n - 1} more like it)")
            out.append(s)
    return out


def _union(a: Suggestion, b: Suggestion) -> Suggestion:
    best = a if a.score >= b.score else b
    first = a if a.anchor_start <= b.anchor_start else b
    return _replace(
        best, start=min(a.start, b.start), end=max(a.end, b.end), key=first.key,
        anchor_start=first.anchor_start, anchor_end=max(a.anchor_end, b.anchor_end),
    )


def _replace(s: Suggestion, **changes: Any) -> Suggestion:
    return Suggestion(**{**asdict(s), **changes})
