"""``coachlab serve``: the web app under gunicorn and a job worker beside it, supervised.

The supervisor is a plain loop in the serve process. A job worker that dies is restarted
at once, and the jobs it held are re-queued at once (not after the stale-heartbeat window);
a worker that keeps dying (``MAX_RESTARTS`` within ``RESTART_WINDOW_S``) or cannot be
started ends ``serve`` with a message and a non-zero exit. The web server dying ends it too.
"""

from __future__ import annotations

import logging
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field

log = logging.getLogger(__name__)

MAX_RESTARTS = 5
RESTART_WINDOW_S = 60.0
POLL_S = 0.25


class ServeError(RuntimeError):
    pass


def web_command(host: str, port: int, workers: int, threads: int) -> list[str]:
    """gunicorn serving coachlab.wsgi:app (threads > 1 selects its gthread workers)."""
    return [sys.executable, "-m", "gunicorn", "--bind", f"{host}:{port}",
            "--workers", str(workers), "--threads", str(threads),
            "--graceful-timeout", "10", "--timeout", "120", "coachlab.wsgi:app"]


def worker_command() -> list[str]:
    return [sys.executable, "-m", "coachlab.cli", "worker"]


@dataclass
class Supervisor:
    """Runs the web server and one job worker until told to stop, or until it cannot."""

    web_cmd: list[str]
    worker_cmd: list[str]
    on_worker_death: Callable[[str], None]  # called with the dead worker's id
    echo: Callable[[str], None] = print
    web: subprocess.Popen | None = None
    worker: subprocess.Popen | None = None
    restarts: list[float] = field(default_factory=list)
    stopping: bool = False

    def run(self) -> int:
        signal.signal(signal.SIGTERM, self._stop)
        signal.signal(signal.SIGINT, self._stop)
        try:
            self.web = subprocess.Popen(self.web_cmd)
            self.worker = self._start_worker()
            while not self.stopping:
                time.sleep(POLL_S)
                if self.web.poll() is not None:
                    if self.stopping:
                        break
                    raise ServeError(f"the web server exited with code {self.web.returncode}")
                if self.worker.poll() is not None and not self.stopping:
                    self._replace_worker()
            return 0
        except ServeError as exc:
            self.echo(f"coachlab serve: {exc}; stopping.")
            return 1
        finally:
            for proc in (self.worker, self.web):
                _terminate(proc)

    def _start_worker(self) -> subprocess.Popen:
        try:
            return subprocess.Popen(self.worker_cmd)
        except OSError as exc:
            raise ServeError(f"cannot start the job worker: {exc}") from exc

    def _replace_worker(self) -> None:
        dead = self.worker
        dead_id = f"{socket.gethostname()}:{dead.pid}"
        self.echo(f"coachlab serve: the job worker (pid {dead.pid}) exited with code "
                  f"{dead.returncode}; re-queueing its jobs and restarting it.")
        now = time.monotonic()
        self.restarts = [t for t in self.restarts if now - t < RESTART_WINDOW_S] + [now]
        if len(self.restarts) > MAX_RESTARTS:
            raise ServeError(f"the job worker died {len(self.restarts)} times within "
                             f"{RESTART_WINDOW_S:.0f} s (see its log above)")
        try:
            self.on_worker_death(dead_id)
        except Exception:  # the new worker's start-up recovery will try again
            log.exception("re-queueing the jobs of %s failed", dead_id)
        self.worker = self._start_worker()

    def _stop(self, *_: object) -> None:
        self.stopping = True


def _terminate(proc: subprocess.Popen | None) -> None:
    if proc is None or proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
