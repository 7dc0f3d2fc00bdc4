"""Benchmark the performance package: dashboards and the CSV import of outcomes.

Usage: python benchmarks/outcomes.py [--outcomes 100000] [--recordings 10000] [--repeat 20]
                                     [--databases sqlite,postgresql]
                                     [--pg-url postgresql://postgres@127.0.0.1:5432/test]
                                     [--no-compare]

Seeds 100 advisors (10 teams of 10, a coach each, an admin) with ``recordings / 100`` calls
each over the last year (half with their own NPS/CSAT/resolved, every one with per-call
microskill counts), and audits on 5% of the calls (a third Needs Improvement). Then:

1. writes a CSV of ``--outcomes`` interactions over the last year and imports it with
   ``performance.imports.import_outcomes`` (what ``coachlab import outcomes`` runs), timing
   it; then imports it again (every row an update) under ``tracemalloc`` for the peak of
   Python memory, and a tenth of the file the same way, to show how memory grows with rows;
2. requests the company (admin), team (coach) and advisor (advisor) dashboards over 90 and
   365 days ``--repeat`` times each after two warm-ups, in process with Flask's test client,
   and prints p50/p95 wall time in ms, the median CPU time of this (the app's) process and
   the SQL statements of a request (counted with a SQLAlchemy event listener);
3. then the company dashboards again with the per-week and per-month sums switched off
   (``performance.sums``: raw rows, as before they existed), back to back with step 2, for
   an A/B on the same data and load (``--no-compare`` skips it).

The load average of the machine is printed with each database: wall times on a shared
machine vary with it, CPU times much less.

SQLite runs in a temporary file; PostgreSQL in a schema of its own, dropped at the end.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import logging
import os
import random
import re
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa  # noqa: E402
from werkzeug.security import generate_password_hash  # noqa: E402

ADVISORS = 100
TEAM_SIZE = 10
PASSWORD = "bench-outcomes-password"
CODES = ["A.greeting", "W.empathy", "E.open_question", "S.summary", "O.ownership",
         "M.expectation", "E.further_help"]


def seed(db, recordings: int, rng: random.Random) -> dict:
    from coachlab.auth.models import Role, Team, User, team_coaches
    from coachlab.recordings.models import Direction, Recording, Status
    from microskills.models import RecordingSkillSummary
    from microskills.service import ensure_masterlist
    from performance.models import Audit, Band

    now = dt.datetime.now(dt.UTC)
    ensure_masterlist()
    db.session.commit()
    hashed = generate_password_hash(PASSWORD)
    teams = ADVISORS // TEAM_SIZE

    def ins(table, rows):
        if rows:
            db.session.execute(sa.insert(table), rows)

    ins(Team.__table__, [{"id": t + 1, "name": f"Team {t + 1}", "created_at": now}
                         for t in range(teams)])
    base = {"password_hash": hashed, "active": True, "created_at": now, "session_version": 0}
    users = [{"id": 1, "email": "admin@bench.example", "name": "Admin", "role": Role.ADMIN,
              "team_id": None, **base}]
    users += [{"id": 2 + t, "email": f"coach{t + 1}@bench.example", "name": f"Coach {t + 1}",
               "role": Role.COACH, "team_id": None, **base} for t in range(teams)]
    first = 2 + teams
    users += [{"id": first + a, "email": f"advisor{a + 1}@bench.example",
               "name": f"Advisor {a + 1:03d}", "role": Role.ADVISOR,
               "team_id": a // TEAM_SIZE + 1, **base} for a in range(ADVISORS)]
    ins(User.__table__, users)
    ins(team_coaches, [{"team_id": t + 1, "user_id": 2 + t} for t in range(teams)])
    rows, summaries, audits = [], [], []
    per = recordings // ADVISORS
    rid = 0
    for a in range(ADVISORS):
        for n in range(per):
            rid += 1
            called_at = now - dt.timedelta(days=364 * (n + rng.random()) / per)
            scored = rng.random() < 0.5
            rows.append({
                "id": rid, "advisor_id": first + a, "team_id": a // TEAM_SIZE + 1,
                "uploaded_by_id": first + a, "created_at": called_at, "called_at": called_at,
                "direction": Direction.INBOUND, "customer_ref": "", "title": f"Call {rid}",
                "nps": rng.randrange(11) if scored else None,
                "csat": rng.randrange(1, 6) if scored else None,
                "resolved": (rng.random() < 0.7) if scored else None, "disposition": "",
                "original_filename": f"c{rid}.wav", "storage_key": f"rec/{rid}/a.wav",
                "content_type": "audio/wav", "size_bytes": 1, "sha256": f"{rid:064d}",
                "duration_s": 60.0, "container": "wav", "audio_codec": "pcm_s16le",
                "channels": 2, "sample_rate": 8000, "has_video": False, "step": "",
                "status": Status.READY, "progress": 100, "failure_reason": "", "attempts": 1,
                "worker_id": "", "agent_channel": "left"})
            summaries.append({"recording_id": rid, "tagger_version": "bench", "flags": [],
                              "tagged_at": called_at, "frustration": 0,
                              "frustration_answered": 0, "objections": 0,
                              "objections_handled": 0,
                              "skill_counts": {c: rng.randrange(4) for c in CODES}})
            if rng.random() < 0.05:
                band = rng.choice([Band.OUTSTANDING, Band.SUGGESTION, Band.NEEDS_IMPROVEMENT])
                audits.append({"recording_id": rid, "advisor_id": first + a,
                               "team_id": a // TEAM_SIZE + 1, "auditor_id": 2 + a // TEAM_SIZE,
                               "band": band, "comment": "bench", "microskills": ["W.empathy"],
                               "called_at": called_at, "created_at": called_at,
                               "act_by": called_at + dt.timedelta(hours=24)
                               if band is Band.NEEDS_IMPROVEMENT else None,
                               "acted_at": None, "acted_note": ""})
        if len(rows) >= 2000:
            ins(Recording.__table__, rows)
            ins(RecordingSkillSummary.__table__, summaries)
            rows.clear()
            summaries.clear()
    ins(Recording.__table__, rows)
    ins(RecordingSkillSummary.__table__, summaries)
    ins(Audit.__table__, audits)
    db.session.commit()
    return {"admin": "admin@bench.example", "coach": "coach1@bench.example",
            "advisor": "advisor1@bench.example", "advisor_id": first, "team_id": 1}


def write_csv(path: Path, count: int, rng: random.Random) -> None:
    now = dt.datetime.now(dt.UTC)
    yn = ("yes", "no")
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["interaction_id", "advisor_email", "occurred_at", "channel", "nps", "csat",
                    "resolved", "response_seconds", "converted", "new_customer"])
        for i in range(count):
            when = now - dt.timedelta(days=364 * rng.random())
            w.writerow([f"INT-{i:07d}", f"advisor{rng.randrange(ADVISORS) + 1}@bench.example",
                        when.isoformat(timespec="seconds"),
                        rng.choice(("call", "chat", "email", "message")),
                        rng.randrange(11) if rng.random() < 0.6 else "",
                        rng.randrange(1, 6) if rng.random() < 0.5 else "", rng.choice(yn),
                        int(rng.expovariate(1 / 3600)), rng.choice(yn + ("",)),
                        "yes" if rng.random() < 0.15 else "no"])


def run_import(path: Path, *, memory: bool) -> tuple[float, float | None, object]:
    from performance import imports

    if memory:
        tracemalloc.start()
    start = time.perf_counter()
    report = imports.import_outcomes(lambda: path.open(encoding="utf-8", newline=""),
                                     acting=None)
    took = time.perf_counter() - start
    peak = None
    if memory:
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    assert report.ok, (report.header_error, report.errors[:5])
    return took, peak, report


def sign_in(app, email: str):
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'<meta name="csrf-token" content="([^"]+)"', page)
    response = client.post("/login", data={"email": email, "password": PASSWORD,
                                           "csrf_token": token.group(1)})
    assert response.status_code == 302
    return client


def measure(client, url: str, repeat: int, statements: list) -> tuple[float, float, float, int]:
    """(wall p50, wall p95, CPU p50 in ms, SQL statements of one request)."""
    for _ in range(2):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    statements.clear()
    client.get(url)
    count = len(statements)
    times, cpu = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        times.append(1000 * (time.perf_counter() - start))
        cpu.append(1000 * (time.process_time() - start_cpu))
        assert response.status_code == 200
    times.sort()
    return (statistics.median(times), times[min(len(times) - 1, round(0.95 * (len(times) - 1)))],
            statistics.median(cpu), count)


def load() -> str:
    return "load average " + " ".join(f"{v:.1f}" for v in os.getloadavg())


def run(database: str, args) -> None:
    from flask_migrate import upgrade

    from coachlab import create_app
    from coachlab.db import db

    tmp = tempfile.TemporaryDirectory(prefix="bench-outcomes-")
    root = Path(tmp.name)
    schema = None
    if database == "sqlite":
        url = f"sqlite:///{root / 'bench.sqlite'}"
    else:
        schema = f"bench_outcomes_{os.getpid()}"
        admin = sa.create_engine(args.pg_url.replace("postgresql://", "postgresql+psycopg://", 1))
        try:
            with admin.begin() as conn:
                conn.execute(sa.text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
                conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
        except sa.exc.OperationalError as exc:
            print(f"  skipped: PostgreSQL does not answer ({str(exc.orig).splitlines()[0]})")
            return
        url = f"{args.pg_url}{'&' if '?' in args.pg_url else '?'}options=-csearch_path%3D{schema}"
    app = create_app({"TESTING": False, "SECRET_KEY": "bench", "DATABASE_URL": url,
                      "MEDIA_DIR": str(root / "media"), "UPLOAD_TMP_DIR": str(root / "tmp"),
                      "HUEY_FILE": str(root / "huey.sqlite"), "JOBS_IMMEDIATE": True,
                      "RATELIMIT_STORAGE_URI": "memory://"})
    rng = random.Random(15)
    try:
        with app.app_context():
            logging.getLogger("alembic").setLevel(logging.WARNING)
            upgrade()
            start = time.perf_counter()
            info = seed(db, args.recordings, rng)
            # planner statistics, as autovacuum would have made them by the time anyone looks
            # (the bulk insert leaves PostgreSQL thinking the tables are empty)
            db.session.execute(sa.text("ANALYZE"))
            db.session.commit()
            print(f"  seeded {ADVISORS} advisors, {args.recordings} recordings in "
                  f"{time.perf_counter() - start:.0f} s")
            big, small = root / "outcomes.csv", root / "outcomes-tenth.csv"
            write_csv(big, args.outcomes, random.Random(1))
            write_csv(small, args.outcomes // 10, random.Random(1))
            size_mb = big.stat().st_size / 2**20
            took, _, report = run_import(big, memory=False)
            print(f"  import {report.rows} rows ({size_mb:.1f} MB): {took:.1f} s "
                  f"({report.inserted} new)")
            took, peak, report = run_import(big, memory=True)
            print(f"  re-import {report.rows} rows (all updates) under tracemalloc: "
                  f"{took:.1f} s, peak Python memory {peak:.1f} MB")
            took, peak_small, report = run_import(small, memory=True)
            print(f"  re-import {report.rows} rows under tracemalloc: {took:.1f} s, "
                  f"peak Python memory {peak_small:.1f} MB")
            db.session.remove()
        statements: list = []
        with app.app_context():
            sa.event.listen(db.engine, "before_cursor_execute",
                            lambda *args, **kw: statements.append(args[2]))
        print(f"  {load()}")
        pages = [("company 90 days", "admin", "/performance/?days=90"),
                 ("company 365 days", "admin", "/performance/?days=365"),
                 ("team 90 days", "coach", f"/performance/teams/{info['team_id']}?days=90"),
                 ("team 365 days", "coach", f"/performance/teams/{info['team_id']}?days=365"),
                 ("advisor 90 days", "advisor",
                  f"/performance/advisors/{info['advisor_id']}?days=90"),
                 ("advisor 365 days", "advisor",
                  f"/performance/advisors/{info['advisor_id']}?days=365"),
                 ("advisor start page", "advisor", "/"),
                 ("coach start page", "coach", "/")]
        clients = {}
        for name, who, page_url in pages:
            clients.setdefault(who, sign_in(app, info[who]))
            p50, p95, cpu, count = measure(clients[who], page_url, args.repeat, statements)
            print(f"  {name:20} p50 {p50:6.0f} ms  p95 {p95:6.0f} ms  CPU {cpu:5.0f} ms  "
                  f"SQL {count}")
        if args.compare:
            from performance import sums

            real = sums.usable
            sums.usable = lambda: False  # the dashboards read raw rows, as before the sums
            try:
                for name, who, page_url in pages[:2]:
                    p50, p95, cpu, count = measure(clients[who], page_url, args.repeat,
                                                   statements)
                    print(f"  {name + ', sums off':20} p50 {p50:6.0f} ms  p95 {p95:6.0f} ms  "
                          f"CPU {cpu:5.0f} ms  SQL {count}")
            finally:
                sums.usable = real
        print(f"  {load()}")
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        if schema:
            with admin.begin() as conn:
                conn.execute(sa.text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
            admin.dispose()
        tmp.cleanup()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--outcomes", type=int, default=100_000)
    parser.add_argument("--recordings", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--databases", default="sqlite")
    parser.add_argument("--pg-url", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--no-compare", dest="compare", action="store_false",
                        help="skip the company dashboards with the sums switched off")
    args = parser.parse_args()
    for database in args.databases.split(","):
        print(f"{database}: {ADVISORS} advisors, {args.recordings} recordings, "
              f"{args.outcomes} outcomes")
        run(database.strip(), args)


if __name__ == "__main__":
    main()
