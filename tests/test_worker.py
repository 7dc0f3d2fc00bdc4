"""The job queue for real: a ``coachlab worker`` subprocess consumes what the web app enqueues.

The web app runs in the test process with ``JOBS_IMMEDIATE=False``, so an upload only puts a
message on the queue (a SQLite file, or Redis when ``COACHLAB_TEST_REDIS_URL`` is set, as in
the PostgreSQL pass); the worker, a separate process with its own configuration from
``COACHLAB_*`` environment variables, claims the row in the shared database and runs the
pipeline. Waits poll the database with a deadline; the deadline only turns a hang into a
failure with the worker's log attached.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa

from coachlab.auth.models import Role
from coachlab.db import db, utcnow
from coachlab.jobs import RUN_JOB_TASK, claim, huey, requeue_lost, run_job
from coachlab.media.ffmpeg import ffmpeg_exe
from coachlab.recordings.models import AgentChannel, Recording, Status
from coachlab.storage import get_storage
from tests.conftest import TEST_REDIS_URL
from tests.factories import generate_media
from tests.recordings.test_upload import upload

REPO = Path(__file__).resolve().parents[1]
WAIT_S = 180  # generous: other pipeline steps (transcription ...) may run in the worker too


@pytest.fixture
def app_config(app_config: dict) -> dict:
    """The conftest configuration, with a real queue instead of inline jobs."""
    return {**app_config, "JOBS_IMMEDIATE": False, "REDIS_URL": TEST_REDIS_URL,
            "MAX_UPLOAD_MB": 50, "MAX_DURATION_S": 4 * 3600}


@pytest.fixture
def queue(app):
    """The app's Huey storage, empty before and after the test (a dedicated Redis db)."""
    if TEST_REDIS_URL:
        from huey.storage import RedisStorage

        assert isinstance(huey.storage, RedisStorage)
        assert huey.storage.conn.connection_pool.connection_kwargs.get("db") == int(
            TEST_REDIS_URL.rsplit("/", 1)[1]), "use a dedicated Redis db number for tests"
    huey.storage.flush_all()
    yield huey
    huey.storage.flush_all()


class Worker:
    """A ``coachlab worker`` process configured like the app under test."""

    def __init__(self, app, log_path: Path) -> None:
        cfg = app.config
        env = {k: v for k, v in os.environ.items() if not k.startswith("COACHLAB_")}
        env.update({
            "COACHLAB_DATABASE_URL": cfg["DATABASE_URL"],
            "COACHLAB_HUEY_FILE": cfg["HUEY_FILE"],
            "COACHLAB_MEDIA_DIR": cfg["MEDIA_DIR"],
            "COACHLAB_UPLOAD_TMP_DIR": cfg["UPLOAD_TMP_DIR"],
            "COACHLAB_SECRET_KEY": cfg["SECRET_KEY"],
            "COACHLAB_JOB_STALE_AFTER_S": str(cfg["JOB_STALE_AFTER_S"]),
            "PYTHONUNBUFFERED": "1",
        })
        if cfg.get("REDIS_URL"):
            env["COACHLAB_REDIS_URL"] = cfg["REDIS_URL"]
        self.log_path = log_path
        self._log = log_path.open("wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "coachlab.cli", "worker", "--threads", "1"],
            env=env, cwd=REPO, stdin=subprocess.DEVNULL, stdout=self._log,
            stderr=subprocess.STDOUT)

    @property
    def worker_id(self) -> str:
        return f"{socket.gethostname()}:{self.proc.pid}"

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def check_alive(self) -> None:
        if self.proc.poll() is not None:
            pytest.fail(f"the worker exited with {self.proc.returncode}:\n{self.log()[-4000:]}")

    def kill(self) -> None:
        """SIGKILL, and reap it: a zombie would still count as a live process."""
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._log.close()


@pytest.fixture
def start_worker(app, queue, tmp_path) -> Callable[[], Worker]:
    workers: list[Worker] = []

    def start() -> Worker:
        worker = Worker(app, tmp_path / f"worker-{len(workers) + 1}.log")
        workers.append(worker)
        return worker

    yield start
    for worker in workers:  # before the app fixture empties the tables
        worker.stop()


def fresh(recording_id: int) -> Recording:
    """The row as committed now (the worker writes from another process)."""
    db.session.rollback()
    return db.session.get(Recording, recording_id)


def wait_for(predicate: Callable[[], object], what: str, worker: Worker | None = None,
             *, timeout: float = WAIT_S, every: float = 0.1):
    deadline = time.monotonic() + timeout
    while True:
        db.session.rollback()
        value = predicate()
        if value:
            return value
        if worker is not None:
            worker.check_alive()
        if time.monotonic() > deadline:
            log = worker.log()[-4000:] if worker else ""
            pytest.fail(f"gave up waiting for {what} after {timeout:.0f} s\n{log}")
        time.sleep(every)


def wait_until_settled(recording_id: int, worker: Worker) -> Recording:
    def settled():
        rec = fresh(recording_id)
        return rec if rec.status in (Status.READY, Status.FAILED) else None

    return wait_for(settled, f"recording {recording_id} to be processed", worker)


def assert_ready_with_waveform(recording: Recording, worker: Worker) -> None:
    assert recording.status is Status.READY, (recording.failure_reason, worker.log()[-3000:])
    assert recording.progress == 100
    assert recording.waveform_key and get_storage().exists(recording.waveform_key)
    assert recording.worker_id == worker.worker_id  # this worker did it, not the test process


def dead_pid() -> int:
    """The pid of a process that has exited (and been reaped) on this host."""
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    with pytest.raises(ProcessLookupError):
        os.kill(proc.pid, 0)
    return proc.pid


def store(advisor, path: Path) -> Recording:
    """Store a file as a recording through the upload service (which enqueues its job)."""
    from coachlab.recordings.service import CallDetails, store_upload

    call = CallDetails(advisor=advisor, called_at=dt.datetime(2026, 11, 2, 10, tzinfo=dt.UTC),
                       agent_channel=AgentChannel.LEFT)
    with path.open("rb") as stream:
        recording = store_upload(stream, path.name, call, uploaded_by=advisor)
    db.session.commit()
    return recording


def set_row(recording_id: int, **values) -> None:
    db.session.execute(sa.update(Recording).where(Recording.id == recording_id).values(**values))
    db.session.commit()


def processing_jobs(queue) -> list:
    """Pending recording jobs; the scheduler may also have queued a periodic sweep, when a
    minute turned during the test, which is not what these tests are about."""
    return [t for t in queue.pending()
            if t.name == RUN_JOB_TASK and t.args[0] == "recording.process"]


def test_the_enqueue_log_line_names_the_job_kind_and_the_row(app, make_user, make_recording,
                                                            queue, caplog):
    """Not Huey's ``enqueue None(1,)``: which job, for which row."""
    caplog.set_level(logging.INFO, logger="coachlab.jobs")
    recording = make_recording(make_user(Role.ADVISOR), name="worker-logged.wav")
    lines = [r.getMessage() for r in caplog.records if r.name == "coachlab.jobs"]
    assert f"queued recording.process for recordings {recording.id}" in lines, lines
    assert [t.args for t in processing_jobs(queue)] == [
        ("recording.process", "recordings", recording.id)]


# --- the happy path -----------------------------------------------------------------------


def test_upload_is_processed_by_a_real_worker(app, make_user, login, media_file, queue,
                                              start_worker):
    advisor = make_user(Role.ADVISOR)
    client = login(advisor)
    source = media_file("worker-call.wav", seconds=3.0, channels=2)

    response = upload(client, [(source, "call.wav")], advisor)

    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    recording = db.session.scalars(sa.select(Recording)).one()
    # nothing ran inline: the job waits on the real queue (SQLite file or Redis)
    assert recording.status is Status.QUEUED and recording.waveform_key is None
    assert [t.args for t in processing_jobs(queue)] == [("recording.process", "recordings",
                                                         recording.id)]

    worker = start_worker()
    recording = wait_until_settled(recording.id, worker)

    assert_ready_with_waveform(recording, worker)
    assert recording.attempts == 1
    assert processing_jobs(queue) == []
    state = client.get(f"/recordings/{recording.id}/status.json").get_json()
    assert state["status"] == "ready" and state["progress"] == 100
    with client.get(f"/recordings/{recording.id}/waveform.json") as response:
        peaks = response.get_json()["peaks"]
    assert len(peaks) == 2 and 0.3 <= max(peaks[0]) <= 0.5


def test_a_running_worker_picks_up_new_uploads(app, make_user, login, media_file, queue,
                                               start_worker):
    worker = start_worker()
    advisor = make_user(Role.ADVISOR)
    client = login(advisor)
    first = media_file("worker-a.wav", seconds=1.0, channels=1)
    second = media_file("worker-b.flac", seconds=1.0, channels=2)

    assert upload(client, [(first, "a.wav"), (second, "b.flac")], advisor).status_code == 302

    ids = db.session.scalars(sa.select(Recording.id).order_by(Recording.id)).all()
    assert len(ids) == 2
    for recording_id in ids:
        assert_ready_with_waveform(wait_until_settled(recording_id, worker), worker)


# --- recovery -----------------------------------------------------------------------------


def test_worker_start_requeues_the_job_of_a_worker_that_died(app, make_user, make_recording,
                                                             queue, start_worker):
    advisor = make_user(Role.ADVISOR)
    orphan = make_recording(advisor, name="worker-orphan.wav")
    busy = make_recording(advisor, name="worker-busy.wav")
    queue.storage.flush_queue()  # their messages were consumed by the workers below
    now = utcnow()
    set_row(orphan.id, status=Status.PROCESSING, heartbeat_at=now, attempts=1,
            worker_id=f"{socket.gethostname()}:{dead_pid()}")
    # a job whose worker is alive (this test process) and beating: not lost
    set_row(busy.id, status=Status.PROCESSING, heartbeat_at=now, attempts=1,
            worker_id=f"{socket.gethostname()}:{os.getpid()}")

    worker = start_worker()
    recording = wait_until_settled(orphan.id, worker)

    assert_ready_with_waveform(recording, worker)
    assert recording.attempts == 2
    assert f"Re-queued interrupted recording.process jobs: [{orphan.id}]" in worker.log()
    busy = fresh(busy.id)
    assert busy.status is Status.PROCESSING and busy.waveform_key is None
    assert busy.worker_id == f"{socket.gethostname()}:{os.getpid()}" and busy.attempts == 1


def test_stale_heartbeat_and_lost_messages_are_requeued(app, make_user, make_recording, queue):
    advisor = make_user(Role.ADVISOR)
    stale_after = app.config["JOB_STALE_AFTER_S"]
    now = utcnow()
    old = now - dt.timedelta(seconds=stale_after + 60)
    alive = f"{socket.gethostname()}:{os.getpid()}"
    rows = {name: make_recording(advisor, name=f"worker-{name}.wav").id
            for name in ("stale", "beating", "dead_but_fresh", "lost_message", "queued")}
    queue.storage.flush_queue()
    set_row(rows["stale"], status=Status.PROCESSING, heartbeat_at=old, worker_id=alive)
    set_row(rows["beating"], status=Status.PROCESSING, heartbeat_at=now, worker_id=alive)
    # a dead worker's job with a fresh heartbeat waits for staleness, or for a worker start
    set_row(rows["dead_but_fresh"], status=Status.PROCESSING, heartbeat_at=now,
            worker_id=f"{socket.gethostname()}:{dead_pid()}")
    set_row(rows["lost_message"], status=Status.QUEUED, queued_at=old)
    set_row(rows["queued"], status=Status.QUEUED, queued_at=now)

    requeued = requeue_lost().get("recording.process", [])

    assert sorted(requeued) == sorted([rows["stale"], rows["lost_message"]])
    statuses = {name: fresh(i).status for name, i in rows.items()}
    assert statuses == {"stale": Status.QUEUED, "beating": Status.PROCESSING,
                        "dead_but_fresh": Status.PROCESSING, "lost_message": Status.QUEUED,
                        "queued": Status.QUEUED}
    assert fresh(rows["stale"]).worker_id == "" and fresh(rows["stale"]).heartbeat_at is None
    pending = processing_jobs(queue)
    assert sorted(t.args[2] for t in pending) == sorted([rows["stale"], rows["lost_message"]])

    assert requeue_lost(at_worker_start=True) == {"recording.process": [rows["dead_but_fresh"]]}


def test_a_claimed_fresh_job_is_not_processed_twice(app, make_user, make_recording, queue):
    advisor = make_user(Role.ADVISOR)
    recording = make_recording(advisor, name="worker-claimed.wav")
    queue.storage.flush_queue()
    other = "other-host:4242"
    set_row(recording.id, status=Status.PROCESSING, heartbeat_at=utcnow(), attempts=1,
            worker_id=other)

    # a duplicate message for the same recording
    run_job.call_local("recording.process", "recordings", recording.id)

    recording = fresh(recording.id)
    assert recording.status is Status.PROCESSING and recording.worker_id == other
    assert recording.attempts == 1 and recording.waveform_key is None


def test_claim_is_atomic_under_concurrent_workers(app, make_user, make_recording, queue):
    advisor = make_user(Role.ADVISOR)
    recording_id = make_recording(advisor, name="worker-claimed.wav").id
    set_row(recording_id, status=Status.QUEUED, waveform_key=None, attempts=0)
    contenders = 6
    barrier = threading.Barrier(contenders)
    results: list[bool] = []
    errors: list[BaseException] = []

    def contend() -> None:
        try:
            with app.app_context():
                barrier.wait()
                results.append(claim(Recording, recording_id))
        except BaseException as exc:  # reported below, not lost in the thread
            errors.append(exc)

    threads = [threading.Thread(target=contend) for _ in range(contenders)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert not errors, errors
    assert sorted(results) == [False] * (contenders - 1) + [True]
    recording = fresh(recording_id)
    assert recording.status is Status.PROCESSING and recording.attempts == 1


def long_mp3(tmp_path: Path, minutes: int) -> Path:
    """A long stereo mp3, made fast by repeating a one-minute one without re-encoding."""
    unit = generate_media(tmp_path / "minute.mp3", seconds=60.0, channels=2,
                          codec_args=["-c:a", "libmp3lame", "-b:a", "16k"])
    path = tmp_path / f"long-{minutes}min.mp3"
    subprocess.run([ffmpeg_exe(), "-v", "error", "-y", "-stream_loop", str(minutes - 1),
                    "-i", str(unit), "-c", "copy", str(path)], check=True)
    return path


def test_sigkilled_worker_job_is_finished_by_the_next_worker(app, make_user, queue, tmp_path,
                                                             start_worker):
    advisor = make_user(Role.ADVISOR)
    killed = None
    for minutes in (10, 30, 90):  # longer until the kill lands while the job runs
        worker = start_worker()
        recording = store(advisor, long_mp3(tmp_path, minutes))

        def claimed_or_done(rec_id=recording.id, by=worker.worker_id):
            rec = fresh(rec_id)
            return rec.status in (Status.READY, Status.FAILED) or (
                rec.status is Status.PROCESSING and rec.worker_id == by)

        wait_for(claimed_or_done, "the worker to claim the job", worker, every=0.02)
        worker.kill()
        recording = fresh(recording.id)
        if recording.status is Status.PROCESSING:
            killed = worker
            break
        assert recording.status is Status.READY, recording.failure_reason
    else:
        pytest.fail("every job finished before the worker could be killed")

    assert recording.worker_id == killed.worker_id and recording.waveform_key is None
    assert recording.attempts == 1

    successor = start_worker()
    recording = wait_until_settled(recording.id, successor)

    assert_ready_with_waveform(recording, successor)
    assert recording.attempts == 2
    assert f"Re-queued interrupted recording.process jobs: [{recording.id}]" in successor.log()
    assert recording.duration_s == pytest.approx(minutes * 60, rel=0.01)


# --- failures and retry -------------------------------------------------------------------


def _lose_file(path: Path) -> None:
    path.unlink()


def _corrupt_file(path: Path) -> None:
    path.write_bytes(b"RIFF" + b"\x00" * 8 + b"this is no longer audio" * 100)


@pytest.mark.parametrize(("damage", "reason"), [
    (_lose_file, "Opening the recording failed: the media file is missing from storage"),
    (_corrupt_file, "Drawing the waveform failed: ffmpeg could not decode the audio"),
], ids=["file-missing", "file-corrupt"])
def test_failed_job_says_why_and_retry_queues_it_again(app, make_user, login, media_file,
                                                       queue, start_worker, tmp_path,
                                                       damage, reason):
    advisor = make_user(Role.ADVISOR)
    client = login(advisor)
    source = media_file("worker-retry.wav", seconds=2.0, channels=2)
    assert upload(client, [(source, "call.wav")], advisor).status_code == 302
    recording = db.session.scalars(sa.select(Recording)).one()
    stored = Path(app.config["MEDIA_DIR"]) / recording.storage_key
    backup = tmp_path / "backup.wav"
    shutil.copy(stored, backup)
    damage(stored)  # before the worker gets to it

    worker = start_worker()
    recording = wait_until_settled(recording.id, worker)

    assert recording.status is Status.FAILED
    assert recording.failure_reason.startswith(reason), recording.failure_reason
    assert recording.waveform_key is None and recording.attempts == 1
    page = client.get(f"/recordings/{recording.id}").get_data(as_text=True)
    assert reason.split(":")[0] in page and f"/recordings/{recording.id}/retry" in page

    shutil.copy(backup, stored)  # the file is back: a retry should now work
    response = client.post_form(f"/recordings/{recording.id}/retry")

    assert response.status_code == 302
    recording = fresh(recording.id)
    assert recording.status in (Status.QUEUED, Status.PROCESSING, Status.READY)
    recording = wait_until_settled(recording.id, worker)
    assert_ready_with_waveform(recording, worker)
    assert recording.attempts == 2 and recording.failure_reason == ""


def test_retry_needs_the_csrf_token(app, make_user, login, make_recording, queue):
    advisor = make_user(Role.ADVISOR)
    recording = make_recording(advisor, name="worker-claimed.wav")
    queue.storage.flush_queue()
    set_row(recording.id, status=Status.FAILED, failure_reason="Processing failed: boom")
    client = login(advisor)

    assert client.post(f"/recordings/{recording.id}/retry").status_code == 400
    assert fresh(recording.id).status is Status.FAILED and processing_jobs(queue) == []


# --- the registry of job kinds ------------------------------------------------------------


def _every_module_imported() -> None:
    """Import every module of the app's packages, as no single request would."""
    import importlib
    import pkgutil

    for package in ("coachlab", "clips", "microskills"):
        root = importlib.import_module(package)
        for info in pkgutil.walk_packages(root.__path__, f"{package}."):
            # the migrations run only under Alembic; coachlab.wsgi builds an app at import
            if ".migrations" not in info.name and info.name != "coachlab.wsgi":
                importlib.import_module(info.name)


def test_a_fresh_worker_knows_every_task_and_job_kind_the_code_defines(app, queue,
                                                                       start_worker):
    from coachlab.jobs import JobState, job_kinds, task_names

    worker = start_worker()
    wait_for(lambda: "Job kinds: " in worker.log(), "the worker to start", worker)
    line = next(ln for ln in worker.log().splitlines() if ln.startswith("Job kinds: "))
    kinds_part, tasks_part = line.removeprefix("Job kinds: ").split("; tasks: ")

    _every_module_imported()

    assert set(tasks_part.split(", ")) == task_names()
    assert set(kinds_part.split(", ")) == set(job_kinds(app))
    # every table that carries job state has a kind that runs it
    job_models = {m.class_ for m in db.Model.registry.mappers if issubclass(m.class_, JobState)}
    assert job_models == {kind.model for kind in job_kinds(app).values()}


def _send(queue, name: str, args: tuple) -> None:
    """Put a raw message on the queue, as another version of CoachLab might have."""
    from huey.registry import Message

    message = Message(id="test-" + name, name=name, eta=None, retries=0, retry_delay=0,
                      priority=None, args=args, kwargs={}, on_complete=None, on_error=None,
                      expires=None, expires_resolved=None, timeout=None, chord_config=None,
                      retry_backoff=0)
    queue.storage.enqueue(queue.serializer.serialize(message), None)


@pytest.mark.parametrize(("task", "kind"), [
    (RUN_JOB_TASK, "recording.transcode_v9"),  # a kind this version does not have
    ("coachlab.jobs.process_recording_v9", "recording.process"),  # a task it does not have
], ids=["unknown-kind", "unknown-task"])
def test_a_message_nobody_knows_fails_its_row_with_a_reason_and_retry(
        app, make_user, login, make_recording, queue, start_worker, task, kind):
    advisor = make_user(Role.ADVISOR)
    recording = make_recording(advisor, name="worker-unknown.wav")
    queue.storage.flush_queue()
    _send(queue, task, (kind, "recordings", recording.id))

    worker = start_worker()
    recording = wait_until_settled(recording.id, worker)

    assert recording.status is Status.FAILED
    assert "does not know" in recording.failure_reason and kind in recording.failure_reason
    assert recording.waveform_key is None
    page = login(advisor).get(f"/recordings/{recording.id}").get_data(as_text=True)
    assert "does not know" in page and f"/recordings/{recording.id}/retry" in page
    # Retry sends a message this worker knows
    assert login(advisor).post_form(f"/recordings/{recording.id}/retry").status_code == 302
    assert_ready_with_waveform(wait_until_settled(recording.id, worker), worker)
