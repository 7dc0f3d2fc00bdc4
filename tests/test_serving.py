"""Jobs the way users meet them: ``coachlab serve`` as ``make run`` starts it, demo data, a
browser or plain HTTP, and the real supervised worker (no inline jobs).

One served app per module (its demo calls take a minute to process); the tests run in file
order: the worker is killed while it processes the demo calls, then clips are cut through
the web routes and played.
"""

from __future__ import annotations

import io
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import av
import pytest

from coachlab.serving import MAX_RESTARTS, Supervisor
from tests.served import ServedApp, csrf_token

CLIP_WAIT_S = 60  # "the clip plays within a minute"


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    app = ServedApp(tmp_path_factory.mktemp("served"))
    try:
        yield app.start()
    finally:
        app.stop()


def recording_states(served: ServedApp) -> dict[int, tuple]:
    return {r.id: (r.status, r.attempts, r.worker_id) for r in served.query(
        "SELECT id, status, attempts, worker_id FROM recordings ORDER BY id")}


def all_processed(served: ServedApp) -> dict[int, tuple]:
    def all_ready():
        states = recording_states(served)
        return states if states and all(s[0] == "ready" for s in states.values()) else None

    return served.wait_for(all_ready, "every demo call to be processed", timeout=900)


def test_a_sigkilled_worker_is_replaced_and_its_job_finishes(served):
    """SIGKILL the worker while it processes a demo call: serve restarts it at once, the job
    is re-queued at once (the stale-heartbeat window is 5 minutes) and finishes."""
    [worker_pid] = served.wait_for(served.worker_pids, "serve to start its worker")

    def busy_row():
        rows = served.query("SELECT id, worker_id FROM recordings WHERE status = 'processing'")
        return next((r for r in rows if r.worker_id.endswith(f":{worker_pid}")), None)

    row = served.wait_for(busy_row, "the worker to claim a demo call", every=0.05)
    os.kill(worker_pid, signal.SIGKILL)
    said = served.wait_for(
        lambda: re.search(r"Re-queued recording.process jobs of the dead worker: \[([\d, ]+)\]",
                          served.log()), "serve to re-queue the job", timeout=15)
    requeued = [int(i) for i in said.group(1).split(",")]
    assert row.id in requeued

    states = all_processed(served)
    served.check_alive()  # serve itself was never restarted
    for rec_id in requeued:  # the killed attempt, then the one that finished
        assert states[rec_id][1] == 2 and not states[rec_id][2].endswith(f":{worker_pid}")
    log = served.log()
    assert f"the job worker (pid {worker_pid}) exited with code -9" in log
    [successor] = served.worker_pids()
    assert successor != worker_pid
    # nothing is left processing, and the dead worker is no zombie
    assert not served.query("SELECT id FROM recordings WHERE status IN ('queued', 'processing')")
    status = Path(f"/proc/{worker_pid}/status")
    assert not status.exists() or b"zombie" not in status.read_bytes()


def test_a_clip_cut_through_the_web_route_plays(served):
    all_processed(served)
    http = served.sign_in("coach@example.com")
    recording = served.query("SELECT id, duration_s FROM recordings ORDER BY id LIMIT 1")[0]
    recording_page = http.get(f"{served.url}/recordings/{recording.id}", timeout=10)
    assert recording_page.status_code == 200
    advisor = served.query("SELECT advisor_id FROM recordings WHERE id = :id",
                           id=recording.id)[0].advisor_id
    fields = {"csrf_token": csrf_token(recording_page.text), "start": "10", "end": "16",
              "title": "Typed times", "kind": "good_moment", "advisor": str(advisor),
              "visibility": "private"}
    form = {f"clip-{name}": value for name, value in fields.items()}  # the form's prefix
    response = http.post(f"{served.url}/recordings/{recording.id}/clips", data=form,
                         timeout=10, allow_redirects=False)
    assert response.status_code == 302, response.text[:2000]
    assert "/clips/" in response.headers["Location"], http.get(served.url).text[:3000]
    [clip] = served.query("SELECT id FROM clips WHERE title = 'Typed times'")
    clip_id = clip.id

    state = served.wait_for(lambda: _ready(http, served, clip_id), "the clip to be cut",
                            timeout=CLIP_WAIT_S)
    assert state["progress"] == 100
    media = http.get(f"{served.url}/clips/{clip_id}/media", timeout=10)
    assert media.status_code == 200 and media.headers["Content-Type"].startswith("audio/")
    with av.open(io.BytesIO(media.content)) as container:
        seconds = container.duration / 1_000_000
        frames = sum(1 for _ in container.decode(audio=0))
    [row] = served.query("SELECT start, \"end\" FROM clips WHERE id = :id", id=clip_id)
    assert seconds == pytest.approx(row.end - row.start, abs=0.1) and frames > 0
    assert 5.5 <= row.end - row.start <= 8.0  # the typed region, snapped to words and padded


def _ready(http, served, clip_id):
    state = http.get(f"{served.url}/clips/{clip_id}/status.json", timeout=10).json()
    assert state["status"] != "failed", state
    return state if state["status"] == "ready" else None


@pytest.mark.browser
def test_coach_accepts_a_suggested_moment_and_plays_the_clip(served, page):
    all_processed(served)
    page.goto(f"{served.url}/login")
    page.fill("input[name=email]", "coach@example.com")
    page.fill("input[name=password]", "coachlab-demo")
    page.click("button[type=submit]")
    suggested = served.query(
        "SELECT recording_id, id FROM moment_suggestions WHERE status = 'open' "
        "ORDER BY recording_id, id LIMIT 1")
    assert suggested, "the demo calls got no suggested moments"
    recording_id, suggestion_id = suggested[0]
    page.goto(f"{served.url}/recordings/{recording_id}")
    page.locator(f"#suggestion-{suggestion_id} form[action$='/accept'] button").click()
    page.wait_for_url("**/clips/*")
    media = page.locator("#media")
    media.wait_for(state="attached", timeout=CLIP_WAIT_S * 1000)  # the page reloads when cut
    page.wait_for_function(
        "() => { const m = document.querySelector('#media'); return m && m.readyState >= 1; }")
    page.evaluate("() => document.querySelector('#media').play()")
    page.wait_for_function("() => document.querySelector('#media').currentTime > 0.5")
    assert page.evaluate("() => document.querySelector('#media').duration") > 1


# --- the supervisor on its own ------------------------------------------------------------


def test_serve_gives_up_with_a_message_when_the_worker_cannot_run(capsys):
    """A worker that dies at once, again and again: serve says so and exits non-zero."""
    messages: list[str] = []
    dead: list[str] = []
    supervisor = Supervisor(
        web_cmd=[sys.executable, "-c", "import time; time.sleep(120)"],
        worker_cmd=[sys.executable, "-c", "import sys; sys.exit(3)"],
        on_worker_death=dead.append, echo=messages.append)
    started = time.monotonic()

    code = supervisor.run()

    assert code == 1
    assert time.monotonic() - started < 60
    assert len(dead) == MAX_RESTARTS
    assert "exited with code 3" in messages[0]
    assert messages[-1].startswith("coachlab serve: the job worker died")
    assert supervisor.web.poll() is not None  # the web server was stopped too


def test_serve_command_exits_non_zero_when_the_web_server_dies(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("COACHLAB_")}
    env.update({"COACHLAB_DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite'}",
                "COACHLAB_HUEY_FILE": str(tmp_path / "huey.sqlite"),
                "COACHLAB_SECRET_KEY": "x"})
    # a port that cannot be bound (privileged ports need root; use one that is taken)
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "coachlab.cli", "serve", "--port", str(port)],
            env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert "coachlab serve: the web server exited with code" in result.stdout
