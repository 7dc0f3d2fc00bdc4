"""Transcription accuracy and speed: configurations compared on the same dual-channel calls.

The calls (``--set broad``, the default) are those of ``audio_bench.py``: 16 scripted
contact-centre calls spoken by several espeak-ng voices and accents per side at 135-200
words/min, in four conditions (clean, 8 kHz G.711 telephone band, background noise at
10-20 dB SNR, talk-over with line echo). ``--set own`` uses the project's own three calls
(``transcription_calls.json``, the voices the first settings were chosen on).

Every configuration transcribes every call, interleaved call by call (so a busy moment on
the machine falls on all of them alike), in one process with the models loaded before
timing. Printed per configuration: word error rate (jiwer, one normalisation for all:
lower case, no punctuation, numbers as words, a few spelling variants) overall, per side
and per condition, wall and CPU time, and the ratio of wall time to the bare model's:

``bare``  faster-whisper used plainly, with its defaults (sequential, beam 5, best_of 5,
          temperature fallback, no VAD, conditioned on the previous text) plus the word
          timestamps the app needs: ``decode_audio(split_stereo=True)`` then
          ``model.transcribe`` per channel, one after the other, ``cpu_threads`` as the
          app's (2).

Targets: WER at or below bare's, wall time <= 0.8x bare's.

    .venv/bin/python benchmarks/transcription.py [--set broad|own] [--configs a,b|all] [--app]

The table in the README came from ``--configs bare,app-before,seq-b5-vad,par-b5-vad,
par-b5-vad-nocond,par-batched-b5`` (``app`` is ``par-b5-vad``: the defaults).

``--app`` also times the whole app pipeline (a queued upload to its stored transcript).
"""

from __future__ import annotations

import argparse
import functools
import json
import logging
import os
import re
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a plain script from a checkout
sys.path.append(str(ROOT / "benchmarks"))  # audio_bench; after ROOT: microskills is a package

import av  # noqa: E402
import jiwer  # noqa: E402
from faster_whisper import decode_audio  # noqa: E402

from coachlab.media import whisper  # noqa: E402
from coachlab.media.transcript import Segment, Transcript  # noqa: E402

log = logging.getLogger(__name__)

SCRIPTS = Path(__file__).with_name("transcription_calls.json")
CONDITIONS = ("clean", "8khz", "noise", "talkover")
TARGET_RATIO = 0.8
THREADS = 2  # the app's COACHLAB_WHISPER_THREADS default

Pipeline = Callable[[Path], Transcript]


@dataclass
class Call:
    name: str
    condition: str
    path: Path
    duration: float
    references: dict[str, str]  # "agent" / "customer" -> what that side says


def broad_calls() -> list[Call]:
    from audio_bench import bench_calls

    return [Call(c.name, c.condition, c.path, c.duration, c.references) for c in bench_calls()]


def own_calls(workdir: Path) -> list[Call]:
    """The project's own three calls (two espeak voices, one speed, clean)."""
    from coachlab.demo.synth import synthesize_call

    calls = []
    for script in json.loads(SCRIPTS.read_text()):
        path = workdir / f"{script['name']}.ogg"
        agent_voice, customer_voice = script["voices"]
        timeline = synthesize_call([tuple(t) for t in script["turns"]], path,
                                   agent_voice=agent_voice, customer_voice=customer_voice)
        with av.open(str(path)) as container:
            duration = container.duration / av.time_base
        references = {who: " ".join(t["text"] for t in timeline if t["speaker"] == who)
                      for who in ("agent", "customer")}
        calls.append(Call(script["name"], "clean", path, float(duration), references))
    return calls


# --- the configurations ------------------------------------------------------------------


def bare_faster_whisper(path: Path, *, cpu_threads: int = THREADS, **options) -> Transcript:
    """faster-whisper with its defaults (plus word timestamps), channel after channel."""
    model = whisper.load_model(cpu_threads=cpu_threads)
    left, right = decode_audio(str(path), split_stereo=True)
    segments = []
    for speaker, audio in (("agent", left), ("customer", right)):
        raw, _info = model.transcribe(audio, language="en", word_timestamps=True, **options)
        segments += [Segment(s.start, s.end, speaker, s.text.strip()) for s in raw]
    return Transcript(duration=len(left) / 16000, language="en", segments=segments)


def configurations() -> dict[str, tuple[str, Pipeline]]:
    ours = functools.partial(whisper.transcribe_file, cpu_threads=THREADS)
    return {
        "bare": ("(a) faster-whisper defaults: sequential, beam 5, no VAD",
                 bare_faster_whisper),
        "app-before": ("(b) app before: batched 8, greedy, VAD",
                       functools.partial(ours, batch_size=8, beam_size=1,
                                         parallel_channels=False)),
        "seq-b5-vad": ("sequential channels, beam 5, VAD",
                       functools.partial(ours, batch_size=0, beam_size=5,
                                         parallel_channels=False)),
        "par-b5": ("channels in parallel (1 thread each), beam 5, no VAD",
                   functools.partial(ours, batch_size=0, beam_size=5, parallel_channels=True,
                                     vad_filter=False)),
        "par-b5-vad": ("channels in parallel, beam 5, VAD",
                       functools.partial(ours, batch_size=0, beam_size=5,
                                         parallel_channels=True)),
        "par-b5-vad-nocond": ("channels in parallel, beam 5, VAD, no previous-text prompt",
                              functools.partial(ours, batch_size=0, beam_size=5,
                                                parallel_channels=True,
                                                condition_on_previous_text=False)),
        "par-greedy-vad": ("channels in parallel, greedy, VAD",
                           functools.partial(ours, batch_size=0, beam_size=1,
                                             parallel_channels=True)),
        "par-batched-b5": ("channels in parallel, batched 8, beam 5, VAD",
                           functools.partial(ours, batch_size=8, beam_size=5,
                                             parallel_channels=True)),
        "app": ("app now (transcribe_file defaults)", ours),
    }


# --- scoring -----------------------------------------------------------------------------

ONES = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
        "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
        "eighteen", "nineteen"]
TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty",
        "ninety"]
ORDINALS = {"one": "first", "two": "second", "three": "third", "five": "fifth",
            "eight": "eighth", "nine": "ninth", "twelve": "twelfth"}
CURRENCY = {"£": "pounds", "$": "dollars", "€": "euros"}
SPELLINGS = {"ok": "okay", "alright": "all right", "mr": "mister", "mrs": "missus",
             "dr": "doctor", "oh": "zero", "colour": "color", "travelling": "traveling",
             "cancelled": "canceled", "cancelling": "canceling", "neighbours": "neighbors",
             "neighbour": "neighbor", "programme": "program"}


def say(n: int) -> str:
    """A cardinal number in words (American style: no "and")."""
    if n < 20:
        return ONES[n]
    if n < 100:
        return TENS[n // 10] + ("" if n % 10 == 0 else " " + ONES[n % 10])
    if n < 1000:
        rest = n % 100
        return ONES[n // 100] + " hundred" + (" " + say(rest) if rest else "")
    if n < 1_000_000:
        rest = n % 1000
        return say(n // 1000) + " thousand" + (" " + say(rest) if rest else "")
    return " ".join(ONES[int(d)] for d in str(n))


def say_number(digits: str) -> str:
    """How a run of digits is (most likely) spoken: digit by digit when it starts with 0
    or is 5+ digits long (phone, account and meter numbers), years as years."""
    if len(digits) > 1 and digits[0] == "0" or len(digits) >= 5:
        return " ".join(ONES[int(d)] for d in digits)
    n = int(digits)
    if 1100 <= n <= 1999 or 2010 <= n <= 2099:
        high, low = divmod(n, 100)
        return say(high) + (" hundred" if low == 0 else " " + say(low) if low >= 10
                            else " zero " + say(low))
    return say(n)


def ordinal(words: str) -> str:
    *head, last = words.split()
    if last in ORDINALS:
        last = ORDINALS[last]
    elif last.endswith("y"):
        last = last[:-1] + "ieth"
    else:
        last += "th"
    return " ".join([*head, last])


NUMBER = re.compile(r"([£$€]?)(\d[\d,]*)(?:([.:])(\d+))?(st|nd|rd|th)?(%)?")


def _number(match: re.Match) -> str:
    currency, whole, sep, part, suffix, percent = match.groups()
    words = say_number(whole.replace(",", ""))
    if suffix:
        words = ordinal(words)
    if sep == ".":
        words += " point " + " ".join(ONES[int(d)] for d in part)
    elif sep == ":":
        words += "" if int(part) == 0 else " " + say_number(part.lstrip("0") or "0")
    if percent:
        words += " percent"
    if currency:
        words += " " + CURRENCY[currency]
    return f" {words} "


def normalise(text: str) -> str:
    """Lower case, numbers as words, no punctuation, a few spellings made one."""
    text = text.lower().replace("per cent", "percent").replace("&", " and ")
    text = text.replace("e-mail", "email")
    text = NUMBER.sub(_number, text)
    text = re.sub(r"[-‐–—/]", " ", text)
    text = re.sub(r"[^a-z' ]+", " ", text)
    words = [SPELLINGS.get(w, w) for w in text.replace("'", "").split()]
    out: list[str] = []
    for word in words:  # "double nine" -> "nine nine"; "hundred and five" -> "hundred five"
        if out and out[-1] == "double" and word in ONES[:10]:
            out[-1] = word
        elif out and out[-1] == "and" and len(out) > 1 and out[-2] == "hundred" and word in (
                *ONES, *TENS[2:]):
            out[-1] = word
            continue
        out.append(word)
    return " ".join(out)


def side_text(transcript: Transcript, speaker: str) -> str:
    return " ".join(s.text for s in transcript.segments if s.speaker == speaker)


def word_error_rate(calls: list[Call], transcripts: list[Transcript],
                    speakers: tuple[str, ...] = ("agent", "customer")) -> float:
    """Corpus WER (all errors / all reference words) over the given sides of the calls,
    each side scored on its own channel's text (so the merge order does not matter)."""
    references, hypotheses = [], []
    for call, transcript in zip(calls, transcripts, strict=True):
        for speaker in speakers:
            references.append(normalise(call.references[speaker]))
            hypotheses.append(normalise(side_text(transcript, speaker)))
    if not any(references):
        return float("nan")
    return jiwer.wer(references, hypotheses)


# --- running -----------------------------------------------------------------------------


@dataclass
class Run:
    key: str
    description: str
    transcripts: list[Transcript] = field(default_factory=list)
    walls: list[float] = field(default_factory=list)  # per call
    wall: float = 0.0
    cpu: float = 0.0

    def scores(self, calls: list[Call]) -> dict[str, float]:
        scores = {"all": word_error_rate(calls, self.transcripts),
                  "advisor": word_error_rate(calls, self.transcripts, ("agent",)),
                  "customer": word_error_rate(calls, self.transcripts, ("customer",))}
        for condition in CONDITIONS:
            chosen = [(c, t) for c, t in zip(calls, self.transcripts, strict=True)
                      if c.condition == condition]
            if chosen:
                scores[condition] = word_error_rate(*map(list, zip(*chosen, strict=True)))
        return scores


def run_all(calls: list[Call], chosen: dict[str, tuple[str, Pipeline]],
            repeat: int = 1) -> list[Run]:
    """Every configuration on every call, call by call; best of ``repeat`` per call."""
    runs = [Run(key, description) for key, (description, _fn) in chosen.items()]
    for number, call in enumerate(calls, 1):
        for run, (_description, fn) in zip(runs, chosen.values(), strict=True):
            best_wall = best_cpu = float("inf")
            for _ in range(repeat):
                started, started_cpu = time.perf_counter(), time.process_time()
                transcript = fn(call.path)
                best_wall = min(best_wall, time.perf_counter() - started)
                best_cpu = min(best_cpu, time.process_time() - started_cpu)
            run.wall += best_wall
            run.walls.append(best_wall)
            run.cpu += best_cpu
            run.transcripts.append(transcript)
        print(f"  [{number}/{len(calls)}] {call.name} ({call.condition}, {call.duration:.0f} s): "
              + ", ".join(f"{r.key} {r.wall:.1f}s" for r in runs), file=sys.stderr, flush=True)
    return runs


def print_table(calls: list[Call], runs: list[Run]) -> list[dict]:
    bare = next((r for r in runs if r.key == "bare"), None)
    conditions = [c for c in CONDITIONS if any(call.condition == c for call in calls)]
    head = ["configuration", "WER", "advisor", "customer", *conditions, "wall s", "x bare",
            "cpu s", "cpu x bare"]
    rows = []
    for run in runs:
        scores = run.scores(calls)
        ratio = run.wall / bare.wall if bare else float("nan")
        cpu_ratio = run.cpu / bare.cpu if bare else float("nan")
        rows.append({"key": run.key, "description": run.description, **scores,
                     "wall": run.wall, "cpu": run.cpu, "ratio": ratio, "cpu_ratio": cpu_ratio})
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for row in rows:
        cells = [f"`{row['key']}` {row['description']}", *(
            f"{row[k]:.3f}" for k in ("all", "advisor", "customer", *conditions)),
            f"{row['wall']:.1f}", f"{row['ratio']:.2f}", f"{row['cpu']:.1f}",
            f"{row['cpu_ratio']:.2f}"]
        print("| " + " | ".join(cells) + " |")
    if bare:
        base = next(r for r in rows if r["key"] == "bare")
        for row in rows:
            if row["key"] == "bare":
                continue
            wer_ok = row["all"] <= base["all"] + 1e-9
            time_ok = row["ratio"] <= TARGET_RATIO
            print(f"{row['key']:<20} WER {'ok' if wer_ok else 'ABOVE bare'}, "
                  f"time {'ok' if time_ok else 'OVER'} (target <= {TARGET_RATIO}x bare)")
    return rows


@dataclass
class Result:
    name: str
    audio_seconds: float
    seconds: float
    cpu_seconds: float
    wer: float

    @property
    def rtf(self) -> float:
        return self.seconds / self.audio_seconds


class AppPipeline:
    """The whole app path from an upload that is stored and queued to its transcript stored.

    Each call is uploaded through the real upload service into a throwaway instance
    (SQLite, local storage) outside the timing; what is timed is the recording's job
    (waveform, transcription, storing segments and words, microskill tagging, suggestions),
    run in this process so that the same loaded model serves both measurements.
    """

    def __init__(self, workdir: Path) -> None:
        import datetime as dt

        from flask_migrate import upgrade

        from coachlab import create_app
        from coachlab.auth.models import Role
        from coachlab.auth.service import create_team, create_user
        from coachlab.db import db

        self.app = create_app({
            "DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite'}", "SECRET_KEY": "bench",
            "MEDIA_DIR": str(workdir / "media"), "UPLOAD_TMP_DIR": str(workdir / "tmp"),
            "HUEY_FILE": str(workdir / "huey.sqlite"), "JOBS_IMMEDIATE": False})
        with self.app.app_context():
            upgrade()
            team = create_team("Bench")
            self.advisor_id = create_user(email="bench@example.com", name="Bench",
                                          role=Role.ADVISOR, password="benchmark-pw",
                                          team=team).id
            db.session.commit()
        self.called_at = dt.datetime(2026, 11, 1, 9, 0, tzinfo=dt.UTC)

    def measure(self, name: str, calls: list[Call], repeat: int = 1) -> Result:
        from coachlab.auth.models import User
        from coachlab.db import db
        from coachlab.jobs import run_job
        from coachlab.recordings.models import Recording, Status
        from coachlab.recordings.service import CallDetails, store_upload
        from coachlab.transcripts.service import load_transcript

        wall = cpu = 0.0
        transcripts = []
        with self.app.app_context():
            advisor = db.session.get(User, self.advisor_id)
            for call in calls:
                best_wall = best_cpu = float("inf")
                for _ in range(repeat):
                    with call.path.open("rb") as stream:
                        recording = store_upload(stream, call.path.name, CallDetails(
                            advisor=advisor, called_at=self.called_at), uploaded_by=advisor)
                    db.session.commit()
                    started, started_cpu = time.perf_counter(), time.process_time()
                    run_job.call_local("recording.process", "recordings", recording.id)
                    best_wall = min(best_wall, time.perf_counter() - started)
                    best_cpu = min(best_cpu, time.process_time() - started_cpu)
                    db.session.expire_all()  # the job ran in its own app context and session
                    recording = db.session.get(Recording, recording.id)
                    assert recording.status is Status.READY, recording.failure_reason
                wall, cpu = wall + best_wall, cpu + best_cpu
                transcripts.append(load_transcript(recording))
        result = Result(name, sum(c.duration for c in calls), wall, cpu,
                        word_error_rate(calls, transcripts))
        print(f"{name:<42} wall {wall:6.2f} s  RTF {result.rtf:.4f}  cpu {cpu:6.2f} s  "
              f"WER {result.wer:.3f}", flush=True)
        return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", choices=("broad", "own"), default="broad",
                        help="the broader benchmark (default) or the project's own 3 calls")
    parser.add_argument("--configs", default="bare,app-before,app",
                        help="comma-separated configuration keys or 'all' (default: %(default)s;"
                             " all takes ~40 min on 2 cores); see --list")
    parser.add_argument("--list", action="store_true", help="list the configurations")
    parser.add_argument("--repeat", type=int, default=1, help="runs per call, best counts")
    parser.add_argument("--app", action="store_true",
                        help="also time the app pipeline from a queued upload")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    available = configurations()
    if args.list:
        for key, (description, _fn) in available.items():
            print(f"{key:<20} {description}")
        return
    keys = list(available) if args.configs == "all" else [
        k for k in args.configs.split(",") if k]
    if "bare" not in keys:
        keys.insert(0, "bare")
    unknown = set(keys) - set(available)
    if unknown:
        parser.error(f"unknown configurations: {', '.join(sorted(unknown))} (see --list)")
    chosen = {k: available[k] for k in keys}

    with tempfile.TemporaryDirectory(prefix="coachlab-bench-") as tmp:
        calls = broad_calls() if args.set == "broad" else own_calls(Path(tmp))
        audio = sum(c.duration for c in calls)
        print(f"{len(calls)} calls, {audio:.0f} s of audio ({args.set}); "
              f"{os.cpu_count()} CPU cores; cpu_threads {THREADS}")
        for threads, workers in ((THREADS, 1), (max(1, THREADS // 2), 2)):
            whisper.load_model(cpu_threads=threads, num_workers=workers)
        whisper.transcribe_file(calls[0].path, batch_size=0)  # warm-up: VAD model, caches
        runs = run_all(calls, chosen, args.repeat)
        rows = print_table(calls, runs)
        if args.app:
            bare = next(r for r in runs if r.key == "bare")
            app = AppPipeline(Path(tmp)).measure("app pipeline (queued -> transcript stored)",
                                                 calls, args.repeat)
            print(f"app pipeline / bare: wall {app.seconds / bare.wall:.2f}, "
                  f"cpu {app.cpu_seconds / bare.cpu:.2f}; WER {app.wer:.3f}")
        if args.json:
            per_call = [{"name": c.name, "condition": c.condition, "duration": c.duration,
                         "results": {r.key: {"wall": r.walls[n],
                                             **{who: side_text(r.transcripts[n], who)
                                                for who in ("agent", "customer")}}
                                     for r in runs}}
                        for n, c in enumerate(calls)]
            args.json.write_text(json.dumps({"set": args.set, "calls": len(calls),
                                             "audio_seconds": audio, "cores": os.cpu_count(),
                                             "rows": rows, "per_call": per_call}, indent=1))


if __name__ == "__main__":
    main()
