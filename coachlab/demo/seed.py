"""``coachlab seed-demo``: a believable demo team with a few short generated calls."""

from __future__ import annotations

import datetime as dt
import json
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
    people = dict(admin=admin, coach=coach, coach2=coach2, advisor1=advisor1,
                  advisor2=advisor2, advisor3=advisor3)
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
    from coachlab.plugins import demo_seeders

    db.session.flush()
    for seeder in demo_seeders():  # the domain packages' demo data (sessions...)
        created += seeder({**people, "recordings": recordings})
    return created


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
