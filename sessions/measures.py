"""The metrics a goal (or a team experiment) can target, their value over a set of calls, and
coaching impact.

Every value is a ratio of sums over calls: a microskill's per-call rate is its uses over the
calls; the share of frustration moments answered with empathy is answered moments over all
frustration moments; a talk metric (dead air, longest monologue, response time) is the mean
per call. Counts come from each call's RecordingSkillSummary and talk-time figures, so a
window of calls is one query.

Coaching impact is a difference in differences: the advisor's change from the ``days``
before the session to the ``days`` after, minus the same change over the same windows for
the teammates who were not coached on that metric, so a team-wide shift (a new product, a
seasonal queue) is not credited to the coaching. Its 95% interval is a percentile bootstrap
over calls (scipy.stats.bootstrap, each of the four groups of calls resampled on its own).
With fewer than MIN_CALLS calls in any group it gives no number, only the reason.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa

from coachlab.db import db
from coachlab.recordings.models import Recording
from microskills.models import RecordingSkillSummary

MIN_CALLS = 5  # calls needed in each window (advisor before/after, teammates before/after)
RESAMPLES = 2000
CONFIDENCE = 0.95
SEED = 20261202  # the same calls always give the same interval


@dataclass(frozen=True, slots=True)
class Metric:
    key: str
    label: str
    unit: str  # "per call", "%", "s"
    higher_is_better: bool = True
    needs_microskill: bool = False
    # per-call seconds from Recording.talk_time, for talk metrics
    talk_key: str | None = None

    def format(self, value: float | None) -> str:
        if value is None:
            return "–"
        if self.unit == "%":
            return f"{value * 100:.0f}%"
        if self.unit == "s":
            return f"{value:.1f} s"
        return f"{value:.2f} per call"

    def format_change(self, value: float | None) -> str:
        if value is None:
            return "–"
        if self.unit == "%":
            return f"{value * 100:+.0f} points"
        if self.unit == "s":
            return f"{value:+.1f} s"
        return f"{value:+.2f} per call"

    def to_stored(self, typed: float) -> float:
        """A target as typed (80 for 80%) as it is stored (0.8)."""
        return typed / 100 if self.unit == "%" else typed

    def from_stored(self, value: float) -> float:
        return value * 100 if self.unit == "%" else value

    def meets(self, value: float | None, target: float) -> bool:
        if value is None:
            return False
        return value >= target if self.higher_is_better else value <= target

    def better(self, change: float) -> bool:
        return change > 0 if self.higher_is_better else change < 0


METRICS: dict[str, Metric] = {m.key: m for m in (
    Metric("skill_rate", "Per-call rate of a microskill", "per call", needs_microskill=True),
    Metric("empathy_share", "Frustration moments answered with empathy", "%"),
    Metric("objections_handled", "Objections handled", "%"),
    Metric("dead_air", "Dead air per call", "s", higher_is_better=False,
           talk_key="dead_air_total"),
    Metric("longest_monologue", "Longest monologue", "s", higher_is_better=False,
           talk_key="longest_agent_monologue"),
    Metric("response_time", "Response time (mean per call)", "s", higher_is_better=False,
           talk_key="mean_response_latency"),
)}


def metric_name(metric: str, microskill: str | None, names: dict[str, str] | None = None) -> str:
    """ "Per-call rate of Empathy", or the metric's label."""
    if metric == "skill_rate" and microskill:
        return f"Per-call rate of {(names or {}).get(microskill, microskill)}"
    return METRICS[metric].label


@dataclass(frozen=True, slots=True)
class CallValue:
    """One call's part of a metric: the value is ``num / den`` summed over calls."""

    recording_id: int
    advisor_id: int
    called_at: dt.datetime
    num: float
    den: float


def call_values(metric: str, microskill: str | None, advisor_ids, start: dt.datetime,
                end: dt.datetime, *, team_id: int | None = None) -> list[CallValue]:
    """The counted calls of ``advisor_ids`` from ``start`` (included) to ``end`` (excluded);
    with ``team_id``, only calls taken in that team. Calls that say nothing about the metric
    (no frustration moment for the empathy share, a mono call for response time) are left
    out. Oldest first."""
    spec = METRICS[metric]
    ids = sorted(set(advisor_ids))
    if not ids:
        return []
    query = (sa.select(Recording.id, Recording.advisor_id, Recording.called_at,
                       RecordingSkillSummary.skill_counts, RecordingSkillSummary.frustration,
                       RecordingSkillSummary.frustration_answered,
                       RecordingSkillSummary.objections,
                       RecordingSkillSummary.objections_handled, Recording.talk_time)
             .join(RecordingSkillSummary, RecordingSkillSummary.recording_id == Recording.id)
             .where(Recording.advisor_id.in_(ids), Recording.called_at >= start,
                    Recording.called_at < end, RecordingSkillSummary.skill_counts.is_not(None))
             .order_by(Recording.called_at, Recording.id))
    if team_id is not None:
        query = query.where(Recording.team_id == team_id)
    out = []
    for (rid, advisor_id, called_at, counts, frustration, answered, objections, handled,
         talk) in db.session.execute(query):
        if metric == "skill_rate":
            num, den = (counts or {}).get(microskill, 0), 1
        elif metric == "empathy_share":
            num, den = answered, frustration
        elif metric == "objections_handled":
            num, den = handled, objections
        else:
            seconds = (talk or {}).get(spec.talk_key)
            num, den = (seconds, 1) if seconds is not None else (0, 0)
        if den:
            out.append(CallValue(rid, advisor_id, called_at, float(num), float(den)))
    return out


def value_of(values: list[CallValue]) -> float | None:
    den = sum(v.den for v in values)
    return sum(v.num for v in values) / den if den else None


@dataclass(frozen=True, slots=True)
class Change:
    before: float | None
    after: float | None
    calls_before: int
    calls_after: int

    @property
    def delta(self) -> float | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before

    @property
    def enough(self) -> bool:
        return self.calls_before >= MIN_CALLS and self.calls_after >= MIN_CALLS


@dataclass(frozen=True, slots=True)
class Impact:
    advisor: Change
    comparison: Change  # teammates not coached on the metric, same windows
    estimate: float | None  # advisor's change minus the teammates' change
    low: float | None
    high: float | None
    reason: str = ""  # why there is no estimate

    @property
    def known(self) -> bool:
        return self.estimate is not None

    def to_dict(self) -> dict:
        """What a goal keeps of it, so its page does not resample calls on every view."""
        def change(c: Change) -> list:
            return [c.before, c.after, c.calls_before, c.calls_after]

        return {"advisor": change(self.advisor), "comparison": change(self.comparison),
                "estimate": self.estimate, "low": self.low, "high": self.high,
                "reason": self.reason}

    @classmethod
    def from_dict(cls, data: dict) -> Impact:
        return cls(Change(*data["advisor"]), Change(*data["comparison"]), data["estimate"],
                   data["low"], data["high"], data["reason"])


def _ratio(sample, axis=-1):
    """num/den of a (2, ..., calls) array: rows are numerators and denominators."""
    return sample[0].sum(axis=axis) / sample[1].sum(axis=axis)


def _did(advisor_before, advisor_after, others_before, others_after, axis=-1):
    return ((_ratio(advisor_after, axis) - _ratio(advisor_before, axis))
            - (_ratio(others_after, axis) - _ratio(others_before, axis)))


def impact_of(advisor_before: list[CallValue], advisor_after: list[CallValue],
              others_before: list[CallValue], others_after: list[CallValue]) -> Impact:
    """Difference in differences with its bootstrap interval (see the module docstring)."""
    advisor = Change(value_of(advisor_before), value_of(advisor_after), len(advisor_before),
                     len(advisor_after))
    comparison = Change(value_of(others_before), value_of(others_after), len(others_before),
                        len(others_after))
    if not advisor.enough:
        return Impact(advisor, comparison, None, None, None,
                      f"Not enough calls: {advisor.calls_before} before and "
                      f"{advisor.calls_after} after the session ({MIN_CALLS} each needed).")
    if not comparison.enough:
        return Impact(advisor, comparison, None, None, None,
                      f"Not enough calls of teammates not coached on this to compare with: "
                      f"{comparison.calls_before} before and {comparison.calls_after} after "
                      f"({MIN_CALLS} each needed).")
    # numpy and scipy take a while to import: only pages that show an impact pay for it
    import numpy as np
    from scipy.stats import bootstrap

    samples = [np.array([[v.num for v in group], [v.den for v in group]])
               for group in (advisor_before, advisor_after, others_before, others_after)]
    estimate = float(_did(*samples))
    result = bootstrap(samples, _did, n_resamples=RESAMPLES, confidence_level=CONFIDENCE,
                       method="percentile", vectorized=True, axis=-1,
                       rng=np.random.default_rng(SEED))
    low, high = result.confidence_interval
    return Impact(advisor, comparison, estimate, float(low), float(high))
