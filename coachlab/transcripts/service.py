"""Storing, reading, correcting and searching transcripts. Flushes, never commits."""

from __future__ import annotations

import re
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles

from coachlab import access
from coachlab.auth.models import User
from coachlab.db import db, utcnow
from coachlab.media.talktime import talk_time_summary
from coachlab.media.transcript import SPEAKERS, Segment, Transcript, Word
from coachlab.plugins import segment_corrected  # sent when a person corrects a segment
from coachlab.recordings.models import Recording
from coachlab.transcripts.models import TranscriptSegment, TranscriptWord

LOW_CONFIDENCE = 0.5  # word probability under which a word is shown as uncertain


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


def load_transcripts(recordings: list[Recording]) -> dict[int, Transcript]:
    """:func:`load_transcript` of several calls in two queries (segments, then words)."""
    ids = [r.id for r in recordings]
    if not ids:
        return {}
    words: dict[int, list[Word]] = {}
    for w in db.session.execute(
            sa.select(TranscriptWord.segment_id, TranscriptWord.start, TranscriptWord.end,
                      TranscriptWord.word, TranscriptWord.probability)
            .where(TranscriptWord.recording_id.in_(ids))
            .order_by(TranscriptWord.segment_id, TranscriptWord.position)):
        words.setdefault(w.segment_id, []).append(Word(w.start, w.end, w.word, w.probability))
    segments: dict[int, list[Segment]] = {i: [] for i in ids}
    for s in db.session.execute(
            sa.select(TranscriptSegment.id, TranscriptSegment.recording_id,
                      TranscriptSegment.start, TranscriptSegment.end, TranscriptSegment.speaker,
                      TranscriptSegment.text, TranscriptSegment.avg_logprob)
            .where(TranscriptSegment.recording_id.in_(ids))
            .order_by(TranscriptSegment.recording_id, TranscriptSegment.start,
                      TranscriptSegment.position)):
        segments[s.recording_id].append(Segment(start=s.start, end=s.end, speaker=s.speaker,
                                                text=s.text, avg_logprob=s.avg_logprob,
                                                words=words.get(s.id, [])))
    return {r.id: Transcript(duration=r.duration_s, language=r.transcript_language or "en",
                             segments=segments[r.id]) for r in recordings}


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


#: Words a search engine would read as operators; typed in capitals they are dropped (a
#: query of nothing else searches them as words), so "refund OR" finds what "refund" finds.
SEARCH_OPERATORS = frozenset({"OR", "AND", "NOT", "NEAR"})
_MARK_OPEN, _MARK_CLOSE = "\ue000", "\ue001"  # private-use characters around matched words


@dataclass(frozen=True, slots=True)
class SearchHit:
    recording: Recording
    segment: TranscriptSegment
    #: the segment's text as (piece, matched) pairs, for the page to mark the matched words
    fragments: tuple[tuple[str, bool], ...] = ()


def search_terms(text: str) -> list[str]:
    """The words of a search query, operators and punctuation left out.

    Quotes, parentheses, ``*``, ``:`` and the like separate words; a leading or trailing
    ``-`` or ``'`` is dropped (``-refund`` searches "refund"); stray operators go (see
    :data:`SEARCH_OPERATORS`). Every remaining word must match.
    """
    cleaned = "".join(c if c.isalnum() or c in "'-" else " " for c in text)
    words = [w.strip("'-") for w in cleaned.split()]
    words = [w for w in words if w]
    return [w for w in words if w not in SEARCH_OPERATORS] or words


def search(query: sa.Select, text: str, *, limit: int = 50) -> list[SearchHit]:
    """Segments matching ``text`` among the recordings ``query`` selects (the visible ones),
    newest call first, each with its matched words marked (:attr:`SearchHit.fragments`).

    SQLite uses its FTS5 index, PostgreSQL its full-text search; both match all words
    (stemmed: "refunds" finds "refunded"), any other database substrings.
    """
    words = search_terms(text)
    if not words:
        return []
    dialect = db.engine.dialect.name
    marked = None
    if dialect == "sqlite":
        match = " ".join('"' + w.replace('"', '""') + '"' for w in words)
        if _many_fts_hits(match):
            stmt = _newest_first(query, match)
        else:
            ids = sa.text("SELECT rowid FROM transcript_fts WHERE transcript_fts MATCH :match")
            stmt = _among(query).where(TranscriptSegment.id.in_(
                ids.bindparams(match=match).columns(sa.column("rowid", sa.Integer))))
    elif dialect == "postgresql":
        english = sa.literal_column("'english'::regconfig")
        vector = sa.func.to_tsvector(english, TranscriptSegment.text)
        tsquery = sa.func.plainto_tsquery(english, " ".join(words))
        marked = sa.func.ts_headline(
            english, TranscriptSegment.text, tsquery,
            f"StartSel={_MARK_OPEN}, StopSel={_MARK_CLOSE}, HighlightAll=true")
        stmt = _among(query).where(vector.op("@@")(tsquery)).add_columns(marked)
    else:  # any other database: a plain substring match
        stmt = _among(query)
        for w in words:
            stmt = stmt.where(TranscriptSegment.text.ilike(f"%{w}%"))
    stmt = stmt.order_by(Recording.called_at.desc(), TranscriptSegment.start).limit(limit)
    rows = db.session.execute(stmt).all()
    if dialect == "sqlite":
        highlighted = _fts_highlights([row[0].id for row in rows], match)
    elif dialect == "postgresql":
        highlighted = {row[0].id: row[2] for row in rows}
    else:
        highlighted = {row[0].id: _mark_substrings(row[0].text, words) for row in rows}
    return [SearchHit(recording=row[1], segment=row[0],
                      fragments=_fragments(row[0].text, highlighted.get(row[0].id)))
            for row in rows]


def _visible(query: sa.Select) -> sa.ColumnElement[bool] | None:
    """SQL: the recording is one ``query`` selects. Its own WHERE conditions when it is a
    select of recordings alone, like ``access.visible_recordings`` (no list of every visible
    id to build first: an admin's is every call); otherwise an IN of its ids."""
    if list(query.get_final_froms()) == [Recording.__table__]:  # no join, no other table
        return query.whereclause
    return Recording.id.in_(query.with_only_columns(Recording.id).scalar_subquery())


def _among(query: sa.Select) -> sa.Select:
    """Segments with their recording (and its advisor: each hit names them), of the
    recordings ``query`` selects."""
    stmt = (sa.select(TranscriptSegment, Recording)
            .join(Recording, Recording.id == TranscriptSegment.recording_id)
            .options(sa.orm.joinedload(Recording.advisor)))
    visible = _visible(query)
    return stmt if visible is None else stmt.where(visible)


#: Up to this many full-text hits are sorted by date; beyond it the search walks the calls
#: newest first and stops at its limit, so a common word costs no more than a rare one.
FTS_SORTED_HITS = 2000


class _CrossJoin(sa.sql.expression.Join):
    """``left CROSS JOIN right ON ...``: SQLite keeps the left table the outer loop."""

    inherit_cache = True


@compiles(_CrossJoin, "sqlite")
def _compile_cross_join(join: _CrossJoin, compiler, **kw) -> str:
    kw.pop("asfrom", None)
    return (join.left._compiler_dispatch(compiler, asfrom=True, **kw) + " CROSS JOIN "
            + join.right._compiler_dispatch(compiler, asfrom=True, **kw) + " ON "
            + join.onclause._compiler_dispatch(compiler, **kw))


def _newest_first(query: sa.Select, match: str) -> sa.Select:
    """SQLite, a word found in many segments: walk the visible calls newest first (their
    ``called_at`` index) and ask FTS5 only for each call's own segments (their ids lie
    between the call's first and last segment id, a range FTS5 seeks to), stopping once
    the page is full. Neither every hit nor every visible id is listed first, so the cost
    follows the calls walked, not how many calls or hits there are. (The CROSS JOIN keeps
    the calls outside: SQLite's planner would otherwise start from every FTS hit.)"""
    fts = sa.table("transcript_fts", sa.column("rowid", sa.Integer))
    own = sa.orm.aliased(TranscriptSegment)

    def bound(fn):
        return (sa.select(fn(own.id)).where(own.recording_id == Recording.id)
                .correlate(Recording).scalar_subquery())

    calls = _CrossJoin(Recording.__table__, fts, sa.and_(
        sa.literal_column("transcript_fts").op("MATCH")(match),
        fts.c.rowid >= bound(sa.func.min), fts.c.rowid <= bound(sa.func.max)))
    stmt = (sa.select(TranscriptSegment, Recording).select_from(calls)
            .join(TranscriptSegment, sa.and_(TranscriptSegment.id == fts.c.rowid,
                                             TranscriptSegment.recording_id == Recording.id))
            .options(sa.orm.joinedload(Recording.advisor)))
    visible = _visible(query)
    return stmt if visible is None else stmt.where(visible)


def _many_fts_hits(match: str) -> bool:
    """Whether SQLite's FTS index finds more than FTS_SORTED_HITS segments (counted no
    further than that)."""
    return db.session.scalar(sa.text(
        "SELECT count(*) FROM (SELECT rowid FROM transcript_fts "
        "WHERE transcript_fts MATCH :match LIMIT :n)"), {"match": match,
                                                        "n": FTS_SORTED_HITS + 1}) > FTS_SORTED_HITS


def _fts_highlights(segment_ids: list[int], match: str) -> dict[int, str]:
    """FTS5's ``highlight()`` of the segments: their text with the matched tokens marked."""
    if not segment_ids:
        return {}
    stmt = sa.text(
        "SELECT rowid, highlight(transcript_fts, 0, :open, :close) FROM transcript_fts "
        "WHERE transcript_fts MATCH :match AND rowid IN :ids"
    ).bindparams(sa.bindparam("ids", expanding=True))
    return dict(db.session.execute(stmt, {"open": _MARK_OPEN, "close": _MARK_CLOSE,
                                          "match": match, "ids": segment_ids}).all())


def _mark_substrings(text: str, words: list[str]) -> str:
    pattern = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.sub(f"({pattern})", rf"{_MARK_OPEN}\1{_MARK_CLOSE}", text, flags=re.IGNORECASE)


def _fragments(text: str, marked: str | None) -> tuple[tuple[str, bool], ...]:
    """``marked`` (``text`` with markers around matched words) as (piece, matched) pairs;
    the plain text, unmarked, when the markers do not frame ``text`` exactly (the text
    itself holding a marker character, say)."""
    if not marked or marked.replace(_MARK_OPEN, "").replace(_MARK_CLOSE, "") != text \
            or _MARK_OPEN in text or _MARK_CLOSE in text:
        return ((text, False),)
    pieces: list[tuple[str, bool]] = []
    for part in marked.split(_MARK_OPEN):
        inside, _, outside = part.rpartition(_MARK_CLOSE) if _MARK_CLOSE in part \
            else ("", "", part)
        if inside:
            pieces.append((inside, True))
        if outside:
            pieces.append((outside, False))
    return tuple(pieces)
