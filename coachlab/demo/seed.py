"""``coachlab seed-demo``: a believable demo team with a few short generated calls, and six
weeks of earlier calls per advisor so that trends, goals and impact have something to show.

The history reuses the four committed demo media with other dates, customers and (a little)
other titles and scores; the worker transcribes each file once and copies that transcript to
its other recordings (see coachlab.transcripts.jobs).
"""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path

import click
import sqlalchemy as sa
from flask.cli import with_appcontext

from coachlab.auth import service as accounts
from coachlab.auth.models import Role, User
from coachlab.db import db

DEMO_PASSWORD = "coachlab-demo"
DEMO_DIR = Path(__file__).resolve().parent
CALLS_FILE = DEMO_DIR / "calls.json"
MEDIA_DIR = DEMO_DIR / "media"

HISTORY_WEEKS = 6  # whole calendar weeks of earlier calls, before the current week
CALLS_PER_WEEK = 3  # per advisor, on different weekdays
#: advisor1's empathy coaching: calls before this many days ago lean to the hard calls,
#: calls after it to the one that shows empathy and ownership (sessions/demo.py holds the
#: session then, so that its impact has a visible "after").
COACHING_DAYS_AGO = 21
BILLING, CANCEL, DELIVERY, PASSWORD = ("billing-double-charge", "cancellation-price-objection",
                                       "delivery-complaint-escalation", "password-reset")
HARD_CALLS = frozenset({CANCEL, DELIVERY})
EMPATHY_CALLS = frozenset({BILLING})
#: The calls each advisor takes, in date order, as (before the coaching, after it); a
#: sequence is repeated when it runs out. advisor1: mostly the delivery escalation and the
#: price objection before, mostly the double charge after. advisor2 (the comparison group)
#: and advisor3 take the four calls in turn throughout, so their mix stays even.
HISTORY_PLAN: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "advisor1": ((DELIVERY, CANCEL, PASSWORD, DELIVERY, CANCEL, DELIVERY, BILLING, CANCEL,
                  DELIVERY, CANCEL, PASSWORD, DELIVERY),
                 (BILLING, PASSWORD, BILLING, BILLING, CANCEL, BILLING, BILLING, PASSWORD,
                  BILLING, BILLING, CANCEL, BILLING)),
    "advisor2": ((BILLING, CANCEL, DELIVERY, PASSWORD),) * 2,
    "advisor3": ((PASSWORD, DELIVERY, BILLING, CANCEL),) * 2,
}
#: Other titles the same call may carry in the history (besides calls.json's).
TITLE_VARIANTS = {
    BILLING: ("Charged twice this month", "Duplicate direct debit refunded",
              "Payment taken twice"),
    CANCEL: ("Wants to leave after the price rise", "Price objection, retained",
             "Cancellation request: too expensive"),
    DELIVERY: ("Sofa delivery missed again", "Repeat caller: delivery not arrived",
               "Missed delivery complaint"),
    PASSWORD: ("Locked out of the app", "Password reset", "Forgotten password"),
}
WORKING_HOURS = range(9, 17)  # call start hours, in the site's time zone


def seed_demo() -> list[str]:
    """Create the demo accounts and recordings; returns what was created, for the log."""
    from coachlab.recordings.models import AgentChannel, Direction
    from coachlab.recordings.service import CallDetails, store_upload

    created: list[str] = []
    billing = accounts.create_team("Billing & Retention")
    support = accounts.create_team("Technical Support")
    admin = accounts.create_user(email="admin@example.com", name="Ada Admin", role=Role.ADMIN,
                                 password=DEMO_PASSWORD)
    coach = accounts.create_user(email="coach@example.com", name="Cora Coach", role=Role.COACH,
                                 password=DEMO_PASSWORD, led_teams=[billing])
    advisor1 = accounts.create_user(email="advisor1@example.com", name="Ali Advisor",
                                    role=Role.ADVISOR, password=DEMO_PASSWORD, team=billing)
    advisor2 = accounts.create_user(email="advisor2@example.com", name="Bea Advisor",
                                    role=Role.ADVISOR, password=DEMO_PASSWORD, team=billing)
    advisor3 = accounts.create_user(email="advisor3@example.com", name="Cal Advisor",
                                    role=Role.ADVISOR, password=DEMO_PASSWORD, team=support)
    coach2 = accounts.create_user(email="coach2@example.com", name="Dev Coach", role=Role.COACH,
                                  password=DEMO_PASSWORD, led_teams=[support])
    auditor = accounts.create_user(email="auditor@example.com", name="Quinn Auditor",
                                   role=Role.AUDITOR, password=DEMO_PASSWORD)
    people = dict(admin=admin, coach=coach, coach2=coach2, advisor1=advisor1,
                  advisor2=advisor2, advisor3=advisor3, auditor=auditor)
    created += [u.email for u in people.values()]

    calls = json.loads(CALLS_FILE.read_text()) if CALLS_FILE.exists() else []
    advisors = [advisor1, advisor2]
    recordings = []
    start = dt.datetime.now(dt.UTC).replace(minute=0, second=0, microsecond=0)
    for index, call in enumerate(calls):
        media = MEDIA_DIR / f"{call['slug']}.ogg"
        if not media.exists():
            continue
        details = CallDetails(
            advisor=advisors[index % len(advisors)],
            called_at=start - dt.timedelta(days=index, hours=2 * index),
            title=call.get("title", ""),
            direction=Direction(call.get("direction", "inbound")),
            customer_ref=call.get("customer_ref", f"CUST-{1001 + index}"),
            nps=call.get("nps"), csat=call.get("csat"), resolved=call.get("resolved"),
            disposition=call.get("disposition", ""), tags=call.get("tags", []),
            agent_channel=AgentChannel.LEFT,
        )
        with media.open("rb") as stream:
            recording = store_upload(stream, media.name, details, uploaded_by=coach)
        recordings.append(recording)
        created.append(f"recording {recording.id}: {call.get('title', media.name)}")
    history = seed_history(people, calls, before=min((r.called_at for r in recordings),
                                                     default=start))
    created.append(f"{len(history)} earlier calls over {HISTORY_WEEKS} weeks")
    from coachlab.plugins import demo_seeders

    db.session.flush()
    for seeder in demo_seeders():  # the domain packages' demo data (sessions...)
        created += seeder({**people, "recordings": recordings, "history": history})
    return created


def seed_history(people: dict, calls: list[dict], *, before: dt.datetime) -> list:
    """Upload :data:`HISTORY_PLAN`: each advisor's calls of the :data:`HISTORY_WEEKS`
    calendar weeks before the current one (in the site's zone), :data:`CALLS_PER_WEEK` a
    week on different weekdays in working hours, all earlier than ``before`` (the newest
    demo calls). Each team's coach uploads them. Returns the recordings, oldest first."""
    from coachlab.recordings.models import AgentChannel, Direction
    from coachlab.recordings.service import CallDetails, store_upload
    from coachlab.timezones import site_zone, week_start

    by_slug = {c["slug"]: c for c in calls if (MEDIA_DIR / f"{c['slug']}.ogg").exists()}
    if not by_slug:
        return []
    rng = random.Random(13)  # the same history (relative to today) on every fresh seed
    zone = site_zone()
    now = dt.datetime.now(dt.UTC)
    coaching = now - dt.timedelta(days=COACHING_DAYS_AGO)
    this_monday = week_start(now, zone)
    planned = []
    for name, (earlier, later) in HISTORY_PLAN.items():
        times = []
        for weeks_back in range(HISTORY_WEEKS, 0, -1):
            monday = this_monday - dt.timedelta(weeks=weeks_back)
            # weekdays with working hours before the newest demo calls (on a Monday those
            # reach back into last week, and its Friday may have none left)
            days = [d for d in (monday + dt.timedelta(days=i) for i in range(5))
                    if _working_times(d, zone, before)]
            for day in sorted(rng.sample(days, min(CALLS_PER_WEEK, len(days)))):
                times.append(rng.choice(_working_times(day, zone, before)))
        sequences = {False: iter(_cycle(earlier)), True: iter(_cycle(later))}
        for called_at in sorted(times):
            slug = next(sequences[called_at >= coaching])
            if slug in by_slug:
                planned.append((called_at, people[name], by_slug[slug]))
    planned.sort(key=lambda p: (p[0], p[1].id))
    refs = rng.sample(range(2001, 9999), len(planned))
    history = []
    for (called_at, advisor, call), ref in zip(planned, refs, strict=True):
        media = MEDIA_DIR / f"{call['slug']}.ogg"
        title = rng.choice((call.get("title", ""), *TITLE_VARIANTS.get(call["slug"], ())))
        details = CallDetails(
            advisor=advisor, called_at=called_at, title=title,
            direction=Direction(call.get("direction", "inbound")), customer_ref=f"CUST-{ref}",
            nps=_vary(rng, call.get("nps"), 0, 10), csat=_vary(rng, call.get("csat"), 1, 5),
            resolved=call.get("resolved"), disposition=call.get("disposition", ""),
            tags=call.get("tags", []), agent_channel=AgentChannel.LEFT)
        with media.open("rb") as stream:
            history.append(store_upload(stream, media.name, details,
                                        uploaded_by=_coach_of(advisor, people)))
    return history


def _coach_of(advisor: User, people: dict) -> User:
    coaches = [u for u in people.values() if u.role is Role.COACH]
    return next((c for c in coaches if advisor.team in c.led_teams), people["admin"])


def _cycle(items: tuple[str, ...]):
    while True:
        yield from items


def _working_times(day: dt.date, zone, before: dt.datetime) -> list[dt.datetime]:
    """The quarter hours of working hours on ``day`` in ``zone`` earlier than ``before``,
    as UTC."""
    times = [dt.datetime.combine(day, dt.time(hour, minute), tzinfo=zone).astimezone(dt.UTC)
             for hour in WORKING_HOURS for minute in (0, 15, 30, 45)]
    return [t for t in times if t < before]


def _vary(rng: random.Random, score: int | None, low: int, high: int) -> int | None:
    """The script's score, or one point either side now and then."""
    if score is None:
        return None
    return min(high, max(low, score + rng.choice((-1, 0, 0, 1))))


@click.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Do nothing when there are accounts already.")
@with_appcontext
def seed_demo_command(if_empty: bool) -> None:
    """Create demo accounts (password coachlab-demo) and demo recordings."""
    has_users = db.session.scalar(sa.select(User.id).limit(1)) is not None
    if has_users:
        if if_empty:
            click.echo("Demo data skipped: the database already has accounts.")
            return
        raise click.ClickException("The database already has accounts; seed an empty one.")
    created = seed_demo()
    db.session.commit()
    click.echo("Created " + ", ".join(created))
    click.echo(f"Sign in with password {DEMO_PASSWORD} as any of:")
    for user in db.session.scalars(sa.select(User).order_by(User.id)):
        click.echo(f"  {user.email}  {account_summary(user)}")


def account_summary(user: User) -> str:
    """``role`` and the teams it is in or leads, e.g. ``advisor, Technical Support``."""
    teams = [user.team] if user.team else list(user.led_teams)
    return ", ".join([user.role.value, *(t.name for t in teams)])
