"""The sessions package's cards on the start pages, and its part of "last reviewed"."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask import render_template
from markupsafe import Markup

from coachlab.auth.models import Role, User
from coachlab.db import db, utcnow
from coachlab.plugins import HomeCard
from sessions import service
from sessions.models import CoachingSession, SessionState


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


CARDS = (
    HomeCard("sessions.coach", frozenset({Role.COACH.value}), coach_sessions, order=15),
    HomeCard("sessions.advisor", frozenset({Role.ADVISOR.value}), advisor_sessions, order=15),
)
