"""Outcomes of interactions (one row per call, chat, email or message, imported from CSV)
and colour-coded audits of recordings and clips."""

from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coachlab.auth.models import Team, User
from coachlab.db import db, str_enum, utcnow
from coachlab.recordings.models import Recording


class Channel(enum.StrEnum):
    CALL = "call"
    CHAT = "chat"
    EMAIL = "email"
    MESSAGE = "message"


class Outcome(db.Model):
    """What one interaction came to. ``interaction_id`` is the contact centre's own id: a
    re-import of the same id updates the row. ``team_id`` is the advisor's team when the
    row was imported (team figures and coaches' rights follow it, as recordings do)."""

    __tablename__ = "outcomes"
    __table_args__ = (
        sa.CheckConstraint("nps IS NULL OR (nps >= 0 AND nps <= 10)", name="nps_range"),
        sa.CheckConstraint("csat IS NULL OR (csat >= 1 AND csat <= 5)", name="csat_range"),
        sa.Index("ix_outcomes_advisor_occurred", "advisor_id", "occurred_at"),
        sa.Index("ix_outcomes_team_occurred", "team_id", "occurred_at"),
        # medians per advisor read replies in order from this index (no sort)
        sa.Index("ix_outcomes_advisor_response", "advisor_id", "response_seconds",
                 "occurred_at"),
        # the raw rows near a period's edges, company-wide (``performance.sums``)
        sa.Index("ix_outcomes_occurred_at", "occurred_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    interaction_id: Mapped[str] = mapped_column(sa.String(120), unique=True)
    advisor_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    team_id: Mapped[int | None] = mapped_column(sa.ForeignKey("teams.id", ondelete="SET NULL"))
    occurred_at: Mapped[dt.datetime]
    channel: Mapped[Channel] = mapped_column(str_enum(Channel, 10))
    nps: Mapped[int | None] = mapped_column(sa.SmallInteger)
    csat: Mapped[int | None] = mapped_column(sa.SmallInteger)
    resolved: Mapped[bool | None]
    first_contact_resolution: Mapped[bool | None]
    response_seconds: Mapped[int | None]
    converted: Mapped[bool | None]
    new_customer: Mapped[bool | None]
    recording_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("recordings.id", ondelete="SET NULL"), index=True)
    imported_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    advisor: Mapped[User] = relationship()
    team: Mapped[Team | None] = relationship()
    recording: Mapped[Recording | None] = relationship()


class Band(enum.StrEnum):
    OUTSTANDING = "outstanding"
    SUGGESTION = "suggestion"
    NEEDS_IMPROVEMENT = "needs_improvement"

    @property
    def label(self) -> str:
        return {"outstanding": "Outstanding", "suggestion": "Suggestion",
                "needs_improvement": "Needs Improvement"}[self.value]

    @property
    def colour(self) -> str:
        return {"outstanding": "green", "suggestion": "blue",
                "needs_improvement": "yellow"}[self.value]


class Audit(db.Model):
    """A coach's verdict on a recording (or one clip of it): a colour band, a comment and
    1-3 microskills. A Needs Improvement asks the advisor to act by ``act_by``."""

    __tablename__ = "audits"

    id: Mapped[int] = mapped_column(primary_key=True)
    recording_id: Mapped[int] = mapped_column(
        sa.ForeignKey("recordings.id", ondelete="CASCADE"), index=True)
    # a deleted clip leaves the audit on its call
    clip_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("clips.id", ondelete="SET NULL"), index=True)
    advisor_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"),
                                            index=True)
    team_id: Mapped[int | None] = mapped_column(sa.ForeignKey("teams.id", ondelete="SET NULL"),
                                                index=True)
    auditor_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"))
    band: Mapped[Band] = mapped_column(str_enum(Band, 20))
    comment: Mapped[str] = mapped_column(sa.Text)
    microskills: Mapped[list] = mapped_column(sa.JSON, default=list)
    # the audited call's time: Communication Quality counts audits in the month of the call
    called_at: Mapped[dt.datetime] = mapped_column(index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    act_by: Mapped[dt.datetime | None]
    acted_at: Mapped[dt.datetime | None]
    acted_note: Mapped[str] = mapped_column(sa.Text, default="")

    recording: Mapped[Recording] = relationship()
    advisor: Mapped[User] = relationship(foreign_keys=[advisor_id])
    auditor: Mapped[User | None] = relationship(foreign_keys=[auditor_id])
    team: Mapped[Team | None] = relationship()
    clip = relationship("Clip")

    @property
    def needs_action(self) -> bool:
        return self.band is Band.NEEDS_IMPROVEMENT and self.acted_at is None

    def overdue(self, now: dt.datetime | None = None) -> bool:
        return self.needs_action and self.act_by is not None and self.act_by < (now or utcnow())


class OutcomeSum(db.Model):
    """The interactions (outcome rows and recordings' own outcome fields) of one advisor,
    team and channel (or every channel) in one UTC week or month, added up
    (``performance.sums``): the dashboards add up these cells for the whole weeks or months
    inside a period and read raw rows only near its edges. Kept by the import and by every
    ORM flush of an outcome or a call; a cell is recomputed from the rows, never patched."""

    __tablename__ = "outcome_sums"
    __table_args__ = (
        sa.Index("ix_outcome_sums_span_cell", "span", "cell"),
        sa.Index("ix_outcome_sums_advisor_span_cell", "advisor_id", "span", "cell"),
        sa.Index("ix_outcome_sums_team_span_cell", "team_id", "span", "cell"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    span: Mapped[str] = mapped_column(sa.String(5))  # "week" or "month"
    cell: Mapped[int]  # weeks since Monday 1969-12-29 or months since January 1970, UTC
    advisor_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    team_id: Mapped[int | None] = mapped_column(sa.ForeignKey("teams.id", ondelete="SET NULL"))
    channel: Mapped[Channel | None] = mapped_column(str_enum(Channel, 10))  # None: all of them
    n: Mapped[int]
    nps_n: Mapped[int]
    promoters: Mapped[int]
    detractors: Mapped[int]
    w_n: Mapped[int]
    w_promoters: Mapped[int]
    w_detractors: Mapped[int]
    csat_n: Mapped[int]
    csat_sum: Mapped[int]
    fcr_n: Mapped[int]
    fcr_yes: Mapped[int]
    conv_n: Mapped[int]
    conv_yes: Mapped[int]
    resp_n: Mapped[int]
    within_target: Mapped[int]
    within_aim: Mapped[int]
    leads_n: Mapped[int]
    leads_within: Mapped[int]


# the replies of a cell per bin of time to reply (``performance.sums.REPLY_EDGES``)
for _name in ("r00", "r01", "r02", "r03", "r04", "r05", "r06", "r07", "r08", "r09", "r10",
              "r11", "r12", "r13", "r14", "r15", "r16", "r17", "r18", "r19", "r20", "r21",
              "r22", "r23", "r24", "r25", "r26", "r27", "r28", "r29", "r30", "r31", "r32",
              "r33", "r34", "r35", "r36", "r37", "r38", "r39"):
    setattr(OutcomeSum, _name, mapped_column(_name, sa.Integer, nullable=False))


class OutcomeSumsState(db.Model):
    """One row when ``outcome_sums`` hold every outcome, counted against these reply targets
    (seconds). No row: the dashboards read raw rows until the sums are rebuilt."""

    __tablename__ = "outcome_sums_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    target_s: Mapped[int]
    aim_s: Mapped[int]
    lead_s: Mapped[int]
    built_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
