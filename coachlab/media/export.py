"""Transcript exports: plain text, WebVTT, SubRip (SRT) and JSON."""

from __future__ import annotations

import json

from coachlab.media.transcript import Segment, Transcript


def speaker_label(speaker: str) -> str:
    """``"agent"`` -> ``"Agent"``."""
    return speaker.capitalize()


def format_timestamp(seconds: float, decimal: str = ".") -> str:
    """``HH:MM:SS.mmm`` (WebVTT) or, with ``decimal=","``, ``HH:MM:SS,mmm`` (SRT)."""
    millis = max(0, round(seconds * 1000))
    hours, millis = divmod(millis, 3_600_000)
    minutes, millis = divmod(millis, 60_000)
    secs, millis = divmod(millis, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{decimal}{millis:03d}"


def _line(segment: Segment) -> str:
    return f"{speaker_label(segment.speaker)}: {segment.text}"


def to_text(t: Transcript, *, timestamps: bool = True) -> str:
    """One line per segment: ``[00:00:01] Agent: text`` (or ``Agent: text``)."""
    lines = [
        f"[{format_timestamp(s.start)[:8]}] {_line(s)}" if timestamps else _line(s)
        for s in t.segments
    ]
    return "\n".join(lines) + ("\n" if lines else "")


def to_webvtt(t: Transcript) -> str:
    cues = [
        f"{format_timestamp(s.start)} --> {format_timestamp(s.end)}\n{_line(s)}"
        for s in t.segments
    ]
    return "WEBVTT\n\n" + "".join(cue + "\n\n" for cue in cues)


def to_srt(t: Transcript) -> str:
    cues = [
        f"{n}\n{format_timestamp(s.start, ',')} --> {format_timestamp(s.end, ',')}\n{_line(s)}"
        for n, s in enumerate(t.segments, start=1)
    ]
    return "".join(cue + "\n\n" for cue in cues)


def to_json(t: Transcript) -> str:
    return json.dumps(t.to_dict(), indent=2, ensure_ascii=False)
