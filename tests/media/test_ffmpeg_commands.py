"""ffmpeg command lines built with ffmpeg-python, and the real ffmpeg running them."""

from __future__ import annotations

import os
import subprocess
import sys
import wave
from pathlib import Path

import av
import ffmpeg
import numpy as np
import pytest

from coachlab.demo.synth import _encode
from coachlab.media.cut import PREROLL, CutError, _cut_command, _Probe, _probe, cut_clip
from coachlab.media.ffmpeg import GLOBAL_ARGS, command, ffmpeg_exe
from coachlab.media.waveform import DECODE_RATE, WaveformError, compute_waveform, waveform_command

BURST = "if(between(t,3,4),0.5*sin(2*PI*440*t),0)"  # 1 s of tone at 3 s, silence around it


def make(path: Path, *args: str) -> Path:
    subprocess.run([ffmpeg_exe(), *GLOBAL_ARGS, "-y", *args, str(path)], check=True)
    return path


def pairs(argv: list[str]) -> list[tuple[str, str]]:
    return list(zip(argv, argv[1:], strict=False))


def test_ffmpeg_python_imports_without_warnings():
    # pytest turns warnings into errors; check a fresh interpreter too (no module cache).
    subprocess.run([sys.executable, "-W", "error", "-c", "import ffmpeg, coachlab.media.ffmpeg"],
                   check=True)


def test_command_uses_the_resolved_binary_and_global_options():
    argv = command(ffmpeg.input("in.wav").output("out.wav"), overwrite=True)
    assert argv == [ffmpeg_exe(), "-hide_banner", "-nostdin", "-v", "error", "-y",
                    "-i", "in.wav", "out.wav"]


def test_command_follows_coachlab_ffmpeg(tmp_path, monkeypatch):
    link = tmp_path / "my-ffmpeg"
    link.symlink_to(ffmpeg_exe())
    monkeypatch.setenv("COACHLAB_FFMPEG", str(link))
    ffmpeg_exe.cache_clear()
    try:
        assert command(ffmpeg.input("a.wav").output("b.wav"))[0] == str(link)
    finally:
        monkeypatch.undo()
        ffmpeg_exe.cache_clear()


def test_audio_cut_command_seeks_on_the_input():
    info = _Probe(duration=600.0, has_audio=True, has_video=False, channels=2)
    argv = _cut_command(Path("/rec/call.m4a"), Path("/out/.c.part"), "ogg", 125.5, 30.25, info,
                        False)
    i = argv.index("-i")
    # -ss before -i: a fast input seek to PREROLL s before the start ...
    assert argv[i - 2: i + 2] == ["-ss", f"{125.5 - PREROLL:.6f}", "-i", "/rec/call.m4a"]
    assert argv[1:i - 2] == [*GLOBAL_ARGS, "-y"]
    # ... then the exact output seek over the pre-roll and the length, after -i.
    out = argv[i + 2:]
    assert ("-ss", f"{PREROLL:.6f}") in pairs(out) and ("-t", "30.250000") in pairs(out)
    assert argv.count("-ss") == 2 and argv.count("-i") == 1
    for option in [("-map", "0:a:0"), ("-c:a", "libopus"), ("-b:a", "48k"),
                   ("-compression_level", "5"), ("-map_metadata", "-1"), ("-f", "ogg")]:
        assert option in pairs(out)
    assert {"-vn", "-sn", "-dn"} <= set(out)
    assert "-c:v" not in out and argv[-1] == "/out/.c.part"


def test_cut_near_the_start_seeks_from_zero():
    info = _Probe(duration=60.0, has_audio=True, has_video=False, channels=1)
    argv = _cut_command(Path("a.wav"), Path("b.part"), "webm", 1.25, 2.0, info, False)
    i = argv.index("-i")
    assert argv[i - 2: i] == ["-ss", "0.000000"]
    assert ("-ss", "1.250000") in pairs(argv[i:]) and ("-b:a", "32k") in pairs(argv[i:])


@pytest.mark.parametrize("has_audio", [True, False])
def test_video_cut_command(has_audio):
    info = _Probe(duration=60.0, has_audio=has_audio, has_video=True, channels=2)
    argv = _cut_command(Path("v.mp4"), Path("c.part"), "mp4", 10.0, 4.0, info, True)
    i = argv.index("-i")
    assert argv[i - 2: i] == ["-ss", f"{10.0 - PREROLL:.6f}"]
    out = argv[i + 2:]
    maps = [b for a, b in pairs(out) if a == "-map"]
    assert maps == (["0:v:0", "0:a:0"] if has_audio else ["0:v:0"])  # video first, in order
    for option in [("-c:v", "libx264"), ("-preset", "veryfast"), ("-pix_fmt", "yuv420p"),
                   ("-c:a", "aac"), ("-b:a", "96k"), ("-movflags", "+faststart"),
                   ("-f", "mp4"), ("-t", "4.000000")]:
        assert option in pairs(out)
    assert "-vn" not in out


def test_waveform_command_streams_pcm_to_stdout():
    argv = waveform_command("rec.ogg", 2)
    i = argv.index("-i")
    assert argv[1:i] == list(GLOBAL_ARGS) and argv[i + 1] == "rec.ogg"
    out = argv[i + 2:]
    for option in [("-map", "0:a:0"), ("-f", "s16le"), ("-acodec", "pcm_s16le"),
                   ("-ac", "2"), ("-ar", str(DECODE_RATE))]:
        assert option in pairs(out)
    assert "-vn" in out and argv[-1] == "pipe:1"


@pytest.fixture(scope="module")
def burst(tmp_path_factory) -> Path:
    """10 s stereo Opus in Ogg: a tone from 3 s to 4 s on the left, silence on the right."""
    return make(tmp_path_factory.mktemp("media") / "burst.ogg",
                "-f", "lavfi", "-i", f"aevalsrc=exprs='{BURST}|0':s=48000:d=10",
                "-c:a", "libopus", "-b:a", "64k")


def test_cut_runs_on_real_media(burst, tmp_path):
    result = cut_clip(burst, tmp_path / "clip.ogg", 2.5, 4.5)
    assert abs(result.duration - 2.0) < 0.005
    with av.open(str(result.path)) as container:
        stream = container.streams.audio[0]
        assert stream.codec_context.name == "opus" and stream.channels == 2
        samples = np.concatenate([f.to_ndarray() for f in container.decode(stream)], axis=1)
    loud = np.flatnonzero(np.abs(samples[0]) > 0.05) / stream.sample_rate
    assert abs(loud[0] - 0.5) < 0.005 and abs(loud[-1] - 1.5) < 0.005
    assert np.abs(samples[1]).max() < 0.01
    assert [p.name for p in tmp_path.iterdir()] == ["clip.ogg"]


def test_cut_failure_quotes_ffmpeg_and_leaves_nothing(tmp_path):
    src = make(tmp_path / "ten.wav", "-f", "lavfi",
               "-i", "aevalsrc=exprs=" + "|".join(["0"] * 10) + ":s=8000:d=2")
    with pytest.raises(CutError, match=r"ffmpeg failed cutting .*\(exit \d+\):\n.*encoder"):
        cut_clip(src, tmp_path / "out" / "clip.ogg", 0.0, 1.0)
    assert list((tmp_path / "out").iterdir()) == []


def test_waveform_runs_on_real_media(burst):
    wave_ = compute_waveform(burst, channels=2, duration=10.0)
    assert wave_.peaks_per_second == 100
    assert wave_.duration == pytest.approx(10.0, abs=0.01)
    left, right = (np.array(p) for p in wave_.peaks)
    assert len(left) == len(right) == pytest.approx(1000, abs=1)
    loud = np.flatnonzero(left > 0.1) / wave_.peaks_per_second
    assert loud[0] == pytest.approx(3.0, abs=0.02) and loud[-1] == pytest.approx(3.99, abs=0.02)
    assert left.max() == pytest.approx(0.5, abs=0.05) and right.max() < 0.01


def test_waveform_of_a_video_downmixes_its_audio(tmp_path):
    video = make(tmp_path / "v.mp4", "-f", "lavfi", "-i", "testsrc=d=2:s=64x48:r=10",
                 "-f", "lavfi", "-i", "sine=f=440:r=16000:d=2", "-c:v", "libx264",
                 "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest")
    wave_ = compute_waveform(video, channels=1, duration=2.0)
    assert len(wave_.peaks) == 1 and wave_.duration == pytest.approx(2.0, abs=0.05)


def test_waveform_error_carries_ffmpeg_stderr(tmp_path):
    bad = tmp_path / "bad.ogg"
    bad.write_bytes(b"not media at all")
    with pytest.raises(WaveformError, match="ffmpeg could not decode the audio: .+"):
        compute_waveform(bad, channels=1, duration=1.0)


def test_demo_synthesis_encodes_through_a_pipe(tmp_path):
    stereo = np.zeros((8000, 2), dtype=np.int16)
    stereo[:, 0] = 1000
    out = tmp_path / "call.wav"
    _encode(stereo, 8000, out, 16000)
    with wave.open(os.fspath(out)) as w:
        assert (w.getnchannels(), w.getframerate()) == (2, 16000)
        assert w.getnframes() == pytest.approx(16000, abs=32)
    assert _probe(out).duration == pytest.approx(1.0, abs=0.01)
