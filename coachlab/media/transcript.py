"""Plain data of a transcript, shared by the engine, the database layer and the CLI.

Times are seconds from the start of the recording. ``speaker`` is one of
``"agent"``, ``"customer"`` or ``"speaker"`` (a mono recording with both parties mixed).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

SPEAKERS = ("agent", "customer", "speaker")


@dataclass(frozen=True, slots=True)
class Word:
    start: float
    end: float
    word: str
    probability: float


@dataclass(slots=True)
class Segment:
    start: float
    end: float
    speaker: str
    text: str
    avg_logprob: float = 0.0
    words: list[Word] = field(default_factory=list)


@dataclass(slots=True)
class Transcript:
    duration: float
    language: str
    segments: list[Segment] = field(default_factory=list)

    def to_dict(self) -> dict:
        """The schema printed by ``coachlab transcribe --json``."""
        return {
            "duration": round(self.duration, 3),
            "language": self.language,
            "segments": [
                {
                    "start": round(s.start, 3),
                    "end": round(s.end, 3),
                    "speaker": s.speaker,
                    "text": s.text,
                    "words": [
                        {**asdict(w), "start": round(w.start, 3), "end": round(w.end, 3),
                         "probability": round(w.probability, 4)}
                        for w in s.words
                    ],
                }
                for s in self.segments
            ],
        }
