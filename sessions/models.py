"""Coaching sessions: an agenda of clips, sandwich feedback, what was discussed and practised,
the advisor's acknowledgement, and the history of every change once a session is held."""

from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from clips.models import Clip
from coachlab.auth.models import Team, User
from coachlab.db import db, str_enum, utcnow
from coachlab.recordings.models import Recording


class SessionState(enum.StrEnum):
    DRAFT = "draft"
    SCHEDULED = "scheduled"
    HELD = "held"
    ACKNOWLEDGED = "acknowledged"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class AgendaKind(enum.StrEnum):
    """The three sources a session learns from, in equal parts (aiming at thirds)."""

    OWN_GOOD = "own_good"  # the advisor's own good moments
    PEER_GOOD = "peer_good"  # peers' good moments the advisor may see
    MISTAKE = "mistake"  # the advisor's missed opportunities and mistakes

    @property
    def label(self) -> str:
        return {"own_good": "Your good moment", "peer_good": "A peer's good moment",
                "mistake": "A moment to improve"}[self.value]

    @property
    def short(self) -> str:
        return {"own_good": "Own good", "peer_good": "Peer good", "mistake": "To improve"}[
            self.value]


class PointKind(enum.StrEnum):
    POSITIVE = "positive"
    IMPROVEMENT = "improvement"


class Slot(enum.StrEnum):
    """Where a feedback point sits in the sandwich."""

    OPENING = "opening"  # positive
    IMPROVEMENT = "improvement"
    CLOSING = "closing"  # positive

    @property
    def kind(self) -> PointKind:
        return PointKind.IMPROVEMENT if self is Slot.IMPROVEMENT else PointKind.POSITIVE

    @property
    def label(self) -> str:
        return {"opening": "Opening positive", "improvement": "Improvement point",
                "closing": "Closing positive"}[self.value]


class CoachingSession(db.Model):
    __tablename__ = "coaching_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    coach_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"),
                                                 index=True)
    advisor_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"),
                                            index=True)
    team_id: Mapped[int | None] = mapped_column(sa.ForeignKey("teams.id", ondelete="SET NULL"),
                                                index=True)
    previous_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("coaching_sessions.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    state: Mapped[SessionState] = mapped_column(str_enum(SessionState, 12),
                                                default=SessionState.DRAFT, index=True)
    scheduled_at: Mapped[dt.datetime | None] = mapped_column(index=True)
    length_minutes: Mapped[int] = mapped_column(default=30)

    # running it
    shared_notes: Mapped[str] = mapped_column(sa.Text, default="")  # the advisor sees these
    private_notes: Mapped[str] = mapped_column(sa.Text, default="")  # coach and admins only
    interrupted: Mapped[bool] = mapped_column(default=False)
    interruptions: Mapped[int] = mapped_column(default=0)
    interruption_reason: Mapped[str] = mapped_column(sa.Text, default="")
    # the framework's two questions, asked of the advisor
    help_answer: Mapped[str] = mapped_column(sa.Text, default="")
    manage_answer: Mapped[str] = mapped_column(sa.Text, default="")

    held_at: Mapped[dt.datetime | None]
    acknowledge_by: Mapped[dt.datetime | None]
    acknowledged_at: Mapped[dt.datetime | None]
    reflection: Mapped[str] = mapped_column(sa.Text, default="")  # the advisor's, optional
    cancelled_at: Mapped[dt.datetime | None]

    coach: Mapped[User | None] = relationship(foreign_keys=[coach_id])
    advisor: Mapped[User] = relationship(foreign_keys=[advisor_id])
    team: Mapped[Team | None] = relationship()
    previous: Mapped[CoachingSession | None] = relationship(remote_side=[id])
    skills: Mapped[list[SessionSkill]] = relationship(
        back_populates="session", cascade="all, delete-orphan", order_by="SessionSkill.code")
    items: Mapped[list[AgendaItem]] = relationship(
        back_populates="session", cascade="all, delete-orphan", order_by="AgendaItem.position")
    points: Mapped[list[FeedbackPoint]] = relationship(
        back_populates="session", cascade="all, delete-orphan",
        order_by="FeedbackPoint.position")
    events: Mapped[list[SessionEvent]] = relationship(
        back_populates="session", cascade="all, delete-orphan", order_by="SessionEvent.at")
    goals: Mapped[list[Goal]] = relationship(
        back_populates="session", cascade="all, delete-orphan", order_by="Goal.id")

    @property
    def focus_codes(self) -> list[str]:
        return [s.code for s in self.skills if s.focus]

    @property
    def is_closed(self) -> bool:
        """Held or later: changes are kept as history."""
        return self.state in (SessionState.HELD, SessionState.ACKNOWLEDGED)

    @property
    def is_editable(self) -> bool:
        return self.state in (SessionState.DRAFT, SessionState.SCHEDULED, SessionState.HELD)

    def ends_at(self) -> dt.datetime | None:
        if self.scheduled_at is None:
            return None
        return self.scheduled_at + dt.timedelta(minutes=self.length_minutes)

    def is_overdue(self, now: dt.datetime | None = None) -> bool:
        return (self.state is SessionState.HELD and self.acknowledge_by is not None
                and (now or utcnow()) > self.acknowledge_by)

    def __repr__(self) -> str:
        return f"<CoachingSession {self.id} {self.state.value}>"


class SessionSkill(db.Model):
    """A microskill of a session: its focus, whether it was discussed, whether practised."""

    __tablename__ = "session_skills"

    session_id: Mapped[int] = mapped_column(
        sa.ForeignKey("coaching_sessions.id", ondelete="CASCADE"), primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    focus: Mapped[bool] = mapped_column(default=False)
    discussed: Mapped[bool] = mapped_column(default=False)
    practised: Mapped[bool] = mapped_column(default=False)  # role-played in the session

    session: Mapped[CoachingSession] = relationship(back_populates="skills")


class AgendaItem(db.Model):
    """One moment on the agenda: a clip, or a stretch of a recording cut into a clip.

    The agenda has its own items rather than reusing playlists: each item carries what it
    is for (own good moment, a peer's, a mistake), and it lives inside the session's
    privacy (a mistake is never on a team list), where a playlist is a shareable list with
    its own visibility. A stretch whose recording is ready is cut into a private clip at
    once; until the cut is ready the recording itself plays that stretch."""

    __tablename__ = "agenda_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        sa.ForeignKey("coaching_sessions.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    kind: Mapped[AgendaKind] = mapped_column(str_enum(AgendaKind, 12))
    clip_id: Mapped[int | None] = mapped_column(sa.ForeignKey("clips.id", ondelete="SET NULL"),
                                                index=True)
    recording_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("recordings.id", ondelete="CASCADE"), index=True)
    start: Mapped[float | None]
    end: Mapped[float | None]
    note: Mapped[str] = mapped_column(sa.Text, default="")

    session: Mapped[CoachingSession] = relationship(back_populates="items")
    clip: Mapped[Clip | None] = relationship()
    recording: Mapped[Recording | None] = relationship()

    @property
    def seconds(self) -> float:
        if self.clip is not None:
            return self.clip.end - self.clip.start
        return (self.end or 0) - (self.start or 0)

    @property
    def title(self) -> str:
        if self.clip is not None:
            return self.clip.title
        if self.recording is not None:
            return f"{self.recording.display_title} ({self.start:.0f}-{self.end:.0f} s)"
        return "A moment no longer available"


class FeedbackPoint(db.Model):
    """One point of the sandwich, with a microskill and evidence the advisor may see."""

    __tablename__ = "feedback_points"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        sa.ForeignKey("coaching_sessions.id", ondelete="CASCADE"), index=True)
    slot: Mapped[Slot] = mapped_column(str_enum(Slot, 12))
    position: Mapped[int]
    text: Mapped[str] = mapped_column(sa.Text)
    microskill: Mapped[str] = mapped_column(sa.String(40))
    clip_id: Mapped[int | None] = mapped_column(sa.ForeignKey("clips.id", ondelete="SET NULL"))
    recording_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("recordings.id", ondelete="SET NULL"))
    at_second: Mapped[float | None]
    published: Mapped[bool] = mapped_column(default=False)  # positives only: on the team page
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    session: Mapped[CoachingSession] = relationship(back_populates="points")
    clip: Mapped[Clip | None] = relationship()
    recording: Mapped[Recording | None] = relationship()

    @property
    def kind(self) -> PointKind:
        return self.slot.kind

    @property
    def evidence(self) -> str:
        """How exports name the evidence: ``clip:12`` or ``recording:7@31.5``."""
        if self.clip_id is not None:
            return f"clip:{self.clip_id}"
        if self.recording_id is not None:
            return f"recording:{self.recording_id}@{self.at_second or 0:.1f}"
        return ""


class SessionEvent(db.Model):
    """History: who changed what, and when (kept for every change once a session is held)."""

    __tablename__ = "session_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        sa.ForeignKey("coaching_sessions.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    action: Mapped[str] = mapped_column(sa.String(60))
    detail: Mapped[str] = mapped_column(sa.Text, default="")

    session: Mapped[CoachingSession] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()


class GoalState(enum.StrEnum):
    NOT_YET = "not_yet"  # no later call yet, or behind the pace to the due date
    ON_TRACK = "on_track"  # moving toward the target at least as fast as the days pass
    ACHIEVED = "achieved"
    EXPIRED = "expired"  # the due date passed before the target was met

    @property
    def label(self) -> str:
        return {"not_yet": "Not yet", "on_track": "On track", "achieved": "Achieved",
                "expired": "Expired"}[self.value]

    @property
    def is_open(self) -> bool:
        return self in (GoalState.NOT_YET, GoalState.ON_TRACK)


class Goal(db.Model):
    """A target on one metric, set in a held session and measured on the advisor's later
    calls (sessions.goals keeps ``current`` up to date when a call finishes processing)."""

    __tablename__ = "goals"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        sa.ForeignKey("coaching_sessions.id", ondelete="CASCADE"), index=True)
    advisor_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"),
                                            index=True)
    set_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    metric: Mapped[str] = mapped_column(sa.String(30))  # a sessions.measures.METRICS key
    microskill: Mapped[str | None] = mapped_column(sa.String(40))  # for "skill_rate"
    target: Mapped[float]
    due_on: Mapped[dt.date]
    starts_at: Mapped[dt.datetime]  # the session's time: "before" and "after" split here
    baseline_days: Mapped[int] = mapped_column(default=30)
    baseline: Mapped[float | None]
    baseline_calls: Mapped[int] = mapped_column(default=0)
    current: Mapped[float | None]
    calls_since: Mapped[int] = mapped_column(default=0)
    state: Mapped[GoalState] = mapped_column(str_enum(GoalState, 10),
                                             default=GoalState.NOT_YET, index=True)
    # coaching impact (sessions.measures.impact_of), refreshed with ``current``
    impact: Mapped[float | None]
    impact_low: Mapped[float | None]
    impact_high: Mapped[float | None]
    impact_note: Mapped[str] = mapped_column(sa.Text, default="")  # why there is no number
    impact_detail: Mapped[dict | None] = mapped_column(sa.JSON)  # measures.Impact.to_dict()
    shared: Mapped[bool] = mapped_column(default=False)  # the advisor shares it when achieved
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime | None]
    achieved_at: Mapped[dt.datetime | None]

    session: Mapped[CoachingSession] = relationship(back_populates="goals")
    advisor: Mapped[User] = relationship(foreign_keys=[advisor_id])
    set_by: Mapped[User | None] = relationship(foreign_keys=[set_by_id])

    @property
    def progress(self) -> float:
        """How far from the baseline to the target the current value is, 0..1."""
        if self.state is GoalState.ACHIEVED:
            return 1.0
        if self.current is None or self.baseline is None or self.target == self.baseline:
            return 0.0
        share = (self.current - self.baseline) / (self.target - self.baseline)
        return max(0.0, min(1.0, share))
