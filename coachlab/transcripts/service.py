"""Storing, reading, correcting and searching transcripts. Flushes, never commits."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from blinker import Namespace

from coachlab import access
from coachlab.auth.models import User
from coachlab.db import db, utcnow
from coachlab.media.talktime import talk_time_summary
from coachlab.media.transcript import SPEAKERS, Segment, Transcript, Word
from coachlab.recordings.models import Recording
from coachlab.transcripts.models import TranscriptSegment, TranscriptWord

LOW_CONFIDENCE = 0.5  # word probability under which a word is shown as uncertain

_signals = Namespace()
#: Sent with the segment after a person corrected its text or speaker (e.g. to re-tag it).
segment_corrected = _signals.signal("segment-corrected")


class CorrectionError(ValueError):
    pass


def store_transcript(recording: Recording, transcript: Transcript, *, model: str) -> None:
    """Replace the recording's transcript and talk-time figures with ``transcript``."""
    db.session.execute(sa.delete(TranscriptWord).where(TranscriptWord.recording_id == recording.id))
    db.session.execute(
        sa.delete(TranscriptSegment).where(TranscriptSegment.recording_id == recording.id))
    for position, segment in enumerate(transcript.segments):
        row = TranscriptSegment(
            recording_id=recording.id, position=position, start=segment.start, end=segment.end,
            speaker=segment.speaker, original_speaker=segment.speaker, text=segment.text,
            original_text=segment.text, avg_logprob=segment.avg_logprob)
        row.words = [
            TranscriptWord(recording_id=recording.id, position=i, start=w.start, end=w.end,
                           word=w.word[:100], probability=w.probability)
            for i, w in enumerate(segment.words)
        ]
        db.session.add(row)
    recording.transcribed_at = utcnow()
    recording.transcript_language = transcript.language
    recording.transcript_model = model
    recording.talk_time = talk_time_summary(transcript).to_dict()
    db.session.flush()


def segments_of(recording: Recording) -> list[TranscriptSegment]:
    return list(db.session.scalars(
        sa.select(TranscriptSegment)
        .where(TranscriptSegment.recording_id == recording.id)
        .order_by(TranscriptSegment.start, TranscriptSegment.position)
        .options(sa.orm.selectinload(TranscriptSegment.words))))


def load_transcript(recording: Recording) -> Transcript:
    """The transcript as users see it now (corrections and relabelled speakers included)."""
    return Transcript(
        duration=recording.duration_s,
        language=recording.transcript_language or "en",
        segments=[
            Segment(start=s.start, end=s.end, speaker=s.speaker, text=s.text,
                    avg_logprob=s.avg_logprob,
                    words=[Word(w.start, w.end, w.word, w.probability) for w in s.words])
            for s in segments_of(recording)
        ],
    )


def correct_segment(segment: TranscriptSegment, *, text: str, speaker: str,
                    acting: User) -> None:
    """Correct a segment's text and/or speaker; Whisper's original stays in ``original_*``."""
    access.require(acting, "correct", "transcript", db.session.get(Recording, segment.recording_id))
    text = " ".join(text.split())
    if not text:
        raise CorrectionError("A segment cannot be empty; correct the words instead.")
    if speaker not in SPEAKERS:
        raise CorrectionError(f"Unknown speaker {speaker!r}.")
    if text == segment.text and speaker == segment.speaker:
        return
    segment.text = text
    segment.speaker = speaker
    segment.corrected_by = acting
    segment.corrected_at = utcnow()
    db.session.flush()
    segment_corrected.send(segment)


def refresh_talk_time(recording: Recording) -> None:
    recording.talk_time = talk_time_summary(load_transcript(recording)).to_dict()


@dataclass(frozen=True, slots=True)
class SearchHit:
    recording: Recording
    segment: TranscriptSegment


def search(query: sa.Select, text: str, *, limit: int = 50) -> list[SearchHit]:
    """Segments matching ``text`` among the recordings ``query`` selects (the visible ones).

    SQLite uses its FTS5 index, PostgreSQL its full-text search; both match all words.
    """
    words = [w for w in "".join(c if c.isalnum() or c in "'-" else " " for c in text).split()]
    if not words:
        return []
    visible = query.with_only_columns(Recording.id).subquery()
    dialect = db.engine.dialect.name
    stmt = (sa.select(TranscriptSegment, Recording)
            .join(Recording, Recording.id == TranscriptSegment.recording_id)
            .where(TranscriptSegment.recording_id.in_(sa.select(visible.c.id))))
    if dialect == "sqlite":
        match = " ".join('"' + w.replace('"', '""') + '"' for w in words)
        ids = sa.text("SELECT rowid FROM transcript_fts WHERE transcript_fts MATCH :match")
        stmt = stmt.where(TranscriptSegment.id.in_(
            ids.bindparams(match=match).columns(sa.column("rowid", sa.Integer))))
    elif dialect == "postgresql":
        vector = sa.func.to_tsvector(sa.literal_column("'english'::regconfig"),
                                     TranscriptSegment.text)
        tsquery = sa.func.plainto_tsquery(sa.literal_column("'english'::regconfig"),
                                          " ".join(words))
        stmt = stmt.where(vector.op("@@")(tsquery))
    else:  # any other database: a plain substring match
        for w in words:
            stmt = stmt.where(TranscriptSegment.text.ilike(f"%{w}%"))
    stmt = stmt.order_by(Recording.called_at.desc(), TranscriptSegment.start).limit(limit)
    return [SearchHit(recording=r, segment=s) for s, r in db.session.execute(stmt)]
