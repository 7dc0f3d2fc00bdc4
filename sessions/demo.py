"""Demo sessions for ``seed-demo``: one held and acknowledged three weeks ago with a goal on
ownership (a full sandwich, one positive published, private notes; the six weeks of demo
history give the goal a baseline, later calls and an impact once the worker has processed
them), one held yesterday and waiting for acknowledgement, one scheduled."""

from __future__ import annotations

import datetime as dt

from coachlab.db import utcnow
from coachlab.demo.seed import COACHING_DAYS_AGO
from sessions import goals, service
from sessions.models import AgendaKind, Slot


def _days_ago(session, days: int) -> None:
    """Date a seeded session back, as if it had been held ``days`` ago."""
    when = utcnow() - dt.timedelta(days=days)
    session.scheduled_at = session.held_at = when
    session.acknowledge_by = service.acknowledgement_deadline(when)


def seed_sessions(demo: dict) -> list[str]:
    coach, advisor1, advisor2 = demo["coach"], demo["advisor1"], demo["advisor2"]
    calls = {r.advisor_id: [] for r in demo["recordings"]}
    for recording in demo["recordings"]:
        calls[recording.advisor_id].append(recording)
    made = []

    first_calls = calls.get(advisor1.id, [])
    # the session is held three weeks ago: its moments come from advisor1's calls before it
    held_at = utcnow() - dt.timedelta(days=COACHING_DAYS_AGO)
    earlier = [r for r in demo.get("history", [])
               if r.advisor_id == advisor1.id and r.called_at < held_at]
    good = next((r for r in earlier if "billing" in r.original_filename), None)
    hard = next((r for r in earlier if "delivery" in r.original_filename), None)
    if good is None or hard is None:  # no history (a trimmed demo): the newest calls
        good, hard = (first_calls + [None, None])[:2]
    if good is not None and hard is not None:
        session = service.create_session(coach=coach, advisor=advisor1, scheduled_at=utcnow(),
                                         length_minutes=30, focus=["W.empathy", "O.ownership"])
        service.add_stretch(session, good, 5.0, min(good.duration_s, 18.0), AgendaKind.OWN_GOOD,
                            acting=coach)
        service.add_stretch(session, hard, 0.0, min(hard.duration_s, 12.0), AgendaKind.MISTAKE,
                            acting=coach)
        for slot, text, code, call, second, published in (
                (Slot.OPENING, "You owned the double charge at once and said what you would "
                 "do: the customer relaxed straight away.", "O.ownership", good, 12.0, True),
                (Slot.IMPROVEMENT, "When the customer said it was the third call, name the "
                 "frustration before asking for the order number.", "W.empathy", hard, 6.0,
                 False),
                (Slot.CLOSING, "Clear next steps with a date: keep doing that.",
                 "M.expectation", good, 30.0, False)):
            service.add_point(session, acting=coach, slot=slot, text=text, microskill=code,
                              evidence=service.Evidence(recording=call, at_second=second),
                              published=published)
        service.record_run(session, service.RunRecord(
            discussed=("W.empathy", "O.ownership"), practised=("W.empathy", "O.ownership"),
            shared_notes="Practise naming the feeling first on the next three complaints.",
            private_notes="Ali takes feedback well; check in on workload next time.",
            help_answer="More examples from peers who handle repeat callers.",
            manage_answer="Flag the calls I am unsure about so we can review them."),
            acting=coach)
        service.mark_held(session, acting=coach)
        _days_ago(session, COACHING_DAYS_AGO)
        service.acknowledge(session, acting=advisor1,
                            reflection="I will name the feeling before asking for details.")
        session.acknowledged_at = session.held_at + dt.timedelta(hours=20)
        # measured as the worker processes the history: each call updates the goal
        goal = goals.set_goal(session, acting=coach, metric="skill_rate",
                              microskill="O.ownership", target=1.5,
                              due_on=(utcnow() + dt.timedelta(days=14)).date())
        made.append(f"session {session.id}: held {COACHING_DAYS_AGO} days ago and acknowledged "
                    f"with {advisor1.name}, goal {goal.id} on ownership")

    second_calls = calls.get(advisor2.id, [])
    if second_calls:
        call = second_calls[0]
        session = service.create_session(coach=coach, advisor=advisor2, scheduled_at=utcnow(),
                                         focus=["O.objection"])
        service.add_stretch(session, call, 0.0, min(call.duration_s, 15.0), AgendaKind.MISTAKE,
                            acting=coach)
        for slot, text, code, second in (
                (Slot.OPENING, "You stayed calm when the price rise came up.", "A.acknowledge",
                 4.0),
                (Slot.IMPROVEMENT, "Offer the alternative plan before the customer asks to "
                 "cancel.", "O.objection", 10.0),
                (Slot.CLOSING, "Your summary at the end was spot on.", "S.summary", 20.0)):
            service.add_point(session, acting=coach, slot=slot, text=text, microskill=code,
                              evidence=service.Evidence(recording=call, at_second=second))
        service.mark_held(session, acting=coach)
        _days_ago(session, 1)
        made.append(f"session {session.id}: held with {advisor2.name}, not acknowledged yet")

    coach2, advisor3 = demo.get("coach2"), demo.get("advisor3")
    if coach2 is not None and advisor3 is not None:
        start = (utcnow() + dt.timedelta(days=2)).replace(minute=0, second=0, microsecond=0)
        session = service.create_session(coach=coach2, advisor=advisor3, scheduled_at=start,
                                         focus=["A.greeting", "E.further_help"])
        made.append(f"session {session.id}: scheduled with {advisor3.name}")
    return made
