"""The background job queue (Huey).

One module-level ``huey`` object carries the task registry; ``init_app`` points its
storage at SQLite in the instance folder, or at Redis when ``REDIS_URL`` is set. Jobs are
plain functions taking ids, decorated with :func:`job`, and are enqueued with
:func:`enqueue_after_commit` so a worker never looks for a row that is not committed yet.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from flask import Flask, current_app, has_app_context
from huey import Huey
from huey.storage import MemoryStorage, RedisStorage, SqliteStorage
from sqlalchemy import event
from sqlalchemy.orm import Session

from coachlab.db import db, utcnow

log = logging.getLogger(__name__)

huey = Huey("coachlab", results=False, storage_class=MemoryStorage, utc=True)
_PENDING_KEY = "coachlab.jobs.pending"


def init_app(app: Flask) -> None:
    if app.config.get("REDIS_URL"):
        huey.storage_class = RedisStorage
        huey.storage_kwargs = {"url": app.config["REDIS_URL"]}
    else:
        huey.storage_class = SqliteStorage
        huey.storage_kwargs = {"filename": app.config["HUEY_FILE"]}
    huey._immediate = bool(app.config["JOBS_IMMEDIATE"])
    huey.storage = huey.create_storage()
    huey.flask_app = app  # the app jobs run in when there is no app context (the worker)
    app.extensions["coachlab.huey"] = huey


def job(**task_options: Any) -> Callable:
    """Make a Huey task that runs inside an application context."""

    def decorator(fn: Callable) -> Callable:
        @functools.wraps(fn)
        def in_app_context(*args: Any, **kwargs: Any) -> Any:
            app = current_app._get_current_object() if has_app_context() else huey.flask_app
            with app.app_context():
                return fn(*args, **kwargs)

        return huey.task(**task_options)(in_app_context)

    return decorator


def enqueue_after_commit(task: Callable, *args: Any) -> None:
    """Enqueue ``task(*args)`` once the current transaction commits (dropped on rollback)."""
    db.session.info.setdefault(_PENDING_KEY, []).append((task, args))


@event.listens_for(Session, "after_commit")
def _send_pending(session: Session) -> None:
    pending = session.info.pop(_PENDING_KEY, [])
    for task, args in pending:
        log.info("enqueue %s%r", task.name, args)
        task(*args)


@event.listens_for(Session, "after_soft_rollback")
def _drop_pending(session: Session, previous_transaction) -> None:
    session.info.pop(_PENDING_KEY, None)


def claim(model: type, row_id: int, *, queued: Any, processing: Any, **values: Any) -> bool:
    """Atomically move a queued row (or a processing one whose heartbeat went stale) to
    processing, so that two workers never run the same job. ``model`` needs ``id``,
    ``status``, ``heartbeat_at``, ``attempts`` and ``failure_reason`` columns."""
    stale = utcnow() - dt.timedelta(seconds=current_app.config["JOB_STALE_AFTER_S"])
    result = db.session.execute(
        sa.update(model)
        .where(
            model.id == row_id,
            sa.or_(
                model.status == queued,
                sa.and_(model.status == processing,
                        sa.or_(model.heartbeat_at.is_(None), model.heartbeat_at < stale)),
            ),
        )
        .values(status=processing, heartbeat_at=utcnow(), attempts=model.attempts + 1,
                failure_reason="", **values)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return result.rowcount == 1
