"""Interactions added up per advisor, team and channel by UTC week and UTC month.

A dashboard over 90 or 365 days reads every interaction of the company in the period (about
110,000 rows a year with 100 advisors); these sums ("cells", ``OutcomeSum``) let it read a
few thousand cells instead, and raw rows only where the viewer's period and trend buckets
do not fall on a cell boundary (:func:`plan`). Every figure stays exact: the cells hold only
additive counts (NPS, CSAT, FCR, conversion and reply counts); medians are not additive and
are taken from the rows themselves.

- The cells hold both kinds of interaction (``performance.figures``): outcome rows, and
  recordings with their own NPS/CSAT/resolution that no outcome row names. Each cell is
  also kept for all channels together (``channel`` NULL), so a dashboard without a channel
  filter reads a quarter of the rows.
- A cell is always recomputed from the rows, never patched. The import refreshes the cells
  of the rows it wrote (their old and new advisor and time, and those of the recordings
  they name or named); every ORM flush of an ``Outcome``, or of a ``Recording`` whose
  outcome fields, time, advisor or team changed (an upload, an edit, a deletion), refreshes
  the cells of the flushed objects (:func:`init_app`). An advisor's deletion takes their
  cells with it (``ON DELETE CASCADE``); a team's sets their team to NULL, as on the rows.
- Any other INSERT, UPDATE or DELETE of outcomes or recordings through the session marks
  the sums stale, and so does a change of the reply targets the cells counted against
  (``PERFORMANCE_RESPONSE_TARGET_H``, ``..._AIM_H``, ``..._LEAD_TARGET_MIN``). Stale or
  never built, the dashboards read raw rows (exact, slower) until the next refresh rebuilds
  every cell: an import, an outcome or call saved, the worker's start-up check or
  ``coachlab outcomes rebuild-sums``.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import math
from collections import defaultdict
from collections.abc import Iterable

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.dialects import postgresql

from coachlab.db import db, hold_lock, utcnow
from coachlab.recordings.models import Recording
from performance.models import Outcome, OutcomeSum, OutcomeSumsState

log = logging.getLogger(__name__)

SPANS = ("week", "month")
WEEK_S = 7 * 86400
WEEK_SHIFT_S = 3 * 86400  # week 0 starts on Monday 1969-12-29 00:00 UTC
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
MIN_DAYS = 28  # shorter periods read raw rows: a week's cells would not save anything
FIRST = dt.datetime(1970, 2, 1, tzinfo=dt.UTC)  # periods reaching outside these read raw rows
LAST = dt.datetime(9998, 1, 1, tzinfo=dt.UTC)
REBUILD_SHARE = 3  # a refresh of a third of the cells or more rebuilds them all
KEEP = {"outcome_sums": "kept"}  # execution option of statements whose cells are refreshed

NUMBERS = ("n", "nps_n", "promoters", "detractors", "w_n", "w_promoters", "w_detractors",
           "csat_n", "csat_sum", "fcr_n", "fcr_yes", "conv_n", "conv_yes", "resp_n",
           "within_target", "within_aim", "leads_n", "leads_within")

# Replies counted by time to reply, [edge i, edge i+1) seconds: additive, so a period's
# counts per bin come from the cells; its exact median is then read from the rows of the one
# bin (or two) holding the middle reply (``performance.figures._medians``).
REPLY_EDGES = (0, 10, 20, 30, 45, 60, 90, 120, 180, 240, 300, 420, 600, 900, 1200, 1500,
               1800, 2400, 3000, 3600, 4500, 5400, 7200, 9000, 10800, 14400, 18000, 21600,
               28800, 36000, 43200, 57600, 86400, 129600, 172800, 259200, 345600, 604800,
               1209600, 2592000)
REPLY_BINS = tuple(f"r{i:02d}" for i in range(len(REPLY_EDGES)))

Key = tuple[int, str, int]  # (advisor, span, cell)


def targets() -> dict[str, int]:
    config = current_app.config
    return {"target": int(float(config.get("PERFORMANCE_RESPONSE_TARGET_H", 24)) * 3600),
            "aim": int(float(config.get("PERFORMANCE_RESPONSE_AIM_H", 9)) * 3600),
            "lead": int(float(config.get("PERFORMANCE_LEAD_TARGET_MIN", 40)) * 60)}


def aggregates(c, t: dict[str, int]) -> list:
    """The NUMBERS of the interactions in ``c`` (columns nps, csat, fcr, converted,
    response_seconds, new_customer), in SQL."""
    weight = sa.case((c.new_customer.is_(True), 10), else_=1)
    lead = sa.and_(c.new_customer.is_(True), c.response_seconds.is_not(None))

    def total(cond, value=1):
        return sa.func.coalesce(sa.func.sum(sa.case((cond, value), else_=0)), 0)

    return [
        sa.func.count().label("n"),
        sa.func.count(c.nps).label("nps_n"),
        total(c.nps >= 9).label("promoters"),
        total(c.nps <= 6).label("detractors"),
        total(c.nps.is_not(None), weight).label("w_n"),
        total(c.nps >= 9, weight).label("w_promoters"),
        total(c.nps <= 6, weight).label("w_detractors"),
        sa.func.count(c.csat).label("csat_n"),
        sa.func.coalesce(sa.func.sum(c.csat), 0).label("csat_sum"),
        sa.func.count(c.fcr).label("fcr_n"),
        total(c.fcr.is_(True)).label("fcr_yes"),
        sa.func.count(c.converted).label("conv_n"),
        total(c.converted.is_(True)).label("conv_yes"),
        sa.func.count(c.response_seconds).label("resp_n"),
        total(c.response_seconds <= t["target"]).label("within_target"),
        total(c.response_seconds <= t["aim"]).label("within_aim"),
        total(lead).label("leads_n"),
        total(sa.and_(lead, c.response_seconds <= t["lead"])).label("leads_within"),
    ]


def bin_limit(index: int) -> int:
    """Where bin ``index`` ends (for the last one, above any reply: at most ten years)."""
    return REPLY_EDGES[index + 1] if index + 1 < len(REPLY_EDGES) else 2**31 - 1


def in_bins(column, first: int, last: int) -> sa.ColumnElement[bool]:
    """SQL: a response time in bins first..last."""
    if last + 1 < len(REPLY_EDGES):
        return sa.and_(column >= REPLY_EDGES[first], column < REPLY_EDGES[last + 1])
    return column >= REPLY_EDGES[first]


def reply_bins(c) -> list:
    """SQL: the replies of ``c`` (a ``response_seconds`` column) counted per bin."""
    return [sa.func.coalesce(sa.func.sum(sa.case((in_bins(c.response_seconds, i, i), 1),
                                                 else_=0)), 0).label(name)
            for i, name in enumerate(REPLY_BINS)]


def outcome_rows(query: sa.Select | None = None, *when) -> sa.Select:
    """Outcome rows (of ``query``, a select of ``Outcome``) as interactions: advisor_id,
    team_id, occurred_at, channel, nps, csat, fcr, response_seconds, converted,
    new_customer."""
    return ((sa.select(Outcome) if query is None else query).with_only_columns(
        Outcome.advisor_id.label("advisor_id"), Outcome.team_id.label("team_id"),
        Outcome.occurred_at.label("occurred_at"),
        sa.type_coerce(Outcome.channel, sa.String(10)).label("channel"),
        Outcome.nps.label("nps"), Outcome.csat.label("csat"),
        Outcome.first_contact_resolution.label("fcr"),
        Outcome.response_seconds.label("response_seconds"),
        Outcome.converted.label("converted"), Outcome.new_customer.label("new_customer"))
        .where(*when))


def recording_rows(query: sa.Select | None = None, *when) -> sa.Select:
    """Recordings (of ``query``, a select of ``Recording``) with their own outcome fields
    that no outcome row names, as call interactions at the call's time, their resolution as
    first-contact resolution; the columns of :func:`outcome_rows`."""
    return ((sa.select(Recording) if query is None else query).with_only_columns(
        Recording.advisor_id.label("advisor_id"), Recording.team_id.label("team_id"),
        Recording.called_at.label("occurred_at"),
        sa.literal("call", sa.String(10)).label("channel"), Recording.nps.label("nps"),
        Recording.csat.label("csat"), Recording.resolved.label("fcr"),
        sa.cast(sa.null(), sa.Integer).label("response_seconds"),
        sa.cast(sa.null(), sa.Boolean).label("converted"),
        sa.cast(sa.null(), sa.Boolean).label("new_customer"))
        .where(sa.or_(Recording.nps.is_not(None), Recording.csat.is_not(None),
                      Recording.resolved.is_not(None)),
               unnamed(Recording.id), *when))


def unnamed(recording_id) -> sa.ColumnElement[bool]:
    """SQL: no outcome row names the recording (then that row counts instead). PostgreSQL
    probes the index of named recordings (the redundant "is not null" keeps it from hashing
    every outcome); SQLite reads the named ids once (its planner, with statistics that see
    mostly NULLs, would scan the table for each call with NOT EXISTS)."""
    if db.engine.dialect.name == "postgresql":
        return ~sa.exists().where(Outcome.recording_id == recording_id,
                                  Outcome.recording_id.is_not(None))
    return recording_id.not_in(sa.select(Outcome.recording_id)
                               .where(Outcome.recording_id.is_not(None)))


# --- cells -------------------------------------------------------------------------------------


def cell_of(span: str, when: dt.datetime) -> int:
    if span == "week":
        return (math.floor(when.timestamp()) + WEEK_SHIFT_S) // WEEK_S
    when = when.astimezone(dt.UTC)
    return (when.year - 1970) * 12 + when.month - 1


def cell_start(span: str, cell: int) -> dt.datetime:
    if span == "week":
        return EPOCH + dt.timedelta(seconds=cell * WEEK_S - WEEK_SHIFT_S)
    return dt.datetime(1970 + cell // 12, cell % 12 + 1, 1, tzinfo=dt.UTC)


def nearest_boundary(span: str, when: dt.datetime) -> int:
    """The cell starting nearest to ``when`` (the earlier one on a tie)."""
    cell = cell_of(span, when)
    return cell if when - cell_start(span, cell) <= cell_start(span, cell + 1) - when \
        else cell + 1


def cell_expr(span: str, column) -> sa.ColumnElement[int]:
    """SQL: :func:`cell_of` of a UTC timestamp column."""
    if db.engine.dialect.name == "postgresql":
        if span == "week":
            seconds = sa.cast(sa.func.floor(sa.extract("epoch", column)), sa.BigInteger)
            return (seconds + WEEK_SHIFT_S) // WEEK_S
        utc = sa.func.timezone("UTC", column)
        return ((sa.cast(sa.extract("year", utc), sa.Integer) - 1970) * 12
                + sa.cast(sa.extract("month", utc), sa.Integer) - 1)
    # SQLite keeps UTC timestamps as "YYYY-MM-DD HH:MM:SS.ffffff"
    if span == "week":
        seconds = sa.cast(sa.func.strftime("%s", column), sa.Integer)
        return (seconds + WEEK_SHIFT_S) // WEEK_S
    return ((sa.cast(sa.func.strftime("%Y", column), sa.Integer) - 1970) * 12
            + sa.cast(sa.func.strftime("%m", column), sa.Integer) - 1)


def supported() -> bool:
    return db.engine.dialect.name in ("sqlite", "postgresql")


def span_for(since: dt.datetime, until: dt.datetime, weekly: bool | None = None) -> str | None:
    """The cells a period reads (weeks for weekly trends and periods up to 92 days, else
    months), or None: raw rows (a short period, a database without the cell SQL, or sums
    that are stale or were counted against other reply targets)."""
    if until - since < dt.timedelta(days=MIN_DAYS) or not supported() or not usable():
        return None
    if since < FIRST or until > LAST:
        return None  # "since ever" and "until forever": cells would not save much there
    if weekly is None:
        weekly = until - since <= dt.timedelta(days=92)
    return "week" if weekly else "month"


def usable() -> bool:
    state = db.session.execute(sa.select(OutcomeSumsState.target_s, OutcomeSumsState.aim_s,
                                         OutcomeSumsState.lead_s)).first()
    if state is None:
        return False
    t = targets()
    return tuple(state) == (t["target"], t["aim"], t["lead"])


# --- which raw rows correct the cells ------------------------------------------------------------


def plan(span: str, cuts: list[dt.datetime]):
    """How to add up the buckets [cuts[k], cuts[k+1]) from cells and raw rows.

    Each cut moves to its nearest cell boundary; bucket k is then the cells between its
    moved ends plus, for each stretch between a cut and its boundary, the raw rows there
    added or taken away. Returns (boundaries: the cell number of each moved cut, stretches:
    [(start, end, {bucket: +1 or -1})]); the counts are integers, so the result is exact."""
    boundaries = [nearest_boundary(span, c) for c in cuts]
    moved = [cell_start(span, b) for b in boundaries]
    points = sorted(set(cuts) | set(moved))
    stretches = []
    for lo, hi in zip(points, points[1:], strict=False):
        signs = {}
        for k in range(len(cuts) - 1):
            true = cuts[k] <= lo and hi <= cuts[k + 1]
            cells = moved[k] <= lo and hi <= moved[k + 1]
            if true != cells:
                signs[k] = 1 if true else -1
        if signs:
            stretches.append((lo, hi, signs))
    return boundaries, stretches


# --- keeping the cells ---------------------------------------------------------------------------


def keys_of(advisor_id: int, when: dt.datetime) -> list[Key]:
    return [(advisor_id, span, cell_of(span, when)) for span in SPANS]


def json_table(rows: list[tuple], columns: list[tuple[str, sa.types.TypeEngine]],
               name: str) -> sa.FromClause:
    """SQL: ``rows`` as a table, from one JSON parameter: the statement's shape (and its
    compiled form, cached) is the same however many rows there are, where a VALUES list or
    an OR of conditions would compile anew for each count and cost more to compile than
    to run."""
    if db.engine.dialect.name == "postgresql":
        doc = json.dumps([dict(zip([n for n, _ in columns], row, strict=True)) for row in rows],
                         default=_json_value)
        return (sa.func.json_to_recordset(sa.cast(sa.literal(doc), postgresql.JSON))
                .table_valued(*[sa.column(n, t) for n, t in columns])
                .render_derived(name=name, with_types=True))
    each = sa.func.json_each(sa.literal(json.dumps(rows, default=_json_value))) \
        .table_valued("value")
    return sa.select(*[sa.cast(sa.func.json_extract(each.c.value, f"$[{i}]"),
                               sa.Text if isinstance(t, sa.DateTime) else t).label(n)
                       for i, (n, t) in enumerate(columns)]).subquery(name)


def _json_value(value):
    """Timestamps as the database compares them: ISO 8601 for PostgreSQL, SQLite's own
    text ("YYYY-MM-DD HH:MM:SS.ffffff", UTC) for SQLite."""
    if isinstance(value, dt.datetime):
        value = value.astimezone(dt.UTC)
        if db.engine.dialect.name == "postgresql":
            return value.isoformat()
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")
    raise TypeError(f"not JSON: {value!r}")


def _ranges(span: str, terms: list[tuple[int, int, int]]) -> sa.FromClause:
    """(advisor, first cell, last cell) as a table, with the times the cells cover."""
    return json_table([(a, lo, hi, cell_start(span, lo), cell_start(span, hi + 1))
                       for a, lo, hi in terms],
                      [("advisor_id", sa.Integer()), ("first", sa.Integer()),
                       ("last", sa.Integer()), ("since", sa.DateTime(timezone=True)),
                       ("until", sa.DateTime(timezone=True))], "ranges")


def _insert(connection, span: str, terms: list[tuple[int, int, int]] | None) -> None:
    """Count the cells of ``span``: every cell, or those of (advisor, first, last): each
    channel's from the rows, then every channel's together from those."""
    outcomes, recordings = outcome_rows(), recording_rows()
    if terms is not None:
        ranges = _ranges(span, terms)
        outcomes = outcomes.join(ranges, sa.and_(Outcome.advisor_id == ranges.c.advisor_id,
                                                 Outcome.occurred_at >= ranges.c.since,
                                                 Outcome.occurred_at < ranges.c.until))
        recordings = recordings.join(ranges, sa.and_(
            Recording.advisor_id == ranges.c.advisor_id, Recording.called_at >= ranges.c.since,
            Recording.called_at < ranges.c.until))
    rows = sa.union_all(outcomes, recordings).subquery()
    cell = cell_expr(span, rows.c.occurred_at)
    columns = ["span", "cell", "advisor_id", "team_id", "channel", *NUMBERS, *REPLY_BINS]
    connection.execute(sa.insert(OutcomeSum).from_select(columns, (
        sa.select(sa.literal(span, sa.String(5)), cell, rows.c.advisor_id, rows.c.team_id,
                  rows.c.channel, *aggregates(rows.c, targets()), *reply_bins(rows.c))
        .group_by(rows.c.advisor_id, rows.c.team_id, rows.c.channel, cell))))
    every = (sa.select(OutcomeSum.span, OutcomeSum.cell, OutcomeSum.advisor_id,
                       OutcomeSum.team_id, sa.null(),
                       *[sa.func.sum(getattr(OutcomeSum, n)) for n in NUMBERS + REPLY_BINS])
             .where(OutcomeSum.span == span, OutcomeSum.channel.is_not(None))
             .group_by(OutcomeSum.span, OutcomeSum.cell, OutcomeSum.advisor_id,
                       OutcomeSum.team_id))
    if terms is not None:
        every = _in_ranges(every, span, terms)
    connection.execute(sa.insert(OutcomeSum).from_select(columns, every))


def _in_ranges(query: sa.Select, span: str, terms: list[tuple[int, int, int]]) -> sa.Select:
    """``query`` (of OutcomeSum) narrowed to the cells of (advisor, first, last): from the
    ranges to the cells by their index, not a test of the ranges for every cell."""
    ranges = _ranges(span, terms)
    return query.select_from(ranges).join(OutcomeSum, sa.and_(
        OutcomeSum.advisor_id == ranges.c.advisor_id, OutcomeSum.span == span,
        OutcomeSum.cell >= ranges.c.first, OutcomeSum.cell <= ranges.c.last))


def _lock(connection) -> None:
    """One writer of cells at a time, until its transaction ends: two transactions
    recomputing the same cell would each delete the old rows and both insert theirs. On
    PostgreSQL an advisory lock (statements after it see what the other committed); SQLite
    has one writer anyway (taken at once when this transaction has not written yet)."""
    hold_lock("outcome sums", 0, connection)


def rebuild(connection=None) -> None:
    """Every cell from every row, counted against the current reply targets."""
    connection = connection or db.session.connection()
    _lock(connection)
    connection.execute(sa.delete(OutcomeSumsState))
    connection.execute(sa.delete(OutcomeSum))
    for span in SPANS:
        _insert(connection, span, None)
    t = targets()
    connection.execute(sa.insert(OutcomeSumsState).values(
        id=1, target_s=t["target"], aim_s=t["aim"], lead_s=t["lead"], built_at=utcnow()))
    log.info("outcome sums rebuilt")


def refresh(keys: Iterable[Key], recording_ids: Iterable[int] = (), connection=None) -> None:
    """Recompute the cells ``keys`` and those of the recordings ``recording_ids`` from the
    rows (or every cell, when the sums are stale or were counted against other reply
    targets). In the caller's transaction."""
    keys = set(keys)
    recording_ids = sorted(set(recording_ids))
    if not (keys or recording_ids) or not supported():
        return
    connection = connection or db.session.connection()
    _lock(connection)
    state = connection.execute(sa.select(OutcomeSumsState.target_s, OutcomeSumsState.aim_s,
                                         OutcomeSumsState.lead_s)).first()
    t = targets()
    if state is None or tuple(state) != (t["target"], t["aim"], t["lead"]):
        rebuild(connection)
        return
    for start in range(0, len(recording_ids), 500):
        for advisor_id, called_at in connection.execute(
                sa.select(Recording.advisor_id, Recording.called_at)
                .where(Recording.id.in_(recording_ids[start:start + 500]))):
            keys.update(keys_of(advisor_id, called_at))
    by_span: dict[str, dict[int, list[int]]] = defaultdict(dict)
    for advisor_id, span, cell in keys:
        # one range per advisor: the cells between two changed ones are recounted too
        lo, hi = by_span[span].get(advisor_id, (cell, cell))
        by_span[span][advisor_id] = [min(lo, cell), max(hi, cell)]
    weeks = sum(hi - lo + 1 for lo, hi in by_span.get("week", {}).values())
    kept = connection.execute(sa.select(sa.func.count()).select_from(OutcomeSum).where(
        OutcomeSum.span == "week", OutcomeSum.channel.is_(None))).scalar_one()
    if weeks * REBUILD_SHARE >= kept:
        rebuild(connection)  # most cells change (a big import): one pass over every row
        return
    for span, advisors in by_span.items():
        terms = [(advisor_id, lo, hi) for advisor_id, (lo, hi) in sorted(advisors.items())]
        ids = _in_ranges(sa.select(OutcomeSum.id), span, terms)
        connection.execute(sa.delete(OutcomeSum).where(OutcomeSum.id.in_(ids)))
        _insert(connection, span, terms)


def mark_stale(connection=None) -> None:
    (connection or db.session.connection()).execute(sa.delete(OutcomeSumsState))


# --- ORM writes of outcomes ----------------------------------------------------------------------

_PENDING = "performance.outcome_sum_keys"
_RECORDING_FIELDS = ("nps", "csat", "resolved", "called_at", "advisor_id", "team_id")


def _values(obj, session, name: str) -> set | None:
    """The attribute's value before and after the flush (None: not known)."""
    state = sa.inspect(obj)
    history = state.attrs[name].history
    if history.added and not history.deleted and obj not in session.new:
        return None  # changed without its old value loaded
    current = state.dict.get(name)
    if name not in state.dict and obj not in session.deleted:
        try:
            current = getattr(obj, name)  # expired since the last commit: load it
        except sa.exc.SQLAlchemyError:
            return None
    found = {current, *history.deleted} - {None}
    return found if found or name == "recording_id" else None


def _after_flush(session, _flush_context) -> None:
    keys, recording_ids = session.info.setdefault(_PENDING, (set(), set()))
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Outcome):
            advisors, times = _values(obj, session, "advisor_id"), \
                _values(obj, session, "occurred_at")
            named = _values(obj, session, "recording_id")
        elif isinstance(obj, Recording):
            state = sa.inspect(obj)
            if obj in session.dirty and not any(
                    state.attrs[name].history.has_changes() for name in _RECORDING_FIELDS):
                continue  # a status, a title...: nothing the figures count
            advisors, times = _values(obj, session, "advisor_id"), \
                _values(obj, session, "called_at")
            named = set()
        else:
            continue
        if advisors is None or times is None or named is None:
            keys.add(None)  # not known: rebuild every cell
            continue
        recording_ids.update(named)
        for advisor_id in advisors:
            for when in times:
                keys.update(keys_of(advisor_id, when))


def _after_flush_postexec(session, _flush_context) -> None:
    keys, recording_ids = session.info.pop(_PENDING, (set(), set()))
    if not (keys or recording_ids):
        return
    connection = session.connection()
    try:
        if None in keys:
            rebuild(connection)
        else:
            refresh(keys, recording_ids, connection)
    except RuntimeError:  # no application context: no reply targets to count against
        mark_stale(connection)


# what the cells count, per table (an UPDATE of anything else, a job's status or a title,
# leaves them current)
COUNTED = {Outcome.__tablename__: {c.name for c in Outcome.__table__.columns} - {"imported_at"},
           Recording.__tablename__: {"id", *_RECORDING_FIELDS}}


def _changes_counted(orm_execute_state, counted: set[str]) -> bool:
    if not orm_execute_state.is_update:
        return True  # an INSERT or a DELETE
    statement = orm_execute_state.statement
    names = {getattr(key, "key", key) for key in getattr(statement, "_values", None) or {}}
    parameters = orm_execute_state.parameters
    for row in parameters if isinstance(parameters, list) else [parameters or {}]:
        names.update(row)
    return not names or bool({str(name) for name in names} & counted)


def _guard(orm_execute_state) -> None:
    """An INSERT, UPDATE or DELETE of outcomes or recordings that does not keep the cells
    itself (and, for an UPDATE, sets a column they count) marks them stale."""
    if not (orm_execute_state.is_insert or orm_execute_state.is_update
            or orm_execute_state.is_delete):
        return
    if orm_execute_state.execution_options.get("outcome_sums") == "kept":
        return
    table = getattr(orm_execute_state.statement, "table", None)
    counted = COUNTED.get(getattr(table, "name", None))
    if counted is not None and _changes_counted(orm_execute_state, counted):
        mark_stale(orm_execute_state.session.connection())


def init_app(app) -> None:
    session_class = db.session.session_factory.class_
    for name, fn in (("after_flush", _after_flush),
                     ("after_flush_postexec", _after_flush_postexec),
                     ("do_orm_execute", _guard)):
        if not sa.event.contains(session_class, name, fn):
            sa.event.listen(session_class, name, fn)


def check_at_worker_start(app) -> None:
    """Build the sums when they are missing or stale (after an upgrade, a change of the
    reply targets, or a write that did not keep them)."""
    if supported() and not usable():
        rebuild()
        db.session.commit()
