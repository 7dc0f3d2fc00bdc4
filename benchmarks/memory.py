"""Peak memory of the media steps on long dual-channel calls (1, 2 and 4 hours).

Builds long stereo Opus/Ogg calls by repeating the demo calls (``coachlab/demo/media``)
with a few seconds of silence between them (cached in the temp dir, so a second run
starts at once), then runs each step in a fresh process and reports its peak resident
set size (``ru_maxrss`` of that process and the ffmpeg it starts, from ``wait4``):

``cli``        ``coachlab transcribe`` (windowed transcription, as the worker job does);
``new``        ``transcribe_file`` called directly (``--window`` / ``--plain-malloc`` to explore);
``old``        the whole-file path transcribe_file had before windows: faster-whisper's
               ``decode_audio(split_stereo=True)`` then the batched pipeline per channel;
``old-head``   the same, up to the first segment of each channel only: its peak (the whole
               decoded file, VAD and the Mel features of a whole channel) comes before
               that, so this gives a lower bound of ``old`` in minutes, not hours;
``waveform``   ``compute_waveform`` (ffmpeg decodes, Python reduces as it streams);
``cut``        ``cut_clip`` of the last 60 s.

    .venv/bin/python benchmarks/memory.py [--hours 1,2,4] [--paths cli,old,waveform,cut]

Transcription runs at roughly 0.05-0.1x real time on 2 cores: 4 hours take a while.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a plain script from a checkout

from coachlab.media.ffmpeg import ffmpeg_exe  # noqa: E402

TARGET_MB = 700
DEMO_MEDIA = ROOT / "coachlab" / "demo" / "media"
CACHE = Path(tempfile.gettempdir()) / "coachlab-memory-bench"
GAP_SECONDS = 4.0
PATHS = ("cli", "old-head", "waveform", "cut")


def long_call(hours: float) -> Path:
    """A stereo Opus call of ``hours`` made of the demo calls and silences (cached)."""
    CACHE.mkdir(parents=True, exist_ok=True)
    out = CACHE / f"call-{hours:g}h.ogg"
    if out.exists():
        return out
    import av

    calls = sorted(DEMO_MEDIA.glob("*.ogg"))
    if not calls:
        sys.exit(f"no demo calls in {DEMO_MEDIA}")
    silence = CACHE / "silence.ogg"
    if not silence.exists():
        _ffmpeg("-f", "lavfi", "-i", "anullsrc=r=48000:cl=stereo", "-t", f"{GAP_SECONDS}",
                "-c:a", "libopus", "-b:a", "24k", str(silence))
    lengths = {}
    for path in calls:
        with av.open(str(path)) as container:
            lengths[path] = container.duration / av.time_base
    listing, total, index = [], 0.0, 0
    while total < hours * 3600:
        path = calls[index % len(calls)]
        listing += [path, silence]
        total += lengths[path] + GAP_SECONDS
        index += 1
    concat = CACHE / f"call-{hours:g}h.txt"
    concat.write_text("".join(f"file '{p}'\n" for p in listing))
    part = out.with_suffix(".part.ogg")
    print(f"building {out.name} ({index} calls) ...", flush=True)
    _ffmpeg("-f", "concat", "-safe", "0", "-i", str(concat), "-t", f"{hours * 3600:.3f}",
            "-c:a", "libopus", "-b:a", "24k", "-ac", "2", str(part))
    part.rename(out)
    return out


def _ffmpeg(*args: str) -> None:
    subprocess.run([ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", *args],
                   check=True)


def run_measured(argv: list[str], env: dict | None = None) -> tuple[float, float, float, str]:
    """Run ``argv``: its peak RSS in MB (it and its children), wall and CPU s, stdout."""
    with tempfile.TemporaryFile() as out:
        started = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=out, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - started
        out.seek(0)
        text = out.read().decode(errors="replace")
    if proc.returncode != 0:
        raise RuntimeError(f"{argv} failed with exit code {proc.returncode}")
    return usage.ru_maxrss / 1024, wall, usage.ru_utime + usage.ru_stime, text


Measured = tuple[float, float, float, str]  # peak RSS MB, wall s, CPU s, note


def measure(path_name: str, media: Path, args: argparse.Namespace) -> Measured:
    if path_name == "cli":
        with tempfile.TemporaryDirectory(prefix="coachlab-memory-") as tmp:
            env = {**os.environ, "COACHLAB_DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite",
                   "COACHLAB_MEDIA_DIR": f"{tmp}/media"}
            rss, wall, cpu, text = run_measured(
                [sys.executable, "-m", "coachlab.cli", "transcribe", str(media)], env)
        return rss, wall, cpu, f"{len(text.split())} words"
    child = [sys.executable, __file__, "--child", path_name, str(media)]
    if path_name == "new":
        child += ["--window", str(args.window)] + (["--plain-malloc"] if args.plain else [])
    rss, wall, cpu, text = run_measured(child)
    return rss, wall, cpu, text.strip().splitlines()[-1] if text.strip() else ""


# --- what runs in the child process ------------------------------------------------------


def child(kind: str, media: Path, window: float | None, trim: bool) -> None:
    if kind in ("new", "old", "old-head"):
        from coachlab.media import whisper

        whisper.load_model()
        transcript = (new_transcribe(media, window, trim) if kind == "new"
                      else old_transcribe(media, head_only=kind == "old-head"))
        words = sum(len(s.text.split()) for s in transcript.segments)
        print(f"{words} words")
    elif kind == "waveform":
        from coachlab.media.cut import _probe_duration
        from coachlab.media.waveform import compute_waveform

        waveform = compute_waveform(media, channels=2, duration=_probe_duration(media))
        print(f"{len(waveform.peaks[0])} peaks/channel")
    elif kind == "cut":
        from coachlab.media.cut import _probe_duration, cut_clip

        duration = _probe_duration(media)
        with tempfile.TemporaryDirectory(prefix="coachlab-memory-") as tmp:
            result = cut_clip(media, Path(tmp) / "clip.ogg", duration - 60, duration)
        print(f"clip {result.duration:.2f} s")
    else:
        sys.exit(f"unknown child {kind!r}")
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    this = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"python {this:.0f} MB, its children (ffmpeg) {children:.0f} MB", file=sys.stderr)


def new_transcribe(media: Path, window: float | None, trim: bool):
    from coachlab.media import whisper

    if not trim:
        whisper._libc = None  # neither malloc_trim nor the fixed mmap threshold
    return whisper.transcribe_file(media, window_seconds=window)


# the decoding of the path before windows (batched greedy), fixed here so "old" keeps its
# meaning whatever the app's defaults become
OLD_BEAM_SIZE, OLD_BATCH_SIZE = 1, 8


def old_transcribe(media: Path, head_only: bool = False):
    """transcribe_file as it was before windows (whole channels in memory).

    ``head_only``: stop each channel at its first segment (the first batch decoded).
    """
    from faster_whisper import decode_audio

    from coachlab.media import whisper
    from coachlab.media.transcript import Transcript

    model = whisper.load_model()
    left, right = decode_audio(str(media), sampling_rate=whisper.SAMPLE_RATE,
                               split_stereo=True)
    segments, detected = [], []
    for speaker, audio in (("agent", left), ("customer", right)):
        try:
            found, lang, prob = whisper._transcribe_track(
                model, audio, speaker, "en", beam_size=OLD_BEAM_SIZE, batch_size=OLD_BATCH_SIZE,
                report=_stop_at_first if head_only else lambda position: None)
        except _FirstSegment:
            found, lang, prob = [], "en", 0.0
        segments += found
        detected.append((prob if found else 0.0, lang))
    segments.sort(key=lambda s: (s.start, s.end))
    return Transcript(duration=len(left) / whisper.SAMPLE_RATE, language=max(detected)[1],
                      segments=segments)


class _FirstSegment(Exception):
    pass


def _stop_at_first(position: float) -> None:
    raise _FirstSegment


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hours", default="1,2,4", help="input lengths, e.g. 1,2")
    parser.add_argument("--paths", default=",".join(PATHS),
                        help=f"what to measure, among {', '.join(PATHS)}, new")
    parser.add_argument("--window", type=float, default=None,
                        help="'new': window seconds (default: transcribe_file's)")
    parser.add_argument("--plain-malloc", dest="plain", action="store_true",
                        help="'new': glibc's defaults (no mmap threshold, no malloc_trim)")
    parser.add_argument("--child", nargs=2, metavar=("KIND", "MEDIA"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        from coachlab.media import whisper

        window = whisper.WINDOW_SECONDS if args.window is None else args.window
        child(args.child[0], Path(args.child[1]), window or None, not args.plain)
        return
    if args.window is None:
        from coachlab.media.whisper import WINDOW_SECONDS

        args.window = WINDOW_SECONDS

    rows = []
    print(f"{'input':>6}  {'path':<12} {'peak RSS MB':>11} {'wall s':>8} {'CPU s':>8}  "
          f"target {TARGET_MB} MB  notes", flush=True)
    for hours in (float(h) for h in args.hours.split(",")):
        media = long_call(hours)
        for name in args.paths.split(","):
            rss, wall, cpu, note = measure(name, media, args)
            label = name
            if name == "new":
                label += f" w={args.window:g}" + (" plain" if args.plain else "")
            verdict = "ok" if rss < TARGET_MB else "OVER"
            rows.append((hours, label, round(rss), round(wall, 1), round(cpu, 1), verdict, note))
            print(f"{hours:>5g}h  {label:<12} {rss:>11.0f} {wall:>8.1f} {cpu:>8.1f}  "
                  f"{verdict:<16} {note}", flush=True)
    print(json.dumps(rows))


if __name__ == "__main__":
    main()
