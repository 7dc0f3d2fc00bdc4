"""The transcription engine against the real bundled Whisper model and real audio."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from coachlab.media.ffmpeg import ffmpeg_exe
from coachlab.media.transcript import Transcript
from coachlab.media.whisper import (
    TranscriptionError,
    WhisperModelError,
    check_model,
    default_model_dir,
    load_model,
    transcribe_file,
)

pytestmark = pytest.mark.slow

STEREO = Path(__file__).resolve().parent.parent / "fixtures" / "stereo_diarization.wav"


def normalise(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9' ]+", " ", text.lower()).split())


def text_of(t: Transcript, speaker: str) -> str:
    return normalise(" ".join(s.text for s in t.segments if s.speaker == speaker))


def ffmpeg(*args: str) -> None:
    subprocess.run([ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", *args], check=True)


@pytest.fixture(scope="module", autouse=True)
def model():
    return load_model()


@pytest.fixture(scope="module")
def stereo_left() -> Transcript:
    return transcribe_file(STEREO, agent_channel="left")


def test_default_model_is_bundled_and_valid():
    assert check_model() == default_model_dir().resolve()
    assert load_model() is load_model()


def test_left_channel_is_agent(stereo_left):
    assert "confused complaint against the wizard" in text_of(stereo_left, "agent")
    assert "horizon" in text_of(stereo_left, "customer")
    assert "horizon" not in text_of(stereo_left, "agent")
    assert stereo_left.language == "en"
    assert stereo_left.duration == pytest.approx(5.0, abs=0.05)


def test_right_channel_swaps_speakers():
    t = transcribe_file(STEREO, agent_channel="right")
    assert "horizon" in text_of(t, "agent")
    assert "confused complaint against the wizard" in text_of(t, "customer")


def test_sequential_decoding_gives_the_same_speakers():
    t = transcribe_file(STEREO, batch_size=0)
    assert "confused complaint against the wizard" in text_of(t, "agent")
    assert "horizon" in text_of(t, "customer")


def test_segments_are_merged_in_time_order(stereo_left):
    starts = [s.start for s in stereo_left.segments]
    assert starts == sorted(starts)
    assert {s.speaker for s in stereo_left.segments} == {"agent", "customer"}


def test_words_are_ordered_and_inside_their_segment(stereo_left):
    for segment in stereo_left.segments:
        assert segment.words
        assert segment.avg_logprob < 0
        previous = segment.start
        for word in segment.words:
            assert segment.start <= word.start <= word.end <= segment.end
            assert word.start >= previous
            assert word.word == word.word.lstrip() and word.word
            assert 0.0 <= word.probability <= 1.0
            previous = word.start


def test_progress_rises_to_one():
    seen: list[float] = []
    transcribe_file(STEREO, progress=seen.append)
    assert seen == sorted(seen)
    assert seen[-1] == 1.0 and all(0.0 <= p <= 1.0 for p in seen)


def test_mono_modes_label_one_speaker():
    mixed = transcribe_file(STEREO, agent_channel="mono_mixed")
    assert {s.speaker for s in mixed.segments} == {"speaker"}
    agent = transcribe_file(STEREO, agent_channel="mono_agent")
    assert {s.speaker for s in agent.segments} == {"agent"}


def test_mono_file_with_channel_asked_is_mixed(tmp_path):
    mono = tmp_path / "left-only.wav"
    ffmpeg("-i", str(STEREO), "-af", "pan=mono|c0=c0", str(mono))
    t = transcribe_file(mono, agent_channel="right")
    assert {s.speaker for s in t.segments} == {"speaker"}
    assert "confused complaint against the wizard" in text_of(t, "speaker")


def test_silence_gives_no_segments(tmp_path):
    silence = tmp_path / "silence.wav"
    ffmpeg("-f", "lavfi", "-i", "anullsrc=r=16000:cl=stereo", "-t", "8", str(silence))
    t = transcribe_file(silence)
    assert t.segments == []
    assert t.duration == pytest.approx(8.0, abs=0.05)


def test_undecodable_file_raises(tmp_path):
    fake = tmp_path / "notes.wav"
    fake.write_text("this is a text file, not a recording\n" * 50)
    with pytest.raises(TranscriptionError, match="notes.wav"):
        transcribe_file(fake)


def test_missing_file_raises(tmp_path):
    with pytest.raises(TranscriptionError, match="no such recording"):
        transcribe_file(tmp_path / "absent.ogg")


def test_bad_agent_channel_is_rejected():
    with pytest.raises(ValueError, match="agent_channel"):
        transcribe_file(STEREO, agent_channel="both")


def test_missing_model_dir_raises(tmp_path):
    missing = tmp_path / "no-model-here"
    with pytest.raises(WhisperModelError, match="no-model-here"):
        load_model(missing)
    with pytest.raises(WhisperModelError, match="does not exist"):
        transcribe_file(STEREO, model_dir=missing)


def test_directory_without_model_raises(tmp_path):
    with pytest.raises(WhisperModelError, match="not a CTranslate2 Whisper model"):
        check_model(tmp_path)


def test_corrupt_model_raises(tmp_path):
    broken = tmp_path / "broken"
    shutil.copytree(default_model_dir(), broken, ignore=shutil.ignore_patterns("model.bin"))
    (broken / "model.bin").write_bytes(b"not a model")
    with pytest.raises(WhisperModelError, match="cannot load"):
        load_model(broken)


@pytest.mark.usefixtures("espeak")  # fails, naming the install, when missing
def test_synthetic_call_round_trip(tmp_path):
    from coachlab.demo.synth import synthesize_call

    turns = [
        ("agent", "Thank you for calling, how can I help you today?"),
        ("customer", "Hello, I would like to change my delivery address please."),
        ("agent", "Of course, I can do that for you right now."),
    ]
    timeline = synthesize_call(turns, tmp_path / "call.ogg")
    t = transcribe_file(tmp_path / "call.ogg")
    assert t.duration == pytest.approx(timeline[-1]["end"] + 0.3, abs=0.1)
    assert [s.speaker for s in t.segments] == ["agent", "customer", "agent"]
    assert "delivery address" in text_of(t, "customer")
    for segment, turn in zip(t.segments, timeline, strict=True):
        assert segment.start == pytest.approx(turn["start"], abs=0.6)
        assert segment.end == pytest.approx(turn["end"], abs=0.6)
