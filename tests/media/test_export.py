"""Transcript exports: exact formats on a hand-made transcript."""

from __future__ import annotations

import json

from coachlab.media.export import format_timestamp, to_json, to_srt, to_text, to_webvtt
from coachlab.media.transcript import Segment, Transcript, Word


def transcript() -> Transcript:
    return Transcript(
        duration=3725.5,
        language="en",
        segments=[
            Segment(1.25, 2.0, "agent", "Hello, how can I help?", -0.2,
                    [Word(1.25, 1.6, "Hello,", 0.9), Word(1.6, 2.0, "how", 0.8)]),
            Segment(2.5, 4.0, "customer", "My bill is wrong.", -0.3),
            Segment(3723.0, 3725.125, "speaker", "Goodbye.", -0.1),
        ],
    )


def test_timestamps():
    assert format_timestamp(1.25) == "00:00:01.250"
    assert format_timestamp(1.25, ",") == "00:00:01,250"
    assert format_timestamp(3725.5) == "01:02:05.500"
    assert format_timestamp(59.9996) == "00:01:00.000"
    assert format_timestamp(-0.01) == "00:00:00.000"


def test_text():
    assert to_text(transcript()).splitlines() == [
        "[00:00:01] Agent: Hello, how can I help?",
        "[00:00:02] Customer: My bill is wrong.",
        "[01:02:03] Speaker: Goodbye.",
    ]
    assert to_text(transcript(), timestamps=False).splitlines()[1] == "Customer: My bill is wrong."


def test_webvtt():
    assert to_webvtt(transcript()) == (
        "WEBVTT\n\n"
        "00:00:01.250 --> 00:00:02.000\nAgent: Hello, how can I help?\n\n"
        "00:00:02.500 --> 00:00:04.000\nCustomer: My bill is wrong.\n\n"
        "01:02:03.000 --> 01:02:05.125\nSpeaker: Goodbye.\n\n"
    )


def test_srt():
    assert to_srt(transcript()) == (
        "1\n00:00:01,250 --> 00:00:02,000\nAgent: Hello, how can I help?\n\n"
        "2\n00:00:02,500 --> 00:00:04,000\nCustomer: My bill is wrong.\n\n"
        "3\n01:02:03,000 --> 01:02:05,125\nSpeaker: Goodbye.\n\n"
    )


def test_json_is_the_dict_schema():
    data = json.loads(to_json(transcript()))
    assert data == transcript().to_dict()
    assert data["segments"][0]["words"][0] == {
        "start": 1.25, "end": 1.6, "word": "Hello,", "probability": 0.9,
    }


def test_empty_transcript():
    empty = Transcript(duration=5.0, language="en")
    assert to_text(empty) == ""
    assert to_webvtt(empty) == "WEBVTT\n\n"
    assert to_srt(empty) == ""
    assert json.loads(to_json(empty))["segments"] == []
