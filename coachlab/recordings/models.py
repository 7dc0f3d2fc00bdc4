from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coachlab.auth.models import Team, User
from coachlab.db import db, str_enum, utcnow
from coachlab.jobs import JobState, JobStatus


class Direction(enum.StrEnum):
    INBOUND = "inbound"
    OUTBOUND = "outbound"


class AgentChannel(enum.StrEnum):
    """Which audio carries the advisor; decides the speaker labels of the transcript."""

    LEFT = "left"
    RIGHT = "right"
    MONO_MIXED = "mono_mixed"  # one channel, both parties
    MONO_AGENT = "mono_agent"  # one channel, the advisor only

    @property
    def label(self) -> str:
        return {
            "left": "Stereo, advisor on the left channel",
            "right": "Stereo, advisor on the right channel",
            "mono_mixed": "Mono, advisor and customer mixed",
            "mono_agent": "Mono, advisor only",
        }[self.value]


Status = JobStatus  # a recording's processing job state


recording_tags = sa.Table(
    "recording_tags",
    db.metadata,
    sa.Column("recording_id", sa.ForeignKey("recordings.id", ondelete="CASCADE"),
              primary_key=True),
    sa.Column("tag_id", sa.ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True),
    # the tag filter and its count start from the tag: the primary key starts at the recording
    sa.Index("ix_recording_tags_tag_id", "tag_id"),
)


class Tag(db.Model):
    __tablename__ = "tags"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(60), unique=True)


class Recording(JobState, db.Model):
    __tablename__ = "recordings"

    id: Mapped[int] = mapped_column(primary_key=True)
    advisor_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    team_id: Mapped[int | None] = mapped_column(sa.ForeignKey("teams.id", ondelete="SET NULL"),
                                                index=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    # the call
    called_at: Mapped[dt.datetime] = mapped_column(index=True)
    direction: Mapped[Direction] = mapped_column(str_enum(Direction, 10))
    customer_ref: Mapped[str] = mapped_column(sa.String(120), default="")
    # What the call was about; defaulted at upload from the disposition, after transcription
    # from the customer's first words (see recordings.titles), always editable.
    title: Mapped[str] = mapped_column(sa.String(200), default="")
    nps: Mapped[int | None] = mapped_column(sa.SmallInteger)
    csat: Mapped[int | None] = mapped_column(sa.SmallInteger)
    resolved: Mapped[bool | None]
    disposition: Mapped[str] = mapped_column(sa.Text, default="")

    # the file
    original_filename: Mapped[str] = mapped_column(sa.String(255))
    storage_key: Mapped[str] = mapped_column(sa.String(255), unique=True)
    content_type: Mapped[str] = mapped_column(sa.String(100))
    size_bytes: Mapped[int] = mapped_column(sa.BigInteger)
    sha256: Mapped[str] = mapped_column(sa.String(64), index=True)
    duration_s: Mapped[float]
    container: Mapped[str] = mapped_column(sa.String(60))
    audio_codec: Mapped[str] = mapped_column(sa.String(40))
    channels: Mapped[int] = mapped_column(sa.SmallInteger)
    sample_rate: Mapped[int]
    has_video: Mapped[bool] = mapped_column(default=False)
    agent_channel: Mapped[AgentChannel] = mapped_column(
        str_enum(AgentChannel, 12), default=AgentChannel.LEFT)

    # derived data
    waveform_key: Mapped[str | None] = mapped_column(sa.String(255))
    transcribed_at: Mapped[dt.datetime | None]
    transcript_language: Mapped[str | None] = mapped_column(sa.String(12))
    transcript_model: Mapped[str | None] = mapped_column(sa.String(255))
    talk_time: Mapped[dict | None] = mapped_column(sa.JSON)

    # processing (the job-state columns come from JobState)
    step: Mapped[str] = mapped_column(sa.String(40), default="")  # the pipeline step running

    advisor: Mapped[User] = relationship(foreign_keys=[advisor_id])
    uploaded_by: Mapped[User | None] = relationship(foreign_keys=[uploaded_by_id])
    team: Mapped[Team | None] = relationship()
    tags: Mapped[list[Tag]] = relationship(secondary=recording_tags, order_by=Tag.name)

    def reset_job_state(self) -> None:
        super().reset_job_state()
        self.step = ""

    @property
    def is_dual_channel(self) -> bool:
        return self.channels >= 2 and self.agent_channel in (AgentChannel.LEFT, AgentChannel.RIGHT)

    @property
    def storage_prefix(self) -> str:
        return self.storage_key.rsplit("/", 1)[0]

    @property
    def detractor(self) -> bool | None:
        """NPS 0-6 is a detractor."""
        return None if self.nps is None else self.nps <= 6

    @property
    def display_title(self) -> str:
        """The title, else who the call was with: what lists and links show."""
        return self.title or self.customer_ref or self.original_filename

    def __repr__(self) -> str:
        return f"<Recording {self.id} {self.status.value}>"
