"""``hold_lock``: two transactions asking for the same lock run one after the other, and the
second reads what the first committed (on SQLite and, in the PostgreSQL pass, PostgreSQL)."""

from __future__ import annotations

import threading

import sqlalchemy as sa

from coachlab.auth.models import User
from coachlab.db import db, hold_lock


def test_the_second_holder_waits_for_the_first_commit_and_reads_it(app, make_user):
    user = make_user(name="Before")
    db.session.commit()
    user_id = user.id
    first_holds, second_started = threading.Event(), threading.Event()
    second_has_lock = threading.Event()
    seen: list[str] = []
    errors: list[BaseException] = []

    def first() -> None:
        try:
            with app.app_context():
                hold_lock("test", 7)
                first_holds.set()
                second_started.wait(10)
                # the second asked for the lock: it must not get it while this one holds it
                seen.append("second had the lock" if second_has_lock.wait(1.0) else "waited")
                db.session.execute(sa.update(User).where(User.id == user_id)
                                   .values(name="After"))
                db.session.commit()
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    def second() -> None:
        try:
            with app.app_context():
                first_holds.wait(10)
                second_started.set()
                hold_lock("test", 7)
                second_has_lock.set()
                seen.append(db.session.scalar(sa.select(User.name).where(User.id == user_id)))
                db.session.commit()
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    assert seen == ["waited", "After"]
