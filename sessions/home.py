"""The sessions package's cards on the start pages, and its part of "last reviewed"."""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass

import sqlalchemy as sa
from flask import render_template
from markupsafe import Markup

from coachlab import timezones
from coachlab.auth.models import Role, User
from coachlab.db import db, utcnow
from coachlab.plugins import HomeCard
from coachlab.recordings.models import Recording
from microskills.models import RecordingSkillSummary
from microskills.profile import MIN_TEAM_FOR_COMPARISON
from microskills.service import skill_names
from sessions import goals, measures, service, team
from sessions.models import CoachingSession, SessionState

DAY_SKILLS = 5  # microskills on the "your day" card: the goals' first, then the most used
TEAM_ROWS = 5


def coach_sessions(user: User, since: dt.datetime) -> Markup:
    return Markup(render_template(
        "sessions/home/coach.html", upcoming=service.upcoming_for_coach(user),
        waiting=service.unacknowledged_for_coach(user), now=utcnow()))


def advisor_sessions(user: User, since: dt.datetime) -> Markup:
    return Markup(render_template(
        "sessions/home/advisor.html", next_session=service.next_for_advisor(user),
        latest=service.latest_feedback_for_advisor(user)))


def last_sessions(advisor_ids: list[int]) -> dict[int, dt.datetime]:
    """A session held with the advisor is a review."""
    if not advisor_ids:
        return {}
    rows = db.session.execute(
        sa.select(CoachingSession.advisor_id, sa.func.max(CoachingSession.held_at))
        .where(CoachingSession.advisor_id.in_(advisor_ids),
               CoachingSession.state.in_([SessionState.HELD, SessionState.ACKNOWLEDGED]))
        .group_by(CoachingSession.advisor_id))
    return {a: (w.replace(tzinfo=dt.UTC) if w.tzinfo is None else w) for a, w in rows if w}


# --- the advisor's own day ---------------------------------------------------------------------


@dataclass(slots=True)
class DayRate:
    code: str
    name: str
    week: float
    baseline: float | None
    team_median: float | None


@dataclass(slots=True)
class Day:
    today: int
    week: int
    baseline_calls: int
    rates: list[DayRate]
    nps: float | None  # % promoters - % detractors of this week's calls with a score
    nps_count: int
    csat: float | None
    csat_count: int
    team_compared: bool


def _per_call(rows, code: str) -> float | None:
    return (sum((counts or {}).get(code, 0) for counts in rows) / len(rows)) if rows else None


def day_figures(user: User, now: dt.datetime | None = None) -> Day:
    """Today's and this week's calls (in the user's zone) and their microskill rates against
    the user's own 30 days before this week and the team's median over the last 30 days."""
    now = now or utcnow()
    zone = timezones.zone_of(user)
    today = timezones.local_day_start(timezones.to_local(now, zone).date(), zone)
    week = timezones.local_day_start(timezones.week_start(now, zone), zone)
    base_start = week - dt.timedelta(days=goals.baseline_days())
    calls = db.session.execute(
        sa.select(Recording.called_at, Recording.nps, Recording.csat,
                  RecordingSkillSummary.skill_counts)
        .outerjoin(RecordingSkillSummary, RecordingSkillSummary.recording_id == Recording.id)
        .where(Recording.advisor_id == user.id, Recording.called_at >= base_start)).all()
    this_week = [c for c in calls if _utc(c.called_at) >= week]
    week_counts = [c.skill_counts for c in this_week if c.skill_counts is not None]
    base_counts = [c.skill_counts for c in calls
                   if _utc(c.called_at) < week and c.skill_counts is not None]
    names = skill_names()
    used: dict[str, float] = {}
    for counts in week_counts:
        for code, n in counts.items():
            used[code] = used.get(code, 0) + n
    wanted = [g.microskill for g in goals.open_goals_of(user) if g.microskill]
    codes = list(dict.fromkeys(wanted + sorted(used, key=lambda c: -used[c])))[:DAY_SKILLS]
    medians = _team_medians(user, codes, now) if codes else None
    rates = [DayRate(code, names.get(code, code), _per_call(week_counts, code) or 0.0,
                     _per_call(base_counts, code),
                     medians.get(code) if medians is not None else None) for code in codes]
    scores = [c.nps for c in this_week if c.nps is not None]
    csats = [c.csat for c in this_week if c.csat is not None]
    return Day(
        today=sum(1 for c in this_week if _utc(c.called_at) >= today), week=len(this_week),
        baseline_calls=len(base_counts), rates=rates,
        nps=(100 * (sum(s >= 9 for s in scores) - sum(s <= 6 for s in scores)) / len(scores)
             if scores else None), nps_count=len(scores),
        csat=sum(csats) / len(csats) if csats else None, csat_count=len(csats),
        team_compared=medians is not None)


def _utc(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _team_medians(user: User, codes: list[str], now: dt.datetime) -> dict[str, float] | None:
    """The median per-call rate of each code among the team's advisors over the last 30
    days (numbers only), or None when fewer than MIN_TEAM_FOR_COMPARISON advisors had calls."""
    if user.team_id is None:
        return None
    per_advisor: dict[int, list[dict]] = {}
    for advisor_id, counts in db.session.execute(
            sa.select(Recording.advisor_id, RecordingSkillSummary.skill_counts)
            .join(RecordingSkillSummary, RecordingSkillSummary.recording_id == Recording.id)
            .where(Recording.team_id == user.team_id,
                   Recording.called_at >= now - dt.timedelta(days=30),
                   RecordingSkillSummary.skill_counts.is_not(None))):
        per_advisor.setdefault(advisor_id, []).append(counts)
    if len(per_advisor) < MIN_TEAM_FOR_COMPARISON:
        return None
    return {code: statistics.median(_per_call(rows, code) for rows in per_advisor.values())
            for code in codes}


def advisor_day(user: User, since: dt.datetime) -> Markup:
    return Markup(render_template("sessions/home/day.html", day=day_figures(user), user=user))


def advisor_goals(user: User, since: dt.datetime) -> Markup | None:
    found = goals.open_goals_of(user) + _recently_achieved(user)
    if not found:
        return None
    names = skill_names()
    return Markup(render_template(
        "sessions/home/goals.html", goals=found, specs=measures.METRICS,
        titles={g.id: measures.metric_name(g.metric, g.microskill, names) for g in found}))


def _recently_achieved(user: User) -> list:
    from sessions.models import Goal, GoalState

    return list(db.session.scalars(
        sa.select(Goal).where(Goal.advisor_id == user.id, Goal.state == GoalState.ACHIEVED,
                              Goal.achieved_at >= utcnow() - dt.timedelta(days=14))
        .order_by(Goal.achieved_at.desc()).limit(3)))


def coach_team(user: User, since: dt.datetime) -> Markup | None:
    if not user.led_teams:
        return None
    rows = [r for r in team.team_rows(user) if r.reasons]
    achieved = team.recent_achievements(user)
    return Markup(render_template("sessions/home/team.html", rows=rows[:TEAM_ROWS],
                                  more=max(0, len(rows) - TEAM_ROWS), achieved=achieved[:3],
                                  quiet_days=team.QUIET_DAYS))


CARDS = (
    HomeCard("sessions.coach", frozenset({Role.COACH.value}), coach_sessions, order=15),
    HomeCard("sessions.advisor", frozenset({Role.ADVISOR.value}), advisor_sessions, order=15),
    HomeCard("sessions.day", frozenset({Role.ADVISOR.value}), advisor_day, order=5),
    HomeCard("sessions.goals", frozenset({Role.ADVISOR.value}), advisor_goals, order=12),
    HomeCard("sessions.team", frozenset({Role.COACH.value}), coach_team, order=12),
)
