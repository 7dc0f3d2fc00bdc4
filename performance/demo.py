"""Demo performance data for ``seed-demo``: five weeks of outcomes (calls, chats, emails
and messages) for each demo advisor, and one audit of each band on advisor1's calls, the
Needs Improvement waiting for action."""

from __future__ import annotations

import datetime as dt
import random

from coachlab.db import db, utcnow
from performance import service
from performance.models import Band, Channel, Outcome

WEEKS = 5
PER_DAY = 6
# (NPS centre, CSAT centre, resolved share, median response minutes, conversion share)
PROFILES = {"advisor1": (9, 4.5, 0.85, 90, 0.35), "advisor2": (7, 3.8, 0.7, 300, 0.2),
            "advisor3": (8, 4.1, 0.78, 180, 0.28)}


def seed_performance(demo: dict) -> list[str]:
    from microskills.service import ensure_masterlist

    ensure_masterlist()
    rng = random.Random(15)
    now = utcnow().replace(minute=0, second=0, microsecond=0)
    rows = []
    for name, (nps, csat, resolved, response, converted) in PROFILES.items():
        advisor = demo.get(name)
        if advisor is None:
            continue
        for day in range(WEEKS * 7):
            for k in range(PER_DAY):
                resolved_now = rng.random() < resolved
                rows.append(Outcome(
                    interaction_id=f"DEMO-{name}-{day:03d}-{k}", advisor_id=advisor.id,
                    team_id=advisor.team_id,
                    occurred_at=now - dt.timedelta(days=day, hours=rng.randint(1, 8)),
                    channel=rng.choice(list(Channel)),
                    nps=max(0, min(10, round(rng.gauss(nps, 1.6)))) if rng.random() < 0.6
                    else None,
                    csat=max(1, min(5, round(rng.gauss(csat, 0.7)))) if rng.random() < 0.5
                    else None,
                    resolved=resolved_now, first_contact_resolution=resolved_now,
                    response_seconds=int(rng.expovariate(1 / (response * 60))),
                    converted=(rng.random() < converted) if rng.random() < 0.4 else None,
                    new_customer=rng.random() < 0.15))
    db.session.add_all(rows)
    made = [f"{len(rows)} demo outcomes over {WEEKS} weeks"]
    coach, advisor1 = demo.get("coach"), demo.get("advisor1")
    calls = [r for r in demo.get("recordings", []) + demo.get("history", [])
             if advisor1 and r.advisor_id == advisor1.id]
    for recording, band, comment, codes in zip(calls, (
            Band.OUTSTANDING, Band.SUGGESTION, Band.NEEDS_IMPROVEMENT), (
            "Owned the problem from the first sentence and said what happens next.",
            "Good call; summarise the agreed steps once more before closing.",
            "The customer said it was their third call: name the frustration before asking "
            "for the order number, and confirm the callback time."), (
            ["O.ownership", "M.expectation"], ["M.expectation"], ["W.empathy"]), strict=False):
        audit = service.create_audit(recording, acting=coach, band=band, comment=comment,
                                     microskills=codes)
        made.append(f"audit {audit.id}: {band.label}")
    db.session.flush()
    return made
