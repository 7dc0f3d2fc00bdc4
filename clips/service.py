"""Clips: creating, changing, retrying and deleting them. Flushes, never commits.

Who may see and do what is in clips.access, part of coachlab.access's table."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import sqlalchemy as sa

from clips.access import can_cut, can_manage_clip, visibilities_for, visible_clips
from clips.jobs import queue_cut
from clips.models import (
    Clip,
    ClipKind,
    ClipMicroskill,
    ClipStatus,
    MomentSuggestion,
    SuggestionStatus,
    Visibility,
)
from clips.regions import DEFAULT_PAD, snap_to_words
from coachlab import access
from coachlab.access import NotAllowed, coaches_team
from coachlab.auth.models import Role, User
from coachlab.db import db
from coachlab.media.transcript import Word
from coachlab.recordings.models import Recording, Status
from coachlab.storage import delete_after_commit
from coachlab.transcripts.models import TranscriptSegment, TranscriptWord

log = logging.getLogger(__name__)

__all__ = ["ClipError", "NotAllowed", "can_cut", "can_manage_clip", "visibilities_for",
           "visible_clips"]

#: How far past the recording's stored duration an end may reach (rounding in the figures).
END_TOLERANCE = 0.05
#: Longest clip (s): a clip is a moment, not a call.
MAX_CLIP_SECONDS = 15 * 60


class ClipError(ValueError):
    """A clip that cannot be made or changed as asked; the message is for the user."""


def advisors_for_clip(user: User, recording: Recording) -> list[User]:
    """Who a clip of this recording may concern: the recording's advisor, or for coaches and
    admins any advisor of the recording's team."""
    if recording.team_id is None or not (user.role is Role.ADMIN
                                         or coaches_team(user, recording.team_id)):
        return [recording.advisor]
    others = db.session.scalars(
        sa.select(User).where(User.role == Role.ADVISOR, User.team_id == recording.team_id,
                              User.active.is_(True)).order_by(User.name)).all()
    return [recording.advisor] + [a for a in others if a.id != recording.advisor_id]


def microskill_codes() -> dict[str, str]:
    """The active microskills of the masterlist as admins keep it, code -> name."""
    from microskills.service import active_microskills

    return {m.code: m.name for m in active_microskills()}


# --- creating -------------------------------------------------------------------------------


@dataclass(slots=True)
class ClipDetails:
    title: str
    kind: ClipKind = ClipKind.OTHER
    reason: str = ""
    microskills: list[str] = field(default_factory=list)
    advisor: User | None = None  # default: the recording's advisor
    visibility: Visibility = Visibility.PRIVATE
    keep_video: bool = True


def recording_words(recording: Recording) -> list[Word]:
    rows = db.session.execute(
        sa.select(TranscriptWord.start, TranscriptWord.end, TranscriptWord.word,
                  TranscriptWord.probability)
        .where(TranscriptWord.recording_id == recording.id)
        .order_by(TranscriptWord.start))
    return [Word(*row) for row in rows]


def check_region(recording: Recording, start: float, end: float) -> None:
    if recording.status is not Status.READY or recording.transcribed_at is None:
        raise ClipError("This recording is not ready yet: clips can be cut once it is processed "
                        "and transcribed.")
    if start is None or end is None or start != start or end != end:
        raise ClipError("Give the start and the end of the clip in seconds.")
    if start < 0:
        raise ClipError("The clip cannot start before the beginning of the recording.")
    if start >= end:
        raise ClipError(f"The clip must end after it starts (start {start:.2f} s, "
                        f"end {end:.2f} s).")
    if end > recording.duration_s + END_TOLERANCE:
        raise ClipError(f"The clip ends at {end:.2f} s, beyond the end of the recording "
                        f"({recording.duration_s:.2f} s).")
    if start >= recording.duration_s:  # an end within END_TOLERANCE, a start past the file
        raise ClipError(f"The clip starts at {start:.2f} s, at or beyond the end of the "
                        f"recording ({recording.duration_s:.2f} s).")
    if end - start > MAX_CLIP_SECONDS:
        raise ClipError(f"A clip lasts at most {MAX_CLIP_SECONDS // 60} minutes.")


def create_clip(recording: Recording, start: float, end: float, details: ClipDetails, *,
                acting: User, pad: float = DEFAULT_PAD) -> Clip:
    """Check the region, snap it to word boundaries and queue the cut (after commit)."""
    access.require(acting, "cut (from a recording)", "clip", recording)
    check_region(recording, start, end)
    title = " ".join(details.title.split())[:200]
    if not title:
        raise ClipError("Give the clip a title.")
    codes = microskill_codes()
    unknown = sorted(set(details.microskills) - set(codes))
    if unknown:
        raise ClipError(f"Unknown microskill {', '.join(unknown)}.")
    advisor = details.advisor or recording.advisor
    if advisor.id not in {a.id for a in advisors_for_clip(acting, recording)}:
        raise ClipError(f"{advisor.name} is not an advisor this clip can concern.")
    if details.visibility not in visibilities_for(acting):
        raise ClipError("Advisors can share a clip with their team; ask a coach to put it in "
                        "the library.")
    start, end = snap_to_words(recording_words(recording), start, min(end, recording.duration_s),
                               pad=pad, duration=recording.duration_s)
    clip = Clip(
        recording=recording, advisor=advisor, cut_by=acting, team_id=recording.team_id,
        title=title, kind=details.kind, reason=details.reason.strip(),
        visibility=details.visibility, start=round(start, 3), end=round(end, 3),
        keep_video=bool(details.keep_video and recording.has_video),
    )
    clip.microskill_rows = [ClipMicroskill(code=c) for c in sorted(set(details.microskills))]
    db.session.add(clip)
    db.session.flush()
    queue_cut(clip)
    log.info("clip %s of recording %s [%.2f, %.2f] by %s", clip.id, recording.id, clip.start,
             clip.end, acting.email)
    return clip


def update_clip(clip: Clip, *, title: str, kind: ClipKind, reason: str,
                microskills: list[str], visibility: Visibility, acting: User) -> None:
    """Change what a clip says about the moment; its region and file stay."""
    access.require(acting, "change, retry, delete", "clip", clip)
    title = " ".join(title.split())[:200]
    if not title:
        raise ClipError("Give the clip a title.")
    unknown = sorted(set(microskills) - set(microskill_codes()) - set(clip.microskills))
    if unknown:
        raise ClipError(f"Unknown microskill {', '.join(unknown)}.")
    if visibility not in visibilities_for(acting) and visibility is not clip.visibility:
        raise ClipError("Advisors can share a clip with their team; ask a coach to put it in "
                        "the library.")
    clip.title = title
    clip.kind = kind
    clip.reason = reason.strip()
    clip.microskills = microskills
    clip.visibility = visibility
    db.session.flush()


def retry_clip(clip: Clip, *, acting: User) -> None:
    access.require(acting, "change, retry, delete", "clip", clip)
    if clip.status is not ClipStatus.FAILED:
        raise ClipError("Only a clip whose cut failed can be retried.")
    queue_cut(clip)


def delete_clip(clip: Clip, *, acting: User) -> None:
    """Delete the clip, its comments and playlist places; its file goes after the commit."""
    access.require(acting, "change, retry, delete", "clip", clip)
    _forget(clip)
    db.session.delete(clip)
    db.session.flush()
    log.info("clip %s deleted by %s", clip.id, acting.email)


def _forget(clip: Clip) -> None:
    if clip.storage_prefix:
        delete_after_commit(clip.storage_prefix)
    # a suggestion accepted as this clip may be accepted again
    for suggestion in db.session.scalars(
            sa.select(MomentSuggestion).where(MomentSuggestion.clip_id == clip.id)):
        suggestion.clip_id = None
        suggestion.status = SuggestionStatus.OPEN


def clip_evidence(advisor: User, codes: list[str], viewer: User) -> dict:
    """Ready clips of ``advisor`` that show each microskill, as the viewer may see them
    (the evidence source behind the microskill profile; see coachlab.plugins)."""
    from flask import url_for

    from coachlab.plugins import EvidenceLink

    if not codes:
        return {}
    rows = db.session.execute(
        visible_clips(viewer)
        .add_columns(ClipMicroskill.code)
        .join(ClipMicroskill, ClipMicroskill.clip_id == Clip.id)
        .where(Clip.advisor_id == advisor.id, Clip.status == ClipStatus.READY,
               ClipMicroskill.code.in_(codes))
        .order_by(Clip.created_at.desc()))
    found: dict[str, list] = {}
    for clip, code in rows:
        if len(found.setdefault(code, [])) < 3:
            found[code].append(EvidenceLink(title=clip.title,
                                            url=url_for("clips.detail", clip_id=clip.id),
                                            note=clip.kind.label))
    return found


def clips_of(recording: Recording, user: User) -> list[Clip]:
    return list(db.session.scalars(
        visible_clips(user).where(Clip.recording_id == recording.id)
        .order_by(Clip.start, Clip.id)))


# --- the clip's transcript ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SliceWord:
    start: float  # seconds from the start of the clip
    end: float
    word: str
    probability: float


@dataclass(slots=True)
class SliceSegment:
    speaker: str
    start: float
    end: float
    text: str
    corrected: bool
    words: list[SliceWord] = field(default_factory=list)


def clip_transcript(clip: Clip) -> list[SliceSegment]:
    """The recording's transcript between the clip's start and end, timed from the clip start.

    Words come from the stored transcript (no second transcription), so the slice is there
    as soon as the clip is. A corrected segment shows its corrected text, without word times.
    """
    segments = db.session.scalars(
        sa.select(TranscriptSegment)
        .where(TranscriptSegment.recording_id == clip.recording_id,
               TranscriptSegment.end > clip.start, TranscriptSegment.start < clip.end)
        .order_by(TranscriptSegment.start, TranscriptSegment.position)
        .options(sa.orm.selectinload(TranscriptSegment.words))).all()
    length = clip.end - clip.start
    out: list[SliceSegment] = []
    for seg in segments:
        def rel(t: float) -> float:
            return round(min(max(t - clip.start, 0.0), length), 3)

        words = [SliceWord(rel(w.start), rel(w.end), w.word, w.probability) for w in seg.words
                 if w.end > clip.start and w.start < clip.end]
        corrected = seg.is_corrected
        if not corrected and seg.words and not words:
            continue
        text = seg.text if corrected or not words else " ".join(w.word.strip() for w in words)
        out.append(SliceSegment(seg.speaker, rel(seg.start), rel(seg.end), text, corrected,
                                [] if corrected else words))
    return out


# --- a recording deleted takes its clips along ----------------------------------------------


def delete_clips_of(recording: Recording) -> None:
    """Recordings are deleted by the core, which knows nothing of clips: on its
    ``recording_deleted`` signal, delete their clips (and files) and suggestions in the same
    transaction, whatever the database does with foreign keys."""
    for clip in db.session.scalars(sa.select(Clip).where(Clip.recording_id == recording.id)):
        if clip.storage_prefix:
            delete_after_commit(clip.storage_prefix)
        db.session.delete(clip)
    for suggestion in db.session.scalars(
            sa.select(MomentSuggestion).where(MomentSuggestion.recording_id == recording.id)):
        db.session.delete(suggestion)
