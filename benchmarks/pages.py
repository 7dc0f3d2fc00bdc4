"""Benchmark the pages that read many calls: time and SQL statements per request.

Usage: python benchmarks/pages.py [--sizes 1000,10000] [--databases sqlite,postgresql]
                                  [--repeat 20] [--pg-url postgresql://postgres@127.0.0.1:5432/test]

Seeds 100 advisors (10 teams of 10, a coach each) with ``size / 100`` calls each, spread over
the last year: 40 transcript segments a call, tagged by the real tagger (60 dialogue scripts
tagged once, then reused; a coach confirmed a tag on 4% of the calls), recording tags, a clip
for every 20 calls, and a goal set in a held session when the app has goals; no media and no
word timings. Then, in process with Flask's test client, requests each page ``--repeat`` times
after two warm-up requests and prints p50/p95 wall time in ms, the median CPU time of this
process (the app's side; less sensitive to other work on the machine, but without the
PostgreSQL server's share) and the SQL statements of one request (counted with a SQLAlchemy
event listener), at each size, and the growth of p50 from the smallest to the largest size.

SQLite runs in a temporary file; PostgreSQL in a schema of its own (``bench_pages_<pid>``),
dropped at the end. Pages that do not exist in this version of the app (no such URL in
the url map) are skipped with a note.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import random
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, os.environ.get("BENCH_APP_ROOT") or str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa  # noqa: E402
from werkzeug.security import generate_password_hash  # noqa: E402

ADVISORS = 100
TEAM_SIZE = 10
SEGMENTS = 40
SCRIPTS = 60
PASSWORD = "bench-pages-password"

AGENT_OPEN = [
    "Good morning, thank you for calling Northwind, my name is Sam, how can I help you today?",
    "Hello, you're through to the billing team, this is Priya, what can I do for you?",
    "Hi there, thanks for holding, I'm Alex from customer care.",
]
AGENT_LINES = [
    "I'm so sorry to hear that, I understand how frustrating that must be.",
    "I can see why that would be annoying, let me sort it out for you.",
    "Could you tell me a bit more about what happened with the last bill?",
    "Can I take your account number please?",
    "So just to check I have it right, you were charged twice in October?",
    "I've issued the refund, it will reach your card within three to five days.",
    "I'll take care of that for you right now.",
    "What if we moved you to the smaller plan, it keeps your calls and costs less?",
    "I hear you, price matters, and the annual plan saves you twenty percent.",
    "Let me check that for you, it will take about a minute.",
    "Thanks for your patience while I looked into it.",
    "I don't know.",
    "To sum up, the refund is on its way and your plan stays the same.",
    "Is there anything else I can help you with today?",
    "You will get an email confirming the change within the hour.",
    "That's a great question, the router should restart by itself overnight.",
    "I understand, nobody likes waiting on hold that long.",
    "I can see the payment went through on the fourth.",
    "Right, okay.",
    "I'll stay on the line while you restart it.",
]
AGENT_CLOSE = [
    "Thank you for calling, have a lovely day.",
    "Thanks for your time today, goodbye.",
    "Okay then, bye.",
]
CUSTOMER_LINES = [
    "Hi, I'm calling about my bill, it's much higher than last month.",
    "This is the third time I've called, I'm really fed up with this.",
    "It's too expensive, I'm thinking of cancelling my contract.",
    "I want a refund for the days the internet was down.",
    "How do I know this won't happen again?",
    "I don't have time for this right now, can you call me back next week?",
    "Yes, that's right, it's the account ending four two one.",
    "Okay, that sounds good.",
    "I'm confused, what is this extra charge for?",
    "I'd like to upgrade to the faster broadband if it's not too dear.",
    "Thank you, that's really helpful.",
    "No, that's everything, thanks.",
    "The router keeps dropping the connection every evening.",
    "This is ridiculous, nobody ever calls me back.",
    "Can you just cancel it please?",
    "Fine, go ahead.",
]
TAG_NAMES = ["billing", "refund", "complaint", "upgrade", "cancel", "router", "vip", "callback"]


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", default="1000,10000")
    p.add_argument("--databases", default="sqlite,postgresql")
    p.add_argument("--repeat", type=int, default=20)
    p.add_argument("--pg-url", default="postgresql://postgres@127.0.0.1:5432/test")
    p.add_argument("--only", default="", help="comma-separated page names to run")
    return p.parse_args()


# --- the data ----------------------------------------------------------------------------


def make_scripts(rng: random.Random) -> list[dict]:
    """SCRIPTS dialogues of SEGMENTS segments, each tagged once by the real tagger."""
    from microskills.profile import _missed_opportunities
    from microskills.tagger import conversation_flags, tag_conversation

    scripts = []
    for _ in range(SCRIPTS):
        lines: list[tuple[str, str]] = [(rng.choice(AGENT_OPEN), "agent")]
        while len(lines) < SEGMENTS - 1:
            lines.append((rng.choice(CUSTOMER_LINES), "customer"))
            lines.append((rng.choice(AGENT_LINES), "agent"))
        lines = lines[:SEGMENTS - 1] + [(rng.choice(AGENT_CLOSE), "agent")]
        results = tag_conversation(lines)
        tags = []
        for i, result in enumerate(results):
            tags += [(i, "skill", c, p) for c, p in result.skills.items()]
            tags += [(i, "signal", c, p) for c, p in result.signals.items()]
            tags += [(i, "flag", c, 1.0) for c in result.flags]
        # the per-call counts the job step keeps (microskills.call_counts), if the app has them
        skills = Counter(c for _i, kind, c, _p in tags if kind == "skill")
        codes = defaultdict(set)
        for i, _kind, c, _p in tags:
            codes[i].add(c)

        class Seg:  # what _missed_opportunities reads of a segment
            def __init__(self, i, speaker):
                self.id, self.speaker, self.start, self.text = i, speaker, 4.0 * i, ""

        class Rec:
            id, called_at = 0, dt.datetime.now(dt.UTC)

        rows = [(Seg(i, s), codes.get(i, set())) for i, (_t, s) in enumerate(lines)]
        _m, (answered, frustration), (handled, objections) = _missed_opportunities(
            [(Rec(), rows)])
        scripts.append({
            "lines": lines, "tags": tags,
            "flags": conversation_flags([s for _t, s in lines], results),
            "counts": {"skill_counts": dict(sorted(skills.items())), "frustration": frustration,
                       "frustration_answered": answered, "objections": objections,
                       "objections_handled": handled},
        })
    return scripts


def seed(db, size: int, scripts: list[dict], rng: random.Random) -> dict:
    """Bulk-insert the teams, users, calls, segments, tags and clips; returns who to sign in
    as and which objects the pages show."""
    from clips.models import Clip, ClipKind, ClipMicroskill, ClipStatus, Visibility
    from coachlab.auth.models import Role, Team, User, team_coaches
    from coachlab.recordings.models import Direction, Recording, Status, Tag, recording_tags
    from coachlab.transcripts.models import TranscriptSegment
    from microskills.models import RecordingSkillSummary, UtteranceTag
    from microskills.service import ensure_masterlist
    from microskills.tagger import TAGGER_VERSION

    now = dt.datetime.now(dt.UTC)
    ensure_masterlist()
    db.session.commit()
    hashed = generate_password_hash(PASSWORD)
    teams = ADVISORS // TEAM_SIZE
    ins = lambda table, rows: rows and db.session.execute(sa.insert(table), rows)  # noqa: E731
    ins(Team.__table__, [{"id": t + 1, "name": f"Team {t + 1}", "created_at": now}
                         for t in range(teams)])
    users = [{"id": 1, "email": "admin@bench.example", "name": "Admin", "role": Role.ADMIN,
              "password_hash": hashed, "active": True, "created_at": now, "session_version": 0,
              "team_id": None}]
    for t in range(teams):
        users.append({"id": 2 + t, "email": f"coach{t + 1}@bench.example",
                      "name": f"Coach {t + 1}", "role": Role.COACH, "password_hash": hashed,
                      "active": True, "created_at": now, "session_version": 0,
                      "team_id": None})
    first_advisor = 2 + teams
    for a in range(ADVISORS):
        users.append({"id": first_advisor + a, "email": f"advisor{a + 1}@bench.example",
                      "name": f"Advisor {a + 1:03d}", "role": Role.ADVISOR,
                      "team_id": a // TEAM_SIZE + 1, "password_hash": hashed, "active": True,
                      "created_at": now, "session_version": 0})
    ins(User.__table__, users)
    ins(team_coaches, [{"team_id": t + 1, "user_id": 2 + t} for t in range(teams)])
    ins(Tag.__table__, [{"id": i + 1, "name": n} for i, n in enumerate(TAG_NAMES)])
    summary_columns = set(RecordingSkillSummary.__table__.c.keys())
    per_advisor = size // ADVISORS
    rec_id = seg_id = tag_id = clip_id = 0
    recordings, segments, tags, summaries, rtags, clips, clip_skills = [], [], [], [], [], [], []

    def flush() -> None:
        for table, rows in ((Recording.__table__, recordings),
                            (TranscriptSegment.__table__, segments),
                            (UtteranceTag.__table__, tags),
                            (RecordingSkillSummary.__table__, summaries),
                            (recording_tags, rtags), (Clip.__table__, clips),
                            (ClipMicroskill.__table__, clip_skills)):
            ins(table, rows)
            rows.clear()

    for a in range(ADVISORS):
        advisor_id = first_advisor + a
        team_id = a // TEAM_SIZE + 1
        for n in range(per_advisor):
            rec_id += 1
            called_at = now - dt.timedelta(days=364 * (n + rng.random()) / per_advisor,
                                           hours=rng.random())
            script = scripts[rng.randrange(SCRIPTS)]
            recordings.append({
                "id": rec_id, "advisor_id": advisor_id, "team_id": team_id,
                "uploaded_by_id": advisor_id, "created_at": called_at, "called_at": called_at,
                "direction": Direction.INBOUND, "customer_ref": f"C-{rec_id:06d}",
                "title": f"Call {rec_id}", "nps": rng.randrange(11), "csat": rng.randrange(1, 6),
                "resolved": rng.random() < 0.7, "disposition": "billing_query",
                "original_filename": f"call-{rec_id}.wav", "storage_key": f"rec/{rec_id}/a.wav",
                "content_type": "audio/wav", "size_bytes": 1, "sha256": f"{rec_id:064d}",
                "duration_s": 4.0 * SEGMENTS, "container": "wav", "audio_codec": "pcm_s16le",
                "channels": 2, "sample_rate": 8000, "has_video": False, "step": "",
                "status": Status.READY, "progress": 100, "failure_reason": "", "attempts": 1,
                "worker_id": "", "transcribed_at": called_at, "transcript_language": "en",
                "transcript_model": "bench", "agent_channel": "left",
            })
            first_segment = seg_id + 1
            for i, (text, speaker) in enumerate(script["lines"]):
                seg_id += 1
                segments.append({"id": seg_id, "recording_id": rec_id, "position": i,
                                 "start": 4.0 * i, "end": 4.0 * i + 3.5, "speaker": speaker,
                                 "original_speaker": speaker, "text": text,
                                 "original_text": text,
                                 "avg_logprob": -0.1 - 0.4 * rng.random()})
            for j, (i, kind, code, confidence) in enumerate(script["tags"]):
                tag_id += 1
                reviewed = n % 25 == 0 and j == 0  # a coach confirmed a tag of 4% of calls
                tags.append({"id": tag_id, "recording_id": rec_id,
                             "segment_id": first_segment + i, "code": code, "kind": kind,
                             "confidence": round(confidence, 3), "source": "machine",
                             "status": "confirmed" if reviewed else "suggested",
                             "tagger_version": TAGGER_VERSION,
                             "reviewed_by_id": 2 + a // TEAM_SIZE if reviewed else None,
                             "reviewed_at": called_at if reviewed else None})
            summary = {"recording_id": rec_id, "tagger_version": TAGGER_VERSION,
                       "flags": script["flags"], "tagged_at": called_at}
            summary.update({k: v for k, v in script["counts"].items() if k in summary_columns})
            summaries.append(summary)
            for t in rng.sample(range(len(TAG_NAMES)), rng.randrange(3)):
                rtags.append({"recording_id": rec_id, "tag_id": t + 1})
            if n % 20 == 0:
                clip_id += 1
                clips.append({
                    "id": clip_id, "recording_id": rec_id, "advisor_id": advisor_id,
                    "cut_by_id": 2 + a // TEAM_SIZE, "team_id": team_id, "created_at": called_at,
                    "title": f"Good moment {clip_id}", "kind": rng.choice(list(ClipKind)),
                    "reason": "Empathy before the fix", "start": 8.0, "end": 20.0,
                    "visibility": rng.choice(list(Visibility)), "keep_video": False,
                    "media_key": f"clips/{clip_id}/clip.ogg", "content_type": "audio/ogg",
                    "has_video": False, "duration_s": 12.0, "size_bytes": 1,
                    "status": ClipStatus.READY, "progress": 100, "failure_reason": "",
                    "attempts": 1, "worker_id": ""})
                for code in rng.sample(["W.empathy", "A.greeting", "O.ownership",
                                        "M.expectation", "E.open_question"], 2):
                    clip_skills.append({"clip_id": clip_id, "code": code})
            if len(segments) >= 20000:
                flush()
    flush()
    if db.engine.dialect.name == "postgresql":
        for table in ("teams", "users", "tags", "recordings", "transcript_segments",
                      "utterance_tags", "clips"):
            db.session.execute(sa.text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT max(id) FROM {table}))"))
        db.session.commit()
        db.session.execute(sa.text("ANALYZE"))
    else:
        db.session.commit()
        db.session.execute(sa.text("ANALYZE"))
    db.session.commit()
    return {"admin": "admin@bench.example", "coach": "coach1@bench.example",
            "advisor": "advisor1@bench.example", "advisor_id": first_advisor}


def seed_goal(db, advisor_id: int, coach_email: str) -> int | None:
    """A goal on the profile's advisor's empathy, set in a session held 60 days ago, when
    this version of the app has goals."""
    try:
        from sessions.models import CoachingSession, Goal, SessionState
    except ImportError:
        return None
    from coachlab.auth.models import User

    coach = db.session.scalar(sa.select(User).where(User.email == coach_email))
    advisor = db.session.get(User, advisor_id)
    held = dt.datetime.now(dt.UTC) - dt.timedelta(days=60)
    try:
        session = CoachingSession(coach_id=coach.id, advisor_id=advisor.id,
                                  team_id=advisor.team_id, state=SessionState.HELD,
                                  scheduled_at=held, held_at=held, acknowledge_by=held)
        db.session.add(session)
        db.session.flush()
        goal = Goal(session_id=session.id, advisor_id=advisor.id, set_by_id=coach.id,
                    metric="skill_rate", microskill="W.empathy", target=2.0,
                    due_on=(held + dt.timedelta(days=90)).date(), starts_at=held)
        db.session.add(goal)
        db.session.flush()
        try:
            from sessions.goals import update_goal
        except ImportError:
            pass
        else:
            update_goal(goal)
        db.session.commit()
        return goal.id
    except Exception as exc:  # noqa: BLE001 - the goal model may differ: say so, go on
        db.session.rollback()
        print(f"  (no goal seeded: {type(exc).__name__}: {exc})")
        return None


# --- the requests ------------------------------------------------------------------------


class ErrorNotes(logging.Handler):
    """The app's logged errors (a failing start-page card, say), told once per page."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.seen: Counter = Counter()

    def emit(self, record: logging.LogRecord) -> None:
        self.seen[record.getMessage()] += 1

    def told(self) -> str:
        notes = ", ".join(f"{m} ({n}x)" for m, n in self.seen.items())
        self.seen.clear()
        return notes


class StatementCounter:
    def __init__(self, engine) -> None:
        self.n = 0
        sa.event.listen(engine, "before_cursor_execute", self._count)

    def _count(self, *_args, **_kwargs) -> None:
        self.n += 1


def sign_in(app, email: str):
    import re

    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or \
        re.search(r'<meta name="csrf-token" content="([^"]+)"', page)
    response = client.post("/login", data={"email": email, "password": PASSWORD,
                                           "csrf_token": token.group(1)})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return client


def has_url(app, url: str) -> bool:
    adapter = app.url_map.bind("localhost")
    try:
        adapter.match(url.split("?")[0], method="GET")
    except Exception:  # noqa: BLE001 - NotFound, MethodNotAllowed, RequestRedirect...
        return False
    return True


def measure(client, url: str, counter: StatementCounter, repeat: int) -> dict:
    for _ in range(2):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code,
                                             response.get_data(as_text=True)[:300])
    times, cpu, statements = [], [], []
    for _ in range(repeat):
        before = counter.n
        start, start_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        times.append(1000 * (time.perf_counter() - start))
        cpu.append(1000 * (time.process_time() - start_cpu))
        statements.append(counter.n - before)
        assert response.status_code == 200, (url, response.status_code)
    times.sort()
    return {"p50": statistics.median(times),
            "p95": times[min(len(times) - 1, round(0.95 * (len(times) - 1)))],
            "cpu": statistics.median(cpu), "sql": max(statements)}


def pages(info: dict, goal_id: int | None) -> list[tuple[str, str, str]]:
    """(name, who, url) of every page measured."""
    advisor = info["advisor_id"]
    found = [
        ("profile 90 days", "coach", f"/microskills/advisors/{advisor}?days=90"),
        ("profile 365 days", "coach", f"/microskills/advisors/{advisor}?days=365"),
        ("search (coach)", "coach", "/search?q=refund"),
        ("search (admin)", "admin", "/search?q=refund"),
        ("clips library", "coach", "/clips/"),
        ("recordings, tag filter", "coach", "/recordings/?tag=refund"),
        ("advisor start page", "advisor", "/"),
        ("coach start page", "coach", "/"),
        ("coach team view", "coach", "/sessions/team"),
        ("session metrics", "coach", "/sessions/metrics"),
    ]
    if goal_id is not None:
        found.append(("goal page", "coach", f"/sessions/goals/{goal_id}"))
    else:
        found.append(("goal page", "coach", "/sessions/goals/1"))
    return found


def run_one(database: str, size: int, args, scripts: list[dict]) -> dict[str, dict]:
    from flask_migrate import upgrade

    from coachlab import create_app
    from coachlab.db import db

    tmp = tempfile.TemporaryDirectory(prefix="bench-pages-")
    root = Path(tmp.name)
    schema = None
    if database == "sqlite":
        url = f"sqlite:///{root / 'bench.sqlite'}"
    else:
        schema = f"bench_pages_{os.getpid()}"
        admin_engine = sa.create_engine(args.pg_url.replace("postgresql://",
                                                            "postgresql+psycopg://", 1))
        try:
            with admin_engine.begin() as conn:
                conn.execute(sa.text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
                conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
        except sa.exc.OperationalError as exc:
            print(f"  skipped: PostgreSQL does not answer at {args.pg_url} "
                  f"({str(exc.orig).strip().splitlines()[0]})")
            admin_engine.dispose()
            tmp.cleanup()
            return {}
        sep = "&" if "?" in args.pg_url else "?"
        url = f"{args.pg_url}{sep}options=-csearch_path%3D{schema}"
    app = create_app({
        "TESTING": False, "SECRET_KEY": "bench", "DATABASE_URL": url,
        "MEDIA_DIR": str(root / "media"), "UPLOAD_TMP_DIR": str(root / "tmp"),
        "HUEY_FILE": str(root / "huey.sqlite"), "JOBS_IMMEDIATE": True,
        "RATELIMIT_STORAGE_URI": "memory://",
    })
    results: dict[str, dict] = {}
    try:
        notes = ErrorNotes()
        app.logger.handlers[:] = [notes]
        app.logger.propagate = False
        with app.app_context():
            logging.getLogger("alembic").setLevel(logging.WARNING)
            upgrade()
            start = time.perf_counter()
            info = seed(db, size, scripts, random.Random(size))
            print(f"  seeded {size} calls in {time.perf_counter() - start:.0f} s")
            goal_id = seed_goal(db, info["advisor_id"], info["coach"])
            db.session.remove()
            counter = StatementCounter(db.engine)
        clients = {}
        only = {o.strip() for o in args.only.split(",") if o.strip()}
        for name, who, page_url in pages(info, goal_id):
            if only and name not in only:
                continue
            if not has_url(app, page_url):
                print(f"  {name}: skipped, no {page_url.split('?')[0]} in this app")
                continue
            if who not in clients:
                clients[who] = sign_in(app, info[who])
            try:
                results[name] = measure(clients[who], page_url, counter, args.repeat)
            except AssertionError as exc:
                print(f"  {name}: skipped, {exc}")
                continue
            r = results[name]
            print(f"  {name:24} p50 {r['p50']:6.0f} ms  p95 {r['p95']:6.0f} ms  "
                  f"(this process's CPU p50 {r['cpu']:4.0f} ms)  {r['sql']:3d} SQL")
            if told := notes.told():
                print(f"    errors logged by the app: {told}")
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        if schema:
            with admin_engine.begin() as conn:
                conn.execute(sa.text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
            admin_engine.dispose()
        tmp.cleanup()
    return results


def main() -> None:
    args = parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    scripts = make_scripts(random.Random(7))
    print(f"load average before: {os.getloadavg()[0]:.2f} (2 cores)")
    table: dict[tuple[str, int], dict[str, dict]] = {}
    for database in args.databases.split(","):
        for size in sizes:
            print(f"{database}, {size} calls ({size // ADVISORS} per advisor):")
            table[(database, size)] = run_one(database, size, args, scripts)
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    print()
    small, large = min(sizes), max(sizes)
    print(f"| page | database | {small:,} calls: p50 / p95 ms (CPU) | SQL "
          f"| {large:,} calls: p50 / p95 ms (CPU) | SQL | growth of p50 (CPU) |")
    print("|---|---|---|---|---|---|---|")
    for database in args.databases.split(","):
        names = list(table.get((database, large), {}) or table.get((database, small), {}))
        for name in names:
            a = table.get((database, small), {}).get(name)
            b = table.get((database, large), {}).get(name)
            cell = lambda r: (f"{r['p50']:.0f} / {r['p95']:.0f} ({r['cpu']:.0f})"  # noqa: E731
                              if r else "—")
            sql = lambda r: str(r["sql"]) if r else "—"  # noqa: E731
            growth = (f"{b['p50'] / a['p50']:.1f}x ({b['cpu'] / max(a['cpu'], 0.1):.1f}x)"
                      if a and b and len(sizes) > 1 else "—")
            print(f"| {name} | {database} | {cell(a)} | {sql(a)} | {cell(b)} | {sql(b)} | "
                  f"{growth} |")

if __name__ == "__main__":
    main()
