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
        # medians per advisor read replies in order from this index (no sort); there is no
        # index on occurred_at alone: company-wide periods read the table faster in one scan
        sa.Index("ix_outcomes_advisor_response", "advisor_id", "response_seconds",
                 "occurred_at"),
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
