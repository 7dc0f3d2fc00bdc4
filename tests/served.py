"""CoachLab started the way ``make run`` starts it, for tests that meet it as users do.

``ServedApp`` runs ``coachlab db upgrade``, ``coachlab seed-demo --if-empty`` and
``coachlab serve`` (gunicorn plus its supervised ``coachlab worker``) as subprocesses, on a
database and a queue of their own: a SQLite file and the SQLite Huey file in a temporary
instance folder, or, in the PostgreSQL pass, a schema of its own in the test database and a
Redis database number of its own. Nothing runs inline: jobs go through the real queue.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import requests
import sqlalchemy as sa

from coachlab.demo.seed import DEMO_PASSWORD
from tests.conftest import TEST_DATABASE_URL, TEST_REDIS_URL

REPO = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ServedApp:
    def __init__(self, root: Path, *, seed: bool = True) -> None:
        self.root = root
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = root / "serve.log"
        self.schema = None
        if TEST_DATABASE_URL:
            self.schema = f"served_{uuid.uuid4().hex[:8]}"
            _run_sql(TEST_DATABASE_URL, f"CREATE SCHEMA {self.schema}")
            self.database_url = (f"{TEST_DATABASE_URL}?options=-csearch_path%3D{self.schema}")
        else:
            self.database_url = f"sqlite:///{root / 'coachlab.sqlite'}"
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("COACHLAB_")}
        self.env.update({
            "COACHLAB_DATABASE_URL": self.database_url,
            "COACHLAB_HUEY_FILE": str(root / "huey.sqlite"),
            "COACHLAB_MEDIA_DIR": str(root / "media"),
            "COACHLAB_UPLOAD_TMP_DIR": str(root / "tmp"),
            "COACHLAB_SECRET_KEY": "served-test-secret",
            "PYTHONUNBUFFERED": "1",
        })
        if TEST_REDIS_URL:  # a db number of its own, so other tests' flushes do not touch it
            base, _, number = TEST_REDIS_URL.rpartition("/")
            self.redis_url = f"{base}/{int(number) - 1}"
            self.env["COACHLAB_REDIS_URL"] = self.redis_url
            import redis

            with redis.Redis.from_url(self.redis_url) as client:
                client.flushdb()
        self.engine = sa.create_engine(self._engine_url(self.database_url))
        self.seed = seed
        self.proc: subprocess.Popen | None = None
        self._log = None

    def start(self) -> ServedApp:
        self._run("db", "upgrade")
        if self.seed:
            self._run("seed-demo", "--if-empty")
        self._log = self.log_path.open("wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "coachlab.cli", "serve", "--port", str(self.port),
             "--workers", "1", "--threads", "4"],
            env=self.env, cwd=REPO, stdin=subprocess.DEVNULL, stdout=self._log,
            stderr=subprocess.STDOUT, start_new_session=True)
        self.wait_for(self._answers, "the web server to answer", timeout=60)
        return self

    @staticmethod
    def _engine_url(url: str) -> str:
        return _engine_url(url)

    def _run(self, *args: str) -> str:
        result = subprocess.run([sys.executable, "-m", "coachlab.cli", *args], env=self.env,
                                cwd=REPO, capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    def _answers(self) -> bool:
        try:
            return requests.get(f"{self.url}/login", timeout=2).status_code == 200
        except requests.RequestException:
            return False

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def check_alive(self) -> None:
        code = self.proc.poll()
        assert code is None, f"coachlab serve exited with {code}:\n{self.log()[-5000:]}"

    def wait_for(self, predicate, what: str, *, timeout: float = 240, every: float = 0.2):
        deadline = time.monotonic() + timeout
        while True:
            value = predicate()
            if value:
                return value
            self.check_alive()
            if time.monotonic() > deadline:
                raise AssertionError(f"gave up waiting for {what} after {timeout:.0f} s\n"
                                     f"{self.log()[-5000:]}")
            time.sleep(every)

    def query(self, sql: str, **params) -> list[sa.Row]:
        with self.engine.connect() as conn:
            return list(conn.execute(sa.text(sql), params))

    def worker_pids(self) -> list[int]:
        """Pids of the ``coachlab worker`` processes serve supervises."""
        children = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children")
        pids = [int(p) for p in children.read_text().split()] if children.exists() else []
        return [pid for pid in pids
                if {b"coachlab.cli", b"worker"} <= set(_cmdline(pid).split(b"\0"))]

    def sign_in(self, email: str, password: str = DEMO_PASSWORD) -> requests.Session:
        http = requests.Session()
        page = http.get(f"{self.url}/login", timeout=10).text
        response = http.post(f"{self.url}/login", timeout=10, allow_redirects=False, data={
            "email": email, "password": password, "csrf_token": csrf_token(page)})
        assert response.status_code == 302, response.text[:500]
        return http

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        if self._log is not None:
            self._log.close()
        self.engine.dispose()
        if self.schema:
            _run_sql(TEST_DATABASE_URL, f"DROP SCHEMA {self.schema} CASCADE")


def _engine_url(url: str) -> str:
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


def _run_sql(url: str, sql: str) -> None:
    engine = sa.create_engine(_engine_url(url))
    try:
        with engine.begin() as conn:
            conn.execute(sa.text(sql))
    finally:
        engine.dispose()


def csrf_token(page: str) -> str:
    match = re.search(r'<meta name="csrf-token" content="([^"]+)"', page)
    assert match, "no CSRF token on the page"
    return match.group(1)


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""
