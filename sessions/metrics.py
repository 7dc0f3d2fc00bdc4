"""Session metrics per coach and per team, month by month, over the sessions the viewer
sees (a coach: the sessions they ran; admins: all): sessions held, share uninterrupted,
microskills discussed and practised per session, goals set and achieved, coaching impact,
acknowledgement rate and delay, and whether the advisor had looked at their own metrics
(start page or profile) in the week before the session."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from dataclasses import dataclass, field

import sqlalchemy as sa

from coachlab import timezones
from coachlab.activity import OWN_METRICS_PAGES, PageView
from coachlab.auth.models import User
from coachlab.db import db, utcnow
from sessions import measures
from sessions.access import visible_sessions
from sessions.models import CoachingSession, Goal, GoalState, SessionState

AWARE_DAYS = 7


@dataclass(slots=True)
class Figures:
    """Totals for one group (a coach, a team, everyone) over some sessions."""

    held: int = 0
    uninterrupted: int = 0
    discussed: int = 0  # microskills, summed over the sessions
    practised: int = 0
    goals_set: int = 0
    goals_achieved: int = 0
    acknowledged: int = 0
    ack_hours: list[float] = field(default_factory=list)
    aware: int = 0
    impacts: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    clearly_better: int = 0  # goals whose impact interval lies wholly on the better side

    def share(self, part: int) -> float | None:
        return part / self.held if self.held else None

    def per_session(self, total: int) -> float | None:
        return total / self.held if self.held else None

    @property
    def ack_delay_hours(self) -> float | None:
        return statistics.median(self.ack_hours) if self.ack_hours else None

    def impact_lines(self) -> list[tuple[measures.Metric, int, float]]:
        """(metric, goals with an impact, mean impact) for each metric with goals."""
        return [(measures.METRICS[key], len(values), statistics.fmean(values))
                for key, values in sorted(self.impacts.items())]


@dataclass(slots=True)
class Report:
    months: list[dt.date]  # first days of the months, oldest first
    overall: Figures
    by_month: dict[dt.date, Figures]
    by_coach: dict[str, Figures]
    by_team: dict[str, Figures]
    coach_months: dict[str, dict[dt.date, int]]  # sessions held per coach per month


def _month(value: dt.datetime) -> dt.date:
    return timezones.to_local(value).date().replace(day=1)


def _months_back(today: dt.date, count: int) -> list[dt.date]:
    first = today.replace(day=1)
    out = []
    for _ in range(count):
        out.append(first)
        first = (first - dt.timedelta(days=1)).replace(day=1)
    return out[::-1]


def session_metrics(viewer: User, *, months: int = 6,
                    now: dt.datetime | None = None) -> Report:
    now = now or utcnow()
    month_list = _months_back(timezones.to_local(now).date(), months)
    since = timezones.local_day_start(month_list[0])
    sessions = db.session.scalars(
        visible_sessions(viewer)
        .where(CoachingSession.state.in_([SessionState.HELD, SessionState.ACKNOWLEDGED]),
               CoachingSession.held_at >= since)
        .options(sa.orm.selectinload(CoachingSession.skills),
                 sa.orm.selectinload(CoachingSession.goals),
                 sa.orm.joinedload(CoachingSession.coach),
                 sa.orm.joinedload(CoachingSession.team))).unique().all()
    views = _own_metric_views({s.advisor_id for s in sessions},
                              since - dt.timedelta(days=AWARE_DAYS))
    report = Report(month_list, Figures(), {m: Figures() for m in month_list}, {}, {},
                    defaultdict(lambda: dict.fromkeys(month_list, 0)))
    for session in sessions:
        month = _month(session.held_at)
        coach = session.coach.name if session.coach else "(coach removed)"
        team = session.team.name if session.team else "(no team)"
        groups = [report.overall, report.by_month.setdefault(month, Figures()),
                  report.by_coach.setdefault(coach, Figures()),
                  report.by_team.setdefault(team, Figures())]
        if month in report.coach_months[coach]:
            report.coach_months[coach][month] += 1
        for figures in groups:
            _add(figures, session, views.get(session.advisor_id, []))
    report.coach_months = dict(report.coach_months)
    return report


def _own_metric_views(advisor_ids: set[int], since: dt.datetime) -> dict[int, list]:
    if not advisor_ids:
        return {}
    views: dict[int, list] = defaultdict(list)
    for user_id, first_at in db.session.execute(
            sa.select(PageView.user_id, PageView.first_at).where(
                PageView.user_id.in_(advisor_ids), PageView.page.in_(OWN_METRICS_PAGES),
                PageView.day >= since.date())):
        views[user_id].append(first_at if first_at.tzinfo else first_at.replace(tzinfo=dt.UTC))
    return views


def _add(figures: Figures, session: CoachingSession, views: list[dt.datetime]) -> None:
    figures.held += 1
    figures.uninterrupted += not session.interrupted
    figures.discussed += sum(1 for s in session.skills if s.discussed)
    figures.practised += sum(1 for s in session.skills if s.practised)
    figures.goals_set += len(session.goals)
    figures.goals_achieved += sum(1 for g in session.goals if g.state is GoalState.ACHIEVED)
    if session.acknowledged_at is not None:
        figures.acknowledged += 1
        figures.ack_hours.append((session.acknowledged_at - session.held_at).total_seconds()
                                 / 3600)
    window = session.held_at - dt.timedelta(days=AWARE_DAYS)
    figures.aware += any(window <= v < session.held_at for v in views)
    for goal in session.goals:
        _add_impact(figures, goal)


def _add_impact(figures: Figures, goal: Goal) -> None:
    if goal.impact is None:
        return
    spec = measures.METRICS[goal.metric]
    figures.impacts[goal.metric].append(goal.impact)
    low, high = goal.impact_low, goal.impact_high
    if low is not None and high is not None and (
            (spec.higher_is_better and low > 0) or (not spec.higher_is_better and high < 0)):
        figures.clearly_better += 1


def chart_data(report: Report) -> dict:
    """Chart.js data: sessions held per coach a month, and the shares a month."""
    labels = [timezones.format_month(m) for m in report.months]

    def pct(part: int, figures: Figures) -> float | None:
        return round(100 * part / figures.held) if figures.held else None

    return {
        "labels": labels,
        "held": [{"label": coach, "data": [counts[m] for m in report.months]}
                 for coach, counts in sorted(report.coach_months.items())],
        "shares": [
            {"label": "Uninterrupted", "data": [pct(report.by_month[m].uninterrupted,
                                                    report.by_month[m]) for m in report.months]},
            {"label": "Acknowledged", "data": [pct(report.by_month[m].acknowledged,
                                                   report.by_month[m]) for m in report.months]},
            {"label": "Aware of own metrics", "data": [pct(report.by_month[m].aware,
                                                           report.by_month[m])
                                                       for m in report.months]},
        ],
    }
