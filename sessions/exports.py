"""Exports of sessions, feedback and goals:
``coachlab export sessions|feedback|goals --format csv|json``
(stdout, everything: it runs with the server's rights) and the same as downloads, where a
coach gets the sessions they run with positive points only (improvement points stay
between the advisor, their coach and admins) and an admin gets everything."""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from flask import Response, abort, request
from flask_login import current_user, login_required

from coachlab import access, timezones
from coachlab.auth.models import Role, User
from coachlab.db import db
from coachlab.exports import render
from coachlab.plugins import Export
from sessions.access import visible_sessions
from sessions.models import CoachingSession, Slot
from sessions.views import bp

SESSION_FIELDS = ("session_id", "advisor", "coach", "team", "state", "scheduled_at",
                  "length_minutes", "focus", "discussed", "practised", "interrupted",
                  "interruptions", "held_at", "acknowledge_by", "acknowledged_at")
FEEDBACK_FIELDS = ("session_id", "advisor", "coach", "kind", "position", "text", "microskill",
                   "evidence", "published", "held_at")
# shares (empathy_share, objections_handled) are fractions 0..1; talk metrics seconds;
# a microskill's rate uses per call. impact is the difference in differences (sessions.measures)
GOAL_FIELDS = ("advisor", "session_id", "metric", "microskill", "baseline", "target", "current",
               "state", "calls_since", "impact", "impact_low", "impact_high", "goal_id",
               "due_on")
WHAT = ("sessions", "feedback", "goals")


def _iso(value) -> str:
    return value.isoformat(timespec="seconds") if value else ""


def session_rows(sessions: Iterable[CoachingSession]) -> list[dict]:
    return [{
        "session_id": s.id, "advisor": s.advisor.email, "coach": s.coach.email if s.coach else "",
        "team": s.team.name if s.team else "", "state": s.state.value,
        "scheduled_at": _iso(s.scheduled_at), "length_minutes": s.length_minutes,
        "focus": " ".join(s.focus_codes),
        "discussed": " ".join(k.code for k in s.skills if k.discussed),
        "practised": " ".join(k.code for k in s.skills if k.practised),
        "interrupted": s.interrupted, "interruptions": s.interruptions,
        "held_at": _iso(s.held_at), "acknowledge_by": _iso(s.acknowledge_by),
        "acknowledged_at": _iso(s.acknowledged_at),
    } for s in sessions]


def feedback_rows(sessions: Iterable[CoachingSession], *, improvements: bool) -> list[dict]:
    rows = []
    for s in sessions:
        for p in s.points:
            if p.slot is Slot.IMPROVEMENT and not improvements:
                continue
            rows.append({
                "session_id": s.id, "advisor": s.advisor.email,
                "coach": s.coach.email if s.coach else "", "kind": p.kind.value,
                "position": p.position, "text": p.text, "microskill": p.microskill,
                "evidence": p.evidence, "published": p.published, "held_at": _iso(s.held_at),
            })
    return rows


def _number(value: float | None) -> float | None:
    """Rounded; None stays None (null in JSON, an empty cell in CSV)."""
    return None if value is None else round(value, 4)


def goal_rows(sessions: Iterable[CoachingSession]) -> list[dict]:
    return [{
        "advisor": s.advisor.email, "session_id": s.id, "metric": g.metric,
        "microskill": g.microskill, "baseline": _number(g.baseline),
        "target": _number(g.target), "current": _number(g.current), "state": g.state.value,
        "calls_since": g.calls_since, "impact": _number(g.impact),
        "impact_low": _number(g.impact_low), "impact_high": _number(g.impact_high),
        "goal_id": g.id, "due_on": g.due_on.isoformat() if g.due_on else "",
    } for s in sessions for g in s.goals]


def export(what: str, fmt: str, sessions: list[CoachingSession], *, improvements: bool) -> str:
    if what == "sessions":
        return render(session_rows(sessions), SESSION_FIELDS, fmt)
    if what == "goals":
        return render(goal_rows(sessions), GOAL_FIELDS, fmt)
    return render(feedback_rows(sessions, improvements=improvements), FEEDBACK_FIELDS, fmt)


def _all_sessions(query: sa.Select) -> list[CoachingSession]:
    return list(db.session.scalars(query.order_by(CoachingSession.id)))


def _everything() -> list[CoachingSession]:
    return _all_sessions(sa.select(CoachingSession))


EXPORTS = (
    Export("sessions", "every coaching session", SESSION_FIELDS,
           lambda options: session_rows(_everything())),
    Export("feedback", "every feedback point", FEEDBACK_FIELDS,
           lambda options: feedback_rows(_everything(), improvements=True)),
    Export("goals", "every goal", GOAL_FIELDS, lambda options: goal_rows(_everything())),
)


@bp.get("/export.<fmt>")
@login_required
def download(fmt: str) -> Response:
    what = request.args.get("what", "sessions")
    if fmt not in ("csv", "json") or what not in WHAT:
        abort(404)
    user: User = current_user
    access.require(user, "export", "coaching session", what)
    sessions = _all_sessions(visible_sessions(user))
    body = export(what, fmt, sessions, improvements=user.role is Role.ADMIN)
    stamp = timezones.local_now().strftime("%Y%m%d")
    return Response(body, mimetype="text/csv" if fmt == "csv" else "application/json",
                    headers={"Content-Disposition":
                             f'attachment; filename="coachlab-{what}-{stamp}.{fmt}"'})

