"""Goals set in a held session, measured on the advisor's later calls.

A goal's baseline is the metric over the advisor's calls in the ``baseline_days`` before the
session; its current value is the metric over the calls from the session to the due date.
Both, the state and the coaching impact are refreshed by a pipeline step each time one of
the advisor's calls finishes processing, and when one is deleted (nobody presses a button).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app

from coachlab import access, timezones
from coachlab.auth.models import Role, User
from coachlab.db import db, hold_lock, utcnow
from coachlab.media.talktime import moment_of
from coachlab.notifications import notify
from coachlab.recordings.models import Recording
from coachlab.transcripts.models import TranscriptSegment
from coachlab.transcripts.service import load_transcripts
from microskills.models import RecordingSkillSummary, TagStatus, UtteranceTag
from microskills.service import active_microskills
from sessions import measures
from sessions.access import visible_sessions
from sessions.models import CoachingSession, Goal, GoalState, SessionSkill, SessionState

EVIDENCE_SHOWN = 8
# evidence is looked for in the advisor's latest calls since the session, not in all of them:
# the page stays as quick after a year of calls as after a week
EVIDENCE_CALLS = 30
MAX_DUE_DAYS = 366


class GoalError(ValueError):
    """A goal that cannot be set; the message says why."""


def baseline_days() -> int:
    return int(current_app.config.get("GOAL_BASELINE_DAYS", 30))


def impact_days() -> int:
    return int(current_app.config.get("GOAL_IMPACT_DAYS", 30))


def microskill_choices(session: CoachingSession) -> list[tuple[str, str]]:
    """The session's practised microskills first, then the discussed and focus ones, then
    every other microskill (a goal is usually about what was practised)."""
    names = {m.code: m.name for m in active_microskills()}
    ranked = sorted(session.skills, key=lambda s: (not s.practised, not s.discussed, s.code))
    first = [s.code for s in ranked if s.code in names]
    rest = [code for code in names if code not in first]
    return [(code, names[code]) for code in first + rest]


def due_end(goal: Goal) -> dt.datetime:
    """The end of the due date, in the site's zone."""
    return timezones.local_day_start(goal.due_on + dt.timedelta(days=1), timezones.site_zone())


# --- setting a goal ---------------------------------------------------------------------------


def set_goal(session: CoachingSession, *, acting: User, metric: str, microskill: str | None,
             target: float | None, due_on: dt.date | None,
             now: dt.datetime | None = None) -> Goal:
    """A goal from the session's coach, for the session's advisor; refused with a message when
    it has no metric or target, is already met by the baseline, or is due in the past."""
    now = now or utcnow()
    access.require(acting, "set, remove", "goal", session)
    if not access.is_coach_of(acting, session.advisor):
        raise GoalError(f"{session.advisor.name} is not in a team you coach any more: only "
                        "their coach sets their goals.")
    if not session.is_closed:
        raise GoalError("Goals are set in a session that was held: mark it held first.")
    spec = measures.METRICS.get(metric or "")
    if spec is None:
        raise GoalError("Choose the metric the goal is about.")
    if spec.needs_microskill:
        if microskill not in {code for code, _name in microskill_choices(session)}:
            raise GoalError("Choose the microskill whose per-call rate the goal is about.")
    else:
        microskill = None
    if target is None or not math.isfinite(target) or target < 0:
        raise GoalError("Give the target as a number from 0.")
    if spec.unit == "%" and target > 100:
        raise GoalError("A share is a percentage from 0 to 100.")
    if due_on is None:
        raise GoalError("Give the date the goal is due.")
    today = timezones.to_local(now).date()
    if due_on <= today:
        raise GoalError("The due date must be after today.")
    if due_on > today + dt.timedelta(days=MAX_DUE_DAYS):
        raise GoalError(f"A goal is due within {MAX_DUE_DAYS} days.")
    # not attached to the session until it passes: a refused goal must leave no row
    goal = Goal(session_id=session.id, advisor_id=session.advisor_id, set_by_id=acting.id,
                metric=metric, microskill=microskill, target=spec.to_stored(target),
                due_on=due_on, starts_at=session.held_at or now, baseline_days=baseline_days())
    _measure_baseline(goal)
    if goal.baseline is not None and spec.meets(goal.baseline, goal.target):
        raise GoalError(f"The baseline is {spec.format(goal.baseline)} already "
                        f"(over {goal.baseline_calls} calls): set a target beyond it.")
    lock_goals(goal.advisor_id, session.advisor.team_id)
    db.session.add(goal)
    db.session.flush()
    update_goal(goal, now=now)
    from sessions.service import _record

    _record(session, acting, "goal set", describe(goal))
    notify(session.advisor, f"{acting.name} set you a goal: {describe(goal)}.",
           ("sessions.goal", {"goal_id": goal.id}))
    return goal


def describe(goal: Goal) -> str:
    spec = measures.METRICS[goal.metric]
    names = {m.code: m.name for m in active_microskills()}
    return (f"{measures.metric_name(goal.metric, goal.microskill, names)} "
            f"{'at least' if spec.higher_is_better else 'at most'} "
            f"{spec.format(goal.target)} by {timezones.day(goal.due_on)}")


def remove_goal(goal: Goal, *, acting: User) -> None:
    access.require(acting, "set, remove", "goal", goal.session)
    from sessions.service import _record

    _record(goal.session, acting, "goal removed", describe(goal))
    db.session.delete(goal)
    db.session.flush()


def set_shared(goal: Goal, shared: bool, *, acting: User) -> None:
    """The advisor chooses whether an achieved goal shows on the team's pages."""
    access.require(acting, "share with the team", "goal", goal)
    if shared and goal.state is not GoalState.ACHIEVED:
        raise GoalError("Only an achieved goal can be shared with the team.")
    goal.shared = shared
    db.session.flush()


# --- measuring --------------------------------------------------------------------------------


def _measure_baseline(goal: Goal) -> None:
    start = goal.starts_at - dt.timedelta(days=goal.baseline_days)
    values = measures.call_values(goal.metric, goal.microskill, [goal.advisor_id], start,
                                  goal.starts_at)
    goal.baseline = measures.value_of(values)
    goal.baseline_calls = len(values)


def _state(goal: Goal, spec: measures.Metric, now: dt.datetime) -> GoalState:
    if goal.calls_since and spec.meets(goal.current, goal.target):
        return GoalState.ACHIEVED
    end = due_end(goal)
    if now >= end:
        return GoalState.EXPIRED
    if not goal.calls_since or goal.baseline is None or goal.current is None:
        return GoalState.NOT_YET
    elapsed = (now - goal.starts_at) / (end - goal.starts_at)
    return GoalState.ON_TRACK if goal.progress >= min(1.0, elapsed) else GoalState.NOT_YET


def update_goal(goal: Goal, *, now: dt.datetime | None = None) -> None:
    """Refresh the baseline, the current value, the state and the impact from the calls."""
    now = now or utcnow()
    spec = measures.METRICS[goal.metric]
    was = goal.state
    _measure_baseline(goal)
    values = measures.call_values(goal.metric, goal.microskill, [goal.advisor_id],
                                  goal.starts_at, min(now + dt.timedelta(seconds=1), due_end(goal)))
    goal.current = measures.value_of(values)
    goal.calls_since = len(values)
    goal.state = _state(goal, spec, now)
    if goal.state is GoalState.ACHIEVED:
        goal.achieved_at = goal.achieved_at or now
    else:
        goal.achieved_at = None
        goal.shared = False
    found = goal_impact(goal, now=now)
    goal.impact, goal.impact_low, goal.impact_high = found.estimate, found.low, found.high
    goal.impact_note = found.reason
    goal.impact_detail = found.to_dict()
    goal.updated_at = now
    if goal.state is GoalState.ACHIEVED and was is not GoalState.ACHIEVED:
        text = f"Goal achieved: {describe(goal)}."
        notify(goal.advisor, text, ("sessions.goal", {"goal_id": goal.id}))
        if goal.session.coach is not None:
            notify(goal.session.coach, f"{goal.advisor.name}: {text}",
                   ("sessions.goal", {"goal_id": goal.id}))
    db.session.flush()


def lock_goals(advisor_id: int, team_id: int | None) -> None:
    """Refresh a team's goals one worker at a time: two of its calls finishing together
    would otherwise each count the goals without the other's call, and the later write
    would lose one of them (every goal of the team may read the call, as comparison)."""
    hold_lock("goals", team_id if team_id is not None else -advisor_id)


def update_goals_of(advisor_id: int, *, now: dt.datetime | None = None) -> int:
    """Refresh every goal of the advisor that is open or was due in the last week."""
    now = now or utcnow()
    recent = (now - dt.timedelta(days=7)).date()
    goals = db.session.scalars(sa.select(Goal).where(Goal.advisor_id == advisor_id,
                                                     Goal.due_on >= recent)).all()
    for goal in goals:
        update_goal(goal, now=now)
    return len(goals)


def update_goals_for_call(recording: Recording, *, now: dt.datetime | None = None) -> int:
    """After one of ``recording``'s advisor's calls changed: their goals, and the goals of
    teammates whose impact windows hold the call (it is in their comparison group)."""
    if recording.advisor_id is None:
        return 0
    now = now or utcnow()
    lock_goals(recording.advisor_id, recording.team_id)
    count = update_goals_of(recording.advisor_id, now=now)
    if recording.team_id is None:
        return count
    days = dt.timedelta(days=impact_days())
    called = recording.called_at
    teammates = db.session.scalars(
        sa.select(Goal).join(User, User.id == Goal.advisor_id)
        .where(User.team_id == recording.team_id, Goal.advisor_id != recording.advisor_id,
               Goal.starts_at > called - days, Goal.starts_at <= called + days))
    for goal in teammates:
        update_goal(goal, now=now)
        count += 1
    return count


def forget_recording(recording: Recording) -> None:
    """A deleted call stops counting toward its advisor's goals (``recording_deleted``: sent
    before the row goes, in the same transaction)."""
    if recording.advisor_id is None:
        return
    db.session.execute(sa.delete(RecordingSkillSummary)
                       .where(RecordingSkillSummary.recording_id == recording.id))
    db.session.flush()
    update_goals_for_call(recording)


# --- impact -----------------------------------------------------------------------------------


def comparison_advisors(goal: Goal) -> list[int]:
    """The advisor's teammates who were not coached on the goal's metric around the session:
    no goal on it and (for a microskill) no session that focused on, discussed or practised
    it, from ``impact_days`` before to ``impact_days`` after."""
    advisor = goal.advisor
    if advisor.team_id is None:
        return []
    days = dt.timedelta(days=impact_days())
    start, end = goal.starts_at - days, goal.starts_at + days
    teammates = set(db.session.scalars(sa.select(User.id).where(
        User.team_id == advisor.team_id, User.role == Role.ADVISOR, User.id != advisor.id)))
    coached_query = sa.select(Goal.advisor_id).where(
        Goal.metric == goal.metric, Goal.starts_at >= start, Goal.starts_at < end)
    if goal.microskill:
        coached_query = coached_query.where(Goal.microskill == goal.microskill)
    coached = set(db.session.scalars(coached_query))
    if goal.microskill:
        coached |= set(db.session.scalars(
            sa.select(CoachingSession.advisor_id).join(SessionSkill).where(
                SessionSkill.code == goal.microskill,
                CoachingSession.state.in_([SessionState.HELD, SessionState.ACKNOWLEDGED]),
                CoachingSession.held_at >= start, CoachingSession.held_at < end)))
    return sorted(teammates - coached)


def stored_impact(goal: Goal) -> measures.Impact:
    """The impact as the last update of the goal worked it out (every call of the advisor or
    of a teammate in the windows updates it); computed now for a goal never updated."""
    if goal.impact_detail:
        return measures.Impact.from_dict(goal.impact_detail)
    return goal_impact(goal)


def goal_impact(goal: Goal, *, now: dt.datetime | None = None) -> measures.Impact:
    now = now or utcnow()
    days = dt.timedelta(days=impact_days())
    before, split, after = goal.starts_at - days, goal.starts_at, min(goal.starts_at + days, now)
    team_id = goal.advisor.team_id

    def calls(ids, start, end):
        return measures.call_values(goal.metric, goal.microskill, ids, start, end,
                                    team_id=team_id)

    others = comparison_advisors(goal)
    return measures.impact_of(calls([goal.advisor_id], before, split),
                              calls([goal.advisor_id], split, after),
                              calls(others, before, split), calls(others, split, after))


# --- evidence ---------------------------------------------------------------------------------


@dataclass(slots=True)
class EvidenceMoment:
    recording_id: int
    title: str
    called_at: dt.datetime
    start: float
    text: str
    quote: bool = True  # ``text`` is what was said (else a note about the call)


@dataclass(slots=True)
class GoalEvidence:
    appeared: list[EvidenceMoment]  # at most EVIDENCE_SHOWN, the most recent calls first
    missed: list[EvidenceMoment]
    appeared_label: str
    missed_label: str
    appeared_total: int = 0  # in the calls looked at
    missed_total: int = 0
    calls: int = 0  # calls looked at: the latest EVIDENCE_CALLS at most


def _evidence(appeared, missed, appeared_label, missed_label) -> GoalEvidence:
    return GoalEvidence(appeared[:EVIDENCE_SHOWN], missed[:EVIDENCE_SHOWN], appeared_label,
                        missed_label, len(appeared), len(missed))


def _later_recordings(goal: Goal, viewer: User) -> list[Recording]:
    """The advisor's latest EVIDENCE_CALLS counted calls since the session the viewer sees."""
    return list(db.session.scalars(
        sa.select(Recording).join(RecordingSkillSummary,
                                  RecordingSkillSummary.recording_id == Recording.id)
        .where(Recording.advisor_id == goal.advisor_id, Recording.called_at >= goal.starts_at,
               Recording.called_at < due_end(goal),
               Recording.id.in_(access.visible_recording_ids(viewer)))
        .order_by(Recording.called_at.desc()).limit(EVIDENCE_CALLS)))


def _moments(recordings: dict[int, Recording], codes: tuple[str, ...]) -> list[EvidenceMoment]:
    """Segments carrying one of ``codes``, the most recent calls first."""
    rows = db.session.execute(
        sa.select(TranscriptSegment).join(UtteranceTag,
                                          UtteranceTag.segment_id == TranscriptSegment.id)
        .where(UtteranceTag.recording_id.in_(list(recordings)), UtteranceTag.code.in_(codes),
               UtteranceTag.status != TagStatus.REJECTED)
        .distinct()).scalars()
    moments = [_moment(recordings[s.recording_id], s.start, s.text) for s in rows]
    return sorted(moments, key=_recent_first)


def _recent_first(moment: EvidenceMoment) -> tuple:
    return (-moment.called_at.timestamp(), moment.start)


def _moment(recording: Recording, start: float, text: str, quote: bool = True) -> EvidenceMoment:
    return EvidenceMoment(recording.id, recording.display_title, recording.called_at, start, text,
                          quote)


def goal_evidence(goal: Goal, viewer: User) -> GoalEvidence:
    """The later calls' moments where the skill appeared and where it was missed, as far as
    ``viewer`` may see the calls, the most recent first."""
    recordings = {r.id: r for r in _later_recordings(goal, viewer)}
    if not recordings:
        return GoalEvidence([], [], "", "")
    found = _goal_evidence(goal, recordings)
    found.calls = len(recordings)
    return found


def _goal_evidence(goal: Goal, recordings: dict[int, Recording]) -> GoalEvidence:
    if goal.metric == "skill_rate":
        appeared = _moments(recordings, (goal.microskill,))
        with_it = {m.recording_id for m in appeared}
        missed = [_moment(r, 0.0, "Not used in this call", False) for r in recordings.values()
                  if r.id not in with_it]
        return _evidence(appeared, sorted(missed, key=_recent_first), "Where it was used",
                         "Calls without it")
    if goal.metric in ("empathy_share", "objections_handled"):
        return _answer_evidence(goal, recordings)
    spec = measures.METRICS[goal.metric]

    def seconds(r: Recording):
        return (r.talk_time or {}).get(spec.talk_key)

    counted = [r for r in recordings.values() if seconds(r) is not None]
    # each call opens where its figure comes from (its longest dead air, say)
    transcripts = load_transcripts(counted)
    at = {r.id: moment_of(transcripts[r.id], spec.talk_key) or 0.0 for r in counted}
    beyond = [_moment(r, at[r.id], spec.format(seconds(r)), False)
              for r in sorted(counted, key=lambda r: -seconds(r))
              if not spec.meets(seconds(r), goal.target)]
    within = [_moment(r, at[r.id], spec.format(seconds(r)), False)
              for r in sorted(counted, key=seconds) if spec.meets(seconds(r), goal.target)]
    return _evidence(within, beyond, "Calls within the target", "Calls beyond the target")


def _answer_evidence(goal: Goal, recordings: dict[int, Recording]) -> GoalEvidence:
    """The customer's frustration moments (or objections) the advisor answered, and those
    they did not, by the rules the metric counts with (microskills.profile)."""
    from microskills.profile import _missed_opportunities, _timeline

    tags = db.session.execute(
        sa.select(UtteranceTag, TranscriptSegment)
        .join(TranscriptSegment, TranscriptSegment.id == UtteranceTag.segment_id)
        .where(UtteranceTag.recording_id.in_(list(recordings)),
               UtteranceTag.status != TagStatus.REJECTED)).all()
    timeline = _timeline(sorted(recordings.values(), key=lambda r: r.called_at), tags)
    missed_all, _answered, _handled = _missed_opportunities(timeline)
    empathy = goal.metric == "empathy_share"
    prefix = "Frustration" if empathy else "Objection"
    missed_ids = {m.segment_id for m in missed_all if m.note.startswith(prefix)}

    def counts(codes: set[str]) -> bool:
        return "frustration" in codes if empathy else any(
            c.startswith("objection.") for c in codes)

    appeared, missed = [], []
    for recording, rows in timeline:
        for segment, codes in rows:
            if segment.speaker == "customer" and counts(codes):
                target = missed if segment.id in missed_ids else appeared
                target.append(_moment(recording, segment.start, segment.text))
    return _evidence(sorted(appeared, key=_recent_first), sorted(missed, key=_recent_first),
                     "Answered with empathy" if empathy else "Objections answered",
                     "Not answered")


# --- reading ----------------------------------------------------------------------------------


def visible_goals(viewer: User) -> sa.Select:
    """Goals of the sessions the viewer sees."""
    return sa.select(Goal).where(Goal.session_id.in_(
        visible_sessions(viewer).with_only_columns(CoachingSession.id)))


def get_visible_goal(viewer: User, goal_id: int) -> Goal:
    return access.one_visible(visible_goals(viewer).where(Goal.id == goal_id))


def open_goals_of(advisor: User) -> list[Goal]:
    return list(db.session.scalars(
        sa.select(Goal).where(Goal.advisor_id == advisor.id,
                              Goal.state.in_([GoalState.NOT_YET, GoalState.ON_TRACK]))
        .order_by(Goal.due_on)))
