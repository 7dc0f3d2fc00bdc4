"""``seed-demo``: the accounts it lists, its processed calls, six weeks of history and what
each package's demo seeder adds.

One seed (the real worker, immediate, with the bundled Whisper model) is the slow part, so
one test seeds and makes every check: the ``check_*`` functions here, in
``tests/demo/history_checks.py`` and in the packages' ``demo_checks.py``.
"""

from __future__ import annotations

import datetime as dt
import logging
import re

import sqlalchemy as sa

from coachlab.auth.models import User
from coachlab.db import db
from coachlab.plugins import add_demo_seeder
from coachlab.recordings.models import Recording, Status
from tests.buddies.demo_checks import check_a_pairing_with_peer_comments
from tests.demo import history_checks as history
from tests.performance.demo_checks import check_outcomes_and_an_audit_of_each_band


def test_seed_demo_once_and_everything_it_makes(app, runner, client, caplog):
    received: dict = {}

    def spy(demo: dict) -> list[str]:  # a package's demo seeder, as sessions registers one
        received.update(demo)
        return []

    add_demo_seeder(app, spy)
    caplog.set_level(logging.INFO, logger="coachlab.transcripts.jobs")
    started = dt.datetime.now(dt.UTC)
    result = runner.invoke(args=["seed-demo", "--if-empty"])
    assert result.exit_code == 0, result.output
    assert "54 earlier calls over 6 weeks" in result.output
    log = [r.getMessage() for r in caplog.records if r.name == "coachlab.transcripts.jobs"]

    check_accounts_and_processed_calls(client)
    check_every_account_is_listed_with_role_and_password(result.output)
    history.check_six_weeks_in_the_past(started)
    history.check_the_newest_calls_and_what_seeders_get(received)
    history.check_the_mix_per_advisor(started)
    history.check_each_file_transcribed_once(log)
    check_a_pairing_with_peer_comments(client, result.output)
    check_outcomes_and_an_audit_of_each_band(client)

    # a second run with --if-empty leaves everything alone
    count = db.session.scalar(sa.select(sa.func.count(Recording.id)))
    again = runner.invoke(args=["seed-demo", "--if-empty"])
    assert again.exit_code == 0 and "skipped" in again.output
    assert db.session.scalar(sa.select(sa.func.count(Recording.id))) == count


def check_accounts_and_processed_calls(client) -> None:
    emails = set(db.session.scalars(sa.select(User.email)))
    assert {"admin@example.com", "coach@example.com", "advisor1@example.com",
            "advisor2@example.com"} <= emails
    recordings = db.session.scalars(sa.select(Recording)).all()
    assert len(recordings) >= 3
    assert all(r.status is Status.READY and r.channels == 2 for r in recordings)
    response = client.post_form("/login", {"email": "advisor1@example.com",
                                           "password": "coachlab-demo"})
    assert response.status_code == 302
    client.post_form("/logout")


def check_every_account_is_listed_with_role_and_password(output: str) -> None:
    users = db.session.scalars(sa.select(User).order_by(User.id)).all()
    assert len(users) >= 5  # every account the seed made, not the first four
    assert "password coachlab-demo" in output
    listed = dict(re.findall(r"^  (\S+@example\.com)  (\w+)", output, re.M))
    assert listed == {u.email: u.role.value for u in users}
    assert "  advisor3@example.com  advisor, Technical Support" in output
    assert "  coach@example.com  coach, Billing & Retention" in output
