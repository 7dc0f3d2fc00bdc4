"""Both channels of a stereo call transcribed at once (one thread each), and the settings."""

from __future__ import annotations

import difflib
import re
import threading
from pathlib import Path

import numpy as np
import pytest
from flask import Flask

from coachlab.config import Config
from coachlab.media import whisper
from coachlab.media.transcript import Transcript
from coachlab.media.whisper import load_model, transcribe_file
from coachlab.transcripts.jobs import whisper_options
from tests.factories import require_program

STEREO = Path(__file__).resolve().parent.parent / "fixtures" / "stereo_diarization.wav"
RATE = whisper.SAMPLE_RATE

TURNS = [
    ("agent", "Good morning, you are through to Harbour Bank. My name is Lena. How can I help?"),
    ("customer", "Hi Lena. I want to close my savings account and move the money to my "
                 "current account."),
    ("agent", "Of course. Before I do that, may I ask why you would like to close it?"),
    ("customer", "The interest rate is much lower than what other banks are offering now."),
    ("agent", "I understand. We have a new saver with a better rate. Shall I tell you about it?"),
    ("customer", "Go on then, but I do not want to lock my money away for years."),
    ("agent", "It is an easy access account, so you can take money out whenever you like."),
    ("customer", "That sounds fine. Please move my savings into that one instead."),
]


def normalise(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9' ]+", " ", text.lower()).split())


def words_of(t: Transcript, speaker: str) -> list[str]:
    return normalise(" ".join(s.text for s in t.segments if s.speaker == speaker)).split()


def similarity(a: list[str], b: list[str]) -> float:
    return difflib.SequenceMatcher(a=a, b=b, autojunk=False).ratio()


# --- without the model -------------------------------------------------------------------


def track_with(seconds: float) -> whisper._Track:
    track = whisper._Track("agent", "en")
    track.add(np.zeros(round(seconds * RATE), dtype=np.float32))
    return track


def test_parallel_windows_take_the_other_channel_along():
    window = 30 * RATE
    over, half, little = track_with(31), track_with(20), track_with(5)
    assert [t for t, _ in whisper._due([over, half, little], window, parallel=True)] == [
        over, half]
    assert [t for t, _ in whisper._due([over, half, little], window, parallel=False)] == [over]
    for track, cut in whisper._due([over, half], window, parallel=True):
        assert 0 < cut <= min(track.buffered, window)


def test_config_defaults_are_the_engines():
    assert Config.WHISPER_BEAM_SIZE == whisper.DEFAULT_BEAM_SIZE
    assert Config.WHISPER_BATCH_SIZE == whisper.DEFAULT_BATCH_SIZE
    assert Config.WHISPER_PARALLEL_CHANNELS == whisper.DEFAULT_PARALLEL_CHANNELS
    assert Config.WHISPER_VAD == whisper.DEFAULT_VAD_FILTER
    assert Config.WHISPER_CONDITION_ON_PREVIOUS_TEXT == (
        whisper.DEFAULT_CONDITION_ON_PREVIOUS_TEXT)


def test_settings_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("COACHLAB_WHISPER_PARALLEL_CHANNELS", "false")
    monkeypatch.setenv("COACHLAB_WHISPER_BEAM_SIZE", "3")
    monkeypatch.setenv("COACHLAB_WHISPER_VAD", "off")  # not JSON: stays a string
    app = Flask(__name__)  # as create_app reads them, without its instance folder
    app.config.from_object(Config)
    app.config.from_prefixed_env("COACHLAB")
    options = whisper_options(app)
    assert options["parallel_channels"] is False
    assert options["beam_size"] == 3
    assert options["vad_filter"] is False
    assert options["batch_size"] == whisper.DEFAULT_BATCH_SIZE
    assert options["cpu_threads"] == Config.WHISPER_THREADS


# --- with the model ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def call(tmp_path_factory) -> Path:
    require_program("espeak-ng", "apt-get install -y espeak-ng")
    from coachlab.demo.synth import synthesize_call

    path = tmp_path_factory.mktemp("parallel") / "call.ogg"
    synthesize_call(TURNS, path, gap=1.0)
    return path


@pytest.mark.slow
def test_parallel_channels_give_the_words_of_sequential():
    load_model()
    options = dict(batch_size=0, beam_size=5)
    one_by_one = transcribe_file(STEREO, parallel_channels=False, **options)
    side_by_side = transcribe_file(STEREO, parallel_channels=True, **options)
    assert side_by_side.duration == one_by_one.duration
    for speaker in ("agent", "customer"):
        ours = words_of(side_by_side, speaker)
        assert ours
        assert similarity(ours, words_of(one_by_one, speaker)) >= 0.95


@pytest.mark.slow
def test_progress_comes_from_the_calling_thread_only(call):
    seen, threads = [], set()

    def progress(value: float) -> None:
        threads.add(threading.get_ident())
        seen.append(value)

    t = transcribe_file(call, parallel_channels=True, progress=progress)
    assert threads == {threading.get_ident()}
    assert seen == sorted(seen) and seen[-1] == 1.0
    assert {s.speaker for s in t.segments} == {"agent", "customer"}


@pytest.mark.slow
def test_windowed_parallel_follows_the_script(call):
    """Windows of both channels run side by side: nothing lost or said twice."""
    whole = transcribe_file(call, parallel_channels=True)
    seen: list[float] = []
    windowed = transcribe_file(call, parallel_channels=True, window_seconds=20.0,
                               progress=seen.append)
    assert windowed.duration == whole.duration > 40
    for speaker in ("agent", "customer"):
        ours, reference = words_of(windowed, speaker), words_of(whole, speaker)
        assert similarity(ours, reference) >= 0.85, (ours, reference)
        words = [w for s in windowed.segments if s.speaker == speaker for w in s.words]
        for previous, word in zip(words, words[1:], strict=False):
            assert word.start >= previous.end - 0.05
    assert seen == sorted(seen) and seen[-1] == 1.0 and any(0.2 < p < 0.8 for p in seen)
    turns = []
    for segment in windowed.segments:
        if not turns or turns[-1] != segment.speaker:
            turns.append(segment.speaker)
    assert turns == [who for who, _ in TURNS]


@pytest.mark.slow
def test_parallel_setting_leaves_mono_alone():
    t = transcribe_file(STEREO, agent_channel="mono_mixed", parallel_channels=True)
    assert {s.speaker for s in t.segments} == {"speaker"}
