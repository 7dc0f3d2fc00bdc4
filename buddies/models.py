"""Buddy pairings, clips shared with a buddy, peer feedback, check-ins and kudos.

Peer feedback and kudos live in these tables only: no official metric, profile score or
ranking reads them (tests/buddies/test_no_official_weight.py proves it)."""

from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from clips.models import Clip
from coachlab.auth.models import Team, User
from coachlab.db import db, str_enum, utcnow


class BuddyPairing(db.Model):
    """Two advisors of one team, paired by a coach for a period (``starts_on``..``ends_on``,
    days in the site's zone). Ended or past pairings stay as history."""

    __tablename__ = "buddy_pairings"
    __table_args__ = (sa.CheckConstraint("advisor_a_id <> advisor_b_id", name="two_people"),
                      sa.CheckConstraint("starts_on <= ends_on", name="period"))

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(sa.ForeignKey("teams.id", ondelete="CASCADE"),
                                         index=True)
    advisor_a_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"),
                                              index=True)
    advisor_b_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"),
                                              index=True)
    made_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    starts_on: Mapped[dt.date]
    ends_on: Mapped[dt.date]
    ended_at: Mapped[dt.datetime | None]  # ended early (by a coach, or by a new pairing)
    microskill: Mapped[str] = mapped_column(sa.String(40), default="")  # of a suggestion
    reason: Mapped[str] = mapped_column(sa.Text, default="")  # the suggestion's explanation
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    team: Mapped[Team] = relationship()
    advisor_a: Mapped[User] = relationship(foreign_keys=[advisor_a_id])
    advisor_b: Mapped[User] = relationship(foreign_keys=[advisor_b_id])
    made_by: Mapped[User | None] = relationship(foreign_keys=[made_by_id])
    shares: Mapped[list[SharedClip]] = relationship(
        back_populates="pairing", order_by="SharedClip.created_at.desc()",
        cascade="all, delete-orphan")
    checkins: Mapped[list[CheckIn]] = relationship(
        back_populates="pairing", order_by="CheckIn.created_at.desc()",
        cascade="all, delete-orphan")

    @property
    def advisor_ids(self) -> tuple[int, int]:
        return (self.advisor_a_id, self.advisor_b_id)

    def includes(self, user: User) -> bool:
        return user.id in self.advisor_ids

    def other(self, user: User) -> User:
        return self.advisor_b if user.id == self.advisor_a_id else self.advisor_a

    def is_current(self, today: dt.date) -> bool:
        return self.ended_at is None and self.starts_on <= today <= self.ends_on

    @property
    def names(self) -> str:
        return f"{self.advisor_a.name} & {self.advisor_b.name}"


class SharedClip(db.Model):
    """A clip of one buddy's, shared with the other for peer feedback."""

    __tablename__ = "buddy_shared_clips"
    __table_args__ = (sa.UniqueConstraint("pairing_id", "clip_id",
                                          name="uq_buddy_shared_clips_pairing_clip"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pairing_id: Mapped[int] = mapped_column(
        sa.ForeignKey("buddy_pairings.id", ondelete="CASCADE"), index=True)
    clip_id: Mapped[int] = mapped_column(sa.ForeignKey("clips.id", ondelete="CASCADE"),
                                         index=True)
    shared_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    note: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    pairing: Mapped[BuddyPairing] = relationship(back_populates="shares")
    clip: Mapped[Clip] = relationship()
    shared_by: Mapped[User] = relationship()
    comments: Mapped[list[PeerComment]] = relationship(
        back_populates="share", order_by="(PeerComment.at_second, PeerComment.id)",
        cascade="all, delete-orphan")

    @property
    def threads(self) -> list[PeerComment]:
        """Top-level comments in time order; replies hang under each."""
        return [c for c in self.comments if c.parent_id is None]


class PeerPrompt(enum.StrEnum):
    """What a peer comment is: the framing the buddy picks."""

    WORKED = "worked"
    TRY = "try"
    QUESTION = "question"

    @property
    def label(self) -> str:
        return {"worked": "What worked", "try": "One thing to try",
                "question": "A question"}[self.value]


class PeerCommentMicroskill(db.Model):
    __tablename__ = "peer_comment_microskills"

    comment_id: Mapped[int] = mapped_column(
        sa.ForeignKey("peer_comments.id", ondelete="CASCADE"), primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), primary_key=True)


class PeerComment(db.Model):
    """Peer feedback on a shared clip: seen by the two buddies only."""

    __tablename__ = "peer_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    share_id: Mapped[int] = mapped_column(
        sa.ForeignKey("buddy_shared_clips.id", ondelete="CASCADE"), index=True)
    parent_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("peer_comments.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    prompt: Mapped[PeerPrompt | None] = mapped_column(str_enum(PeerPrompt, 10))
    at_second: Mapped[float]  # seconds from the start of the clip
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    edited_at: Mapped[dt.datetime | None]

    share: Mapped[SharedClip] = relationship(back_populates="comments")
    author: Mapped[User | None] = relationship()
    replies: Mapped[list[PeerComment]] = relationship(
        order_by="PeerComment.id", cascade="all, delete-orphan", back_populates="parent")
    parent: Mapped[PeerComment | None] = relationship(back_populates="replies",
                                                      remote_side=[id])
    microskill_rows: Mapped[list[PeerCommentMicroskill]] = relationship(
        order_by=PeerCommentMicroskill.code, cascade="all, delete-orphan")

    @property
    def microskills(self) -> list[str]:
        return [row.code for row in self.microskill_rows]

    @microskills.setter
    def microskills(self, codes: list[str]) -> None:
        self.microskill_rows = [PeerCommentMicroskill(code=c) for c in sorted(set(codes))]


class CheckIn(db.Model):
    """One buddy's answers to the framework's two questions, for the other."""

    __tablename__ = "buddy_checkins"

    id: Mapped[int] = mapped_column(primary_key=True)
    pairing_id: Mapped[int] = mapped_column(
        sa.ForeignKey("buddy_pairings.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    help_answer: Mapped[str] = mapped_column(sa.Text, default="")
    manage_answer: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    pairing: Mapped[BuddyPairing] = relationship(back_populates="checkins")
    author: Mapped[User | None] = relationship()


class Kudos(db.Model):
    """Public recognition of a teammate's good moment, tied to a microskill."""

    __tablename__ = "kudos"
    __table_args__ = (sa.UniqueConstraint("clip_id", "giver_id", name="uq_kudos_clip_giver"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    clip_id: Mapped[int] = mapped_column(sa.ForeignKey("clips.id", ondelete="CASCADE"),
                                         index=True)
    giver_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    receiver_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"),
                                             index=True)
    team_id: Mapped[int] = mapped_column(sa.ForeignKey("teams.id", ondelete="CASCADE"),
                                         index=True)
    microskill: Mapped[str] = mapped_column(sa.String(40))
    message: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)

    clip: Mapped[Clip] = relationship()
    giver: Mapped[User] = relationship(foreign_keys=[giver_id])
    receiver: Mapped[User] = relationship(foreign_keys=[receiver_id])
    team: Mapped[Team] = relationship()


class TeamExperiment(db.Model):
    """A mini-project of a team: try something for a period; teammates opt in, and the
    targeted metric (``sessions.measures``) is compared before and during it."""

    __tablename__ = "team_experiments"
    __table_args__ = (sa.CheckConstraint("starts_on <= ends_on", name="period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(sa.ForeignKey("teams.id", ondelete="CASCADE"),
                                         index=True)
    proposed_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    metric: Mapped[str] = mapped_column(sa.String(40))  # a sessions.measures.METRICS key
    microskill: Mapped[str] = mapped_column(sa.String(40), default="")
    starts_on: Mapped[dt.date]
    ends_on: Mapped[dt.date]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    team: Mapped[Team] = relationship()
    proposed_by: Mapped[User | None] = relationship()
    participants: Mapped[list[ExperimentParticipant]] = relationship(
        back_populates="experiment", cascade="all, delete-orphan",
        order_by="ExperimentParticipant.joined_at")

    def has(self, user: User) -> bool:
        return any(p.user_id == user.id for p in self.participants)


class ExperimentParticipant(db.Model):
    __tablename__ = "experiment_participants"

    experiment_id: Mapped[int] = mapped_column(
        sa.ForeignKey("team_experiments.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"),
                                         primary_key=True)
    joined_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    experiment: Mapped[TeamExperiment] = relationship(back_populates="participants")
    user: Mapped[User] = relationship()
