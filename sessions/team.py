"""The coach's team view: who needs a session now, and recent achievements. Each reason
links to its evidence (the goal, the session waiting for acknowledgement, a new session)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import sqlalchemy as sa

from coachlab import access
from coachlab.auth.models import Role, User
from coachlab.db import db, utcnow
from microskills.service import skill_names
from sessions import measures
from sessions.access import visible_sessions
from sessions.goals import visible_goals
from sessions.models import CoachingSession, Goal, GoalState, SessionState

QUIET_DAYS = 30  # no session held for this long: the advisor is listed
ACHIEVEMENTS_DAYS = 30
# a goal behind the pace is "off track" once this many calls say so, not after the first
OFF_TRACK_MIN_CALLS = 3


@dataclass(slots=True)
class Reason:
    text: str
    endpoint: str
    args: dict


@dataclass(slots=True)
class TeamRow:
    advisor: User
    last_held: dt.datetime | None
    reasons: list[Reason] = field(default_factory=list)


def _advisors(viewer: User) -> list[User]:
    return list(db.session.scalars(
        access.visible_advisors(viewer).where(User.role == Role.ADVISOR,
                                              User.active.is_(True)).order_by(User.name)))


def team_rows(viewer: User, now: dt.datetime | None = None) -> list[TeamRow]:
    """Every advisor the viewer coaches (admins: all), those who need a session first."""
    now = now or utcnow()
    advisors = _advisors(viewer)
    ids = [a.id for a in advisors]
    if not ids:
        return []
    held = (CoachingSession.state.in_([SessionState.HELD, SessionState.ACKNOWLEDGED]))
    last_held = dict(db.session.execute(
        sa.select(CoachingSession.advisor_id, sa.func.max(CoachingSession.held_at))
        .where(CoachingSession.advisor_id.in_(ids), held)
        .group_by(CoachingSession.advisor_id)).all())
    planned = set(db.session.scalars(sa.select(CoachingSession.advisor_id).where(
        CoachingSession.advisor_id.in_(ids),
        CoachingSession.state == SessionState.SCHEDULED, CoachingSession.scheduled_at >= now)))
    rows = {a.id: TeamRow(a, _aware(last_held.get(a.id))) for a in advisors}
    recent = (now - dt.timedelta(days=QUIET_DAYS)).date()
    names = skill_names()
    for goal in db.session.scalars(visible_goals(viewer).where(
            Goal.advisor_id.in_(ids), sa.or_(
                sa.and_(Goal.state == GoalState.NOT_YET,
                        Goal.calls_since >= OFF_TRACK_MIN_CALLS),
                sa.and_(Goal.state == GoalState.EXPIRED, Goal.due_on >= recent)))
            .order_by(Goal.due_on)):
        what = "expired" if goal.state is GoalState.EXPIRED else "not on track"
        rows[goal.advisor_id].reasons.append(Reason(
            f"Goal {what}: {measures.metric_name(goal.metric, goal.microskill, names)}",
            "sessions.goal", {"goal_id": goal.id}))
    for session in db.session.scalars(visible_sessions(viewer).where(
            CoachingSession.advisor_id.in_(ids), CoachingSession.state == SessionState.HELD,
            CoachingSession.acknowledge_by < now)):
        rows[session.advisor_id].reasons.append(Reason(
            "A session is not acknowledged", "sessions.detail", {"session_id": session.id}))
    quiet_since = now - dt.timedelta(days=QUIET_DAYS)
    for row in rows.values():
        if row.advisor.id not in planned and (row.last_held is None
                                              or row.last_held < quiet_since):
            reason = (f"No session in {QUIET_DAYS} days" if row.last_held
                      else "No session yet")
            if viewer.role is Role.COACH:
                row.reasons.append(Reason(reason, "sessions.new", {"advisor": row.advisor.id}))
            else:
                row.reasons.append(Reason(reason, "sessions.index", {}))
    return sorted(rows.values(), key=lambda r: (-len(r.reasons), r.advisor.name))


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    """SQLite gives back naive datetimes from an aggregate: read them as UTC."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value


def recent_achievements(viewer: User, now: dt.datetime | None = None) -> list[Goal]:
    now = now or utcnow()
    return list(db.session.scalars(
        visible_goals(viewer).where(Goal.state == GoalState.ACHIEVED,
                                    Goal.achieved_at >= now - dt.timedelta(
                                        days=ACHIEVEMENTS_DAYS))
        .options(sa.orm.joinedload(Goal.advisor))
        .order_by(Goal.achieved_at.desc()).limit(20)))
