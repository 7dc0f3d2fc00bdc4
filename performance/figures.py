"""The figures of the dashboards, rankings, outliers and the advisor-metrics export.

**Interactions** are the outcome rows plus the recordings that carry their own NPS, CSAT or
resolution (upload fields) and that no outcome row points to: those count as interactions
of channel "call" at the call's time, with their resolution as first-contact resolution.
They are read from the recordings table rather than copied into ``outcomes`` by a pipeline
step, so that there is one copy of the data: an edit of a call's outcomes on its Edit page
changes the figures at once, a deleted call leaves nothing behind, and calls uploaded
before this package existed count without a back-fill. An imported outcome that names the
recording (``recording_id``) replaces the call's own fields.

Everything starts from what the viewer may see (``performance.access.visible_outcomes``,
``visible_outcome_sums`` and ``coachlab.access.visible_recordings``) and is added up in
SQL per advisor and per trend bucket (:func:`_sums`): over 28 days or more from the
per-week or per-month sums of ``performance.sums`` plus the raw rows near the period's
edges, otherwise from the rows. Medians are exact: the sums' replies per bin of time to
reply say where the middle reply lies, and only that bin's replies are read
(:func:`_medians`).

- NPS: % promoters (9-10) - % detractors (0-6) of the interactions with a score (-100..100);
  weighted NPS counts a new customer's score 10 times.
- CSAT: the mean of the 1-5 scores. FCR: the share resolved on first contact of those with
  an answer. Conversion: converted / taken in work (rows with ``converted`` yes or no).
- Response: the median of ``response_seconds`` and the shares answered within the target
  (``PERFORMANCE_RESPONSE_TARGET_H``, 24 h) and the aim (``..._AIM_H``, 9 h); new leads
  (new customers) against ``PERFORMANCE_LEAD_TARGET_MIN`` (40 minutes).
- Communication Quality: Needs Improvement audits of calls in the period / the
  interactions in the period (lower is better); per month on an advisor's page.
- Eligibility and thirds (:func:`standings`), outliers (:func:`outliers`).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import math
import statistics
from collections import defaultdict
from dataclasses import dataclass, field

import sqlalchemy as sa

from coachlab import access
from coachlab.auth.models import User
from coachlab.db import db
from coachlab.recordings.models import Recording
from performance import sums
from performance.access import visible_audits, visible_outcome_sums, visible_outcomes
from performance.models import Audit, Band, Outcome, OutcomeSum
from performance.sums import NUMBERS, targets

ELIGIBLE_SHARE = 0.75  # bonus eligibility: the best 75% by Communication Quality
FAST_SHARE = 0.5  # the fast-responder band: the best 50% by median response
OUTLIER_SD = 2.0
OUTLIER_MIN_INTERACTIONS = 20  # an advisor's figure needs this many behind it
OUTLIER_MIN_TEAMMATES = 3  # ... and this many teammates with enough data to compare
SKILL_MIN_CALLS = 3
DIFFERENCES_SHOWN = 3
CLIPS_SHOWN = 3  # the newest clips of an outlier's microskill


@dataclass(frozen=True)
class Scope:
    """What a figure covers: a period [since, until) in UTC and the filters."""

    since: dt.datetime
    until: dt.datetime
    team_id: int | None = None
    channel: str | None = None
    advisor_id: int | None = None


@dataclass
class Figures:
    n: int = 0
    nps_n: int = 0
    promoters: int = 0
    detractors: int = 0
    w_n: int = 0
    w_promoters: int = 0
    w_detractors: int = 0
    csat_n: int = 0
    csat_sum: int = 0
    fcr_n: int = 0
    fcr_yes: int = 0
    conv_n: int = 0
    conv_yes: int = 0
    resp_n: int = 0
    within_target: int = 0
    within_aim: int = 0
    leads_n: int = 0
    leads_within: int = 0
    response_median: float | None = None
    bands: dict[str, int] = field(default_factory=dict)

    @property
    def passives(self) -> int:
        return self.nps_n - self.promoters - self.detractors

    @property
    def nps(self) -> float | None:
        return 100 * (self.promoters - self.detractors) / self.nps_n if self.nps_n else None

    @property
    def nps_weighted(self) -> float | None:
        return 100 * (self.w_promoters - self.w_detractors) / self.w_n if self.w_n else None

    @property
    def csat(self) -> float | None:
        return self.csat_sum / self.csat_n if self.csat_n else None

    @property
    def fcr(self) -> float | None:
        return self.fcr_yes / self.fcr_n if self.fcr_n else None

    @property
    def conversion(self) -> float | None:
        return self.conv_yes / self.conv_n if self.conv_n else None

    @property
    def needs_improvement(self) -> int:
        return self.bands.get(Band.NEEDS_IMPROVEMENT.value, 0)

    @property
    def audits(self) -> int:
        return sum(self.bands.values())

    @property
    def communication_quality(self) -> float | None:
        return self.needs_improvement / self.n if self.n else None

    def share(self, part: int, whole: int) -> float | None:
        return part / whole if whole else None


# --- the interactions a viewer may see ---------------------------------------------------------


LONG_SCAN_DAYS = 92  # on SQLite, periods longer than this read the outcomes in one scan


def _during(column, scope: Scope) -> tuple:
    """SQL: ``column`` (an outcome's time) in the scope's period. On SQLite, a period of
    months reads the table in one scan: without statistics (no ANALYZE), its planner
    would walk the ``occurred_at`` index and look up most rows one by one, twice as slow
    (the index is for short periods and the edges of the sums' cells)."""
    if db.engine.dialect.name == "sqlite" \
            and scope.until - scope.since > dt.timedelta(days=LONG_SCAN_DAYS):
        column = sa.sql.elements.UnaryExpression(column, operator=sa.sql.operators.custom_op(
            "+"), type_=column.type)  # "+occurred_at": the same value, no index
    return column >= scope.since, column < scope.until


def _outcome_rows(user: User, scope: Scope, *when) -> sa.Select:
    """The outcome rows the viewer may see under the scope's filters, at the times ``when``
    selects (the scope's period when none is given)."""
    q = sums.outcome_rows(visible_outcomes(user), *(when or _during(Outcome.occurred_at, scope)))
    if scope.team_id is not None:
        q = q.where(Outcome.team_id == scope.team_id)
    if scope.advisor_id is not None:
        q = q.where(Outcome.advisor_id == scope.advisor_id)
    if scope.channel:
        q = q.where(Outcome.channel == scope.channel)
    return q


def _recording_rows(user: User, scope: Scope, *when) -> sa.Select | None:
    """Recordings with outcome fields that no outcome row names, as call interactions (None
    when the channel filter leaves calls out)."""
    if scope.channel not in (None, "", "call"):
        return None
    r = sums.recording_rows(access.visible_recordings(user), *(when or (
        Recording.called_at >= scope.since, Recording.called_at < scope.until)))
    if scope.team_id is not None:
        r = r.where(Recording.team_id == scope.team_id)
    if scope.advisor_id is not None:
        r = r.where(Recording.advisor_id == scope.advisor_id)
    return r


def interactions(user: User, scope: Scope) -> sa.Subquery:
    """Outcome rows and recordings with outcome fields, as one table of interactions."""
    parts = [p for p in (_outcome_rows(user, scope), _recording_rows(user, scope))
             if p is not None]
    return sa.union_all(*parts).subquery("interactions")


def _aggregates(i: sa.Subquery) -> list:
    return sums.aggregates(i.c, targets())


def _audit_bands(user: User, scope: Scope, by_advisor: bool):
    a = visible_audits(user).with_only_columns(Audit.advisor_id, Audit.band, sa.func.count()) \
        .where(Audit.called_at >= scope.since, Audit.called_at < scope.until)
    if scope.team_id is not None:
        a = a.where(Audit.team_id == scope.team_id)
    if scope.advisor_id is not None:
        a = a.where(Audit.advisor_id == scope.advisor_id)
    a = a.group_by(Audit.advisor_id, Audit.band)
    found: dict = defaultdict(dict)
    for advisor_id, band, count in db.session.execute(a):
        key = advisor_id if by_advisor else None
        found[key][band.value] = found[key].get(band.value, 0) + count
    return found


def _response_filter(user: User, scope: Scope) -> sa.Select:
    q = (visible_outcomes(user).with_only_columns(Outcome.advisor_id, Outcome.response_seconds)
         .where(*_during(Outcome.occurred_at, scope), Outcome.response_seconds.is_not(None)))
    if scope.team_id is not None:
        q = q.where(Outcome.team_id == scope.team_id)
    if scope.advisor_id is not None:
        q = q.where(Outcome.advisor_id == scope.advisor_id)
    if scope.channel:
        q = q.where(Outcome.channel == scope.channel)
    return q


def _raw_medians(user: User, scope: Scope) -> tuple[dict[int, float], float | None]:
    """Medians from every reply in the scope. PostgreSQL computes them
    (``percentile_cont``); SQLite has no median, so each advisor's replies come as one
    ``group_concat`` string and their medians are taken here."""
    base = _response_filter(user, scope).subquery()
    if db.engine.dialect.name == "postgresql":
        def median():
            return sa.func.percentile_cont(0.5).within_group(base.c.response_seconds)

        per = dict(db.session.execute(
            sa.select(base.c.advisor_id, median()).group_by(base.c.advisor_id)).all())
        whole = db.session.scalar(sa.select(median()))
        return ({a: float(v) for a, v in per.items()},
                None if whole is None else float(whole))
    replies = {advisor_id: [int(v) for v in joined.split(",")]
               for advisor_id, joined in db.session.execute(
                   sa.select(base.c.advisor_id, sa.func.group_concat(base.c.response_seconds))
                   .group_by(base.c.advisor_id))}
    per = {a: float(statistics.median(values)) for a, values in replies.items()}
    everything = [v for values in replies.values() for v in values]
    return per, float(statistics.median(everything)) if everything else None


MEDIAN_ADVISORS = 200  # advisors per statement reading their middle replies
MIDDLE_COLUMNS = ("advisor_id", "low", "high", "first", "second")


def _middle(counts: list[int]) -> tuple[int, int, int, int] | None:
    """Where the middle reply (or two) of a histogram lies: (first bin, last bin, ranks of
    the middle two within those bins' replies), or None without replies."""
    n = sum(counts)
    if n <= 0:
        return None
    ranks = ((n - 1) // 2, n // 2)
    bins, before = [], 0
    for index, count in enumerate(counts):
        while len(bins) < 2 and ranks[len(bins)] < before + count:
            bins.append((index, before))
        before += count
    (first, below), (last, _) = bins
    return first, last, ranks[0] - below, ranks[1] - below


def _medians(user: User, scope: Scope, bins: dict[int, list[int]] | None = None
             ) -> tuple[dict[int, float], float | None]:
    """The median response per advisor and of all the replies (the mean of the middle two
    for an even count), exact.

    With ``bins`` (each advisor's replies in the scope counted per bin of time to reply,
    from the sums' cells: ``performance.sums.REPLY_EDGES``), only the replies of the bin or
    two holding each middle are read and ranked by the database (PostgreSQL: each advisor's
    index in order, LIMIT/OFFSET; SQLite: ``row_number``), instead of every reply in the
    period. Without, every reply (:func:`_raw_medians`). Should the bins and the rows ever
    disagree, every reply is read too."""
    if bins is None:
        return _raw_medians(user, scope)
    if any(min(counts) < 0 for counts in bins.values()):
        return _raw_medians(user, scope)  # not from consistent cells: read every reply
    middles = {a: m for a, counts in bins.items() if (m := _middle(counts)) is not None}
    whole = _middle([sum(column) for column in zip(*bins.values(), strict=True)]) \
        if bins else None
    base = _response_filter(user, scope)
    per: dict[int, float] = {}
    advisors = sorted(middles)
    for start in range(0, len(advisors), MEDIAN_ADVISORS):
        chunk = advisors[start:start + MEDIAN_ADVISORS]
        wanted = sums.json_table(
            [(a, sums.REPLY_EDGES[middles[a][0]], sums.bin_limit(middles[a][1]),
              *middles[a][2:]) for a in chunk],
            [(name, sa.Integer()) for name in MIDDLE_COLUMNS], "middles")
        found: dict[int, dict[int, int]] = defaultdict(dict)
        if db.engine.dialect.name == "postgresql":
            # each advisor's middle from their index in order (a LATERAL LIMIT/OFFSET): the
            # planner would otherwise hash the whole table against the bins
            middle = (base.with_only_columns(Outcome.response_seconds)
                      .where(Outcome.advisor_id == wanted.c.advisor_id,
                             Outcome.response_seconds >= wanted.c.low,
                             Outcome.response_seconds < wanted.c.high)
                      .order_by(Outcome.response_seconds)
                      .offset(wanted.c.first)
                      .limit(wanted.c.second - wanted.c.first + 1)).lateral()
            for advisor_id, first, second, value in db.session.execute(
                    sa.select(wanted.c.advisor_id, wanted.c.first, wanted.c.second,
                              middle.c.response_seconds)
                    .select_from(wanted).join(middle, sa.true())):
                ranks = found[advisor_id]
                ranks[first] = min(value, ranks.get(first, value))
                ranks[second] = max(value, ranks.get(second, value))
        else:
            rows = (base.add_columns(wanted.c.first, wanted.c.second)
                    .join(wanted, sa.and_(Outcome.advisor_id == wanted.c.advisor_id,
                                          Outcome.response_seconds >= wanted.c.low,
                                          Outcome.response_seconds < wanted.c.high))
                    .subquery())
            rank = (sa.func.row_number().over(partition_by=rows.c.advisor_id,
                                              order_by=rows.c.response_seconds) - 1)
            ranked = sa.select(rows, rank.label("rank")).subquery()
            for advisor_id, value, r in db.session.execute(
                    sa.select(ranked.c.advisor_id, ranked.c.response_seconds, ranked.c.rank)
                    .where(sa.or_(ranked.c.rank == ranked.c.first,
                                  ranked.c.rank == ranked.c.second))):
                found[advisor_id][r] = value
        for a in chunk:
            first, second = middles[a][2:]
            if first not in found[a] or second not in found[a]:
                return _raw_medians(user, scope)  # the cells disagree with the rows
            per[a] = (found[a][first] + found[a][second]) / 2
    overall_median = None
    if whole is not None:
        first, second = whole[2:]
        values = db.session.scalars(
            base.with_only_columns(Outcome.response_seconds)
            .where(Outcome.advisor_id.in_(advisors),
                   sums.in_bins(Outcome.response_seconds, *whole[:2]))
            .order_by(Outcome.response_seconds).offset(first).limit(second - first + 1)).all()
        if len(values) != second - first + 1:
            return _raw_medians(user, scope)
        overall_median = (values[0] + values[-1]) / 2
    return per, overall_median


# --- adding up: per advisor and trend bucket -----------------------------------------------------


def _bucket(column, cuts: list) -> sa.ColumnElement[int]:
    """SQL: the index k of the bucket [cuts[k], cuts[k+1]) holding ``column`` (the last one
    for anything later)."""
    last = len(cuts) - 2
    if last <= 0:
        return sa.literal(0)
    return sa.case(*[(column < end, k) for k, end in enumerate(cuts[1:-1])], else_=last)


@dataclass
class Totals:
    """What :func:`_sums` adds up: the NUMBERS per advisor over the whole scope and per
    bucket over every advisor, and each advisor's replies per bin of time to reply (None
    when read from raw rows: the medians then read every reply)."""

    advisors: dict[int, list[int]] = field(default_factory=dict)
    buckets: dict[int, list[int]] = field(default_factory=dict)
    bins: dict[int, list[int]] | None = None

    @staticmethod
    def add_to(table: dict, key, values, sign: int = 1) -> None:
        found = table.get(key)
        if found is None:
            table[key] = [sign * int(v or 0) for v in values]
        else:
            for index, v in enumerate(values):
                found[index] += sign * int(v or 0)


@functools.cache
def _cell_columns() -> tuple[list, list]:
    """The sums of the cells' NUMBERS and reply bins (built once: they never change)."""
    return ([sa.func.sum(getattr(OutcomeSum, n)) for n in NUMBERS],
            [sa.func.sum(getattr(OutcomeSum, b)) for b in sums.REPLY_BINS])


def _sums(user: User, scope: Scope, cuts: list[dt.datetime],
          weekly: bool | None = None) -> Totals:
    """The interactions of the buckets [cuts[k], cuts[k+1]) added up, where cuts[0] is the
    scope's start and cuts[-1] its end.

    With the sums kept (``performance.sums``): the weekly or monthly cells between the
    cuts moved to cell boundaries (one query per advisor, one per bucket), corrected with
    the raw rows between each cut and its boundary. Otherwise (short periods, stale sums):
    one grouped scan of the rows. Exact either way: the cells hold integer counts."""
    totals = Totals()
    if len(cuts) < 2:
        return totals
    span = sums.span_for(cuts[0], cuts[-1], weekly)
    if span is None:
        i = interactions(user, scope)
        bucket = _bucket(i.c.occurred_at, cuts)
        for row in db.session.execute(sa.select(i.c.advisor_id, bucket, *_aggregates(i))
                                      .group_by(i.c.advisor_id, bucket)):
            totals.add_to(totals.advisors, row[0], row[2:])
            totals.add_to(totals.buckets, row[1], row[2:])
        return totals
    boundaries, stretches = sums.plan(span, cuts)
    cells = (visible_outcome_sums(user)
             .where(OutcomeSum.span == span, OutcomeSum.cell >= boundaries[0],
                    OutcomeSum.cell < boundaries[-1],
                    OutcomeSum.channel == scope.channel if scope.channel
                    else OutcomeSum.channel.is_(None)))
    if scope.team_id is not None:
        cells = cells.where(OutcomeSum.team_id == scope.team_id)
    if scope.advisor_id is not None:
        cells = cells.where(OutcomeSum.advisor_id == scope.advisor_id)
    numbers, replies = _cell_columns()
    totals.bins = {}
    for row in db.session.execute(cells.with_only_columns(OutcomeSum.advisor_id, *numbers,
                                                          *replies)
                                  .group_by(OutcomeSum.advisor_id)):
        totals.add_to(totals.advisors, row[0], row[1:1 + len(NUMBERS)])
        totals.add_to(totals.bins, row[0], row[1 + len(NUMBERS):])
    if len(boundaries) > 2:
        bucket = sa.case(*[(OutcomeSum.cell < b, k) for k, b in enumerate(boundaries[1:-1])],
                         else_=len(boundaries) - 2)
        for row in db.session.execute(cells.with_only_columns(bucket, *numbers)
                                      .group_by(bucket)):
            totals.add_to(totals.buckets, row[0], row[1:])
    else:
        for values in totals.advisors.values():
            totals.add_to(totals.buckets, 0, values)
    if stretches:
        _stretches(user, scope, stretches, totals)
    return totals


def _stretches(user: User, scope: Scope, stretches: list, totals: Totals) -> None:
    """Add (or take away) the raw rows between each cut and its cell boundary."""
    def within(column):
        return sa.or_(*[sa.and_(column >= lo, column < hi) for lo, hi, _ in stretches])

    parts = [_outcome_rows(user, scope, within(Outcome.occurred_at)),
             _recording_rows(user, scope, within(Recording.called_at))]
    raw = sa.union_all(*[p for p in parts if p is not None]).subquery()
    which = sa.case(*[(raw.c.occurred_at < hi, j) for j, (_, hi, _) in
                      enumerate(stretches[:-1])], else_=len(stretches) - 1) \
        if len(stretches) > 1 else sa.literal(0)
    for row in db.session.execute(sa.select(raw.c.advisor_id, which, *_aggregates(raw))
                                  .group_by(raw.c.advisor_id, which)):
        signs = stretches[row[1]][2]
        for k, sign in signs.items():
            totals.add_to(totals.buckets, k, row[2:], sign)
        if net := sum(signs.values()):  # inner stretches add to one bucket, take from another
            totals.add_to(totals.advisors, row[0], row[2:], net)
    # the replies per bin: one CASE over the few replies there are in the stretches
    replies = _outcome_rows(user, scope, within(Outcome.occurred_at),
                            Outcome.response_seconds.is_not(None)).subquery()
    which = sa.case(*[(replies.c.occurred_at < hi, j) for j, (_, hi, _) in
                      enumerate(stretches[:-1])], else_=len(stretches) - 1) \
        if len(stretches) > 1 else sa.literal(0)
    bin_ = sa.case(*[(replies.c.response_seconds < edge, i) for i, edge in
                     enumerate(sums.REPLY_EDGES[1:])], else_=len(sums.REPLY_EDGES) - 1)
    for advisor_id, j, index, count in db.session.execute(
            sa.select(replies.c.advisor_id, which, bin_, sa.func.count())
            .group_by(replies.c.advisor_id, which, bin_)):
        if net := sum(stretches[j][2].values()):
            counts = totals.bins.setdefault(advisor_id, [0] * len(sums.REPLY_BINS))
            counts[index] += net * count


def _visible_advisor_ids(user: User, scope: Scope) -> list[int]:
    advisors = access.visible_advisors(user).with_only_columns(User.id)
    if scope.team_id is not None:
        advisors = advisors.where(User.team_id == scope.team_id)
    if scope.advisor_id is not None:
        advisors = advisors.where(User.id == scope.advisor_id)
    return list(db.session.scalars(advisors))


def _figures_of(table: dict[int, list[int]]) -> dict[int, Figures]:
    return {key: Figures(**dict(zip(NUMBERS, values, strict=True)))
            for key, values in table.items()}


def overall(user: User, scope: Scope) -> Figures:
    figures = Figures()
    totals = _sums(user, scope, [scope.since, scope.until])
    for f in _figures_of(totals.advisors).values():
        _add(figures, f)
    figures.response_median = _medians(user, scope, totals.bins)[1]
    figures.bands = dict(_audit_bands(user, scope, False).get(None, {}))
    return figures


def by_advisor(user: User, scope: Scope) -> dict[int, Figures]:
    """Per advisor the viewer may see (those with no interaction in the scope too)."""
    totals = _sums(user, scope, [scope.since, scope.until])
    found = _figures_of(totals.advisors)
    for advisor_id in _visible_advisor_ids(user, scope):
        found.setdefault(advisor_id, Figures())
    for advisor_id, median in _medians(user, scope, totals.bins)[0].items():
        found.setdefault(advisor_id, Figures()).response_median = median
    for advisor_id, bands in _audit_bands(user, scope, True).items():
        found.setdefault(advisor_id, Figures()).bands = bands
    return found


def _weekly(scope: Scope, zone) -> bool:
    from coachlab import timezones

    return (timezones.to_local(scope.until, zone).date()
            - timezones.to_local(scope.since, zone).date()).days <= 92


def buckets(scope: Scope, zone) -> list[tuple[str, dt.datetime, dt.datetime]]:
    """Weeks (periods up to 92 days) or months, as (label, start, end) in UTC."""
    from coachlab import timezones

    start_day = timezones.to_local(scope.since, zone).date()
    end_day = timezones.to_local(scope.until, zone).date()
    out = []
    if _weekly(scope, zone):
        day = start_day - dt.timedelta(days=start_day.weekday())
        while day < end_day:
            nxt = day + dt.timedelta(days=7)
            out.append((day.isoformat(), day, nxt))
            day = nxt
    else:
        day = start_day.replace(day=1)
        while day < end_day:
            nxt = (day + dt.timedelta(days=32)).replace(day=1)
            out.append((day.strftime("%Y-%m"), day, nxt))
            day = nxt
    return [(label, max(timezones.local_day_start(a, zone), scope.since),
             min(timezones.local_day_start(b, zone), scope.until)) for label, a, b in out]


def _add(into: Figures, other: Figures) -> None:
    for name in NUMBERS:
        setattr(into, name, getattr(into, name) + getattr(other, name))
    for band, count in other.bands.items():
        into.bands[band] = into.bands.get(band, 0) + count


def dashboard(user: User, scope: Scope, zone) -> tuple[Figures, dict[int, Figures], list]:
    """(overall, per advisor, trend) of a dashboard: the interactions added up per advisor
    and week or month (:func:`_sums`), then the audits and the medians (:func:`_medians`)."""
    cuts = buckets(scope, zone)
    totals = _sums(user, scope, [scope.since] + [end for _, _, end in cuts] if cuts else [],
                   _weekly(scope, zone))
    per = _figures_of(totals.advisors)
    by_bucket = _figures_of(totals.buckets)
    for advisor_id in _visible_advisor_ids(user, scope):
        per.setdefault(advisor_id, Figures())
    last = max(len(cuts) - 1, 0)
    a = visible_audits(user).with_only_columns(Audit.advisor_id, Audit.band, Audit.called_at) \
        .where(Audit.called_at >= scope.since, Audit.called_at < scope.until)
    if scope.team_id is not None:
        a = a.where(Audit.team_id == scope.team_id)
    if scope.advisor_id is not None:
        a = a.where(Audit.advisor_id == scope.advisor_id)
    for advisor_id, band, called_at in db.session.execute(a):
        f = per.setdefault(advisor_id, Figures())
        f.bands[band.value] = f.bands.get(band.value, 0) + 1
        k = next((k for k, (_, _, end) in enumerate(cuts) if called_at < end), last)
        t = by_bucket.setdefault(k, Figures())
        t.bands[band.value] = t.bands.get(band.value, 0) + 1
    medians, overall_median = _medians(user, scope, totals.bins)
    for advisor_id, median in medians.items():
        per.setdefault(advisor_id, Figures()).response_median = median
    overall = Figures()
    for f in per.values():
        _add(overall, f)
    overall.response_median = overall_median
    trend = [(label, by_bucket.get(k, Figures())) for k, (label, _, _) in enumerate(cuts)]
    return overall, per, trend



# --- eligibility, thirds, the fast-responder band ----------------------------------------------


@dataclass
class Standing:
    eligible: bool
    reason: str
    third: int | None = None
    third_reason: str = ""
    fast: bool | None = None
    fast_reason: str = ""


def _pct(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{100 * value:.{digits}f}%"


def standings(figures: dict[int, Figures]) -> dict[int, Standing]:
    """Eligible: the best 75% by Communication Quality (lowest share of Needs Improvements;
    ties at the cut are all in). Thirds among the eligible by NPS (then CSAT, then the
    number of interactions); eligible advisors without an NPS score come last. The
    fast-responder band: the best half by median response (ties at the cut are in)."""
    result: dict[int, Standing] = {}
    scored = sorted(((f.communication_quality, a) for a, f in figures.items()
                     if f.communication_quality is not None))
    cut = scored[max(math.ceil(ELIGIBLE_SHARE * len(scored)) - 1, 0)][0] if scored else None
    for advisor_id, f in figures.items():
        cq = f.communication_quality
        if cq is None:
            result[advisor_id] = Standing(False, "not eligible: no interactions in the period")
        elif cq <= cut:
            result[advisor_id] = Standing(True, f"eligible: Communication Quality {_pct(cq)} "
                                          f"({f.needs_improvement} of {f.n}) is in the best "
                                          f"75% (cut {_pct(cut)})")
        else:
            result[advisor_id] = Standing(False, f"not eligible: Communication Quality "
                                          f"{_pct(cq)} ({f.needs_improvement} of {f.n}) is "
                                          f"above the cut of the best 75% ({_pct(cut)})")
    eligible = [a for a, s in result.items() if s.eligible]

    def rank_key(a: int):
        f = figures[a]
        return (f.nps is None, -(f.nps or 0), -(f.csat or 0), -f.n, a)

    eligible.sort(key=rank_key)
    for index, advisor_id in enumerate(eligible):
        third = 1 + (3 * index) // len(eligible)
        f = figures[advisor_id]
        result[advisor_id].third = third
        nps = "no NPS score" if f.nps is None else f"NPS {f.nps:.0f} from {f.nps_n} scores"
        result[advisor_id].third_reason = (f"{['top', 'middle', 'bottom'][third - 1]} third "
                                           f"of {len(eligible)} eligible advisors by NPS ({nps})")
    timed = sorted((f.response_median, a) for a, f in figures.items()
                   if f.response_median is not None)
    if timed:
        fast_cut = timed[max(math.ceil(FAST_SHARE * len(timed)) - 1, 0)][0]
        for advisor_id, f in figures.items():
            if f.response_median is None:
                continue
            fast = f.response_median <= fast_cut
            result[advisor_id].fast = fast
            result[advisor_id].fast_reason = (
                f"median response {_duration(f.response_median)} over {f.resp_n} replies "
                + ("is in the fastest half" if fast else "is slower than the fastest half")
                + f" (cut {_duration(fast_cut)})")
    return result


def _duration(seconds: float) -> str:
    seconds = int(round(seconds))
    if seconds < 3600:
        return f"{seconds // 60} min {seconds % 60} s"
    return f"{seconds // 3600} h {(seconds % 3600) // 60} min"


# --- outliers and what they do differently -----------------------------------------------------

METRICS = {
    "nps": ("NPS", lambda f: f.nps, lambda f: f.nps_n),
    "csat": ("CSAT", lambda f: f.csat, lambda f: f.csat_n),
    "fcr": ("First-contact resolution", lambda f: f.fcr, lambda f: f.fcr_n),
    "conversion": ("Conversion", lambda f: f.conversion, lambda f: f.conv_n),
}


@dataclass
class Difference:
    code: str
    rate: float  # per call
    team_rate: float
    calls: int
    clips: list = field(default_factory=list)  # clips of the advisor showing it


@dataclass
class Outlier:
    advisor_id: int
    metric: str
    label: str
    value: float
    count: int
    team_mean: float
    team_sd: float
    teammates: int
    differences: list[Difference] = field(default_factory=list)


def outliers(user: User, scope: Scope, figures: dict[int, Figures],
             teams: dict[int, int | None]) -> list[Outlier]:
    """Advisors at least 2 SD above their teammates' mean on a metric (compared with the
    others of their team, so one strong advisor does not hide in their own spread), with at
    least 20 interactions behind their figure and 3 teammates with as many."""
    found = []
    by_team: dict[int | None, list[int]] = defaultdict(list)
    for advisor_id in figures:
        by_team[teams.get(advisor_id)].append(advisor_id)
    for members in by_team.values():
        for metric, (label, value, count) in METRICS.items():
            enough = [(a, value(figures[a])) for a in members
                      if count(figures[a]) >= OUTLIER_MIN_INTERACTIONS
                      and value(figures[a]) is not None]
            teammates = len(enough) - 1
            if teammates < OUTLIER_MIN_TEAMMATES:
                continue
            # each advisor against the others: their mean and (population) SD from the
            # team's sums less the advisor's own value
            total = math.fsum(v for _, v in enough)
            squares = math.fsum(v * v for _, v in enough)
            for advisor_id, mine in enough:
                mean = (total - mine) / teammates
                sd = math.sqrt(max((squares - mine * mine) / teammates - mean * mean, 0.0))
                if mine > mean and mine >= mean + OUTLIER_SD * sd:
                    found.append(Outlier(advisor_id, metric, label, mine,
                                         count(figures[advisor_id]), mean, sd, teammates))
    if found:
        _differences(user, scope, found, teams)
    return found


def skill_rates(user: User, scope: Scope, advisor_ids: list[int]) -> dict[int, tuple[int, dict]]:
    """{advisor: (counted calls, {code: per-call rate})} from the per-call counts tagging
    keeps (RecordingSkillSummary.skill_counts, {code: n}), not from every tag.

    One row per advisor: their calls' counts joined into one JSON array by the database
    (``group_concat`` / ``string_agg``) and added up here. Splitting every call's counts
    into rows (``json_each``) and grouping them by advisor and code cost 2-3 times as much
    with a company's year of calls (the sort of one row per call and code)."""
    from microskills.models import RecordingSkillSummary as Summary

    if not advisor_ids:
        return {}
    if db.engine.dialect.name == "postgresql":
        joined = sa.func.string_agg(sa.cast(Summary.skill_counts, sa.Text), ",")
    else:
        joined = sa.func.group_concat(Summary.skill_counts)
    rows = db.session.execute(
        access.visible_recordings(user)
        .with_only_columns(Recording.advisor_id, sa.func.count(), joined)
        .join(Summary, Summary.recording_id == Recording.id)
        .where(Recording.called_at >= scope.since, Recording.called_at < scope.until,
               Recording.advisor_id.in_(advisor_ids), Summary.skill_counts.is_not(None))
        .group_by(Recording.advisor_id))
    found = {}
    for advisor_id, calls, counts in rows:
        uses: dict[str, int] = {}
        for call in json.loads(f"[{counts}]"):
            for code, n in (call or {}).items():
                uses[code] = uses.get(code, 0) + (n or 0)
        found[advisor_id] = (calls, {code: n / calls for code, n in uses.items()})
    return found


def _differences(user: User, scope: Scope, found: list[Outlier], teams) -> None:
    from clips.access import visible_clips
    from clips.models import Clip, ClipMicroskill

    members: dict[int | None, list[int]] = defaultdict(list)
    for advisor_id, team_id in teams.items():
        members[team_id].append(advisor_id)
    everyone = sorted({a for o in found for a in members[teams.get(o.advisor_id)]})
    rates = skill_rates(user, scope, everyone)
    for o in found:
        mine_calls, mine = rates.get(o.advisor_id, (0, {}))
        others = [rates[b] for b in members[teams.get(o.advisor_id)]
                  if b != o.advisor_id and b in rates and rates[b][0] >= SKILL_MIN_CALLS]
        if mine_calls < SKILL_MIN_CALLS or not others:
            continue
        codes = set(mine) | {c for _, r in others for c in r}
        diffs = []
        for code in codes:
            team_rate = statistics.fmean(r.get(code, 0.0) for _, r in others)
            diffs.append(Difference(code, mine.get(code, 0.0), team_rate, mine_calls))
        diffs.sort(key=lambda d: (-abs(d.rate - d.team_rate), d.code))
        o.differences = diffs[:DIFFERENCES_SHOWN]
    # one advisor can stand out on several metrics, each with the same differences
    wanted: dict[tuple[int, str], list[Difference]] = defaultdict(list)
    for o in found:
        for d in o.differences:
            wanted[(o.advisor_id, d.code)].append(d)
    if not wanted:
        return
    # the newest clips of each (advisor, microskill) in one query, not one per difference
    newest = sa.func.row_number().over(
        partition_by=(Clip.advisor_id, ClipMicroskill.code),
        order_by=(Clip.created_at.desc(), Clip.id.desc())).label("newest")
    ranked = (visible_clips(user).with_only_columns(Clip.id, Clip.advisor_id,
                                                      ClipMicroskill.code, newest)
              .join(ClipMicroskill, ClipMicroskill.clip_id == Clip.id)
              .where(Clip.advisor_id.in_(sorted({a for a, _ in wanted})),
                     ClipMicroskill.code.in_(sorted({c for _, c in wanted})))
              .subquery())
    picked = [(clip_id, (advisor_id, code)) for clip_id, advisor_id, code in db.session.execute(
        sa.select(ranked.c.id, ranked.c.advisor_id, ranked.c.code)
        .where(ranked.c.newest <= CLIPS_SHOWN).order_by(ranked.c.newest))
        if (advisor_id, code) in wanted]
    clips = {c.id: c for c in db.session.scalars(
        sa.select(Clip).where(Clip.id.in_([clip_id for clip_id, _ in picked])))}
    for clip_id, key in picked:
        for d in wanted[key]:
            d.clips.append(clips[clip_id])


# --- Communication Quality per month -----------------------------------------------------------


def monthly_quality(user: User, advisor_id: int, months: list[tuple[str, dt.datetime,
                                                                      dt.datetime]]):
    """[(month label, Needs Improvements, interactions, share or None)] for consecutive
    months, added up in one pass (:func:`_sums`)."""
    if not months:
        return []
    if any(a[2] != b[1] for a, b in zip(months, months[1:], strict=False)):
        return [row for month in months for row in monthly_quality(user, advisor_id, [month])]
    cuts = [months[0][1]] + [end for _, _, end in months]
    scope = Scope(cuts[0], cuts[-1], advisor_id=advisor_id)
    counts = {k: values[0] for k, values in _sums(user, scope, cuts, weekly=False).buckets.items()}
    needs = defaultdict(int)
    for (called_at,) in db.session.execute(
            visible_audits(user).with_only_columns(Audit.called_at)
            .where(Audit.advisor_id == advisor_id, Audit.band == Band.NEEDS_IMPROVEMENT,
                   Audit.called_at >= scope.since, Audit.called_at < scope.until)):
        needs[next(k for k, end in enumerate(cuts[1:]) if called_at < end)] += 1
    out = []
    for k, (label, _, _) in enumerate(months):
        n = counts.get(k, 0)
        out.append((label, needs[k], n, needs[k] / n if n else None))
    return out
