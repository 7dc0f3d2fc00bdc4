"""Importing outcomes from CSV: all or nothing, every bad row named, idempotent.

Header (any order, spaces around names ignored): ``interaction_id, advisor_email,
occurred_at, channel, nps, csat, resolved, response_seconds, converted, new_customer`` and,
optionally, ``recording_id`` and ``first_contact_resolution`` (when absent, an interaction
resolved counts as resolved on first contact: each row is one contact). Booleans are
``yes``/``no``; ``occurred_at`` is ISO 8601 (a time without an offset is read in the site's
zone); empty outcome cells mean "not known".

The file is read twice and never held: the first pass validates every row (advisors and
recordings looked up a chunk at a time), the second writes in batches of ``BATCH`` rows in
one transaction, updating the rows whose ``interaction_id`` exists and inserting the
others. The ids seen (to name a duplicate's first line) are kept in a temporary SQLite
file, so memory grows only with the errors found, never with the rows.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import IO

import sqlalchemy as sa

from coachlab import timezones
from coachlab.auth.models import Role, User
from coachlab.db import db, utcnow
from coachlab.recordings.models import Recording
from performance import sums
from performance.models import Channel, Outcome

REQUIRED = ("interaction_id", "advisor_email", "occurred_at", "channel", "nps", "csat",
            "resolved", "response_seconds", "converted", "new_customer")
OPTIONAL = ("recording_id", "first_contact_resolution")
BATCH = 1000
ANALYZE_AFTER = 10_000  # new rows after which PostgreSQL's statistics of outcomes are renewed
MAX_ID = 120
BOOLEANS = {"yes": True, "no": False, "": None}


@dataclass
class RowError:
    line: int
    reason: str


@dataclass
class ImportReport:
    rows: int = 0
    inserted: int = 0
    updated: int = 0
    errors: list[RowError] = field(default_factory=list)
    header_error: str = ""

    @property
    def ok(self) -> bool:
        return not self.errors and not self.header_error

    def summary(self) -> str:
        if self.header_error:
            return f"Nothing imported: {self.header_error}"
        if self.errors:
            return (f"Nothing imported: {len(self.errors)} of {self.rows} rows are wrong "
                    "(each is listed with its line number).")
        return (f"Imported {self.rows} interactions: {self.inserted} new, "
                f"{self.updated} updated.")


class ImportError_(ValueError):
    pass


def _bool(value: str, name: str) -> bool | None:
    key = value.strip().lower()
    if key not in BOOLEANS:
        raise ValueError(f"{name} must be yes or no, not {value!r}")
    return BOOLEANS[key]


def _int(value: str, name: str, low: int, high: int | None) -> int | None:
    value = value.strip()
    if not value:
        return None
    try:
        number = int(value)
    except ValueError:
        raise ValueError(f"{name} must be a whole number, not {value!r}") from None
    if number < low or (high is not None and number > high):
        span = f"{low} to {high}" if high is not None else f"{low} or more"
        raise ValueError(f"{name} must be {span}, not {number}")
    return number


def _when(value: str) -> dt.datetime:
    value = value.strip()
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"occurred_at is not an ISO 8601 date and time: {value!r}") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezones.site_zone())
    try:
        parsed = parsed.astimezone(dt.UTC)
    except OverflowError:
        raise ValueError(f"occurred_at is out of range: {value!r}") from None
    if not 1970 <= parsed.year <= 9998:
        raise ValueError(f"occurred_at is out of range: {value!r}")
    return parsed


def parse_row(row: dict[str, str]) -> dict:
    """One row's values, or ValueError with every reason (joined by "; ")."""
    reasons: list[str] = []
    values: dict = {}

    def take(name: str, fn: Callable[[], object]) -> None:
        try:
            values[name] = fn()
        except ValueError as exc:
            reasons.append(str(exc))

    interaction_id = row["interaction_id"].strip()
    if not interaction_id:
        reasons.append("interaction_id is empty")
    elif len(interaction_id) > MAX_ID:
        reasons.append(f"interaction_id is longer than {MAX_ID} characters")
    values["interaction_id"] = interaction_id
    values["advisor_email"] = row["advisor_email"].strip().lower()
    if not values["advisor_email"]:
        reasons.append("advisor_email is empty")
    take("occurred_at", lambda: _when(row["occurred_at"]))

    def channel() -> Channel:
        raw = row["channel"].strip().lower()
        try:
            return Channel(raw)
        except ValueError:
            raise ValueError(f"channel must be call, chat, email or message, not "
                             f"{row['channel']!r}") from None

    take("channel", channel)
    take("nps", lambda: _int(row["nps"], "nps", 0, 10))
    take("csat", lambda: _int(row["csat"], "csat", 1, 5))
    take("resolved", lambda: _bool(row["resolved"], "resolved"))
    take("response_seconds", lambda: _int(row["response_seconds"], "response_seconds", 0,
                                          10 * 365 * 86400))
    take("converted", lambda: _bool(row["converted"], "converted"))
    take("new_customer", lambda: _bool(row["new_customer"], "new_customer"))
    fcr = row.get("first_contact_resolution")
    if fcr is None or not fcr.strip():
        values["first_contact_resolution"] = values.get("resolved")
    else:
        take("first_contact_resolution", lambda: _bool(fcr, "first_contact_resolution"))
    take("recording_id", lambda: _int(row.get("recording_id") or "", "recording_id", 1,
                                      2**31 - 1))
    if reasons:
        raise ValueError("; ".join(reasons))
    return values


def _header(reader) -> list[str]:
    try:
        header = next(reader)
    except StopIteration:
        raise ImportError_("the file is empty (it needs a header line)") from None
    names = [h.strip().lower().lstrip("\ufeff") for h in header]
    missing = [n for n in REQUIRED if n not in names]
    unknown = [n for n in names if n not in REQUIRED + OPTIONAL]
    problems = []
    if missing:
        problems.append("missing column" + ("s" if len(missing) > 1 else "") + ": "
                        + ", ".join(missing))
    if unknown:
        problems.append("unknown column" + ("s" if len(unknown) > 1 else "") + ": "
                        + ", ".join(unknown))
    if len(set(names)) != len(names):
        problems.append("a column is named twice")
    if problems:
        raise ImportError_("wrong header (" + "; ".join(problems) + "). Expected: "
                           + ", ".join(REQUIRED) + " and optionally "
                           + ", ".join(OPTIONAL) + ".")
    return names


def _rows(stream: IO[str]) -> Iterator[tuple[int, dict[str, str] | None, str]]:
    """(line number, row or None, problem) for each data row after the header."""
    reader = csv.reader(stream)
    names = _header(reader)
    for cells in reader:
        line = reader.line_num
        if not any(c.strip() for c in cells):
            continue  # blank lines are skipped
        if len(cells) != len(names):
            yield line, None, f"has {len(cells)} cells, the header has {len(names)}"
            continue
        yield line, dict(zip(names, cells, strict=True)), ""


def _chunks(iterator, size: int):
    chunk = []
    for item in iterator:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


@dataclass
class Advisors:
    """Who rows may name: every advisor (``by_email``) and those the importer may import
    for (``allowed``: None means all, the CLI's server rights)."""

    by_email: dict[str, tuple[int, int | None]]
    allowed: set[int] | None

    @classmethod
    def for_user(cls, user: User | None) -> Advisors:
        rows = db.session.execute(sa.select(User.email, User.id, User.team_id)
                                  .where(User.role == Role.ADVISOR))
        by_email = {email.lower(): (uid, team) for email, uid, team in rows}
        if user is None or user.role is Role.ADMIN:
            return cls(by_email, None)
        from coachlab.access import visible_advisors

        allowed = set(db.session.scalars(visible_advisors(user).with_only_columns(User.id)))
        return cls(by_email, allowed)


class FirstLines:
    """The line each interaction id first appeared on, in a temporary SQLite file with a
    small page cache (:func:`first_lines`): memory stays flat however many ids a file
    holds."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._db = connection
        self._db.executescript(
            "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA cache_size = -2048;"
            "CREATE TABLE seen (id TEXT PRIMARY KEY, line INTEGER) WITHOUT ROWID;")

    def earlier_line(self, interaction_id: str, line: int) -> int | None:
        """The line ``interaction_id`` was first seen on, or None (and it is now seen on
        ``line``)."""
        added = self._db.execute("INSERT INTO seen VALUES (?, ?) ON CONFLICT DO NOTHING",
                                 (interaction_id, line))
        if added.rowcount:
            return None
        return self._db.execute("SELECT line FROM seen WHERE id = ?",
                                (interaction_id,)).fetchone()[0]


@contextlib.contextmanager
def first_lines() -> Iterator[FirstLines]:
    with tempfile.NamedTemporaryFile(prefix="coachlab-import-", suffix=".sqlite") as file:
        connection = sqlite3.connect(file.name)
        try:
            yield FirstLines(connection)
        finally:
            connection.close()


def _validate_chunk(chunk, advisors: Advisors, seen: FirstLines | None,
                    report: ImportReport) -> list[tuple[int, dict]]:
    """The chunk's good rows, with every bad one added to ``report``; duplicates are looked
    for only when ``seen`` is given (the second pass has checked them already)."""
    good: list[tuple[int, dict]] = []
    for line, row, problem in chunk:
        report.rows += 1
        if row is None:
            report.errors.append(RowError(line, problem))
            continue
        if any("\x00" in cell for cell in row.values()):
            report.errors.append(RowError(line, "a cell holds a NUL character (\\0)"))
            continue
        reasons = []
        try:
            values = parse_row(row)
        except ValueError as exc:
            reasons.append(str(exc))
            values = None
        interaction_id = row["interaction_id"].strip()
        if interaction_id and seen is not None \
                and (earlier := seen.earlier_line(interaction_id, line)) is not None:
            reasons.append(f"interaction_id {interaction_id!r} is already on line {earlier}")
        email = row["advisor_email"].strip().lower()
        found = advisors.by_email.get(email)
        if email and found is None:
            reasons.append(f"unknown advisor {row['advisor_email'].strip()!r}")
        elif found is not None and advisors.allowed is not None \
                and found[0] not in advisors.allowed:
            reasons.append(f"{row['advisor_email'].strip()!r} is not an advisor you may "
                           "import for")
        if reasons:
            report.errors.append(RowError(line, "; ".join(reasons)))
        elif values is not None:
            values["advisor_id"], values["team_id"] = found
            good.append((line, values))
    recording_ids = {v["recording_id"] for _, v in good if v["recording_id"]}
    if recording_ids:
        owners = dict(db.session.execute(
            sa.select(Recording.id, Recording.advisor_id)
            .where(Recording.id.in_(recording_ids))).all())
        for line, values in good:
            rid = values["recording_id"]
            if rid and rid not in owners:
                report.errors.append(RowError(line, f"recording {rid} does not exist"))
            elif rid and owners[rid] != values["advisor_id"]:
                report.errors.append(RowError(line, f"recording {rid} is another advisor's "
                                                    "call"))
    return good


def _write_chunk(rows: list[dict], report: ImportReport, days: dict) -> None:
    """Insert the new ids, update the others. ``days`` keeps, per advisor, the first and
    last UTC day the rows were and are now in, and those of the recordings they named or
    name (whose own outcome fields stop or start counting): ``performance.sums`` recounts
    the cells between them at the end."""

    def seen(advisor_id: int, when: dt.datetime) -> None:
        day = when.astimezone(dt.UTC).date()
        first_last = days.get(advisor_id)
        if first_last is None:
            days[advisor_id] = [day, day]
        elif day < first_last[0]:
            first_last[0] = day
        elif day > first_last[1]:
            first_last[1] = day

    named: set[int] = set()
    ids = [r["interaction_id"] for r in rows]
    existing = {}
    for interaction_id, outcome_id, advisor_id, occurred_at, recording_id in db.session.execute(
            sa.select(Outcome.interaction_id, Outcome.id, Outcome.advisor_id,
                      Outcome.occurred_at, Outcome.recording_id)
            .where(Outcome.interaction_id.in_(ids))):
        existing[interaction_id] = outcome_id
        seen(advisor_id, occurred_at)
        if recording_id is not None:
            named.add(recording_id)
    now = utcnow()
    inserts, updates = [], []
    for values in rows:
        values = {k: v for k, v in values.items() if k != "advisor_email"}
        values["imported_at"] = now
        seen(values["advisor_id"], values["occurred_at"])
        if values.get("recording_id") is not None:
            named.add(values["recording_id"])
        if values["interaction_id"] in existing:
            values["id"] = existing[values["interaction_id"]]
            updates.append(values)
        else:
            inserts.append(values)
    if named:
        for advisor_id, called_at in db.session.execute(
                sa.select(Recording.advisor_id, Recording.called_at)
                .where(Recording.id.in_(sorted(named)))):
            seen(advisor_id, called_at)
    if inserts:
        db.session.execute(sa.insert(Outcome).execution_options(**sums.KEEP), inserts)
    if updates:
        db.session.execute(sa.update(Outcome).execution_options(**sums.KEEP), updates)
    report.inserted += len(inserts)
    report.updated += len(updates)


def import_outcomes(open_stream: Callable[[], IO[str]], *, acting: User | None) -> ImportReport:
    """Validate the whole file, then (only if every row is right) write it.

    ``open_stream()`` gives the file from its start each time it is called (it is read
    twice); ``acting`` None is the CLI (every advisor), else the importer, who may name only
    the advisors they see."""
    report = ImportReport()
    advisors = Advisors.for_user(acting)
    try:
        with open_stream() as stream, first_lines() as seen:
            for chunk in _chunks(_rows(stream), BATCH):
                _validate_chunk(chunk, advisors, seen, report)
    except ImportError_ as exc:
        report.header_error = str(exc)
        return report
    except (UnicodeDecodeError, csv.Error) as exc:
        report.header_error = f"the file is not a readable UTF-8 CSV ({exc})."
        return report
    report.errors.sort(key=lambda e: e.line)
    if not report.ok or report.rows == 0:
        if report.rows == 0 and report.ok:
            report.header_error = "the file has a header but no rows."
        return report
    rows_read = report.rows
    days: dict = {}  # advisor: [first day, last day], however many rows
    try:
        with open_stream() as stream:
            for chunk in _chunks(_rows(stream), BATCH):
                good = _validate_chunk(chunk, advisors, None, ImportReport())
                _write_chunk([v for _, v in good], report, days)
        sums.refresh(key for advisor_id, first_last in days.items() for day in first_last
                     for key in sums.keys_of(advisor_id,
                                             dt.datetime.combine(day, dt.time(), dt.UTC)))
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    if db.engine.dialect.name == "postgresql" and report.inserted >= ANALYZE_AFTER:
        # fresh statistics now rather than at autovacuum's next round: the dashboards'
        # plans depend on how many outcomes there are
        db.session.execute(sa.text("ANALYZE outcomes"))
        db.session.execute(sa.text("ANALYZE outcome_sums"))
        db.session.commit()
    report.rows = rows_read
    return report
