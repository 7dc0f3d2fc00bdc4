"""Talk-time figures over a :class:`~coachlab.media.transcript.Transcript`.

Everything here works on *intervals*: sorted, non-overlapping ``(start, end)`` tuples in
seconds. Speech intervals come from word timestamps where a segment has words, else from the
segment bounds.

Decisions, so the figures are comparable between calls:

* Pauses between one speaker's words shorter than :data:`JOIN_GAP` are bridged: a breath
  between words is still talking time.
* Silence is measured only *inside* the conversation, from the first word to the last one.
  The lead-in before the first word (ringing, IVR, recording start) and the tail after the
  last word (hang-up) are not dead air; ``silences(..., include_edges=True)`` adds them.
* A gap where nobody speaks of at least :data:`DEAD_AIR_MIN` seconds is dead air.
  ``longest_silence`` reports the longest gap of any length.
* Agent and customer speaking at once for at least :data:`OVERTALK_MIN` seconds is
  overtalk; shorter overlaps are turn-taking jitter in word timestamps.
* A short utterance (< :data:`BACKCHANNEL_MAX` s) lying inside the other party's speech
  ("mhm", "yeah") does not take the turn.
* A monologue is one speaker's turn, split wherever they pause for dead-air length.
* Response latency is the gap from the end of a customer turn to the start of the next
  agent turn, 0 when the agent starts before the customer has finished.

Mono transcripts (speaker ``"speaker"``) have no agent/customer split: ratios are over the
single speaker, overtalk is 0, and agent-only figures (monologue, latency) are ``None``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field

from coachlab.media.transcript import Transcript

#: Pauses between one speaker's words shorter than this (s) are bridged into one interval.
JOIN_GAP = 0.5
#: A gap where nobody speaks of at least this long (s) is dead air.
DEAD_AIR_MIN = 2.0
#: Agent and customer both speaking for at least this long (s) counts as overtalk.
OVERTALK_MIN = 0.3
#: Utterances shorter than this (s) inside the other party's speech do not take the turn.
BACKCHANNEL_MAX = 1.0

Interval = tuple[float, float]


@dataclass(frozen=True, slots=True)
class Turn:
    """A run of one speaker's speech, not interrupted by the other party taking the turn."""

    speaker: str
    start: float
    end: float
    intervals: tuple[Interval, ...] = ()

    @property
    def duration(self) -> float:
        return self.end - self.start


@dataclass(frozen=True, slots=True)
class Response:
    """A customer turn followed by an agent turn."""

    customer_end: float
    agent_start: float

    @property
    def latency(self) -> float:
        return max(0.0, self.agent_start - self.customer_end)


@dataclass(slots=True)
class TalkTime:
    duration: float
    speech_seconds: dict[str, float] = field(default_factory=dict)
    #: Share of total speech time per speaker (sums to 1 when anyone spoke).
    talk_ratio: dict[str, float] = field(default_factory=dict)
    longest_agent_monologue: float | None = None
    dead_air_total: float = 0.0
    dead_air_count: int = 0
    longest_silence: float = 0.0
    overtalk_total: float = 0.0
    mean_response_latency: float | None = None
    max_response_latency: float | None = None

    def to_dict(self) -> dict:
        def r(v):
            return None if v is None else round(v, 3)

        d = asdict(self)
        for k, v in d.items():
            if isinstance(v, float):
                d[k] = r(v)
            elif isinstance(v, dict):
                d[k] = {kk: r(vv) for kk, vv in v.items()}
        return d


def merge_intervals(intervals: Iterable[Interval], join_gap: float = 0.0) -> list[Interval]:
    """Sort and merge intervals that overlap or are separated by less than ``join_gap``."""
    out: list[list[float]] = []
    for s, e in sorted((float(s), float(e)) for s, e in intervals if e > s):
        if out and (s <= out[-1][1] or s - out[-1][1] < join_gap):
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append([s, e])
    return [(s, e) for s, e in out]


def intersect(a: list[Interval], b: list[Interval]) -> list[Interval]:
    """Intersection of two merged interval lists."""
    out: list[Interval] = []
    i = j = 0
    while i < len(a) and j < len(b):
        s = max(a[i][0], b[j][0])
        e = min(a[i][1], b[j][1])
        if e > s:
            out.append((s, e))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return out


def total(intervals: Iterable[Interval]) -> float:
    return sum(e - s for s, e in intervals)


def speakers(transcript: Transcript) -> set[str]:
    return {s.speaker for s in transcript.segments}


def is_mono(transcript: Transcript) -> bool:
    """True when the transcript has no agent/customer split."""
    return not speakers(transcript) & {"agent", "customer"}


def speech_intervals(
    transcript: Transcript, speaker: str | None = None, *, join_gap: float = JOIN_GAP
) -> list[Interval]:
    """Merged speech of ``speaker`` (``None``: anybody)."""
    raw: list[Interval] = []
    for seg in transcript.segments:
        if speaker is not None and seg.speaker != speaker:
            continue
        if seg.words:
            raw.extend((w.start, w.end) for w in seg.words)
        else:
            raw.append((seg.start, seg.end))
    return merge_intervals(raw, join_gap)


def silences(
    transcript: Transcript, min_gap: float = DEAD_AIR_MIN, *, include_edges: bool = False
) -> list[Interval]:
    """Gaps of at least ``min_gap`` seconds where nobody speaks.

    Only gaps between the first and the last word count unless ``include_edges``, which adds
    the lead-in from 0 and the tail up to ``transcript.duration``. A transcript without speech
    is one silence of its whole duration with ``include_edges``, else none.
    """
    speech = speech_intervals(transcript)
    gaps: list[Interval] = []
    if not speech:
        if include_edges and transcript.duration >= min_gap and transcript.duration > 0:
            gaps.append((0.0, float(transcript.duration)))
        return gaps
    if include_edges:
        gaps.append((0.0, speech[0][0]))
    gaps.extend((a[1], b[0]) for a, b in zip(speech, speech[1:], strict=False))
    if include_edges:
        gaps.append((speech[-1][1], max(speech[-1][1], float(transcript.duration))))
    return [(s, e) for s, e in gaps if e > s and e - s >= min_gap]


def overlaps(transcript: Transcript, min_overlap: float = OVERTALK_MIN) -> list[Interval]:
    """Stretches of at least ``min_overlap`` s where agent and customer both speak."""
    agent = speech_intervals(transcript, "agent")
    both = intersect(agent, speech_intervals(transcript, "customer"))
    return [(s, e) for s, e in both if e - s >= min_overlap]


def turns(transcript: Transcript) -> list[Turn]:
    """Speaker turns in time order (see the module docstring for backchannels)."""
    labelled = sorted(
        (s, e, spk)
        for spk in sorted(speakers(transcript))
        for s, e in speech_intervals(transcript, spk)
    )
    building: list[tuple[str, float, float, list[Interval]]] = []
    for s, e, spk in labelled:
        if building and building[-1][0] == spk:
            cur = building[-1]
            cur[3].append((s, e))
            building[-1] = (spk, cur[1], max(cur[2], e), cur[3])
            continue
        if building and e - s < BACKCHANNEL_MAX and e <= building[-1][2]:
            continue  # backchannel inside the other party's speech
        building.append((spk, s, e, [(s, e)]))
    return [Turn(spk, s, e, tuple(iv)) for spk, s, e, iv in building]


def monologues(
    transcript: Transcript, speaker: str = "agent", *, min_duration: float = 0.0
) -> list[Interval]:
    """``speaker``'s turns, split at pauses of dead-air length, at least ``min_duration`` long."""
    out: list[Interval] = []
    for turn in turns(transcript):
        if turn.speaker != speaker:
            continue
        pieces = merge_intervals(turn.intervals, DEAD_AIR_MIN)
        out.extend(p for p in pieces if p[1] - p[0] >= min_duration)
    return out


def response_latencies(transcript: Transcript) -> list[Response]:
    """Every customer turn directly followed by an agent turn, with its latency."""
    ts = turns(transcript)
    return [
        Response(a.end, b.start)
        for a, b in zip(ts, ts[1:], strict=False)
        if a.speaker == "customer" and b.speaker == "agent"
    ]


def talk_time_summary(transcript: Transcript) -> TalkTime:
    per = {spk: total(speech_intervals(transcript, spk)) for spk in sorted(speakers(transcript))}
    speech_sum = sum(per.values())
    ratio = {spk: (v / speech_sum if speech_sum else 0.0) for spk, v in per.items()}
    gaps = silences(transcript, 0.0)
    dead = [g for g in gaps if g[1] - g[0] >= DEAD_AIR_MIN]
    mono = is_mono(transcript)
    result = TalkTime(
        duration=float(transcript.duration),
        speech_seconds=per,
        talk_ratio=ratio,
        dead_air_total=total(dead),
        dead_air_count=len(dead),
        longest_silence=max((e - s for s, e in gaps), default=0.0),
        overtalk_total=0.0 if mono else total(overlaps(transcript)),
    )
    if not mono:
        result.longest_agent_monologue = max(
            (e - s for s, e in monologues(transcript, "agent")), default=0.0
        )
        lat = [r.latency for r in response_latencies(transcript)]
        if lat:
            result.mean_response_latency = sum(lat) / len(lat)
            result.max_response_latency = max(lat)
    return result


def moment_of(transcript: Transcript, key: str) -> float | None:
    """Where in the call its talk figure ``key`` (a :class:`TalkTime` field) comes from, in
    seconds: the start of the longest dead air (``dead_air_total``, ``dead_air_count``), of
    the agent's longest monologue, or the end of the customer's turn answered slowest (the
    response latencies). None when the call has no such moment."""
    if key in ("dead_air_total", "dead_air_count", "longest_silence"):
        gaps = silences(transcript, DEAD_AIR_MIN if key != "longest_silence" else 0.0)
        return max(gaps, key=lambda g: g[1] - g[0])[0] if gaps else None
    if key == "longest_agent_monologue":
        spans = monologues(transcript, "agent")
        return max(spans, key=lambda s: s[1] - s[0])[0] if spans else None
    if key in ("mean_response_latency", "max_response_latency"):
        answers = response_latencies(transcript)
        return max(answers, key=lambda r: r.latency).customer_end if answers else None
    return None
