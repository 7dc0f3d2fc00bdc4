from __future__ import annotations

import re

import sqlalchemy as sa

from coachlab.auth.models import User
from coachlab.db import db
from coachlab.recordings.models import Recording, Status


def test_seed_demo_creates_accounts_and_processed_recordings(runner, client):
    result = runner.invoke(args=["seed-demo", "--if-empty"])
    assert result.exit_code == 0, result.output
    emails = set(db.session.scalars(sa.select(User.email)))
    assert {"admin@example.com", "coach@example.com", "advisor1@example.com",
            "advisor2@example.com"} <= emails
    recordings = db.session.scalars(sa.select(Recording)).all()
    assert len(recordings) >= 3
    assert all(r.status is Status.READY and r.channels == 2 for r in recordings)
    response = client.post_form("/login", {"email": "advisor1@example.com",
                                           "password": "coachlab-demo"})
    assert response.status_code == 302
    # a second run with --if-empty leaves everything alone
    again = runner.invoke(args=["seed-demo", "--if-empty"])
    assert again.exit_code == 0 and "skipped" in again.output
    assert db.session.scalar(sa.select(sa.func.count(Recording.id))) == len(recordings)


def test_seed_demo_lists_every_account_it_made_with_role_and_password(runner):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    users = db.session.scalars(sa.select(User).order_by(User.id)).all()
    assert len(users) >= 5  # every account the seed made, not the first four
    assert "password coachlab-demo" in result.output
    listed = dict(re.findall(r"^  (\S+@example\.com)  (\w+)", result.output, re.M))
    assert listed == {u.email: u.role.value for u in users}
    assert "  advisor3@example.com  advisor, Technical Support" in result.output
    assert "  coach@example.com  coach, Billing & Retention" in result.output
