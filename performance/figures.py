"""The figures of the dashboards, rankings, outliers and the advisor-metrics export.

**Interactions** are the outcome rows plus the recordings that carry their own NPS, CSAT or
resolution (upload fields) and that no outcome row points to: those count as interactions
of channel "call" at the call's time, with their resolution as first-contact resolution.
They are read from the recordings table on the fly rather than copied into ``outcomes`` by
a pipeline step, so that there is one copy of the data: an edit of a call's outcomes on its
Edit page changes the figures at once, a deleted call leaves nothing behind, and calls
uploaded before this package existed count without a back-fill. An imported outcome that
names the recording (``recording_id``) replaces the call's own fields.

Everything starts from what the viewer may see (``performance.access.visible_outcomes``
and ``coachlab.access.visible_recordings``) and is added up in SQL, grouped by advisor
(or by trend bucket); only the response times are read row by row, for their medians.

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
import math
import statistics
from collections import defaultdict
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import current_app

from coachlab import access
from coachlab.auth.models import User
from coachlab.db import db
from coachlab.recordings.models import Recording
from performance.access import visible_audits, visible_outcomes
from performance.models import Audit, Band, Outcome

ELIGIBLE_SHARE = 0.75  # bonus eligibility: the best 75% by Communication Quality
FAST_SHARE = 0.5  # the fast-responder band: the best 50% by median response
OUTLIER_SD = 2.0
OUTLIER_MIN_INTERACTIONS = 20  # an advisor's figure needs this many behind it
OUTLIER_MIN_TEAMMATES = 3  # ... and this many teammates with enough data to compare
SKILL_MIN_CALLS = 3
DIFFERENCES_SHOWN = 3


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


def targets() -> dict[str, int]:
    config = current_app.config
    return {"target": int(float(config.get("PERFORMANCE_RESPONSE_TARGET_H", 24)) * 3600),
            "aim": int(float(config.get("PERFORMANCE_RESPONSE_AIM_H", 9)) * 3600),
            "lead": int(float(config.get("PERFORMANCE_LEAD_TARGET_MIN", 40)) * 60)}


# --- the interactions a viewer may see ---------------------------------------------------------


def interactions(user: User, scope: Scope) -> sa.Subquery:
    """Outcome rows and recordings with outcome fields, as one table of interactions."""
    o = (visible_outcomes(user).with_only_columns(
        Outcome.advisor_id.label("advisor_id"), Outcome.team_id.label("team_id"),
        Outcome.occurred_at.label("occurred_at"),
        sa.type_coerce(Outcome.channel, sa.String(10)).label("channel"),
        Outcome.nps.label("nps"), Outcome.csat.label("csat"),
        Outcome.first_contact_resolution.label("fcr"),
        Outcome.response_seconds.label("response_seconds"),
        Outcome.converted.label("converted"), Outcome.new_customer.label("new_customer"))
        .where(Outcome.occurred_at >= scope.since, Outcome.occurred_at < scope.until))
    if scope.team_id is not None:
        o = o.where(Outcome.team_id == scope.team_id)
    if scope.advisor_id is not None:
        o = o.where(Outcome.advisor_id == scope.advisor_id)
    if scope.channel:
        o = o.where(Outcome.channel == scope.channel)
    parts = [o]
    if scope.channel in (None, "", "call"):
        r = (access.visible_recordings(user).with_only_columns(
            Recording.advisor_id, Recording.team_id, Recording.called_at,
            sa.literal("call", sa.String(10)), Recording.nps, Recording.csat,
            Recording.resolved, sa.cast(sa.null(), sa.Integer), sa.cast(sa.null(), sa.Boolean),
            sa.cast(sa.null(), sa.Boolean))
            .where(Recording.called_at >= scope.since, Recording.called_at < scope.until,
                   sa.or_(Recording.nps.is_not(None), Recording.csat.is_not(None),
                          Recording.resolved.is_not(None)),
                   ~sa.exists().where(Outcome.recording_id == Recording.id)))
        if scope.team_id is not None:
            r = r.where(Recording.team_id == scope.team_id)
        if scope.advisor_id is not None:
            r = r.where(Recording.advisor_id == scope.advisor_id)
        parts.append(r)
    return sa.union_all(*parts).subquery("interactions")


def _aggregates(i: sa.Subquery) -> list:
    t = targets()
    weight = sa.case((i.c.new_customer.is_(True), 10), else_=1)
    lead = sa.and_(i.c.new_customer.is_(True), i.c.response_seconds.is_not(None))

    def total(cond, value=1):
        return sa.func.coalesce(sa.func.sum(sa.case((cond, value), else_=0)), 0)

    return [
        sa.func.count().label("n"),
        sa.func.count(i.c.nps).label("nps_n"),
        total(i.c.nps >= 9).label("promoters"),
        total(i.c.nps <= 6).label("detractors"),
        total(i.c.nps.is_not(None), weight).label("w_n"),
        total(i.c.nps >= 9, weight).label("w_promoters"),
        total(i.c.nps <= 6, weight).label("w_detractors"),
        sa.func.count(i.c.csat).label("csat_n"),
        sa.func.coalesce(sa.func.sum(i.c.csat), 0).label("csat_sum"),
        sa.func.count(i.c.fcr).label("fcr_n"),
        total(i.c.fcr.is_(True)).label("fcr_yes"),
        sa.func.count(i.c.converted).label("conv_n"),
        total(i.c.converted.is_(True)).label("conv_yes"),
        sa.func.count(i.c.response_seconds).label("resp_n"),
        total(i.c.response_seconds <= t["target"]).label("within_target"),
        total(i.c.response_seconds <= t["aim"]).label("within_aim"),
        total(lead).label("leads_n"),
        total(sa.and_(lead, i.c.response_seconds <= t["lead"])).label("leads_within"),
    ]


NUMBERS = ("n", "nps_n", "promoters", "detractors", "w_n", "w_promoters", "w_detractors",
           "csat_n", "csat_sum", "fcr_n", "fcr_yes", "conv_n", "conv_yes", "resp_n",
           "within_target", "within_aim", "leads_n", "leads_within")


def _figures(row) -> Figures:
    return Figures(**{name: int(getattr(row, name) or 0) for name in NUMBERS})


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
         .where(Outcome.occurred_at >= scope.since, Outcome.occurred_at < scope.until,
                Outcome.response_seconds.is_not(None)))
    if scope.team_id is not None:
        q = q.where(Outcome.team_id == scope.team_id)
    if scope.advisor_id is not None:
        q = q.where(Outcome.advisor_id == scope.advisor_id)
    if scope.channel:
        q = q.where(Outcome.channel == scope.channel)
    return q


def _medians(user: User, scope: Scope) -> dict[int, float]:
    """Median response per advisor, in SQL: the middle row (or the mean of the middle two)
    of each advisor's replies in order (window functions, SQLite and PostgreSQL alike)."""
    base = _response_filter(user, scope).subquery()
    ranked = sa.select(
        base.c.advisor_id, base.c.response_seconds,
        sa.func.row_number().over(partition_by=base.c.advisor_id,
                                  order_by=base.c.response_seconds).label("rn"),
        sa.func.count().over(partition_by=base.c.advisor_id).label("total")).subquery()
    middle = sa.or_(ranked.c.rn == (ranked.c.total + 1) // 2,
                    ranked.c.rn == (ranked.c.total + 2) // 2)
    rows = db.session.execute(
        sa.select(ranked.c.advisor_id, sa.func.avg(ranked.c.response_seconds))
        .where(middle).group_by(ranked.c.advisor_id))
    return {advisor_id: float(value) for advisor_id, value in rows}


def _overall_median(user: User, scope: Scope, count: int) -> float | None:
    """The median of all the replies (``count`` of them), from the middle of their order."""
    if not count:
        return None
    base = _response_filter(user, scope).subquery()
    values = list(db.session.scalars(
        sa.select(base.c.response_seconds).order_by(base.c.response_seconds)
        .offset((count - 1) // 2).limit(2 - count % 2)))
    return float(statistics.fmean(values)) if values else None


def overall(user: User, scope: Scope) -> Figures:
    i = interactions(user, scope)
    figures = _figures(db.session.execute(sa.select(*_aggregates(i))).one())
    figures.response_median = _overall_median(user, scope, figures.resp_n)
    figures.bands = dict(_audit_bands(user, scope, False).get(None, {}))
    return figures


def by_advisor(user: User, scope: Scope) -> dict[int, Figures]:
    """Per advisor the viewer may see (those with no interaction in the scope too)."""
    i = interactions(user, scope)
    rows = db.session.execute(sa.select(i.c.advisor_id, *_aggregates(i)).group_by(i.c.advisor_id))
    found = {row.advisor_id: _figures(row) for row in rows}
    advisors = access.visible_advisors(user).with_only_columns(User.id)
    if scope.team_id is not None:
        advisors = advisors.where(User.team_id == scope.team_id)
    if scope.advisor_id is not None:
        advisors = advisors.where(User.id == scope.advisor_id)
    for advisor_id in db.session.scalars(advisors):
        found.setdefault(advisor_id, Figures())
    for advisor_id, median in _medians(user, scope).items():
        found.setdefault(advisor_id, Figures()).response_median = median
    for advisor_id, bands in _audit_bands(user, scope, True).items():
        found.setdefault(advisor_id, Figures()).bands = bands
    return found


def buckets(scope: Scope, zone) -> list[tuple[str, dt.datetime, dt.datetime]]:
    """Weeks (periods up to 92 days) or months, as (label, start, end) in UTC."""
    from coachlab import timezones

    start_day = timezones.to_local(scope.since, zone).date()
    end_day = timezones.to_local(scope.until, zone).date()
    out = []
    if (end_day - start_day).days <= 92:
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
    """(overall, per advisor, trend) of a dashboard from one query grouped by advisor and
    week or month, one for the audits, one for the medians per advisor and one for the
    overall median."""
    cuts = buckets(scope, zone)
    i = interactions(user, scope)
    last = max(len(cuts) - 1, 0)
    bucket = (sa.case(*[(i.c.occurred_at < end, k) for k, (_, _, end) in enumerate(cuts)],
                      else_=last) if cuts else sa.literal(0)).label("bucket")
    per: dict[int, Figures] = {}
    by_bucket: dict[int, Figures] = {}
    for row in db.session.execute(sa.select(i.c.advisor_id, bucket, *_aggregates(i))
                                  .group_by(i.c.advisor_id, bucket)):
        f = _figures(row)
        _add(per.setdefault(row.advisor_id, Figures()), f)
        _add(by_bucket.setdefault(row.bucket, Figures()), f)
    advisors = access.visible_advisors(user).with_only_columns(User.id)
    if scope.team_id is not None:
        advisors = advisors.where(User.team_id == scope.team_id)
    if scope.advisor_id is not None:
        advisors = advisors.where(User.id == scope.advisor_id)
    for advisor_id in db.session.scalars(advisors):
        per.setdefault(advisor_id, Figures())
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
    for advisor_id, median in _medians(user, scope).items():
        per.setdefault(advisor_id, Figures()).response_median = median
    overall = Figures()
    for f in per.values():
        _add(overall, f)
    overall.response_median = _overall_median(user, scope, overall.resp_n)
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
            enough = [a for a in members if count(figures[a]) >= OUTLIER_MIN_INTERACTIONS
                      and value(figures[a]) is not None]
            for advisor_id in enough:
                others = [value(figures[b]) for b in enough if b != advisor_id]
                if len(others) < OUTLIER_MIN_TEAMMATES:
                    continue
                mean, sd = statistics.fmean(others), statistics.pstdev(others)
                mine = value(figures[advisor_id])
                if mine > mean and mine >= mean + OUTLIER_SD * sd:
                    found.append(Outlier(advisor_id, metric, label, mine,
                                         count(figures[advisor_id]), mean, sd, len(others)))
    if found:
        _differences(user, scope, found, teams)
    return found


def skill_rates(user: User, scope: Scope, advisor_ids: list[int]) -> dict[int, tuple[int, dict]]:
    """{advisor: (counted calls, {code: per-call rate})} from RecordingSkillSummary."""
    from microskills.models import RecordingSkillSummary

    q = (access.visible_recordings(user)
         .with_only_columns(Recording.advisor_id, RecordingSkillSummary.skill_counts)
         .join(RecordingSkillSummary, RecordingSkillSummary.recording_id == Recording.id)
         .where(Recording.called_at >= scope.since, Recording.called_at < scope.until,
                Recording.advisor_id.in_(advisor_ids),
                RecordingSkillSummary.skill_counts.is_not(None)))
    calls: dict[int, int] = defaultdict(int)
    sums: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for advisor_id, counts in db.session.execute(q):
        calls[advisor_id] += 1
        for code, number in (counts or {}).items():
            sums[advisor_id][code] += number
    return {a: (calls[a], {c: v / calls[a] for c, v in sums[a].items()}) for a in calls}


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
        for d in o.differences:
            d.clips = list(db.session.scalars(
                visible_clips(user).join(ClipMicroskill, ClipMicroskill.clip_id == Clip.id)
                .where(Clip.advisor_id == o.advisor_id, ClipMicroskill.code == d.code)
                .order_by(Clip.created_at.desc()).limit(3)))


# --- Communication Quality per month -----------------------------------------------------------


def monthly_quality(user: User, advisor_id: int, months: list[tuple[str, dt.datetime,
                                                                      dt.datetime]]):
    """[(month label, Needs Improvements, interactions, share or None)]."""
    out = []
    for label, start, end in months:
        scope = Scope(start, end, advisor_id=advisor_id)
        f = by_advisor(user, scope).get(advisor_id, Figures())
        out.append((label, f.needs_improvement, f.n, f.communication_quality))
    return out
