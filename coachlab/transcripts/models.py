from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coachlab.auth.models import User
from coachlab.db import db


class TranscriptSegment(db.Model):
    """One speaker turn (or part of one). ``text`` is what users see; ``original_text`` is
    what Whisper heard, kept when a coach corrects the text."""

    __tablename__ = "transcript_segments"
    __table_args__ = (sa.Index("ix_transcript_segments_recording_start", "recording_id", "start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    recording_id: Mapped[int] = mapped_column(sa.ForeignKey("recordings.id", ondelete="CASCADE"))
    position: Mapped[int]
    start: Mapped[float]
    end: Mapped[float]
    speaker: Mapped[str] = mapped_column(sa.String(12))
    original_speaker: Mapped[str] = mapped_column(sa.String(12))
    text: Mapped[str] = mapped_column(sa.Text)
    original_text: Mapped[str] = mapped_column(sa.Text)
    avg_logprob: Mapped[float] = mapped_column(default=0.0)
    corrected_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"))
    corrected_at: Mapped[dt.datetime | None]

    words: Mapped[list[TranscriptWord]] = relationship(
        back_populates="segment", order_by="TranscriptWord.position",
        cascade="all, delete-orphan", passive_deletes=True)
    corrected_by: Mapped[User | None] = relationship()

    @property
    def is_corrected(self) -> bool:
        return self.text != self.original_text


class TranscriptWord(db.Model):
    __tablename__ = "transcript_words"
    __table_args__ = (sa.Index("ix_transcript_words_recording_start", "recording_id", "start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    segment_id: Mapped[int] = mapped_column(
        sa.ForeignKey("transcript_segments.id", ondelete="CASCADE"), index=True)
    recording_id: Mapped[int] = mapped_column(sa.ForeignKey("recordings.id", ondelete="CASCADE"))
    position: Mapped[int]
    start: Mapped[float]
    end: Mapped[float]
    word: Mapped[str] = mapped_column(sa.String(100))
    probability: Mapped[float]

    segment: Mapped[TranscriptSegment] = relationship(back_populates="words")
