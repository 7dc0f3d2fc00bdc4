"""What one call counts for, kept on its RecordingSkillSummary so that goals, impact and start
pages add numbers up in SQL instead of re-reading every tag and segment of every call.

Counted after tagging and after every review of a tag: a person's confirmation or rejection
changes the figures at once."""

from __future__ import annotations

from collections import Counter, defaultdict

import sqlalchemy as sa

from coachlab.db import db
from coachlab.recordings.models import Recording
from coachlab.transcripts.models import TranscriptSegment
from microskills.models import RecordingSkillSummary, TagKind, TagStatus, UtteranceTag


def count_call(recording_id: int) -> RecordingSkillSummary | None:
    """Recount a tagged call's microskills, frustration moments and objections."""
    # the profile owns the rules of an answered frustration or objection; imported here
    # (not at the top) because the profile itself imports the tagging service
    from microskills.profile import _missed_opportunities

    summary = db.session.get(RecordingSkillSummary, recording_id)
    recording = db.session.get(Recording, recording_id)
    if summary is None or recording is None:
        return None
    db.session.flush()
    tags = db.session.execute(
        sa.select(UtteranceTag.segment_id, UtteranceTag.code, UtteranceTag.kind)
        .where(UtteranceTag.recording_id == recording_id,
               UtteranceTag.status != TagStatus.REJECTED)).all()
    codes: dict[int, set[str]] = defaultdict(set)
    skills: Counter = Counter()
    for segment_id, code, kind in tags:
        codes[segment_id].add(code)
        if kind is TagKind.SKILL:
            skills[code] += 1
    segments = db.session.scalars(
        sa.select(TranscriptSegment).where(TranscriptSegment.recording_id == recording_id)
        .order_by(TranscriptSegment.start)).all()
    rows = [(segment, codes.get(segment.id, set())) for segment in segments]
    _missed, (answered, frustration), (handled, objections) = _missed_opportunities(
        [(recording, rows)])
    summary.skill_counts = dict(sorted(skills.items()))
    summary.frustration, summary.frustration_answered = frustration, answered
    summary.objections, summary.objections_handled = objections, handled
    db.session.flush()
    return summary


def count_uncounted_calls(app=None) -> int:
    """Count the calls tagged before counts were kept (a worker start check)."""
    ids = list(db.session.scalars(sa.select(RecordingSkillSummary.recording_id).where(
        RecordingSkillSummary.skill_counts.is_(None))))
    for recording_id in ids:
        count_call(recording_id)
    db.session.commit()
    return len(ids)


def summed_counts(where: tuple) -> list[tuple[int, str, int]]:
    """(advisor, code, uses) summed over the calls ``where`` selects, from the calls' counts
    (RecordingSkillSummary.skill_counts, {code: n}): in SQL where the database can read JSON."""
    summary = RecordingSkillSummary
    dialect = db.engine.dialect.name
    if dialect in ("sqlite", "postgresql"):
        each = (sa.func.json_each(summary.skill_counts) if dialect == "sqlite" else
                sa.func.json_each_text(summary.skill_counts)).table_valued("key", "value")
        uses = each.c.value if dialect == "sqlite" else sa.cast(each.c.value, sa.Integer)
        return [tuple(row) for row in db.session.execute(
            sa.select(Recording.advisor_id, each.c.key, sa.func.sum(uses))
            .select_from(Recording)
            .join(summary, summary.recording_id == Recording.id)
            .join(each, sa.true())
            .where(*where)
            .group_by(Recording.advisor_id, each.c.key))]
    totals: Counter = Counter()
    for advisor_id, counts in db.session.execute(
            sa.select(Recording.advisor_id, summary.skill_counts)
            .join(summary, summary.recording_id == Recording.id).where(*where)):
        for code, n in (counts or {}).items():
            totals[(advisor_id, code)] += n
    return [(a, code, n) for (a, code), n in totals.items()]
