"""Who sees and changes coaching sessions, their feedback and the team's published praise.

Improvement points and shared notes are for the session's advisor, its coach and admins;
the coach's private notes for the coach and admins. Praise reaches the team only when the
coach publishes a positive point.
"""

from __future__ import annotations

import sqlalchemy as sa

from coachlab import access
from coachlab.access import Rule, is_coach_of, member_team_ids
from coachlab.auth.models import Role, Team, User
from sessions.models import CoachingSession, FeedbackPoint, Goal, SessionState, Slot


def visible_sessions(user: User) -> sa.Select:
    """Admins all; a coach the sessions they run; an advisor their own."""
    query = sa.select(CoachingSession)
    if user.role is Role.ADMIN:
        return query
    if user.role is Role.COACH:
        return query.where(CoachingSession.coach_id == user.id)
    return query.where(CoachingSession.advisor_id == user.id)


def get_visible_session(user: User, session_id: int) -> CoachingSession:
    return access.one_visible(visible_sessions(user).where(CoachingSession.id == session_id))


def can_create_for(user: User, advisor: User) -> bool:
    return user.role is Role.COACH and advisor.active and is_coach_of(user, advisor)


def can_change(user: User, session: CoachingSession) -> bool:
    return (user.role is Role.COACH and session.coach_id == user.id
            and session.state is not SessionState.CANCELLED
            and session.state is not SessionState.ACKNOWLEDGED)


def can_acknowledge(user: User, session: CoachingSession) -> bool:
    return session.advisor_id == user.id and session.state is SessionState.HELD


def published_praise(user: User) -> sa.Select:
    """Positive points published to a team the viewer belongs to (admins: every team)."""
    query = (sa.select(FeedbackPoint).join(CoachingSession)
             .where(FeedbackPoint.published.is_(True),
                    FeedbackPoint.slot.in_([Slot.OPENING, Slot.CLOSING]),
                    CoachingSession.state.in_([SessionState.HELD, SessionState.ACKNOWLEDGED])))
    if user.role is Role.ADMIN:
        return query
    return query.where(CoachingSession.team_id.in_(sorted(member_team_ids(user))))


def can_see_team_praise(user: User, team: Team) -> bool:
    return user.role is Role.ADMIN or team.id in member_team_ids(user)


def can_set_goal(user: User, session: CoachingSession) -> bool:
    """The session's coach (unless it was cancelled); sessions.goals also refuses, with a
    message, a goal for an advisor the coach no longer coaches."""
    return (user.role is Role.COACH and session.coach_id == user.id
            and session.state is not SessionState.CANCELLED)


def can_share_goal(user: User, goal: Goal) -> bool:
    return goal.advisor_id == user.id


def can_see_session_metrics(user: User, _kind) -> bool:
    return user.role in (Role.ADMIN, Role.COACH)


RULES = (
    Rule("coaching session", "create", "Coaches, for the active advisors of the teams they "
         "lead.", can_create_for),
    Rule("coaching session", "see (agenda, feedback, shared notes)", "Its advisor, its coach "
         "and admins. Improvement points never show anywhere else.",
         lambda user, session: access.among(visible_sessions(user), session)),
    Rule("coaching session", "see private notes of", "Its coach and admins.",
         lambda user, session: user.role is Role.ADMIN or session.coach_id == user.id),
    Rule("coaching session", "change, run, mark held", "Its coach, until it is acknowledged "
         "or cancelled; every change once held is kept as history.", can_change),
    Rule("coaching session", "acknowledge", "Its advisor, once it is held.", can_acknowledge),
    Rule("published praise", "see", "The members and coaches of the team, admins.",
         can_see_team_praise),
    Rule("coaching session", "export", "Admins (everything); coaches (the sessions they run, "
         "positive points only).", lambda user, _kind: user.role in (Role.ADMIN, Role.COACH)),
    Rule("goal", "see (value, evidence, impact)", "Whoever sees its session: the advisor, the "
         "session's coach, admins; evidence only from calls the viewer may see.",
         lambda user, goal: access.among(visible_sessions(user), goal.session)),
    Rule("goal", "set, remove", "The session's coach; a new goal only while they coach the "
         "advisor.",
         can_set_goal),
    Rule("goal", "share with the team", "Its advisor, once it is achieved.", can_share_goal),
    Rule("session metrics", "see", "Admins (every coach and team); coaches (their own sessions "
         "and the teams they lead).", can_see_session_metrics),
)
