from __future__ import annotations

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
