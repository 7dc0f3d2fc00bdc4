"""An advisor's microskill profile: rates per call, team percentile, strengths and areas to
improve with evidence moments, missed opportunities, and the trend over time.

A profile is built for a viewer: it counts and quotes only the recordings the viewer may
see (coachlab.access), so a coach never reads calls of a team they do not lead through it."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import sqlalchemy as sa

from coachlab import access
from coachlab.auth.models import User
from coachlab.db import db
from coachlab.recordings.models import Recording
from coachlab.transcripts.models import TranscriptSegment
from microskills.models import RecordingSkillSummary, TagKind, TagStatus, UtteranceTag
from microskills.service import active_microskills

# Reflections (paraphrase, empathy, summary) against questions: MI's reflection:question ratio.
REFLECTIONS = ("S.paraphrase", "W.empathy", "S.summary")
QUESTIONS = ("E.open_question", "E.closed_question")
# When a team comparison is impossible, these are the habits every call should show.
CORE_HABITS = ("A.greeting", "A.acknowledge", "W.empathy", "E.open_question", "O.ownership",
               "M.expectation", "S.summary", "E.further_help")
EVIDENCE_PER_ITEM = 3
PICKS = 3


@dataclass(slots=True)
class Moment:
    recording_id: int
    segment_id: int
    start: float
    text: str
    called_at: dt.datetime
    note: str = ""


@dataclass(slots=True)
class SkillRate:
    code: str
    name: str
    per_call: float
    calls_with: int
    team_median: float | None = None
    team_percentile: float | None = None


@dataclass(slots=True)
class Pick:
    rate: SkillRate
    why: str
    evidence: list[Moment] = field(default_factory=list)


@dataclass(slots=True)
class Profile:
    advisor: User
    calls: int
    since: dt.datetime
    rates: list[SkillRate]
    strengths: list[Pick]
    improvements: list[Pick]
    frustration_answered: tuple[int, int]  # (answered with empathy, frustration moments)
    objections_handled: tuple[int, int]
    reflection_question_ratio: float | None
    missed: list[Moment]
    trend: dict
    call_flags: Counter

    @property
    def empathy_share(self) -> float | None:
        answered, total = self.frustration_answered
        return answered / total if total else None


@dataclass(slots=True)
class _Row:
    recording: Recording
    segment: TranscriptSegment
    tag: UtteranceTag | None


def build_profile(advisor: User, *, viewer: User | None = None, days: int = 90,
                  now: dt.datetime | None = None) -> Profile:
    """``advisor``'s profile as ``viewer`` (by default the advisor) may see it."""
    viewer = viewer or advisor
    now = now or dt.datetime.now(dt.UTC)
    since = now - dt.timedelta(days=days)
    names = {m.code: m.name for m in active_microskills()}
    recordings = _tagged_recordings([advisor.id], since,
                                    access.visible_recording_ids(viewer))[advisor.id]
    tags = _counting_tags([r.id for r in recordings])
    per_recording: dict[int, Counter] = defaultdict(Counter)
    for tag, _segment in tags:
        if tag.kind is TagKind.SKILL:
            per_recording[tag.recording_id][tag.code] += 1
    calls = len(recordings)
    team = _team_rates(advisor, since)
    rates = []
    for code, name in names.items():
        counts = [per_recording[r.id][code] for r in recordings]
        rate = SkillRate(code=code, name=name, per_call=sum(counts) / calls if calls else 0.0,
                         calls_with=sum(1 for c in counts if c))
        peers = [v.get(code, 0.0) for v in team.values()]
        if len(peers) >= 2:
            rate.team_median = _median(peers)
            rate.team_percentile = _percentile(rate.per_call, peers)
        rates.append(rate)
    by_code = {r.code: r for r in rates}
    timeline = _timeline(recordings, tags)
    missed, answered, objections = _missed_opportunities(timeline)
    reflections = sum(by_code[c].per_call for c in REFLECTIONS if c in by_code)
    questions = sum(by_code[c].per_call for c in QUESTIONS if c in by_code)
    flags = Counter(f for r in recordings for f in _call_flags(r.id))
    strengths, improvements = _pick(rates, tags, missed, answered, objections, calls)
    return Profile(
        advisor=advisor, calls=calls, since=since, rates=rates, strengths=strengths,
        improvements=improvements, frustration_answered=answered,
        objections_handled=objections,
        reflection_question_ratio=reflections / questions if questions else None,
        missed=missed, trend=_trend(recordings, per_recording, [p.rate.code for p in
                                                                 strengths + improvements]),
        call_flags=flags)


def _tagged_recordings(advisor_ids: list[int], since: dt.datetime,
                       among: sa.Select) -> dict[int, list[Recording]]:
    """The tagged recordings of each advisor since ``since``, among the ids ``among``."""
    found: dict[int, list[Recording]] = {a: [] for a in advisor_ids}
    rows = db.session.scalars(
        sa.select(Recording)
        .join(RecordingSkillSummary, RecordingSkillSummary.recording_id == Recording.id)
        .where(Recording.advisor_id.in_(advisor_ids), Recording.called_at >= since,
               Recording.id.in_(among))
        .order_by(Recording.called_at))
    for recording in rows:
        found[recording.advisor_id].append(recording)
    return found


def _counting_tags(recording_ids: list[int]) -> list[tuple[UtteranceTag, TranscriptSegment]]:
    if not recording_ids:
        return []
    return list(db.session.execute(
        sa.select(UtteranceTag, TranscriptSegment)
        .join(TranscriptSegment, TranscriptSegment.id == UtteranceTag.segment_id)
        .where(UtteranceTag.recording_id.in_(recording_ids),
               UtteranceTag.status != TagStatus.REJECTED)
        .order_by(UtteranceTag.confidence.desc())))


def _team_rates(advisor: User, since: dt.datetime) -> dict[int, dict[str, float]]:
    """Per-call rate of each code for every advisor of the team who has tagged calls.

    Only the team's own recordings count (not those its members made in another team), and
    only as numbers: the median and percentile, never a quote, a date or a link.
    """
    if advisor.team_id is None:
        return {}
    members = list(db.session.scalars(sa.select(User.id).where(User.team_id == advisor.team_id)))
    team_calls = sa.select(Recording.id).where(Recording.team_id == advisor.team_id)
    calls = {a: len(rs) for a, rs in _tagged_recordings(members, since, team_calls).items()
             if rs}
    if not calls:
        return {}
    counts = db.session.execute(
        sa.select(Recording.advisor_id, UtteranceTag.code, sa.func.count(UtteranceTag.id))
        .join(Recording, Recording.id == UtteranceTag.recording_id)
        .where(Recording.advisor_id.in_(list(calls)), Recording.called_at >= since,
               Recording.team_id == advisor.team_id, UtteranceTag.kind == TagKind.SKILL,
               UtteranceTag.status != TagStatus.REJECTED)
        .group_by(Recording.advisor_id, UtteranceTag.code))
    rates: dict[int, dict[str, float]] = {a: {} for a in calls}
    for advisor_id, code, count in counts:
        rates[advisor_id][code] = count / calls[advisor_id]
    return rates


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def _percentile(value: float, values: list[float]) -> float:
    below = sum(1 for v in values if v < value)
    equal = sum(1 for v in values if v == value)
    return round(100 * (below + 0.5 * equal) / len(values), 1)


def _timeline(recordings: list[Recording], tags) -> list[tuple[Recording, list]]:
    """Each call's segments in order, with their counting codes."""
    segs = db.session.scalars(
        sa.select(TranscriptSegment)
        .where(TranscriptSegment.recording_id.in_([r.id for r in recordings]))
        .order_by(TranscriptSegment.recording_id, TranscriptSegment.start)).all()
    codes: dict[int, set[str]] = defaultdict(set)
    for tag, _segment in tags:
        codes[tag.segment_id].add(tag.code)
    by_recording: dict[int, list] = defaultdict(list)
    for seg in segs:
        by_recording[seg.recording_id].append((seg, codes.get(seg.id, set())))
    return [(r, by_recording.get(r.id, [])) for r in recordings]


def _missed_opportunities(timeline) -> tuple[list[Moment], tuple[int, int], tuple[int, int]]:
    """Frustration not met with empathy in the next advisor turn; objections not handled in
    the next two advisor turns."""
    missed: list[Moment] = []
    frustration = answered = objections = handled = 0
    for recording, segments in timeline:
        for i, (seg, codes) in enumerate(segments):
            if seg.speaker != "customer":
                continue
            following = [c for s, c in segments[i + 1:] if s.speaker == "agent"][:2]
            if "frustration" in codes:
                frustration += 1
                if following and "W.empathy" in following[0]:
                    answered += 1
                else:
                    missed.append(_moment(recording, seg, "Frustration with no empathy next"))
            if any(c.startswith("objection.") for c in codes):
                objections += 1
                if any("O.objection" in c for c in following):
                    handled += 1
                else:
                    missed.append(_moment(recording, seg, "Objection not handled"))
    return missed, (answered, frustration), (handled, objections)


def _moment(recording: Recording, segment: TranscriptSegment, note: str = "") -> Moment:
    return Moment(recording_id=recording.id, segment_id=segment.id, start=segment.start,
                  text=segment.text, called_at=recording.called_at, note=note)


def _call_flags(recording_id: int) -> list[str]:
    summary = db.session.get(RecordingSkillSummary, recording_id)
    return list(summary.flags) if summary else []


def _pick(rates: list[SkillRate], tags, missed: list[Moment], answered, objections,
          calls: int) -> tuple[list[Pick], list[Pick]]:
    if not calls:
        return [], []
    evidence: dict[str, list[Moment]] = defaultdict(list)
    recordings = {r.id: r for r in db.session.scalars(sa.select(Recording).where(
        Recording.id.in_({t.recording_id for t, _ in tags})))} if tags else {}
    for tag, segment in tags:  # highest confidence first
        if tag.kind is TagKind.SKILL and len(evidence[tag.code]) < EVIDENCE_PER_ITEM:
            evidence[tag.code].append(_moment(recordings[tag.recording_id], segment))
    compared = [r for r in rates if r.team_percentile is not None]
    if compared:
        strong = sorted((r for r in compared if r.per_call > 0 and r.team_percentile >= 50),
                        key=lambda r: (-r.team_percentile, -r.per_call))
        weak = sorted((r for r in compared if r.team_percentile < 50),
                      key=lambda r: (r.team_percentile, r.per_call))
        strengths = [Pick(r, f"{r.per_call:.1f} per call, above {r.team_percentile:.0f}% of the "
                          "team", evidence[r.code]) for r in strong[:PICKS]]
        improvements = [Pick(r, f"{r.per_call:.1f} per call; the team's median is "
                             f"{r.team_median:.1f}", evidence[r.code]) for r in weak]
    else:
        strong = sorted((r for r in rates if r.per_call > 0), key=lambda r: -r.per_call)
        strengths = [Pick(r, f"{r.per_call:.1f} per call, in {r.calls_with} of {calls} calls",
                          evidence[r.code]) for r in strong[:PICKS]]
        improvements = [Pick(r, f"in {r.calls_with} of {calls} calls", evidence[r.code])
                        for r in rates if r.code in CORE_HABITS
                        and r.calls_with < calls / 2]
    by_code = {r.code: r for r in rates}
    # missed opportunities make the strongest case for an area to improve
    pattern_picks = []
    if answered[1] and answered[0] / answered[1] < 0.5 and "W.empathy" in by_code:
        pattern_picks.append(Pick(
            by_code["W.empathy"], f"{answered[1] - answered[0]} of {answered[1]} frustrated "
            "customers got no empathy in the next turn",
            [m for m in missed if m.note.startswith("Frustration")][:EVIDENCE_PER_ITEM]))
    if objections[1] and objections[0] / objections[1] < 0.5 and "O.objection" in by_code:
        pattern_picks.append(Pick(
            by_code["O.objection"], f"{objections[1] - objections[0]} of {objections[1]} "
            "objections were not handled",
            [m for m in missed if m.note.startswith("Objection")][:EVIDENCE_PER_ITEM]))
    codes = {p.rate.code for p in pattern_picks}
    improvements = pattern_picks + [p for p in improvements if p.rate.code not in codes]
    strengths = [p for p in strengths if p.rate.code not in codes]
    return strengths, improvements[:PICKS]


def _trend(recordings: list[Recording], per_recording: dict[int, Counter],
           codes: list[str]) -> dict:
    """Weekly per-call rate of the picked codes, for a line chart."""
    weeks: dict[str, list[int]] = defaultdict(list)
    for r in recordings:
        year, week, _ = r.called_at.isocalendar()
        weeks[f"{year}-W{week:02d}"].append(r.id)
    labels = sorted(weeks)
    series = {code: [round(sum(per_recording[i][code] for i in weeks[w]) / len(weeks[w]), 2)
                     for w in labels] for code in dict.fromkeys(codes)}
    return {"labels": labels, "series": series}
