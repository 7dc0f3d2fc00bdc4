"""Benchmark: cutting a coaching clip out of an hour-long recording.

Generates a 60-minute stereo call-like recording (pink noise at a low level, a 1 kHz tone
at a known time near minute 40), encoded as Opus in Ogg or AAC in M4A like a recording
store would hold it, then

* cuts a 30 s clip around the tone with ``cut_clip`` (input seek + re-encode) and
* times a plain ffmpeg stream copy of the same span (``-ss`` before ``-i``, ``-c copy``),

and prints the clip duration error, the tone-onset error (ms) and the time ratio
app-cut / stream-copy. Run from the repository root:

    .venv/bin/python benchmarks/clips.py [--codec opus|aac] [--minutes 60] [--repeat 3]
                                         [--workdir DIR]  # keeps the source between runs
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import av
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from coachlab.media.cut import _probe_duration, cut_clip  # noqa: E402
from coachlab.media.ffmpeg import ffmpeg_exe  # noqa: E402

RATE = 16000  # wide-band telephony
TONE_AT = 2405.0  # s, just after minute 40
TONE_LENGTH = 2.0
CLIP_START = 2403.37  # deliberately not on a packet boundary
CLIP_LENGTH = 30.0
THRESHOLD = 0.1  # well above the noise floor (~0.005)
CODECS = {
    "opus": (".ogg", ["-c:a", "libopus", "-b:a", "32k"]),
    "aac": (".m4a", ["-c:a", "aac", "-b:a", "64k"]),
}


def ffmpeg(*args: str) -> None:
    subprocess.run([ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", "-y", *args],
                   check=True)


def make_source(path: Path, minutes: float, codec: str) -> None:
    total = minutes * 60
    graph = (
        f"anoisesrc=c=pink:a=0.005:r={RATE}:d={total},pan=stereo|c0=c0|c1=c0[noise];"
        f"sine=f=1000:r={RATE}:d={TONE_LENGTH},volume=4,pan=stereo|c0=c0|c1=0.6*c0,"
        f"adelay={round(TONE_AT * 1000)}:all=1,apad=whole_dur={total}[tone];"
        f"[noise][tone]amix=inputs=2:normalize=0:duration=first"
    )
    ffmpeg("-filter_complex", graph, *CODECS[codec][1], str(path))


def stream_copy(src: Path, out: Path, start: float, length: float) -> None:
    ffmpeg("-ss", f"{start:.6f}", "-i", str(src), "-t", f"{length:.6f}", "-map", "0:a:0",
           "-c", "copy", str(out))


def tone_onsets(path: Path) -> list[float]:
    """Time (s) of the first sample above THRESHOLD, per channel."""
    with av.open(str(path)) as container:
        stream = container.streams.audio[0]
        resampler = av.AudioResampler(format="fltp", layout=stream.layout.name,
                                      rate=stream.sample_rate)
        frames = [f.to_ndarray() for frame in container.decode(stream)
                  for f in resampler.resample(frame)]
        frames += [f.to_ndarray() for f in resampler.resample(None)]
        samples = np.concatenate(frames, axis=1)
        rate = stream.sample_rate
    out = []
    for channel in samples:
        loud = np.flatnonzero(np.abs(channel) > THRESHOLD)
        out.append(loud[0] / rate if loud.size else float("nan"))
    return out


def timed(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--codec", choices=sorted(CODECS), default="opus")
    parser.add_argument("--minutes", type=float, default=60.0)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workdir", type=Path, help="keep the generated source here")
    args = parser.parse_args(argv)
    if args.minutes * 60 < CLIP_START + CLIP_LENGTH:
        parser.error(f"--minutes must cover the clip at {CLIP_START:.0f} s")

    with tempfile.TemporaryDirectory(prefix="coachlab-bench-") as tmp:
        d = Path(tmp)
        store = args.workdir or d
        store.mkdir(parents=True, exist_ok=True)
        src = store / f"call-{args.minutes:g}min{CODECS[args.codec][0]}"
        t0 = time.perf_counter()
        if not src.exists():
            make_source(src, args.minutes, args.codec)
        print(f"source: {args.minutes:g} min stereo {args.codec} {RATE} Hz, "
              f"{src.stat().st_size / 1e6:.1f} MB, {_probe_duration(src):.3f} s, "
              f"ready in {time.perf_counter() - t0:.1f} s")

        end = CLIP_START + CLIP_LENGTH
        app_out, copy_out = d / "clip.ogg", d / f"copy{CODECS[args.codec][0]}"
        app_time = timed(lambda: cut_clip(src, app_out, CLIP_START, end), args.repeat)
        copy_time = timed(lambda: stream_copy(src, copy_out, CLIP_START, CLIP_LENGTH),
                          args.repeat)
        result = cut_clip(src, app_out, CLIP_START, end)

        expected_onset = TONE_AT - CLIP_START
        print(f"clip: {CLIP_LENGTH:.0f} s from {CLIP_START:.2f} s, tone expected "
              f"{expected_onset:.3f} s into the clip (median of {args.repeat} runs)")
        for label, path, duration, seconds in (
            ("app cut (re-encode)", result.path, result.duration, app_time),
            ("stream copy", copy_out, _probe_duration(copy_out), copy_time),
        ):
            onsets = tone_onsets(path)
            errors = ", ".join(f"{(o - expected_onset) * 1000:+.1f}" for o in onsets)
            print(f"  {label:<20} {seconds * 1000:7.0f} ms  "
                  f"duration error {(duration - CLIP_LENGTH) * 1000:+7.1f} ms  "
                  f"tone onset error per channel [{errors}] ms  "
                  f"{path.stat().st_size / 1e3:.0f} kB")
        print(f"time ratio app-cut / stream-copy: {app_time / copy_time:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
