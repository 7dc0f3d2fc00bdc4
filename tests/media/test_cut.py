"""Cutting clips with the real ffmpeg: duration, tone position, channels, video, failures."""

from __future__ import annotations

import subprocess
from pathlib import Path

import av
import numpy as np
import pytest

from coachlab.media.cut import CutError, CutResult, cut_clip
from coachlab.media.ffmpeg import ffmpeg_exe

TONE = "if(between(t,10,12),0.5*sin(2*PI*1000*t),0)"
TONE_LOW = "if(between(t,10,12),0.3*sin(2*PI*500*t),0)"
TOLERANCE = 0.030  # the target for durations
ONSET_TOLERANCE = 0.005  # measured ~0.1 ms; tight enough to catch a one-AAC-frame slip


def ffmpeg(*args: str) -> None:
    subprocess.run([ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", "-y", *args],
                   check=True)


@pytest.fixture(scope="module")
def sources(tmp_path_factory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("sources")
    mono, stereo, video = d / "mono.wav", d / "stereo.ogg", d / "video.mp4"
    aac = d / "stereo.m4a"
    ffmpeg("-f", "lavfi", "-i", f"aevalsrc=exprs='{TONE}':s=44100:d=60", str(mono))
    ffmpeg("-f", "lavfi", "-i", f"aevalsrc=exprs='{TONE}|{TONE_LOW}':s=44100:d=60",
           "-c:a", "libopus", "-b:a", "64k", str(stereo))
    # 16 kHz AAC: 64 ms frames, where plain input seeking lands up to a frame early
    ffmpeg("-f", "lavfi", "-i", f"aevalsrc=exprs='{TONE}|{TONE_LOW}':s=16000:d=60",
           "-c:a", "aac", "-b:a", "64k", str(aac))
    ffmpeg("-f", "lavfi", "-i", "testsrc=d=20:s=320x240:r=25",
           "-f", "lavfi", "-i", f"aevalsrc=exprs='{TONE}':s=44100:d=20",
           "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
           "-c:a", "aac", "-shortest", str(video))
    return {"mono": mono, "stereo": stereo, "aac": aac, "video": video}


def decode_audio(path: Path) -> tuple[np.ndarray, int]:
    """All audio samples as float32 (channels, samples) and the sample rate."""
    with av.open(str(path)) as container:
        stream = container.streams.audio[0]
        resampler = av.AudioResampler(format="fltp", layout=stream.layout.name,
                                      rate=stream.sample_rate)
        chunks = [f.to_ndarray() for frame in container.decode(stream)
                  for f in resampler.resample(frame)]
        chunks += [f.to_ndarray() for f in resampler.resample(None)]
        return np.concatenate(chunks, axis=1), stream.sample_rate


def onset(channel: np.ndarray, rate: int, threshold: float = 0.05) -> float:
    loud = np.flatnonzero(np.abs(channel) > threshold)
    assert loud.size, "no tone found"
    return loud[0] / rate


def streams(path: Path) -> list[str]:
    with av.open(str(path)) as container:
        return [s.type for s in container.streams]


@pytest.mark.parametrize("name", ["mono", "stereo", "aac"])
@pytest.mark.parametrize("start", [9.0, 9.37])
def test_audio_cut_is_frame_accurate(sources, tmp_path, name, start):
    result = cut_clip(sources[name], tmp_path / "clip.ogg", start, start + 4.0)
    assert isinstance(result, CutResult)
    assert result.path == tmp_path / "clip.ogg"
    assert result.has_video is False
    assert result.size == result.path.stat().st_size > 0
    assert abs(result.duration - 4.0) < TOLERANCE
    samples, rate = decode_audio(result.path)
    assert abs(samples.shape[1] / rate - 4.0) < TOLERANCE
    assert samples.shape[0] == (1 if name == "mono" else 2)
    for channel in samples:
        assert abs(onset(channel, rate) - (10.0 - start)) < ONSET_TOLERANCE
    with av.open(str(result.path)) as container:
        assert container.streams.audio[0].codec_context.name == "opus"
    assert [p.name for p in tmp_path.iterdir()] == ["clip.ogg"]


def test_stereo_channels_stay_distinct(sources, tmp_path):
    samples, _ = decode_audio(cut_clip(sources["stereo"], tmp_path / "c.webm", 9.0, 13.0).path)
    left, right = np.abs(samples[0]).max(), np.abs(samples[1]).max()
    assert left == pytest.approx(0.5, abs=0.08)
    assert right == pytest.approx(0.3, abs=0.08)


def test_video_kept(sources, tmp_path):
    result = cut_clip(sources["video"], tmp_path / "clip.mp4", 9.0, 13.0)
    assert result.has_video is True
    assert result.path.suffix == ".mp4"
    assert abs(result.duration - 4.0) < TOLERANCE
    with av.open(str(result.path)) as container:
        v = container.streams.video[0]
        assert v.codec_context.name == "h264"
        assert v.codec_context.pix_fmt == "yuv420p"
        assert container.streams.audio[0].codec_context.name == "aac"
    samples, rate = decode_audio(result.path)
    assert abs(onset(samples[0], rate) - 1.0) < ONSET_TOLERANCE


def test_video_dropped_on_request(sources, tmp_path):
    result = cut_clip(sources["video"], tmp_path / "clip.mp4", 9.0, 13.0, keep_video=False)
    assert result.has_video is False
    assert result.path == tmp_path / "clip.ogg"  # the suffix follows the content
    assert streams(result.path) == ["audio"]
    assert abs(result.duration - 4.0) < TOLERANCE
    assert not (tmp_path / "clip.mp4").exists()


def test_cut_up_to_the_very_end(sources, tmp_path):
    result = cut_clip(sources["mono"], tmp_path / "tail.ogg", 50.0, 60.0)
    assert abs(result.duration - 10.0) < TOLERANCE


def test_existing_output_is_replaced(sources, tmp_path):
    out = tmp_path / "clip.ogg"
    out.write_bytes(b"old")
    cut_clip(sources["mono"], out, 9.0, 13.0)
    assert out.stat().st_size > 3


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        (13.0, 9.0, "must be after start"),
        (9.0, 9.0, "must be after start"),
        (-1.0, 5.0, "start must be >= 0"),
        (50.0, 61.0, "beyond the source duration"),
        (float("nan"), 5.0, "finite"),
    ],
)
def test_invalid_spans(sources, tmp_path, start, end, message):
    with pytest.raises(CutError, match=message):
        cut_clip(sources["mono"], tmp_path / "clip.ogg", start, end)
    assert list(tmp_path.iterdir()) == []


def test_missing_source(tmp_path):
    with pytest.raises(CutError, match="not found"):
        cut_clip(tmp_path / "nope.ogg", tmp_path / "clip.ogg", 0.0, 1.0)
    assert list(tmp_path.iterdir()) == []


def test_unreadable_source(tmp_path):
    bad = tmp_path / "bad.ogg"
    bad.write_bytes(b"this is not media")
    with pytest.raises(CutError, match="cannot read"):
        cut_clip(bad, tmp_path / "clip.ogg", 0.0, 1.0)
    assert [p.name for p in tmp_path.iterdir()] == ["bad.ogg"]


def test_cut_error_is_a_value_error():
    assert issubclass(CutError, ValueError)


def test_ffmpeg_failure_leaves_nothing_behind(tmp_path):
    # Opus cannot encode ten channels: a real ffmpeg failure after validation passed.
    src = tmp_path / "ten.wav"
    ffmpeg("-f", "lavfi", "-i", "aevalsrc=exprs=" + "|".join(["0"] * 10) + ":s=8000:d=3", str(src))
    with pytest.raises(CutError, match=r"ffmpeg failed cutting .*\n.*encoder"):
        cut_clip(src, tmp_path / "out" / "clip.ogg", 0.0, 1.0)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "ten.wav"]
    assert list((tmp_path / "out").iterdir()) == []
