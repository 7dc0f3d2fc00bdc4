"""Synthetic dual-channel calls spoken by espeak-ng, and the committed demo media."""

from __future__ import annotations

import json
import wave
from pathlib import Path

import av
import numpy as np
import pytest

from coachlab.demo.synth import SynthesisError, synthesize_call

DEMO_DIR = Path(__file__).resolve().parent.parent.parent / "coachlab" / "demo"
needs_espeak = pytest.mark.usefixtures("espeak")  # fails, naming the install, when missing

TURNS = [
    ("agent", "Good afternoon, how can I help?"),
    ("customer", "My parcel has not arrived."),
    ("agent", "Let me check that for you."),
]


def read_wav(path: Path) -> tuple[np.ndarray, int]:
    with wave.open(str(path)) as w:
        frames = np.frombuffer(w.readframes(w.getnframes()), dtype=np.int16)
        return frames.reshape(-1, w.getnchannels()), w.getframerate()


def loudness(samples: np.ndarray) -> float:
    return float(np.sqrt(np.mean(samples.astype(np.float64) ** 2))) if samples.size else 0.0


@needs_espeak
def test_wav_puts_agent_left_and_customer_right(tmp_path):
    out = tmp_path / "call.wav"
    timeline = synthesize_call(TURNS, out, gap=0.5)
    audio, rate = read_wav(out)
    assert rate == 16000 and audio.shape[1] == 2
    assert [t["speaker"] for t in timeline] == ["agent", "customer", "agent"]
    assert [t["text"] for t in timeline] == [text for _, text in TURNS]
    for turn in timeline:
        span = audio[int(turn["start"] * rate): int(turn["end"] * rate)]
        speaking, silent = (0, 1) if turn["speaker"] == "agent" else (1, 0)
        assert loudness(span[:, speaking]) > 500
        assert loudness(span[:, silent]) < 50
    for before, after in zip(timeline, timeline[1:], strict=False):
        assert after["start"] - before["end"] == pytest.approx(0.5, abs=0.01)
    assert len(audio) / rate == pytest.approx(timeline[-1]["end"] + 0.3, abs=0.01)


@needs_espeak
def test_ogg_is_stereo_opus(tmp_path):
    out = tmp_path / "call.ogg"
    timeline = synthesize_call(TURNS[:2], out, agent_voice="en-us+f3")
    with av.open(str(out)) as container:
        stream = container.streams.audio[0]
        assert stream.codec_context.name == "opus"
        assert stream.codec_context.channels == 2
        duration = float(container.duration / av.time_base)
    assert duration == pytest.approx(timeline[-1]["end"] + 0.3, abs=0.1)
    assert out.stat().st_size < 40_000


@needs_espeak
def test_unknown_speaker_is_rejected(tmp_path):
    with pytest.raises(ValueError, match="speaker"):
        synthesize_call([("supervisor", "Hello")], tmp_path / "x.wav")


def test_missing_espeak_is_reported(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(SynthesisError, match="espeak-ng is not installed"):
        synthesize_call(TURNS, tmp_path / "x.wav")


def test_demo_calls_have_their_media():
    calls = json.loads((DEMO_DIR / "calls.json").read_text())
    assert len(calls) == 4
    total = 0
    for call in calls:
        media = DEMO_DIR / call["media"]
        total += media.stat().st_size
        assert {"slug", "title", "direction", "nps", "csat", "resolved", "disposition",
                "tags", "turns"} <= call.keys()
        assert media.name == f"{call['slug']}.ogg"
        assert 30 <= call["duration"] <= 60
        assert {t["speaker"] for t in call["turns"]} == {"agent", "customer"}
        with av.open(str(media)) as container:
            assert container.streams.audio[0].codec_context.channels == 2
    assert total < 1_500_000
