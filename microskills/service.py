"""The masterlist in the database, tagging transcripts, and coaches' reviews of tags.

Services flush, never commit. A person's review always wins over the tagger: re-tagging
replaces only unreviewed machine tags.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import sqlalchemy as sa

from coachlab import access
from coachlab.auth.models import User
from coachlab.db import db, utcnow
from coachlab.recordings.models import Recording
from coachlab.transcripts.models import TranscriptSegment
from coachlab.transcripts.service import segments_of
from microskills import call_counts
from microskills.masterlist import SIGNAL_CODES, load_masterlist
from microskills.models import (
    Microskill,
    RecordingSkillSummary,
    TagKind,
    TagSource,
    TagStatus,
    UtteranceTag,
)
from microskills.tagger import TAGGER_VERSION, conversation_flags, tag_conversation
from microskills.tagger.rules import ExtraRule

CODE_PATTERN = re.compile(r"^[A-Z]\.[a-z][a-z_]{1,30}$")
TAGGED_SPEAKERS = ("agent", "customer")


class MicroskillError(ValueError):
    """A request about microskills that cannot be carried out; the message is for users."""


# --- the masterlist -------------------------------------------------------------------------


def ensure_masterlist() -> None:
    """Insert the shipped microskills that are not in the database yet.

    Existing rows are left alone: admins may have edited their wording.
    """
    present = set(db.session.scalars(sa.select(Microskill.code)))
    for d in load_masterlist():
        if d.code not in present:
            db.session.add(Microskill(code=d.code, family=d.family, name=d.name,
                                      definition=d.definition, examples=list(d.examples),
                                      seeded=True))
    db.session.flush()


def all_microskills() -> list[Microskill]:
    ensure_masterlist()
    return list(db.session.scalars(sa.select(Microskill).order_by(Microskill.id)))


def active_microskills() -> list[Microskill]:
    return [m for m in all_microskills() if m.active]


def skill_names() -> dict[str, str]:
    return {m.code: m.name for m in all_microskills()}


def create_microskill(*, code: str, family: str, name: str, definition: str,
                      examples: list[str]) -> Microskill:
    code = code.strip()
    if not CODE_PATTERN.match(code):
        raise MicroskillError("A code looks like a family letter, a dot and a lower-case name, "
                              "e.g. O.follow_up.")
    ensure_masterlist()
    if db.session.scalar(sa.select(Microskill.id).where(Microskill.code == code)):
        raise MicroskillError(f"The code {code} is taken; codes are never reused.")
    skill = Microskill(code=code, family=family.strip(), name=name.strip(),
                       definition=definition.strip(), examples=_clean(examples))
    db.session.add(skill)
    db.session.flush()
    return skill


def update_microskill(skill: Microskill, *, name: str, definition: str, examples: list[str],
                      active: bool) -> None:
    """Everything but the code can change."""
    skill.name = name.strip()
    skill.definition = definition.strip()
    skill.examples = _clean(examples)
    skill.active = active
    db.session.flush()


def _clean(examples: list[str]) -> list[str]:
    return [e.strip() for e in examples if e.strip()]


# --- tagging ------------------------------------------------------------------------------


#: Callables giving admin phrases for the tagger's signals ({code: ExtraRule}); the clips
#: package registers the one that reads its rules file (COACHLAB_CLIPS_RULES_FILE).
EXTRA_RULE_PROVIDERS: list[Callable[[], dict[str, ExtraRule]]] = []


def register_extra_rules(provider: Callable[[], dict[str, ExtraRule]]) -> None:
    if provider not in EXTRA_RULE_PROVIDERS:
        EXTRA_RULE_PROVIDERS.append(provider)


def extra_rules() -> dict[str, ExtraRule]:
    out: dict[str, ExtraRule] = {}
    for provider in EXTRA_RULE_PROVIDERS:
        out.update(provider())
    return out


def is_tagged(recording: Recording) -> bool:
    summary = db.session.get(RecordingSkillSummary, recording.id)
    return summary is not None and summary.tagger_version == TAGGER_VERSION


def tag_recording(recording: Recording) -> None:
    """Tag every advisor and customer segment as one conversation (each advisor segment
    with the previous customer segment as context); keep what people reviewed."""
    segments = [s for s in segments_of(recording) if s.speaker in TAGGED_SPEAKERS]
    results = tag_conversation([(s.text, s.speaker) for s in segments],
                               extra=extra_rules()) if segments else []
    db.session.execute(sa.delete(UtteranceTag).where(
        UtteranceTag.recording_id == recording.id,
        UtteranceTag.status == TagStatus.SUGGESTED))
    reviewed = _reviewed_codes(recording.id)
    for segment, result in zip(segments, results, strict=True):
        _add_machine_tags(segment, result, reviewed.get(segment.id, set()))
    summary = db.session.get(RecordingSkillSummary, recording.id) or RecordingSkillSummary(
        recording_id=recording.id)
    summary.tagger_version = TAGGER_VERSION
    summary.flags = conversation_flags([s.speaker for s in segments], results)
    summary.tagged_at = utcnow()
    db.session.add(summary)
    db.session.flush()
    call_counts.count_call(recording.id)


def retag_segment(segment: TranscriptSegment) -> None:
    """Re-tag after a segment's text or speaker was corrected: the whole call, since the
    segment is the context of the advisor's next segment (and its own context may change)."""
    recording = db.session.get(Recording, segment.recording_id)
    db.session.flush()
    tag_recording(recording)


def _reviewed_codes(recording_id: int) -> dict[int, set[str]]:
    rows = db.session.execute(sa.select(UtteranceTag.segment_id, UtteranceTag.code).where(
        UtteranceTag.recording_id == recording_id, UtteranceTag.status != TagStatus.SUGGESTED))
    reviewed: dict[int, set[str]] = {}
    for segment_id, code in rows:
        reviewed.setdefault(segment_id, set()).add(code)
    return reviewed


def _add_machine_tags(segment: TranscriptSegment, result, skip: set[str]) -> None:
    found = [(TagKind.SKILL, c, p) for c, p in result.skills.items()]
    found += [(TagKind.SIGNAL, c, p) for c, p in result.signals.items()]
    found += [(TagKind.FLAG, c, 1.0) for c in result.flags]
    for kind, code, confidence in found:
        if code in skip:
            continue
        db.session.add(UtteranceTag(
            recording_id=segment.recording_id, segment_id=segment.id, code=code, kind=kind,
            confidence=round(float(confidence), 3), source=TagSource.MACHINE,
            status=TagStatus.SUGGESTED, tagger_version=TAGGER_VERSION))


# --- coaches' reviews -------------------------------------------------------------------


def review_tag(tag: UtteranceTag, *, confirm: bool, acting: User) -> None:
    access.require(acting, "review, add", "microskill tag",
                   db.session.get(Recording, tag.recording_id))
    tag.status = TagStatus.CONFIRMED if confirm else TagStatus.REJECTED
    tag.reviewed_by = acting
    tag.reviewed_at = utcnow()
    db.session.flush()
    call_counts.count_call(tag.recording_id)


def add_tag(segment: TranscriptSegment, code: str, *, acting: User) -> UtteranceTag:
    """A tag the machine missed. Advisor segments take microskills, customer ones signals."""
    access.require(acting, "review, add", "microskill tag",
                   db.session.get(Recording, segment.recording_id))
    if segment.speaker == "agent":
        valid = {m.code for m in active_microskills()}
        kind = TagKind.SKILL
    elif segment.speaker == "customer":
        valid = set(SIGNAL_CODES)
        kind = TagKind.SIGNAL
    else:
        raise MicroskillError("Say who is speaking first: tags need an advisor or customer "
                              "segment.")
    if code not in valid:
        raise MicroskillError(f"{code} cannot be tagged on this segment.")
    tag = db.session.scalar(sa.select(UtteranceTag).where(
        UtteranceTag.segment_id == segment.id, UtteranceTag.code == code))
    if tag is None:
        tag = UtteranceTag(recording_id=segment.recording_id, segment_id=segment.id, code=code,
                           kind=kind, confidence=1.0, source=TagSource.HUMAN,
                           status=TagStatus.CONFIRMED)
        db.session.add(tag)
    review_tag(tag, confirm=True, acting=acting)
    return tag


def tags_by_segment(recording: Recording) -> dict[int, list[UtteranceTag]]:
    tags: dict[int, list[UtteranceTag]] = {}
    for tag in db.session.scalars(sa.select(UtteranceTag).where(
            UtteranceTag.recording_id == recording.id).order_by(UtteranceTag.kind,
                                                                UtteranceTag.code)):
        tags.setdefault(tag.segment_id, []).append(tag)
    return tags


def human_labels() -> Iterator[dict]:
    """Every reviewed segment with its confirmed and rejected codes: training data."""
    rows = db.session.execute(
        sa.select(TranscriptSegment, UtteranceTag)
        .join(UtteranceTag, UtteranceTag.segment_id == TranscriptSegment.id)
        .where(UtteranceTag.status != TagStatus.SUGGESTED)
        .order_by(TranscriptSegment.recording_id, TranscriptSegment.start))
    current: dict | None = None
    for segment, tag in rows:
        if current is None or current["segment_id"] != segment.id:
            if current is not None:
                yield current
            current = {"recording_id": segment.recording_id, "segment_id": segment.id,
                       "speaker": segment.speaker, "text": segment.text,
                       "confirmed": [], "rejected": []}
        key = "confirmed" if tag.status is TagStatus.CONFIRMED else "rejected"
        current[key].append(tag.code)
    if current is not None:
        yield current
