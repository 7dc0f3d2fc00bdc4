"""Clips cut from recordings, their comments, playlists of clips and moment suggestions."""

from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coachlab.auth.models import Team, User
from coachlab.db import db, str_enum, utcnow
from coachlab.jobs import JobState, JobStatus
from coachlab.recordings.models import Recording


class ClipKind(enum.StrEnum):
    GOOD_MOMENT = "good_moment"
    MISSED_OPPORTUNITY = "missed_opportunity"
    OBJECTION_HANDLED = "objection_handled"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {
            "good_moment": "Good moment",
            "missed_opportunity": "Missed opportunity",
            "objection_handled": "Objection handled",
            "other": "Other",
        }[self.value]


class Visibility(enum.StrEnum):
    """Who sees a clip or a playlist, besides the people it concerns and admins."""

    PRIVATE = "private"  # the advisor concerned, the coaches of its team (and admins)
    TEAM = "team"  # ... and everyone of the team
    LIBRARY = "library"  # every signed-in user

    @property
    def label(self) -> str:
        return {
            "private": "Private (the advisor and the team's coaches)",
            "team": "Team (everyone in the team)",
            "library": "Library (everyone in the organisation)",
        }[self.value]

    @property
    def short(self) -> str:
        return {"private": "Private", "team": "Team", "library": "Library"}[self.value]


ClipStatus = JobStatus  # a clip's cut job state


class SuggestionStatus(enum.StrEnum):
    OPEN = "open"
    ACCEPTED = "accepted"
    DISMISSED = "dismissed"


class ClipMicroskill(db.Model):
    """A microskill code (see ``microskills.masterlist``) a clip illustrates."""

    __tablename__ = "clip_microskills"

    clip_id: Mapped[int] = mapped_column(sa.ForeignKey("clips.id", ondelete="CASCADE"),
                                         primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), primary_key=True, index=True)


class Clip(JobState, db.Model):
    __tablename__ = "clips"

    id: Mapped[int] = mapped_column(primary_key=True)
    recording_id: Mapped[int] = mapped_column(
        sa.ForeignKey("recordings.id", ondelete="CASCADE"), index=True)
    advisor_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    cut_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    team_id: Mapped[int | None] = mapped_column(sa.ForeignKey("teams.id", ondelete="SET NULL"),
                                                index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)

    title: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[ClipKind] = mapped_column(str_enum(ClipKind, 20), index=True)
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    visibility: Mapped[Visibility] = mapped_column(
        str_enum(Visibility, 10), default=Visibility.PRIVATE, index=True)

    # the region, in seconds of the recording (snapped to word boundaries and padded)
    start: Mapped[float]
    end: Mapped[float]
    keep_video: Mapped[bool] = mapped_column(default=True)

    # the cut file
    media_key: Mapped[str | None] = mapped_column(sa.String(255), unique=True)
    content_type: Mapped[str] = mapped_column(sa.String(60), default="")
    has_video: Mapped[bool] = mapped_column(default=False)
    duration_s: Mapped[float | None]
    size_bytes: Mapped[int | None] = mapped_column(sa.BigInteger)

    # the cut job's state: the JobState columns

    recording: Mapped[Recording] = relationship()
    advisor: Mapped[User] = relationship(foreign_keys=[advisor_id])
    cut_by: Mapped[User | None] = relationship(foreign_keys=[cut_by_id])
    team: Mapped[Team | None] = relationship()
    microskill_rows: Mapped[list[ClipMicroskill]] = relationship(
        order_by=ClipMicroskill.code, cascade="all, delete-orphan")
    comments: Mapped[list[ClipComment]] = relationship(
        back_populates="clip", order_by="(ClipComment.at_second, ClipComment.id)",
        cascade="all, delete-orphan")
    playlist_items: Mapped[list[PlaylistItem]] = relationship(
        back_populates="clip", cascade="all, delete-orphan")

    @property
    def microskills(self) -> list[str]:
        return [row.code for row in self.microskill_rows]

    @microskills.setter
    def microskills(self, codes: list[str]) -> None:
        self.microskill_rows = [ClipMicroskill(code=c) for c in sorted(set(codes))]

    @property
    def length(self) -> float:
        return self.end - self.start

    @property
    def storage_prefix(self) -> str | None:
        return self.media_key.rsplit("/", 1)[0] if self.media_key else None

    def __repr__(self) -> str:
        return f"<Clip {self.id} {self.status.value}>"


class ClipComment(db.Model):
    __tablename__ = "clip_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    clip_id: Mapped[int] = mapped_column(sa.ForeignKey("clips.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    at_second: Mapped[float]  # seconds from the start of the clip
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    edited_at: Mapped[dt.datetime | None]

    clip: Mapped[Clip] = relationship(back_populates="comments")
    author: Mapped[User | None] = relationship()


class Playlist(db.Model):
    __tablename__ = "playlists"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    owner_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"),
                                          index=True)
    team_id: Mapped[int | None] = mapped_column(sa.ForeignKey("teams.id", ondelete="SET NULL"),
                                                index=True)
    visibility: Mapped[Visibility] = mapped_column(
        str_enum(Visibility, 10), default=Visibility.PRIVATE)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    owner: Mapped[User] = relationship()
    team: Mapped[Team | None] = relationship()
    items: Mapped[list[PlaylistItem]] = relationship(
        back_populates="playlist", order_by="(PlaylistItem.position, PlaylistItem.id)",
        cascade="all, delete-orphan")


class PlaylistItem(db.Model):
    __tablename__ = "playlist_items"
    __table_args__ = (sa.UniqueConstraint("playlist_id", "clip_id",
                                          name="uq_playlist_items_playlist_clip"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    playlist_id: Mapped[int] = mapped_column(
        sa.ForeignKey("playlists.id", ondelete="CASCADE"), index=True)
    clip_id: Mapped[int] = mapped_column(sa.ForeignKey("clips.id", ondelete="CASCADE"),
                                         index=True)
    position: Mapped[int]
    added_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    playlist: Mapped[Playlist] = relationship(back_populates="items")
    clip: Mapped[Clip] = relationship(back_populates="playlist_items")


class MomentSuggestion(db.Model):
    """A moment ``clips.suggest`` proposes to cut; dismissed ones stay, so they do not return."""

    __tablename__ = "moment_suggestions"
    __table_args__ = (sa.UniqueConstraint("recording_id", "key",
                                          name="uq_moment_suggestions_recording_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    recording_id: Mapped[int] = mapped_column(
        sa.ForeignKey("recordings.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(sa.String(120))
    kind: Mapped[str] = mapped_column(sa.String(60))
    reason: Mapped[str] = mapped_column(sa.Text)
    score: Mapped[float]
    start: Mapped[float]
    end: Mapped[float]
    status: Mapped[SuggestionStatus] = mapped_column(
        str_enum(SuggestionStatus, 10), default=SuggestionStatus.OPEN)
    clip_id: Mapped[int | None] = mapped_column(sa.ForeignKey("clips.id", ondelete="SET NULL"))
    decided_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[dt.datetime | None]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    recording: Mapped[Recording] = relationship()
    clip: Mapped[Clip | None] = relationship()

    @property
    def length(self) -> float:
        return self.end - self.start
