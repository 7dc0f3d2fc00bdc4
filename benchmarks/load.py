"""Benchmark: page throughput and latency of ``coachlab serve`` under concurrent load.

Sets up a throwaway instance (a temp folder holding the SQLite database, the job queue and
the media) through ``COACHLAB_*`` variables, runs ``coachlab db upgrade``, ``coachlab
seed-demo`` and ``coachlab serve`` on a free port of 127.0.0.1 (with ``--workers N`` when
the serve command has that option), waits until the demo recordings are processed, signs
in as the demo coach and then points Debian's ``wrk`` (20 connections, 2 threads, 60 s by
default; ``apt-get install wrk``) with the session cookie at

* the recordings list ``/recordings/`` and
* one recording page ``/recordings/<id>``,

printing requests/s, p50 and p95 latency and the errors per page (connect, read, write,
timeout and non-2xx responses, counted by ``benchmarks/load_latency.lua``). Exits non-zero
when any request failed. Only loopback; the server is stopped and the folder removed at the
end. Run from the repository root:

    .venv/bin/python benchmarks/load.py [--duration 60] [--connections 20] [--threads 2]
                                        [--workers N] [--web-threads N]
                                        # passed to serve as --workers/--threads if it has them
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import http.cookiejar
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
LUA_SCRIPT = HERE / "load_latency.lua"
COACH, PASSWORD = "coach@example.com", "coachlab-demo"  # coachlab/demo/seed.py
HOST = "127.0.0.1"
WRK_TIMEOUT = "10s"  # a request slower than this counts as a timeout error
# Flask-Login's "strong" session protection ties the session to the address and the
# User-Agent: wrk must send the same one as the client that signed in
USER_AGENT = "coachlab-load-benchmark"
ERROR_KINDS = ("connect", "read", "write", "timeout", "non2xx")


def coachlab_exe() -> str:
    beside = Path(sys.executable).parent / "coachlab"
    return str(beside) if beside.exists() else shutil.which("coachlab") or "coachlab"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def instance_env(folder: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("COACHLAB_")}
    env.update({
        "COACHLAB_DATABASE_URL": f"sqlite:///{folder / 'coachlab.sqlite'}",
        "COACHLAB_HUEY_FILE": str(folder / "huey.sqlite"),
        "COACHLAB_MEDIA_DIR": str(folder / "media"),
        "COACHLAB_UPLOAD_TMP_DIR": str(folder / "tmp"),
        "COACHLAB_SECRET_KEY": "bench-" + secrets.token_urlsafe(32),  # not valid JSON: a str
    })
    return env


def run_cli(env: dict[str, str], *args: str) -> None:
    done = subprocess.run([coachlab_exe(), *args], env=env, capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"coachlab {' '.join(args)} failed:\n{done.stdout}{done.stderr}")


def start_server(env: dict[str, str], port: int, args: argparse.Namespace, log: Path):
    command = [coachlab_exe(), "serve", "--host", HOST, "--port", str(port)]
    help_text = subprocess.run([coachlab_exe(), "serve", "--help"], env=env,
                               capture_output=True, text=True).stdout
    for option, value in (("--workers", args.workers), ("--threads", args.web_threads)):
        if value is not None:
            if option in help_text:
                command += [option, str(value)]
            else:
                print(f"note: this `coachlab serve` has no {option} option; ignoring it")
    print("$", " ".join(command))
    with log.open("wb") as out:  # a file, not a pipe: a chatty server must never block
        return subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)


def stop_server(server: subprocess.Popen, timeout: float = 15) -> None:
    """SIGTERM the server as systemd would, SIGKILL it and whatever it left behind."""
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            print(f"the server did not stop within {timeout:.0f} s of SIGTERM; killing it")
    with contextlib.suppress(ProcessLookupError):  # its session: no process of ours else
        os.killpg(server.pid, 0)
        if server.poll() is not None:
            print("the server left processes behind when it stopped; killing them")
        os.killpg(server.pid, signal.SIGKILL)
    server.wait()


class Client:
    """A browser-like HTTP client: cookies kept, redirects followed, no proxy."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.ProxyHandler({}), urllib.request.HTTPCookieProcessor(self.jar))
        self.opener.addheaders = [("User-Agent", USER_AGENT)]

    def get(self, path: str, data: dict[str, str] | None = None) -> tuple[str, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        with self.opener.open(self.base + path, data=body, timeout=30) as response:
            return response.geturl(), response.read().decode()

    def cookie_header(self) -> str:
        return "; ".join(f"{c.name}={c.value}" for c in self.jar)


def wait_until_up(client: Client, server: subprocess.Popen, log: Path, timeout: float = 60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"the server exited with {server.returncode}:\n{log.read_text()[-3000:]}")
        try:
            client.get("/login")
            return
        except OSError:
            time.sleep(0.3)
    sys.exit(f"the server did not answer within {timeout:.0f} s:\n{log.read_text()[-3000:]}")


def sign_in(client: Client) -> None:
    _, page = client.get("/login")
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    if not token:
        sys.exit("no CSRF token on the sign-in page")
    url, _ = client.get("/login", {"csrf_token": token.group(1), "email": COACH,
                                   "password": PASSWORD})
    if urllib.parse.urlsplit(url).path == "/login":
        sys.exit(f"signing in as {COACH} failed")


def wait_for_processing(client: Client, timeout: float) -> list[int]:
    """Poll each demo recording's status.json until none is pending; return the ready ids."""
    _, page = client.get("/recordings/")
    ids = sorted({int(i) for i in re.findall(r'href="/recordings/(\d+)"', page)})
    if not ids:
        sys.exit("the recordings list shows no recording: did seed-demo find the demo media?")
    deadline = time.monotonic() + timeout
    while True:
        states = {i: json.loads(client.get(f"/recordings/{i}/status.json")[1])["status"]
                  for i in ids}
        pending = [i for i, s in states.items() if s not in ("ready", "failed")]
        if not pending:
            break
        if time.monotonic() > deadline:
            sys.exit(f"recordings still processing after {timeout:.0f} s: {states}")
        time.sleep(2)
    failed = [i for i, s in states.items() if s == "failed"]
    if failed:
        print(f"warning: demo recordings failed to process: {failed}")
    ready = [i for i, s in states.items() if s == "ready"]
    print(f"{len(ready)} of {len(ids)} demo recordings ready")
    return ready or ids


def check_page(url: str, headers: dict[str, str]) -> None:
    """One request with exactly wrk's headers, so a lost session fails here, not as errors."""
    parts = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        conn.request("GET", parts.path, headers=headers)
        response = conn.getresponse()
    finally:
        conn.close()
    if response.status != 200:
        sys.exit(f"GET {parts.path} with the session cookie answered {response.status} "
                 f"{response.getheader('Location') or ''}")


def run_wrk(url: str, headers: dict[str, str], args: argparse.Namespace) -> dict[str, int]:
    check_page(url, headers)
    command = ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{args.duration}s",
               "--timeout", WRK_TIMEOUT, "-s", str(LUA_SCRIPT), url]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    line = next((ln for ln in out.splitlines() if ln.startswith("LOAD ")), None)
    if line is None:
        sys.exit(f"wrk printed no LOAD line:\n{out}")
    fields = dict(pair.split("=") for pair in line.split()[1:])
    return {k: int(v) for k, v in fields.items()}


def report(results: dict[str, dict[str, int]]) -> int:
    print(f"\n{'page':<22} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8}  errors")
    total_errors = 0
    for page, r in results.items():
        errors = {k: r[k] for k in ERROR_KINDS}
        total_errors += sum(errors.values())
        detail = ", ".join(f"{k} {v}" for k, v in errors.items() if v) or "0"
        print(f"{page:<22} {r['requests'] / (r['duration_us'] / 1e6):>8.1f} "
              f"{r['p50_us'] / 1000:>8.1f} {r['p95_us'] / 1000:>8.1f}  {detail}")
    return total_errors


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=60, help="seconds per page")
    parser.add_argument("--connections", type=int, default=20)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=None,
                        help="web workers, passed to `coachlab serve --workers` if it has it")
    parser.add_argument("--web-threads", type=int, default=None,
                        help="threads per web worker, for `coachlab serve --threads`")
    parser.add_argument("--ready-timeout", type=float, default=600,
                        help="seconds to wait for the demo recordings to be processed")
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # progress lines before the server's output
    if shutil.which("wrk") is None:
        print("wrk is not installed: `apt-get install wrk` (Debian/Ubuntu), then run again.",
              file=sys.stderr)
        return 2

    folder = Path(tempfile.mkdtemp(prefix="coachlab-load-"))
    server = None
    try:
        env = instance_env(folder)
        run_cli(env, "db", "upgrade")
        run_cli(env, "seed-demo")
        port = free_port()
        log = folder / "server.log"
        server = start_server(env, port, args, log)
        client = Client(f"http://{HOST}:{port}")
        wait_until_up(client, server, log)
        sign_in(client)
        recording = wait_for_processing(client, args.ready_timeout)[0]
        headers = {"Cookie": client.cookie_header(), "User-Agent": USER_AGENT}
        load1, _, _ = os.getloadavg()
        print(f"machine: {os.cpu_count()} CPUs, load average {load1:.1f} (wrk shares them)")
        results = {}
        for page in ("/recordings/", f"/recordings/{recording}"):
            print(f"wrk: {args.connections} connections, {args.threads} threads, "
                  f"{args.duration} s on {page}")
            results[page] = run_wrk(client.base + page, headers, args)
        errors = report(results)
        if server.poll() is not None:
            print(f"the server exited during the run ({server.returncode})")
            return 1
        return 1 if errors else 0
    finally:
        if server is not None:
            stop_server(server)
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
