"""An advisor's microskill profile: rates per call, team percentile, strengths and areas to
improve with evidence moments, missed opportunities, and the trend over time.

A profile is built for a viewer: it counts and quotes only the recordings the viewer may
see (coachlab.access), so a coach never reads calls of a team they do not lead through it."""

from __future__ import annotations

import datetime as dt
import itertools
import math
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from coachlab import access, timezones
from coachlab.auth.models import User
from coachlab.db import db
from coachlab.recordings.models import Recording
from coachlab.transcripts.models import TranscriptSegment, TranscriptWord
from microskills.call_counts import summed_counts
from microskills.models import RecordingSkillSummary, TagKind, TagStatus, UtteranceTag
from microskills.service import active_microskills

# Reflections (paraphrase, empathy, summary) against questions: MI's reflection:question ratio.
REFLECTIONS = ("S.paraphrase", "W.empathy", "S.summary")
QUESTIONS = ("E.open_question", "E.closed_question")
# When a team comparison is impossible, these are the habits every call should show.
CORE_HABITS = ("A.greeting", "A.acknowledge", "W.empathy", "E.open_question", "O.ownership",
               "M.expectation", "S.summary", "E.further_help")
EVIDENCE_PER_ITEM = 3
# Evidence is chosen among this many of the tagger's most confident moments of a microskill.
EVIDENCE_CANDIDATES = 4 * EVIDENCE_PER_ITEM
PICKS = 3
MISSED_SHOWN = 10
# A team comparison (median, percentile, "more often than 3 of 4 teammates") needs at least
# this many advisors of the team with tagged calls in the period, the advisor included: in a
# smaller team a percentile says more about who is in the team than about the advisor.
MIN_TEAM_FOR_COMPARISON = 5
# A customer's objection is handled when one of the advisor's next turns answers it.
OBJECTION_TURNS = 2
# What answers an objection: objection handling (acknowledge, then reframe or offer an
# alternative) answers any; some are also answered by doing what was asked and saying when
# ("I have issued the refund, it reaches your card within three days").
OBJECTION_ANSWERS: dict[str, frozenset[str]] = {
    "objection.refund": frozenset({"O.objection", "O.ownership", "M.expectation",
                                   "M.positive"}),
    "objection.timing": frozenset({"O.objection", "O.ownership", "M.expectation",
                                   "M.positive"}),
    "objection.trust": frozenset({"O.objection", "O.ownership", "M.expectation"}),
    "objection.price": frozenset({"O.objection", "M.positive"}),
    "objection.cancel": frozenset({"O.objection", "M.positive"}),
}
OTHER_OBJECTION_ANSWERS = frozenset({"O.objection"})
# A quote is clear when Whisper was sure of it: the geometric mean of its words'
# probabilities (the exponential of their mean log-probability, the scale of Whisper's
# avg_logprob) is at least this. Below it, quotes tend to be mishearings ("It sends the
# delivery one at Empty."). A text a person corrected is always clear.
CLEAR_TRANSCRIPT = 0.75
# Lines shown at first on the trend chart (the viewer ticks others on).
DEFAULT_TREND_LINES = 4


def rounded_rate(value: float) -> float:
    """A per-call rate rounded as the profile shows it: two decimals, halves up."""
    return float(Decimal(repr(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def per_call_text(value: float) -> str:
    """A per-call rate as every part of the profile writes it ("0.25", "0.5", "1"), so a
    value reads the same on a card, in the table and on the chart."""
    return format(Decimal(repr(rounded_rate(value))).normalize(), "f")


@dataclass(slots=True)
class Moment:
    recording_id: int
    segment_id: int
    start: float
    text: str
    called_at: dt.datetime
    note: str = ""
    clarity: float = 1.0  # how sure Whisper was of ``text``, 0..1

    @property
    def clear(self) -> bool:
        return self.clarity >= CLEAR_TRANSCRIPT


@dataclass(slots=True)
class SkillRate:
    code: str
    name: str
    per_call: float
    calls_with: int
    team_median: float | None = None
    team_percentile: float | None = None
    teammates: int = 0  # the other advisors of the team with tagged calls
    teammates_below: int = 0  # ... of whom this many use it less often per call
    teammates_above: int = 0  # ... and this many more often

    @property
    def against_team(self) -> str | None:
        """The comparison with the teammates in words, or None when there is none."""
        if self.team_percentile is None or not self.teammates:
            return None
        n = self.teammates
        if 2 * self.teammates_below > n:
            return (f"more often than all {n} teammates" if self.teammates_below == n else
                    f"more often than {self.teammates_below} of {n} teammates")
        if 2 * self.teammates_above > n:
            return (f"less often than all {n} teammates" if self.teammates_above == n else
                    f"less often than {self.teammates_above} of {n} teammates")
        return "about as often as the team"


@dataclass(slots=True)
class Pick:
    rate: SkillRate
    why: str
    evidence: list[Moment] = field(default_factory=list)


@dataclass(slots=True)
class Trend:
    """Weekly per-call rates: ``weeks`` are Mondays in the viewer's zone, one per week from
    the first call to the last; a week without calls has ``None``."""

    weeks: list[dt.date]
    series: dict[str, list[float | None]]
    shown: list[str]  # the codes drawn at first


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
    missed: list[Moment]  # the most recent first, at most MISSED_SHOWN
    trend: Trend
    call_flags: Counter
    team_size: int = 0  # advisors of the team with tagged calls in the period
    missed_total: int = 0

    @property
    def empathy_share(self) -> float | None:
        answered, total = self.frustration_answered
        return answered / total if total else None

    @property
    def compared(self) -> bool:
        """Whether the team is big enough to compare the advisor with."""
        return self.team_size >= MIN_TEAM_FOR_COMPARISON


def build_profile(advisor: User, *, viewer: User | None = None, days: int = 90,
                  now: dt.datetime | None = None) -> Profile:
    """``advisor``'s profile as ``viewer`` (by default the advisor) may see it.

    It reads each call's counts kept by the tagging step (RecordingSkillSummary, see
    microskills.call_counts) and adds the team's up in SQL; it reads segments and tags only
    of the few calls it quotes. So its statements do not grow with the number of calls."""
    viewer = viewer or advisor
    now = now or dt.datetime.now(dt.UTC)
    since = now - dt.timedelta(days=days)
    names = {m.code: m.name for m in active_microskills()}
    recordings = _calls(advisor.id, since, access.visible_recording_ids(viewer))
    per_recording = {r.id: Counter(r.skill_counts or {}) for r in recordings}
    calls = len(recordings)
    team = _team_rates(advisor, since)
    rates = []
    for code, name in names.items():
        counts = [per_recording[r.id][code] for r in recordings]
        rates.append(SkillRate(code=code, name=name,
                               per_call=sum(counts) / calls if calls else 0.0,
                               calls_with=sum(1 for c in counts if c)))
    compared = len(team) >= MIN_TEAM_FOR_COMPARISON
    if compared:
        _compare_with_team(rates, team, advisor.id)
    by_code = {r.code: r for r in rates}
    answered = (sum(r.frustration_answered for r in recordings),
                sum(r.frustration for r in recordings))
    objections = (sum(r.objections_handled for r in recordings),
                  sum(r.objections for r in recordings))
    missed, segments = _recent_missed(recordings)
    missed_total = (answered[1] - answered[0]) + (objections[1] - objections[0])
    reflections = sum(by_code[c].per_call for c in REFLECTIONS if c in by_code)
    questions = sum(by_code[c].per_call for c in QUESTIONS if c in by_code)
    strengths, improvements = _pick(rates, missed, answered, objections, calls, compared)
    picks = strengths + improvements
    wanted = sorted({p.rate.code for p in picks if not p.evidence})
    tags = _evidence_tags(advisor.id, since, access.visible_recording_ids(viewer), wanted,
                          segments)
    _choose_evidence(picks, tags, missed[:MISSED_SHOWN], {r.id: r for r in recordings},
                     segments)
    picked = [p.rate.code for pair in itertools.zip_longest(strengths, improvements)
              for p in pair if p is not None]
    return Profile(
        advisor=advisor, calls=calls, since=since, rates=rates, strengths=strengths,
        improvements=improvements, frustration_answered=answered,
        objections_handled=objections,
        reflection_question_ratio=reflections / questions if questions else None,
        missed=missed[:MISSED_SHOWN], missed_total=missed_total,
        trend=_trend(recordings, per_recording, rates, picked, timezones.zone_of(viewer)),
        call_flags=Counter(flag for r in recordings for flag in r.flags or ()),
        team_size=len(team))


@dataclass(slots=True)
class _Call:
    """What the profile reads of one tagged call: its summary, kept by the tagging step."""

    id: int
    called_at: dt.datetime
    flags: list
    skill_counts: dict | None
    frustration: int
    frustration_answered: int
    objections: int
    objections_handled: int

    @property
    def missed_frustration(self) -> int:
        return self.frustration - self.frustration_answered

    @property
    def missed_objections(self) -> int:
        return self.objections - self.objections_handled


def _period_calls(advisor_id: int, since: dt.datetime, among: sa.Select) -> sa.Select:
    """The advisor's tagged calls since ``since`` among the ids ``among``: their summaries."""
    return (sa.select(RecordingSkillSummary)
            .join(Recording, Recording.id == RecordingSkillSummary.recording_id)
            .where(Recording.advisor_id == advisor_id, Recording.called_at >= since,
                   Recording.id.in_(among)))


def _calls(advisor_id: int, since: dt.datetime, among: sa.Select) -> list[_Call]:
    """The advisor's tagged calls since ``since``, oldest first, with their counts. A call
    tagged before counts were kept is counted now (the worker also does it at start)."""
    summary = RecordingSkillSummary
    query = _period_calls(advisor_id, since, among).with_only_columns(
        Recording.id, Recording.called_at, summary.flags, summary.skill_counts,
        summary.frustration, summary.frustration_answered, summary.objections,
        summary.objections_handled).order_by(Recording.called_at)
    rows = [_Call(*row) for row in db.session.execute(query)]
    if any(r.skill_counts is None for r in rows):
        from microskills.call_counts import count_call

        for r in rows:
            if r.skill_counts is None and (counted := count_call(r.id)) is not None:
                r.skill_counts = counted.skill_counts
                r.frustration, r.frustration_answered = (counted.frustration,
                                                         counted.frustration_answered)
                r.objections, r.objections_handled = (counted.objections,
                                                      counted.objections_handled)
    return rows


@dataclass(slots=True)
class _Segment:
    """What the profile reads of a transcript segment (plain columns: no ORM object)."""

    id: int
    recording_id: int
    start: float
    speaker: str
    text: str
    original_text: str
    avg_logprob: float

    @property
    def is_corrected(self) -> bool:
        return self.text != self.original_text


_SEGMENT_COLUMNS = (TranscriptSegment.id, TranscriptSegment.recording_id, TranscriptSegment.start,
                    TranscriptSegment.speaker, TranscriptSegment.text,
                    TranscriptSegment.original_text, TranscriptSegment.avg_logprob)
# The codes that decide whether a frustration or an objection was answered (besides the
# customer's objection.* signals themselves): see _missed_opportunities.
_ANSWER_CODES = sorted({"frustration", "W.empathy"} | OTHER_OBJECTION_ANSWERS
                       | set().union(*OBJECTION_ANSWERS.values()))


def _recent_missed(recordings: list[_Call]) -> tuple[list[Moment], dict[int, _Segment]]:
    """The missed opportunities of the most recent calls that have any, the most recent
    first: enough to show MISSED_SHOWN and to give each pattern EVIDENCE_CANDIDATES; and the
    segments read. Only those calls' segments, and their tags that decide, are read."""
    need = max(MISSED_SHOWN, EVIDENCE_CANDIDATES)
    chosen: list[_Call] = []
    frustration = objections = 0
    for r in reversed(recordings):  # the newest first
        if frustration >= need and objections >= need:
            break
        if r.missed_frustration > 0 or r.missed_objections > 0:
            chosen.append(r)
            frustration += r.missed_frustration
            objections += r.missed_objections
    if not chosen:
        return [], {}
    chosen.reverse()  # as the calls are ordered everywhere else: oldest first
    ids = [r.id for r in chosen]
    tags = db.session.execute(
        sa.select(UtteranceTag.segment_id, UtteranceTag.code)
        .where(UtteranceTag.recording_id.in_(ids), UtteranceTag.status != TagStatus.REJECTED,
               sa.or_(UtteranceTag.code.in_(_ANSWER_CODES),
                      UtteranceTag.code.startswith("objection."))))
    codes: dict[int, set[str]] = defaultdict(set)
    for segment_id, code in tags:
        codes[segment_id].add(code)
    segs = [_Segment(*row) for row in db.session.execute(
        sa.select(*_SEGMENT_COLUMNS).where(TranscriptSegment.recording_id.in_(ids))
        .order_by(TranscriptSegment.recording_id, TranscriptSegment.start))]
    by_recording: dict[int, list] = defaultdict(list)
    for seg in segs:
        by_recording[seg.recording_id].append((seg, codes.get(seg.id, set())))
    missed, _answered, _objections = _missed_opportunities(
        [(r, by_recording.get(r.id, [])) for r in chosen])
    missed.sort(key=lambda m: (-m.called_at.timestamp(), m.start))  # recent calls first
    return missed, {seg.id: seg for seg in segs}


@dataclass(frozen=True, slots=True)
class _EvidenceTag:
    recording_id: int
    segment_id: int
    code: str
    confidence: float
    kind: TagKind = TagKind.SKILL


def _evidence_tags(advisor_id: int, since: dt.datetime, among: sa.Select, codes: list[str],
                   segments: dict[int, _Segment]) -> list[tuple]:
    """The EVIDENCE_CANDIDATES most confident standing tags of each of ``codes`` in the
    advisor's calls of the period, the most confident first, with their segments (added to
    ``segments``), in one query."""
    if not codes:
        return []
    calls = _period_calls(advisor_id, since, among).with_only_columns(Recording.id)
    rank = sa.func.row_number().over(
        partition_by=UtteranceTag.code,
        order_by=(UtteranceTag.confidence.desc(), UtteranceTag.id.desc())).label("rank")
    ranked = (sa.select(UtteranceTag.id, UtteranceTag.recording_id, UtteranceTag.segment_id,
                        UtteranceTag.code, UtteranceTag.confidence, rank)
              .where(UtteranceTag.recording_id.in_(calls), UtteranceTag.code.in_(codes),
                     UtteranceTag.kind == TagKind.SKILL,
                     UtteranceTag.status != TagStatus.REJECTED)
              .subquery())
    rows = db.session.execute(
        sa.select(*_SEGMENT_COLUMNS, ranked.c.code, ranked.c.confidence)
        .join(ranked, ranked.c.segment_id == TranscriptSegment.id)
        .where(ranked.c.rank <= EVIDENCE_CANDIDATES)
        .order_by(ranked.c.confidence.desc(), ranked.c.id.desc())).all()
    found = []
    for *columns, code, confidence in rows:
        segment = segments.setdefault(columns[0], _Segment(*columns))
        found.append((_EvidenceTag(segment.recording_id, segment.id, code, confidence),
                      segment))
    return found


def _team_rates(advisor: User, since: dt.datetime) -> dict[int, dict[str, float]]:
    """Per-call rate of each code for every advisor of the team who has tagged calls.

    Only the team's own recordings count (not those its members made in another team), and
    only as numbers: the median and percentile, never a quote, a date or a link. Two
    queries, whatever the number of calls: the calls per advisor, and the sums of the calls'
    counts (their JSON, added up by the database).
    """
    if advisor.team_id is None:
        return {}
    summary = RecordingSkillSummary
    members = sa.select(User.id).where(User.team_id == advisor.team_id)
    team_calls = (Recording.advisor_id.in_(members), Recording.called_at >= since,
                  Recording.team_id == advisor.team_id)
    uncounted = sa.func.sum(sa.case((summary.skill_counts.is_(None), 1), else_=0))
    found = db.session.execute(
        sa.select(Recording.advisor_id, sa.func.count(Recording.id), uncounted)
        .join(summary, summary.recording_id == Recording.id)
        .where(*team_calls)
        .group_by(Recording.advisor_id)).all()
    if not found:
        return {}
    if any(n for _a, _calls, n in found):  # tagged before counts were kept: count them now
        from microskills.call_counts import count_call

        for recording_id in db.session.scalars(
                sa.select(Recording.id).join(summary, summary.recording_id == Recording.id)
                .where(*team_calls, summary.skill_counts.is_(None))):
            count_call(recording_id)
    calls = {advisor_id: n for advisor_id, n, _uncounted in found}
    rates: dict[int, dict[str, float]] = {a: {} for a in calls}
    for advisor_id, code, count in summed_counts(team_calls):
        if advisor_id in rates and count:
            rates[advisor_id][code] = count / calls[advisor_id]
    return rates


def _compare_with_team(rates: list[SkillRate], team: dict[int, dict[str, float]],
                       advisor_id: int) -> None:
    """Each rate's team median, percentile and place among the teammates."""
    # scipy.stats takes a second to import: only profiles that compare pay for it
    from scipy.stats import percentileofscore

    for rate in rates:
        everyone = [v.get(rate.code, 0.0) for v in team.values()]
        teammates = [v.get(rate.code, 0.0) for a, v in team.items() if a != advisor_id]
        rate.team_median = statistics.median(everyone)
        rate.team_percentile = float(percentileofscore(everyone, rate.per_call, kind="mean"))
        rate.teammates = len(teammates)
        rate.teammates_below = sum(1 for v in teammates if v < rate.per_call)
        rate.teammates_above = sum(1 for v in teammates if v > rate.per_call)


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


def _turns(rows: list) -> list[tuple[str, list]]:
    """A call's segments grouped into turns: runs of segments of one speaker."""
    return [(speaker, list(group))
            for speaker, group in itertools.groupby(rows, key=lambda row: row[0].speaker)]


def _missed_opportunities(timeline) -> tuple[list[Moment], tuple[int, int], tuple[int, int]]:
    """Frustration not met with empathy in the advisor's next turn; objections that none of
    the advisor's next OBJECTION_TURNS turns answers (see OBJECTION_ANSWERS)."""
    missed: list[Moment] = []
    frustration = answered = objections = handled = 0
    for recording, rows in timeline:
        turns = _turns(rows)
        for i, (speaker, members) in enumerate(turns):
            if speaker != "customer":
                continue
            advisor_turns = (turn for who, turn in itertools.islice(turns, i + 1, None)
                             if who == "agent")
            following = [set().union(*(codes for _seg, codes in turn))
                         for turn in itertools.islice(advisor_turns, OBJECTION_TURNS)]
            replies = set().union(*following)
            for seg, codes in members:
                if "frustration" in codes:
                    frustration += 1
                    if following and "W.empathy" in following[0]:
                        answered += 1
                    else:
                        missed.append(_moment(recording, seg, "Frustration with no empathy next"))
                kinds = [c for c in codes if c.startswith("objection.")]
                if kinds:
                    objections += 1
                    if all(replies & OBJECTION_ANSWERS.get(k, OTHER_OBJECTION_ANSWERS)
                           for k in kinds):
                        handled += 1
                    else:
                        missed.append(_moment(recording, seg, "Objection not answered"))
    return missed, (answered, frustration), (handled, objections)


def _moment(recording: Recording, segment: TranscriptSegment, note: str = "") -> Moment:
    return Moment(recording_id=recording.id, segment_id=segment.id, start=segment.start,
                  text=segment.text, called_at=recording.called_at, note=note)


def _call_flags(recording_ids: list[int]) -> Counter:
    """How many of the calls raised each whole-call flag (no greeting, ...)."""
    if not recording_ids:
        return Counter()
    flags = db.session.scalars(sa.select(RecordingSkillSummary.flags).where(
        RecordingSkillSummary.recording_id.in_(recording_ids)))
    return Counter(flag for call in flags for flag in call or ())


def _pick(rates: list[SkillRate], missed: list[Moment], answered, objections, calls: int,
          compared: bool) -> tuple[list[Pick], list[Pick]]:
    """Strengths and areas to improve, without their evidence (see _choose_evidence), except
    a pattern's: its missed moments, the most recent first, to choose among."""
    if not calls:
        return [], []
    if compared:
        strong = sorted((r for r in rates if r.per_call > 0
                         and 2 * r.teammates_below > r.teammates),
                        key=lambda r: (-r.team_percentile, -r.per_call))
        weak = sorted((r for r in rates if 2 * r.teammates_above > r.teammates),
                      key=lambda r: (r.team_percentile, r.per_call))
        strengths = [Pick(r, f"{per_call_text(r.per_call)} per call, {r.against_team}")
                     for r in strong[:PICKS]]
        improvements = [Pick(r, f"{per_call_text(r.per_call)} per call, {r.against_team} "
                             f"(team median {per_call_text(r.team_median)})") for r in weak]
    else:
        strong = sorted((r for r in rates if r.per_call > 0), key=lambda r: -r.per_call)
        strengths = [Pick(r, f"{per_call_text(r.per_call)} per call, in {r.calls_with} of "
                          f"{calls} calls") for r in strong[:PICKS]]
        improvements = [Pick(r, f"in {r.calls_with} of {calls} calls")
                        for r in rates if r.code in CORE_HABITS
                        and r.calls_with < calls / 2]
    by_code = {r.code: r for r in rates}
    # missed opportunities make the strongest case for an area to improve
    pattern_picks = []
    if answered[1] and answered[0] / answered[1] < 0.5 and "W.empathy" in by_code:
        pattern_picks.append(Pick(
            by_code["W.empathy"], f"{answered[1] - answered[0]} of {answered[1]} frustrated "
            "customers got no empathy in the next turn",
            [m for m in missed if m.note.startswith("Frustration")][:EVIDENCE_CANDIDATES]))
    if objections[1] and objections[0] / objections[1] < 0.5 and "O.objection" in by_code:
        pattern_picks.append(Pick(
            by_code["O.objection"], f"{objections[1] - objections[0]} of {objections[1]} "
            "objections got no answer in the advisor's next turns",
            [m for m in missed if m.note.startswith("Objection")][:EVIDENCE_CANDIDATES]))
    codes = {p.rate.code for p in pattern_picks}
    improvements = pattern_picks + [p for p in improvements if p.rate.code not in codes]
    strengths = [p for p in strengths if p.rate.code not in codes]
    return strengths, improvements[:PICKS]


def _choose_evidence(picks: list[Pick], tags, missed: list[Moment],
                     recordings: dict[int, Recording],
                     segments: dict[int, _Segment]) -> None:
    """Each pick's evidence: its most confident moments whose transcript is clear (and how
    clear the ``missed`` moments shown are), with one query for every quote's words."""
    candidates: dict[int, list[tuple[float, Moment]]] = {}
    by_code = {p.rate.code: i for i, p in enumerate(picks) if not p.evidence}
    for tag, segment in tags:  # the tagger's most confident first
        i = by_code.get(tag.code)
        if i is None or tag.kind is not TagKind.SKILL:
            continue
        found = candidates.setdefault(i, [])
        if len(found) < EVIDENCE_CANDIDATES:
            found.append((tag.confidence, _moment(recordings[tag.recording_id], segment)))
    for i, pick in enumerate(picks):
        if pick.evidence:  # a pattern's missed moments
            candidates[i] = [(1.0, m) for m in pick.evidence]
    _rate_clarity([m for found in candidates.values() for _c, m in found] + missed, segments)
    for i, found in candidates.items():
        picks[i].evidence = _clearest(found)


def _rate_clarity(moments: list[Moment], segments: dict[int, _Segment]) -> None:
    """Set each moment's clarity: the geometric mean of its words' probabilities (else the
    segment's avg_logprob as a probability); 1 when a person corrected the text."""
    ids = {m.segment_id for m in moments if not segments[m.segment_id].is_corrected}
    logs: dict[int, list[float]] = defaultdict(list)
    if ids:
        for segment_id, probability in db.session.execute(
                sa.select(TranscriptWord.segment_id, TranscriptWord.probability)
                .where(TranscriptWord.segment_id.in_(ids))):
            logs[segment_id].append(math.log(max(probability, 1e-6)))
    for moment in moments:
        segment = segments[moment.segment_id]
        if segment.is_corrected:
            moment.clarity = 1.0
        elif logs.get(moment.segment_id):
            moment.clarity = math.exp(statistics.fmean(logs[moment.segment_id]))
        else:
            moment.clarity = min(1.0, math.exp(segment.avg_logprob))


def _clearest(found: list[tuple[float, Moment]]) -> list[Moment]:
    """The most confident clear moments (tagger confidence times clarity); when none is
    clear, only the clearest one, so the advisor can still listen to it."""
    clear = sorted((pair for pair in found if pair[1].clear),
                   key=lambda pair: -pair[0] * pair[1].clarity)
    if clear:
        return [m for _confidence, m in clear[:EVIDENCE_PER_ITEM]]
    return [max(found, key=lambda pair: pair[1].clarity)[1]] if found else []


def _trend(recordings: list[Recording], per_recording: dict[int, Counter],
           rates: list[SkillRate], picked: list[str], zone: ZoneInfo) -> Trend:
    """Weekly per-call rate of every microskill used (and the picked ones), weeks cut in
    ``zone``: the picks are drawn at first, the viewer ticks others on."""
    weeks: dict[dt.date, list[int]] = defaultdict(list)
    for r in recordings:
        weeks[timezones.week_start(r.called_at, zone)].append(r.id)
    if not weeks:
        return Trend(weeks=[], series={}, shown=[])
    first, last = min(weeks), max(weeks)
    mondays = [first + dt.timedelta(weeks=n) for n in range((last - first).days // 7 + 1)]
    used = [r.code for r in sorted(rates, key=lambda r: -r.per_call) if r.per_call > 0]
    codes = list(dict.fromkeys(picked + used))
    series = {code: [rounded_rate(statistics.fmean(per_recording[i][code] for i in weeks[w]))
                     if w in weeks else None for w in mondays] for code in codes}
    return Trend(weeks=mondays, series=series, shown=codes[:DEFAULT_TREND_LINES])
