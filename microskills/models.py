from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coachlab.auth.models import User
from coachlab.db import db, str_enum, utcnow


class Microskill(db.Model):
    """An entry of the masterlist. Codes are permanent: never changed, never reused."""

    __tablename__ = "microskills"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    family: Mapped[str] = mapped_column(sa.String(40))
    name: Mapped[str] = mapped_column(sa.String(120))
    definition: Mapped[str] = mapped_column(sa.Text)
    examples: Mapped[list] = mapped_column(sa.JSON, default=list)
    active: Mapped[bool] = mapped_column(default=True)
    seeded: Mapped[bool] = mapped_column(default=False)  # from the shipped masterlist
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class TagKind(enum.StrEnum):
    SKILL = "skill"  # an advisor microskill (A.greeting ...)
    SIGNAL = "signal"  # a customer signal (objection.price ...)
    FLAG = "flag"  # an anti-pattern on an advisor utterance (missed.dont_know ...)


class TagSource(enum.StrEnum):
    MACHINE = "machine"
    HUMAN = "human"


class TagStatus(enum.StrEnum):
    SUGGESTED = "suggested"  # the tagger's, not reviewed
    CONFIRMED = "confirmed"  # a person agreed (or added it)
    REJECTED = "rejected"  # a person said it is wrong; kept as a negative label


class UtteranceTag(db.Model):
    """A microskill, signal or flag on one transcript segment."""

    __tablename__ = "utterance_tags"
    __table_args__ = (
        sa.UniqueConstraint("segment_id", "code", name="uq_utterance_tags_segment_code"),
        sa.Index("ix_utterance_tags_recording_code", "recording_id", "code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    recording_id: Mapped[int] = mapped_column(sa.ForeignKey("recordings.id", ondelete="CASCADE"))
    segment_id: Mapped[int] = mapped_column(
        sa.ForeignKey("transcript_segments.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(sa.String(40))
    kind: Mapped[TagKind] = mapped_column(str_enum(TagKind, 10))
    confidence: Mapped[float] = mapped_column(default=1.0)
    source: Mapped[TagSource] = mapped_column(str_enum(TagSource, 10))
    status: Mapped[TagStatus] = mapped_column(str_enum(TagStatus, 10))
    tagger_version: Mapped[str] = mapped_column(sa.String(20), default="")
    reviewed_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"))
    reviewed_at: Mapped[dt.datetime | None]

    reviewed_by: Mapped[User | None] = relationship()

    @property
    def counts(self) -> bool:
        """Whether the tag stands: a person's word overrides the machine's."""
        return self.status is not TagStatus.REJECTED


class RecordingSkillSummary(db.Model):
    """Per-recording tagging state: which tagger version ran, and call-level flags."""

    __tablename__ = "recording_skill_summaries"

    recording_id: Mapped[int] = mapped_column(
        sa.ForeignKey("recordings.id", ondelete="CASCADE"), primary_key=True)
    tagger_version: Mapped[str] = mapped_column(sa.String(20))
    flags: Mapped[list] = mapped_column(sa.JSON, default=list)
    tagged_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # What the call counts for, kept up to date by tagging and reviews (microskills.call_counts):
    # {code: advisor segments carrying it} of the microskills that stand, and the customer's
    # frustration moments and objections with how many the advisor answered. None until counted.
    skill_counts: Mapped[dict | None] = mapped_column(sa.JSON)
    frustration: Mapped[int] = mapped_column(default=0)
    frustration_answered: Mapped[int] = mapped_column(default=0)
    objections: Mapped[int] = mapped_column(default=0)
    objections_handled: Mapped[int] = mapped_column(default=0)


# --- indexes for the pages that read many calls (issue 13; migration c3e8a1f5d624) ----------
# "Last reviewed" (start pages, the team view) looks for the few reviewed tags among a team's
# calls: without this index PostgreSQL reads every tag of the team's calls to find them.
sa.Index("ix_utterance_tags_reviewed_at", UtteranceTag.reviewed_at)
