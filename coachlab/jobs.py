"""The one job machinery for every kind of background work (Huey underneath).

A *job kind* (:class:`JobKind`) names a table whose rows carry their job's state (the
:class:`JobState` columns) and the function that does the work on one row. Packages register
their kinds from ``init_app`` with :func:`register_job_kind`, so a worker, which builds the
app like the web side does, knows every kind at start whatever modules a request imported.

Every message on the queue is the same Huey task, :func:`run_job` ``(kind, table, row id)``,
defined here and so always known to a worker. It claims the row atomically, runs the kind,
and marks the row ready or failed with a readable reason. A message naming a kind the worker
does not know marks its row failed (with Retry on the page) instead of vanishing.

Lost jobs (a worker that died, a message that vanished) are re-queued from the rows' state:
at worker start (:func:`requeue_lost` with ``at_worker_start``) and every minute by the
periodic :func:`sweep_lost_jobs`, for every kind.

``init_app`` points the queue at SQLite in the instance folder, or at Redis when
``REDIS_URL`` is set. Jobs are enqueued with :func:`queue_job` once the transaction commits,
so a worker never looks for a row that is not committed yet.
"""

from __future__ import annotations

import datetime as dt
import enum
import logging
import os
import socket
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import Flask, current_app, has_app_context
from huey import Huey, crontab
from huey.exceptions import HueyException
from huey.storage import MemoryStorage, RedisStorage, SqliteStorage
from sqlalchemy import event
from sqlalchemy.orm import Mapped, Session, mapped_column

from coachlab.db import db, str_enum, utcnow

log = logging.getLogger(__name__)

_PENDING_KEY = "coachlab.jobs.pending"
_KINDS_KEY = "coachlab.job_kinds"
RUN_JOB_TASK = "coachlab.run_job"
SWEEP_TASK = "coachlab.sweep_lost_jobs"


class JobStatus(enum.StrEnum):
    QUEUED = "queued"
    PROCESSING = "processing"
    READY = "ready"
    FAILED = "failed"


class JobState:
    """The columns of a row whose job runs in the background, shared by every job kind."""

    status: Mapped[JobStatus] = mapped_column(
        str_enum(JobStatus, 12), default=JobStatus.QUEUED, index=True)
    progress: Mapped[int] = mapped_column(sa.SmallInteger, default=0)
    failure_reason: Mapped[str] = mapped_column(sa.Text, default="")
    attempts: Mapped[int] = mapped_column(default=0)
    queued_at: Mapped[dt.datetime | None]
    heartbeat_at: Mapped[dt.datetime | None]
    worker_id: Mapped[str] = mapped_column(sa.String(120), default="")

    @property
    def is_waiting(self) -> bool:
        return self.status in (JobStatus.QUEUED, JobStatus.PROCESSING)

    def reset_job_state(self) -> None:
        """Called when the job is queued (again); a model may extend it for its own columns."""
        self.status = JobStatus.QUEUED
        self.progress = 0
        self.failure_reason = ""
        self.queued_at = utcnow()
        self.heartbeat_at = None
        self.worker_id = ""


@dataclass(frozen=True, slots=True)
class JobKind:
    """One kind of background work.

    ``run(row)`` does the work on a claimed row and may call :func:`report_progress`; when
    it returns, the row is marked ready. ``describe_failure(row, exc)`` words what went
    wrong for the page (default: ``"<label> failed: <exc>"``).
    """

    name: str  # stable across refactors: it is written into queued messages
    model: type  # a db.Model using JobState
    run: Callable[[Any], None]
    label: str = "Processing"
    describe_failure: Callable[[Any, BaseException], str] | None = None

    def failure_text(self, row: Any, exc: BaseException) -> str:
        if self.describe_failure is not None:
            return self.describe_failure(row, exc)
        return f"{self.label} failed: {exc}"


class CoachLabHuey(Huey):
    """Huey that never drops a message silently: an unknown task is reported, and its row
    (when the message names one) marked failed."""

    def deserialize_task(self, data: bytes):
        message = self.serializer.deserialize(data)
        try:
            return self._registry.create_task(message)
        except HueyException:
            log.error("dropped a message for unknown task %s%r: this worker's code does not "
                      "define it", message.name, tuple(message.args or ()))
            _fail_row_of_message(message.args)
            return None


huey = CoachLabHuey("coachlab", results=False, storage_class=MemoryStorage, utc=True)


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
    app.extensions[_KINDS_KEY] = {}


# --- the registry -------------------------------------------------------------------------


def register_job_kind(app: Flask, kind: JobKind) -> None:
    kinds: dict[str, JobKind] = app.extensions[_KINDS_KEY]
    if kind.name in kinds:
        raise ValueError(f"job kind {kind.name} registered twice")
    if not issubclass(kind.model, JobState):
        raise TypeError(f"{kind.model.__name__} does not carry the JobState columns")
    kinds[kind.name] = kind


def job_kinds(app: Flask | None = None) -> dict[str, JobKind]:
    return dict((app or current_app).extensions[_KINDS_KEY])


def kind_named(name: str) -> JobKind:
    return current_app.extensions[_KINDS_KEY][name]


def task_names() -> set[str]:
    """The Huey task names this process can run (what a worker knows)."""
    return set(huey._registry._registry)


# --- enqueueing ---------------------------------------------------------------------------


def queue_job(kind_name: str, row: JobState) -> None:
    """Mark ``row`` queued and send its job once the current transaction commits."""
    kind = kind_named(kind_name)
    if not isinstance(row, kind.model):
        raise TypeError(f"job kind {kind_name} runs on {kind.model.__name__}, not {row!r}")
    row.reset_job_state()
    if row.id is None:
        db.session.flush()
    db.session.info.setdefault(_PENDING_KEY, []).append(
        (kind.name, kind.model.__tablename__, row.id))


@event.listens_for(Session, "after_commit")
def _send_pending(session: Session) -> None:
    for kind_name, table, row_id in session.info.pop(_PENDING_KEY, []):
        log.info("queued %s for %s %s", kind_name, table, row_id)
        run_job(kind_name, table, row_id)


@event.listens_for(Session, "after_soft_rollback")
def _drop_pending(session: Session, previous_transaction) -> None:
    session.info.pop(_PENDING_KEY, None)


# --- running ------------------------------------------------------------------------------


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _job_app() -> Flask:
    return current_app._get_current_object() if has_app_context() else huey.flask_app


@huey.task(name=RUN_JOB_TASK)
def run_job(kind_name: str, table: str, row_id: int) -> None:
    """Claim the row, run its kind, and record how it ended."""
    with _job_app().app_context():
        kind = current_app.extensions[_KINDS_KEY].get(kind_name)
        if kind is None:
            log.error("no job kind %r in this worker (row %s of %s)", kind_name, row_id, table)
            _fail_row(table, row_id, f"This worker does not know the job {kind_name!r} (is "
                      "it running an older or newer version of CoachLab?); Retry once the "
                      "workers are up to date.")
            return
        if not claim(kind.model, row_id):
            log.info("%s %s is not waiting for a worker; skipped", kind.name, row_id)
            return
        row = db.session.get(kind.model, row_id)
        try:
            kind.run(row)
        except Exception as exc:
            db.session.rollback()
            _mark_failed(kind, row_id, exc)
            raise
        row.status = JobStatus.READY
        row.progress = 100
        row.heartbeat_at = utcnow()
        db.session.commit()
        log.info("%s %s done", kind.name, row_id)


def claim(model: type, row_id: int, **values: Any) -> bool:
    """Atomically move a queued row (or a processing one whose heartbeat went stale) to
    processing, so that two workers never run the same job."""
    stale = utcnow() - dt.timedelta(seconds=current_app.config["JOB_STALE_AFTER_S"])
    result = db.session.execute(
        sa.update(model)
        .where(
            model.id == row_id,
            sa.or_(
                model.status == JobStatus.QUEUED,
                sa.and_(model.status == JobStatus.PROCESSING,
                        sa.or_(model.heartbeat_at.is_(None), model.heartbeat_at < stale)),
            ),
        )
        .values(status=JobStatus.PROCESSING, heartbeat_at=utcnow(), attempts=model.attempts + 1,
                failure_reason="", worker_id=worker_id(), **values)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return result.rowcount == 1


class ProgressReporter:
    """Writes progress to the row (which is also the job's heartbeat), at most once a
    second unless it is the end; ``offset`` and ``share`` map a part to the whole bar."""

    MIN_INTERVAL_S = 1.0

    def __init__(self, row: JobState, offset: float = 0.0, share: float = 1.0) -> None:
        self.row = row
        self.offset = offset
        self.share = share
        self._last_at = 0.0

    def __call__(self, fraction: float) -> None:
        percent = int(100 * (self.offset + self.share * max(0.0, min(1.0, fraction))))
        now = time.monotonic()
        if percent == self.row.progress and now - self._last_at < self.MIN_INTERVAL_S * 10:
            return
        if now - self._last_at < self.MIN_INTERVAL_S and fraction < 1.0:
            return
        self._last_at = now
        report_progress(self.row, percent)


def report_progress(row: JobState, percent: int) -> None:
    """Record progress (0..99: 100 means done) and beat the heart, committed at once."""
    row.progress = max(0, min(int(percent), 99))
    row.heartbeat_at = utcnow()
    db.session.commit()


def _mark_failed(kind: JobKind, row_id: int, exc: BaseException) -> None:
    row = db.session.get(kind.model, row_id)
    if row is None:  # deleted while it ran
        return
    row.status = JobStatus.FAILED
    row.failure_reason = kind.failure_text(row, exc)[:2000]
    row.heartbeat_at = utcnow()
    db.session.commit()
    log.warning("%s %s failed: %s", kind.name, row_id, row.failure_reason)


def _job_models() -> dict[str, type]:
    return {mapper.class_.__tablename__: mapper.class_ for mapper in db.Model.registry.mappers
            if issubclass(mapper.class_, JobState)}


def _fail_row(table: str, row_id: Any, reason: str) -> bool:
    model = _job_models().get(table)
    if model is None or not isinstance(row_id, int):
        return False
    db.session.execute(
        sa.update(model).where(model.id == row_id,
                               model.status.in_([JobStatus.QUEUED, JobStatus.PROCESSING]))
        .values(status=JobStatus.FAILED, failure_reason=reason[:2000], heartbeat_at=utcnow())
        .execution_options(synchronize_session=False))
    db.session.commit()
    return True


def _fail_row_of_message(args: Iterable | None) -> None:
    """Mark failed the row a message of an unknown task names, when it names one."""
    args = tuple(args or ())
    if len(args) != 3 or not isinstance(args[1], str):
        return
    kind_name, table, row_id = args
    with _job_app().app_context():
        _fail_row(table, row_id, f"This worker does not know the task for {kind_name!r} (is "
                  "it running another version of CoachLab?); Retry once the workers are up "
                  "to date.")


# --- recovery -----------------------------------------------------------------------------


def requeue_lost(*, at_worker_start: bool = False,
                 dead_workers: Iterable[str] = ()) -> dict[str, list[int]]:
    """Put lost jobs of every kind back in the queue; returns {kind: row ids re-queued}.

    A job is lost when its worker died (a processing row whose heartbeat went stale; one
    claimed by a worker named in ``dead_workers``; at worker start, one claimed by a process
    of this host that no longer exists) or when its message vanished (a queued row nobody
    picked up in time).
    """
    stale = utcnow() - dt.timedelta(seconds=current_app.config["JOB_STALE_AFTER_S"])
    dead = set(dead_workers)
    requeued: dict[str, list[int]] = {}
    for kind in job_kinds().values():
        model = kind.model
        rows = db.session.scalars(sa.select(model).where(
            model.status.in_([JobStatus.QUEUED, JobStatus.PROCESSING])).order_by(model.id)).all()
        for row in rows:
            if row.status is JobStatus.PROCESSING:
                lost = (row.heartbeat_at is None or row.heartbeat_at < stale
                        or row.worker_id in dead
                        or (at_worker_start and _worker_is_dead(row.worker_id)))
            else:
                lost = row.queued_at is None or row.queued_at < stale
            if lost:
                log.warning("re-queueing %s %s (was %s)", kind.name, row.id, row.status.value)
                queue_job(kind.name, row)
                requeued.setdefault(kind.name, []).append(row.id)
    db.session.commit()
    return requeued


def _worker_is_dead(worker: str) -> bool:
    host, _, pid = worker.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, owned by someone else
        return False
    return False


@huey.periodic_task(crontab(minute="*"), name=SWEEP_TASK)
def sweep_lost_jobs() -> None:
    with _job_app().app_context():
        requeue_lost()
