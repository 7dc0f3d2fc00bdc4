"""Coaching sessions: create and plan them, build a balanced agenda, record sandwich feedback,
run, hold and acknowledge them. Every function checks the access policy itself, and every
change to a session that is held is kept as history."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import sqlalchemy as sa
from flask import current_app

from clips import service as clips
from clips.access import visible_clips
from clips.models import Clip, ClipKind, ClipMicroskill, ClipStatus, Visibility
from coachlab import access, timezones
from coachlab.auth.models import User
from coachlab.db import db, utcnow
from coachlab.notifications import notify
from coachlab.recordings.models import Recording, Status
from coachlab.transcripts.models import TranscriptSegment
from microskills.models import TagKind, TagStatus, UtteranceTag
from microskills.service import skill_names
from sessions.models import (
    AgendaItem,
    AgendaKind,
    CoachingSession,
    FeedbackPoint,
    SessionEvent,
    SessionSkill,
    SessionState,
    Slot,
)

GOOD_CLIP_KINDS = (ClipKind.GOOD_MOMENT, ClipKind.OBJECTION_HANDLED)
STRETCH_PAD_S = 1.5  # a tagged moment plays from a little before to a little after
MAX_LENGTH_MINUTES = 240
DOMINANT_SHARE = 0.5  # one kind above half of the agenda's time is called dominant


class SessionError(ValueError):
    """A request about a session that cannot be done; the message says why."""


# --- history ----------------------------------------------------------------------------------


def _record(session: CoachingSession, actor: User | None, action: str, detail: str = "") -> None:
    """Keep a change as history (always for state changes; every change once held)."""
    session.events.append(SessionEvent(actor_id=actor.id if actor else None, action=action,
                                       detail=detail[:2000], at=utcnow()))


def _changed(session: CoachingSession, actor: User, action: str, detail: str = "") -> None:
    if session.is_closed:
        _record(session, actor, action, detail)


# --- creating and planning --------------------------------------------------------------------


def _focus(session: CoachingSession, codes: Iterable[str]) -> None:
    known = skill_names()
    wanted = list(dict.fromkeys(codes))
    unknown = [c for c in wanted if c not in known]
    if unknown:
        raise SessionError(f"Unknown microskill {', '.join(unknown)}.")
    rows = {s.code: s for s in session.skills}
    for code, row in rows.items():
        row.focus = code in wanted
    for code in wanted:
        if code not in rows:
            session.skills.append(SessionSkill(code=code, focus=True))


def _check_length(length_minutes: int) -> None:
    if not 5 <= length_minutes <= MAX_LENGTH_MINUTES:
        raise SessionError(f"A session lasts between 5 and {MAX_LENGTH_MINUTES} minutes.")


def create_session(*, coach: User, advisor: User, scheduled_at: dt.datetime | None,
                   length_minutes: int = 30, focus: Iterable[str] = (),
                   previous: CoachingSession | None = None) -> CoachingSession:
    """A draft (or, with a time, scheduled) session of ``coach`` with ``advisor``.

    Starting from ``previous`` carries its focus over when none is given; its open
    improvement points show on the new session's page."""
    if not access.can(coach, "create", "coaching session", advisor):
        raise SessionError(f"{advisor.name} is not an advisor of a team you lead.")
    _check_length(length_minutes)
    focus = list(focus)
    if previous is not None:
        access.require(coach, "see (agenda, feedback, shared notes)", "coaching session",
                       previous)
        if previous.advisor_id != advisor.id:
            raise SessionError("A next session continues with the same advisor.")
        focus = focus or previous.focus_codes
    session = CoachingSession(coach=coach, advisor=advisor, team_id=advisor.team_id,
                              scheduled_at=scheduled_at, length_minutes=length_minutes,
                              previous=previous,
                              state=SessionState.SCHEDULED if scheduled_at else SessionState.DRAFT)
    _focus(session, focus)
    db.session.add(session)
    _record(session, coach, "created", f"for {advisor.name}")
    db.session.flush()
    return session


def update_plan(session: CoachingSession, *, acting: User, scheduled_at: dt.datetime | None,
                length_minutes: int, focus: Iterable[str]) -> None:
    access.require(acting, "change, run, mark held", "coaching session", session)
    _check_length(length_minutes)
    before = (session.scheduled_at, session.length_minutes, session.focus_codes)
    session.scheduled_at = scheduled_at
    session.length_minutes = length_minutes
    _focus(session, focus)
    if session.state is SessionState.DRAFT and scheduled_at is not None:
        session.state = SessionState.SCHEDULED
        _record(session, acting, "scheduled", timezones.iso_local(scheduled_at))
    if before != (session.scheduled_at, session.length_minutes, session.focus_codes):
        _changed(session, acting, "plan changed",
                 f"focus {', '.join(session.focus_codes) or 'none'}, "
                 f"{session.length_minutes} min")


def cancel(session: CoachingSession, *, acting: User) -> None:
    access.require(acting, "change, run, mark held", "coaching session", session)
    if session.state in (SessionState.HELD, SessionState.ACKNOWLEDGED):
        raise SessionError("A session that was held cannot be cancelled.")
    session.state = SessionState.CANCELLED
    session.cancelled_at = utcnow()
    _record(session, acting, "cancelled")


def start_next(session: CoachingSession, *, acting: User) -> CoachingSession:
    """A new draft with the same advisor, its focus carried over from ``session``."""
    return create_session(coach=acting, advisor=session.advisor, scheduled_at=None,
                          length_minutes=session.length_minutes, previous=session)


def open_points(session: CoachingSession) -> list[FeedbackPoint]:
    """The improvement points of the session this one continues."""
    if session.previous is None:
        return []
    return [p for p in session.previous.points if p.slot is Slot.IMPROVEMENT]


# --- the agenda -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Candidate:
    """A moment the agenda builder proposes."""

    kind: AgendaKind
    title: str
    seconds: float
    codes: tuple[str, ...] = ()
    clip: Clip | None = None
    recording: Recording | None = None
    start: float | None = None
    end: float | None = None

    @property
    def key(self) -> tuple:
        if self.clip is not None:
            return ("clip", self.clip.id)
        return ("stretch", self.recording.id, round(self.start or 0, 1))


def _clip_codes(clip_ids: list[int]) -> dict[int, tuple[str, ...]]:
    codes: dict[int, list[str]] = {}
    if clip_ids:
        for clip_id, code in db.session.execute(
                sa.select(ClipMicroskill.clip_id, ClipMicroskill.code)
                .where(ClipMicroskill.clip_id.in_(clip_ids))):
            codes.setdefault(clip_id, []).append(code)
    return {k: tuple(sorted(v)) for k, v in codes.items()}


def _clip_candidates(session: CoachingSession, kind: AgendaKind, query: sa.Select,
                     focus: set[str]) -> list[Candidate]:
    rows = db.session.scalars(query.where(Clip.status == ClipStatus.READY)
                              .order_by(Clip.created_at.desc()).limit(60)).all()
    codes = _clip_codes([c.id for c in rows])
    found = [Candidate(kind, c.title, c.end - c.start, codes.get(c.id, ()), clip=c)
             for c in rows]
    return sorted(found, key=lambda c: -len(focus & set(c.codes)))


def _tagged_moments(session: CoachingSession, kind: AgendaKind, focus: set[str]) -> list[Candidate]:
    """Stretches around tags on the advisor's own processed calls: focus microskills used
    (good moments) or flags raised (moments to improve)."""
    advisor = session.advisor
    if kind is AgendaKind.OWN_GOOD:
        if not focus:
            return []
        wanted = sa.and_(UtteranceTag.kind == TagKind.SKILL, UtteranceTag.code.in_(sorted(focus)))
    else:
        wanted = UtteranceTag.kind == TagKind.FLAG
    rows = db.session.execute(
        sa.select(UtteranceTag.code, TranscriptSegment.start, TranscriptSegment.end, Recording)
        .join(TranscriptSegment, TranscriptSegment.id == UtteranceTag.segment_id)
        .join(Recording, Recording.id == UtteranceTag.recording_id)
        .where(Recording.id.in_(access.visible_recording_ids(advisor)),
               Recording.status == Status.READY, wanted,
               UtteranceTag.status != TagStatus.REJECTED)
        .order_by(Recording.called_at.desc(), TranscriptSegment.start).limit(40)).all()
    names = skill_names()
    found = []
    for code, start, end, recording in rows:
        begin = max(0.0, start - STRETCH_PAD_S)
        finish = min(recording.duration_s, end + STRETCH_PAD_S)
        label = names.get(code, code.replace("missed.", "missed: ").replace("_", " "))
        found.append(Candidate(kind, f"{label} in “{recording.display_title}”", finish - begin,
                               (code,), recording=recording, start=begin, end=finish))
    return found


def candidates(session: CoachingSession) -> dict[AgendaKind, list[Candidate]]:
    """What the agenda builder can propose, per kind, focus microskills first."""
    advisor = session.advisor
    focus = set(session.focus_codes)
    seen_by_advisor = visible_clips(advisor)
    own = _clip_candidates(session, AgendaKind.OWN_GOOD, seen_by_advisor.where(
        Clip.advisor_id == advisor.id, Clip.kind.in_(GOOD_CLIP_KINDS)), focus)
    peers = _clip_candidates(session, AgendaKind.PEER_GOOD, seen_by_advisor.where(
        Clip.advisor_id != advisor.id, Clip.kind.in_(GOOD_CLIP_KINDS),
        Clip.visibility.in_([Visibility.TEAM, Visibility.LIBRARY])), focus)
    mistakes = _clip_candidates(session, AgendaKind.MISTAKE, seen_by_advisor.where(
        Clip.advisor_id == advisor.id, Clip.kind == ClipKind.MISSED_OPPORTUNITY), focus)
    return {
        AgendaKind.OWN_GOOD: own + _tagged_moments(session, AgendaKind.OWN_GOOD, focus),
        AgendaKind.PEER_GOOD: peers,
        AgendaKind.MISTAKE: mistakes + _tagged_moments(session, AgendaKind.MISTAKE, focus),
    }


def _item_key(item: AgendaItem) -> tuple:
    if item.clip_id is not None:
        return ("clip", item.clip_id)
    return ("stretch", item.recording_id, round(item.start or 0, 1))


def propose_agenda(session: CoachingSession, *, acting: User, per_kind: int = 2) -> list[str]:
    """Replace the agenda with a proposal: up to ``per_kind`` moments of each kind,
    interleaved. Returns what could not be found (e.g. "no peer's good moment")."""
    access.require(acting, "change, run, mark held", "coaching session", session)
    found = candidates(session)
    session.items.clear()
    db.session.flush()
    missing = []
    picks = {kind: found[kind][:per_kind] for kind in AgendaKind}
    for kind in AgendaKind:
        if not picks[kind]:
            missing.append(kind.label.lower())
    position = 0
    for round_ in range(per_kind):
        for kind in AgendaKind:
            if round_ < len(picks[kind]):
                _add(session, picks[kind][round_], position, acting)
                position += 1
    _changed(session, acting, "agenda proposed", f"{position} moments")
    return missing


def _add(session: CoachingSession, candidate: Candidate, position: int, acting: User) -> None:
    item = AgendaItem(kind=candidate.kind, position=position, clip=candidate.clip,
                      recording=candidate.recording, start=candidate.start, end=candidate.end)
    session.items.append(item)
    if item.clip is None and item.recording is not None:
        _cut_if_ready(session, item, acting, candidate.title)


def _cut_if_ready(session: CoachingSession, item: AgendaItem, acting: User, title: str) -> None:
    """A stretch of a processed recording becomes a private clip (cut in the background)."""
    recording = item.recording
    if recording.status is not Status.READY or recording.transcribed_at is None:
        return
    if not access.can(acting, "cut (from a recording)", "clip", recording):
        return
    kind = ClipKind.MISSED_OPPORTUNITY if item.kind is AgendaKind.MISTAKE else ClipKind.GOOD_MOMENT
    try:
        item.clip = clips.create_clip(recording, item.start, item.end, clips.ClipDetails(
            title=title[:200], kind=kind, reason=f"For a coaching session with "
            f"{session.advisor.name}"), acting=acting, pad=0.0)
    except clips.ClipError:
        return  # the stretch still plays from the recording


def add_clip(session: CoachingSession, clip: Clip, kind: AgendaKind, *, acting: User) -> None:
    access.require(acting, "change, run, mark held", "coaching session", session)
    if not access.among(visible_clips(session.advisor), clip):
        raise SessionError(f"{session.advisor.name} cannot see that clip: share it with the "
                           "team first, or choose another.")
    if any(_item_key(i) == ("clip", clip.id) for i in session.items):
        raise SessionError("That clip is on the agenda already.")
    session.items.append(AgendaItem(kind=kind, clip=clip, position=len(session.items)))
    _changed(session, acting, "agenda item added", clip.title)


def add_stretch(session: CoachingSession, recording: Recording, start: float, end: float,
                kind: AgendaKind, *, acting: User) -> None:
    """A stretch of one of the advisor's own calls; cut into a private clip when ready."""
    access.require(acting, "change, run, mark held", "coaching session", session)
    if kind is AgendaKind.PEER_GOOD:
        raise SessionError("A peer's good moment comes from a clip shared with the team or the "
                           "library.")
    if recording.advisor_id != session.advisor_id or \
            not access.can(session.advisor, "see", "recording", recording):
        raise SessionError("A stretch comes from one of the advisor's own calls.")
    if not (0 <= start < end <= recording.duration_s + 0.05):
        raise SessionError(f"Give a stretch within the call (0-{recording.duration_s:.0f} s), "
                           "ending after it starts.")
    item = AgendaItem(kind=kind, recording=recording, start=start, end=min(end,
                      recording.duration_s), position=len(session.items))
    session.items.append(item)
    _cut_if_ready(session, item, acting, f"{recording.display_title} ({start:.0f}-{end:.0f} s)")
    _changed(session, acting, "agenda item added",
             f"recording {recording.id} {start:.0f}-{end:.0f} s")


def _renumber(session: CoachingSession) -> None:
    for position, item in enumerate(session.items):
        item.position = position


def move_item(item: AgendaItem, delta: int, *, acting: User) -> None:
    session = item.session
    access.require(acting, "change, run, mark held", "coaching session", session)
    items = list(session.items)
    index = items.index(item)
    target = max(0, min(len(items) - 1, index + delta))
    items.insert(target, items.pop(index))
    for position, each in enumerate(items):
        each.position = position
    session.items.sort(key=lambda i: i.position)
    _changed(session, acting, "agenda reordered")


def remove_item(item: AgendaItem, *, acting: User) -> None:
    session = item.session
    access.require(acting, "change, run, mark held", "coaching session", session)
    session.items.remove(item)
    _renumber(session)
    _changed(session, acting, "agenda item removed", item.title)


def swap_item(item: AgendaItem, *, acting: User) -> bool:
    """Replace the item with the next candidate of its kind not on the agenda yet."""
    session = item.session
    access.require(acting, "change, run, mark held", "coaching session", session)
    taken = {_item_key(i) for i in session.items}
    for candidate in candidates(session)[item.kind]:
        if candidate.key not in taken:
            position = item.position
            session.items.remove(item)
            db.session.flush()
            _add(session, candidate, position, acting)
            session.items.sort(key=lambda i: i.position)
            _changed(session, acting, "agenda item swapped", candidate.title)
            return True
    return False


@dataclass(slots=True)
class Balance:
    counts: dict[AgendaKind, int] = field(default_factory=dict)
    seconds: dict[AgendaKind, float] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def share(self, kind: AgendaKind) -> float:
        total = sum(self.seconds.values())
        return self.seconds.get(kind, 0.0) / total if total else 0.0


def balance(session: CoachingSession) -> Balance:
    """Count and minutes per kind, aiming at thirds; warns when a kind is missing or
    takes more than half of the time."""
    result = Balance(counts=dict.fromkeys(AgendaKind, 0), seconds=dict.fromkeys(AgendaKind, 0.0))
    for item in session.items:
        result.counts[item.kind] += 1
        result.seconds[item.kind] += item.seconds
    if not session.items:
        result.warnings.append("The agenda is empty: propose one, or add moments.")
        return result
    for kind in AgendaKind:
        if result.counts[kind] == 0:
            result.warnings.append(f"No moment of the kind “{kind.label}” yet: a session "
                                   "learns from all three kinds.")
        elif len(session.items) > 1 and result.share(kind) > DOMINANT_SHARE:
            result.warnings.append(f"{kind.short} moments take {result.share(kind):.0%} of the "
                                   "time: aim at about a third each.")
    return result


# --- sandwich feedback ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Evidence:
    clip: Clip | None = None
    recording: Recording | None = None
    at_second: float | None = None


SLOT_ORDER = {Slot.OPENING: 0, Slot.IMPROVEMENT: 1, Slot.CLOSING: 2}


def _check_evidence(session: CoachingSession, evidence: Evidence) -> None:
    advisor = session.advisor
    if evidence.clip is not None:
        if not access.among(visible_clips(advisor), evidence.clip):
            raise SessionError(f"{advisor.name} cannot see that clip: choose evidence they may "
                               "see.")
        return
    if evidence.recording is not None:
        if not access.can(advisor, "see", "recording", evidence.recording):
            raise SessionError(f"{advisor.name} cannot see that recording: choose evidence "
                               "they may see.")
        second = evidence.at_second
        if second is None or not 0 <= second <= evidence.recording.duration_s:
            raise SessionError(f"Give the second of the call the point is about (0-"
                               f"{evidence.recording.duration_s:.0f}).")
        return
    raise SessionError("Give evidence: a clip, or a call and the second the point is about.")


def add_point(session: CoachingSession, *, acting: User, slot: Slot, text: str, microskill: str,
              evidence: Evidence, published: bool = False) -> FeedbackPoint:
    """Add a point to the sandwich: one opening positive, improvements, one closing positive."""
    access.require(acting, "change, run, mark held", "coaching session", session)
    text = (text or "").strip()
    missing = [what for what, ok in (("the text", bool(text)), ("a microskill", bool(microskill)))
               if not ok]
    if missing:
        raise SessionError(f"A feedback point needs {' and '.join(missing)}.")
    if microskill not in skill_names():
        raise SessionError(f"Unknown microskill {microskill}.")
    if slot is not Slot.IMPROVEMENT and any(p.slot is slot for p in session.points):
        raise SessionError(f"The sandwich has its {slot.label.lower()} already: change or "
                           "remove it first.")
    if published and slot is Slot.IMPROVEMENT:
        raise SessionError("Improvement points stay private: only positives can be published.")
    _check_evidence(session, evidence)
    point = FeedbackPoint(slot=slot, text=text[:4000], microskill=microskill, clip=evidence.clip,
                          recording=evidence.recording,
                          at_second=evidence.at_second if evidence.clip is None else None,
                          published=published, position=0)
    session.points.append(point)
    _order_points(session)
    _changed(session, acting, "feedback added", f"{slot.value}: {text[:200]}")
    return point


def _order_points(session: CoachingSession) -> None:
    ordered = sorted(session.points, key=lambda p: (SLOT_ORDER[p.slot], p.position, p.id or 0))
    for position, point in enumerate(ordered):
        point.position = position
    session.points.sort(key=lambda p: p.position)


def remove_point(point: FeedbackPoint, *, acting: User) -> None:
    session = point.session
    access.require(acting, "change, run, mark held", "coaching session", session)
    session.points.remove(point)
    _order_points(session)
    _changed(session, acting, "feedback removed", f"{point.slot.value}: {point.text[:200]}")


def set_published(point: FeedbackPoint, published: bool, *, acting: User) -> None:
    session = point.session
    access.require(acting, "change, run, mark held", "coaching session", session)
    if published and point.slot is Slot.IMPROVEMENT:
        raise SessionError("Improvement points stay private: only positives can be published.")
    point.published = published
    _changed(session, acting, "praise published" if published else "praise unpublished",
             point.text[:200])


def sandwich_problems(session: CoachingSession) -> list[str]:
    """What the sandwich still lacks, in words; empty when it is complete."""
    slots = [p.slot for p in session.points]
    problems = []
    if Slot.OPENING not in slots:
        problems.append("an opening positive")
    if Slot.IMPROVEMENT not in slots:
        problems.append("at least one improvement point")
    if Slot.CLOSING not in slots:
        problems.append("a closing positive")
    return problems


# --- running, holding, acknowledging ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RunRecord:
    discussed: tuple[str, ...] = ()
    practised: tuple[str, ...] = ()
    interrupted: bool = False
    interruptions: int = 0
    interruption_reason: str = ""
    shared_notes: str = ""
    private_notes: str = ""
    help_answer: str = ""
    manage_answer: str = ""


def record_run(session: CoachingSession, run: RunRecord, *, acting: User) -> None:
    access.require(acting, "change, run, mark held", "coaching session", session)
    known = skill_names()
    unknown = [c for c in (*run.discussed, *run.practised) if c not in known]
    if unknown:
        raise SessionError(f"Unknown microskill {', '.join(unknown)}.")
    if run.interruptions < 0:
        raise SessionError("Interruptions are counted from 0.")
    if run.interrupted and not run.interruption_reason.strip():
        raise SessionError("Say what interrupted the session.")
    rows = {s.code: s for s in session.skills}
    for code in set(run.discussed) | set(run.practised):
        if code not in rows:
            rows[code] = SessionSkill(code=code)
            session.skills.append(rows[code])
    for code, row in rows.items():
        row.discussed = code in run.discussed
        row.practised = code in run.practised
    session.interrupted = run.interrupted
    session.interruptions = max(run.interruptions, 1 if run.interrupted else 0)
    session.interruption_reason = run.interruption_reason.strip() if run.interrupted else ""
    session.shared_notes = run.shared_notes.strip()
    session.private_notes = run.private_notes.strip()
    session.help_answer = run.help_answer.strip()
    session.manage_answer = run.manage_answer.strip()
    _changed(session, acting, "session notes changed")


def acknowledgement_deadline(held_at: dt.datetime) -> dt.datetime:
    """The last second of the Nth working day after the session (site zone; Saturdays and Sundays
    are not working days)."""
    zone = timezones.site_zone()
    days = int(current_app.config["SESSION_ACK_WORKING_DAYS"])
    held_day = held_at.astimezone(zone).date()
    due = np.busday_offset(np.datetime64(held_day), days, roll="forward").astype(dt.date)
    return timezones.local_day_start(due + dt.timedelta(days=1), zone) - dt.timedelta(seconds=1)


def _deadline_for(advisor: User, session: CoachingSession) -> str:
    """The acknowledgement deadline as the advisor reads it (the text is stored as is)."""
    zone = timezones.zone_of(advisor)
    return f"{timezones.to_local(session.acknowledge_by, zone):%d %b %Y, %H:%M} ({zone.key})"


def mark_held(session: CoachingSession, *, acting: User) -> None:
    access.require(acting, "change, run, mark held", "coaching session", session)
    if session.state not in (SessionState.DRAFT, SessionState.SCHEDULED):
        raise SessionError(f"This session is {session.state.value} already.")
    problems = sandwich_problems(session)
    if problems:
        raise SessionError("The feedback sandwich still needs " + ", ".join(problems) + ".")
    session.state = SessionState.HELD
    session.held_at = utcnow()
    session.acknowledge_by = acknowledgement_deadline(session.held_at)
    _record(session, acting, "held")
    notify(session.advisor, f"{acting.name} recorded the feedback of your coaching session: "
           f"read it and acknowledge it by {_deadline_for(session.advisor, session)}.",
           ("sessions.detail", {"session_id": session.id}))


def acknowledge(session: CoachingSession, *, acting: User, reflection: str = "") -> None:
    if session.advisor_id != acting.id:
        raise access.NotAllowed
    if session.state is not SessionState.HELD:
        raise SessionError("Only a session that was held can be acknowledged"
                           + (" (it is acknowledged already)." if session.state is
                              SessionState.ACKNOWLEDGED else "."))
    session.state = SessionState.ACKNOWLEDGED
    session.acknowledged_at = utcnow()
    session.reflection = (reflection or "").strip()[:4000]
    _record(session, acting, "acknowledged", session.reflection[:200])
    if session.coach is not None:
        notify(session.coach, f"{acting.name} acknowledged your coaching session.",
               ("sessions.detail", {"session_id": session.id}))


# --- start pages ------------------------------------------------------------------------------


def upcoming_for_coach(coach: User, limit: int = 5) -> list[CoachingSession]:
    return list(db.session.scalars(
        sa.select(CoachingSession).where(
            CoachingSession.coach_id == coach.id,
            CoachingSession.state.in_([SessionState.DRAFT, SessionState.SCHEDULED]))
        .order_by(CoachingSession.scheduled_at.is_(None), CoachingSession.scheduled_at)
        .limit(limit)))


def unacknowledged_for_coach(coach: User) -> list[CoachingSession]:
    return list(db.session.scalars(
        sa.select(CoachingSession).where(CoachingSession.coach_id == coach.id,
                                         CoachingSession.state == SessionState.HELD)
        .order_by(CoachingSession.acknowledge_by)))


def next_for_advisor(advisor: User) -> CoachingSession | None:
    return db.session.scalars(
        sa.select(CoachingSession).where(CoachingSession.advisor_id == advisor.id,
                                         CoachingSession.state == SessionState.SCHEDULED,
                                         CoachingSession.scheduled_at >= utcnow()
                                         - dt.timedelta(hours=2))
        .order_by(CoachingSession.scheduled_at).limit(1)).first()


def latest_feedback_for_advisor(advisor: User) -> CoachingSession | None:
    return db.session.scalars(
        sa.select(CoachingSession).where(
            CoachingSession.advisor_id == advisor.id,
            CoachingSession.state.in_([SessionState.HELD, SessionState.ACKNOWLEDGED]))
        .order_by(CoachingSession.held_at.desc()).limit(1)).first()


# --- a recording deleted ----------------------------------------------------------------------


def forget_recording(recording: Recording) -> None:
    """Agenda stretches of a deleted recording go; evidence pointing at it is kept as text
    (the point stands, its link is gone)."""
    for item in db.session.scalars(sa.select(AgendaItem)
                                   .where(AgendaItem.recording_id == recording.id)):
        if item.clip_id is None:
            db.session.delete(item)
        else:
            item.recording_id = None
    for point in db.session.scalars(sa.select(FeedbackPoint)
                                    .where(FeedbackPoint.recording_id == recording.id)):
        point.recording_id = None
