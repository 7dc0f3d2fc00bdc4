"""``coachlab cut``: the same cut as the app, with clear errors."""

from __future__ import annotations

import re

import pytest

from coachlab.media.cut import _probe
from tests.factories import generate_media


@pytest.fixture
def source(tmp_path):
    return generate_media(tmp_path / "call.wav", seconds=4.0, channels=2)


def test_cut_prints_the_duration(runner, source, tmp_path):
    out = tmp_path / "clip.ogg"
    result = runner.invoke(args=["cut", str(source), str(out), "--start", "0.5", "--end", "2.25"])
    assert result.exit_code == 0, result.output
    assert re.search(r"clip\.ogg: 1\.75\d s of audio, \d+ bytes", result.output)
    assert _probe(out).duration == pytest.approx(1.75, abs=0.01)


def test_cut_accepts_minutes_and_fixes_the_suffix(runner, source, tmp_path):
    result = runner.invoke(args=["cut", str(source), str(tmp_path / "clip.mp4"),
                                 "-s", "0:01", "-e", "0:03.5"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "clip.ogg").is_file() and "2.500 s of audio" in result.output


def test_cut_keeps_or_drops_video(runner, tmp_path):
    video = generate_media(tmp_path / "screen.mp4", seconds=3.0, video=True)
    kept = runner.invoke(args=["cut", str(video), str(tmp_path / "v.mp4"), "-s", "1", "-e", "2"])
    assert kept.exit_code == 0 and "of video" in kept.output
    dropped = runner.invoke(args=["cut", str(video), str(tmp_path / "a.ogg"), "-s", "1",
                                  "-e", "2", "--drop-video"])
    assert dropped.exit_code == 0 and "of audio" in dropped.output


@pytest.mark.parametrize(("args", "message"), [
    (["--start", "3", "--end", "2"], "must be after start"),
    (["--start", "1", "--end", "9"], "beyond the source duration"),
    (["--start", "abc", "--end", "2"], "is not a time"),
    (["--end", "2"], "Missing option"),
])
def test_cut_reports_bad_input(runner, source, tmp_path, args, message):
    out = tmp_path / "clip.ogg"
    result = runner.invoke(args=["cut", str(source), str(out), *args])
    assert result.exit_code != 0 and message in result.output
    assert not out.exists() and not list(tmp_path.glob(".clip*"))


def test_cut_reports_a_missing_or_bad_source(runner, tmp_path):
    missing = runner.invoke(args=["cut", str(tmp_path / "nope.wav"), str(tmp_path / "x.ogg"),
                                  "-s", "0", "-e", "1"])
    assert missing.exit_code != 0 and "does not exist" in missing.output
    junk = tmp_path / "junk.wav"
    junk.write_bytes(b"not audio at all")
    bad = runner.invoke(args=["cut", str(junk), str(tmp_path / "x.ogg"), "-s", "0", "-e", "1"])
    assert bad.exit_code != 0 and "cannot read media file" in bad.output
