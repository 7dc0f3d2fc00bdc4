"""Transcription speed and accuracy on synthetic multi-minute dual-channel calls.

Synthesises the scripted calls of ``transcription_calls.json`` with espeak-ng (agent on the
left channel, customer on the right), then in one process measures:

(a) bare faster-whisper: ``decode_audio(split_stereo=True)`` + ``model.transcribe`` per
    channel with the same options, generator consumed;
(b) ``coachlab.media.whisper.transcribe_file``;
(c) the app pipeline: a stored, queued upload through its whole job to the transcript
    stored in the database (``AppPipeline``);

and prints real-time factors (processing seconds / audio seconds), the ratio b/a (target
<= 1.15) and the word error rate against the scripts. Any ``pipeline(path) -> Transcript``
can be measured the same way: ``measure("app pipeline", pipeline, calls)``.

    .venv/bin/python benchmarks/transcription.py [--explore] [--repeat N] [--format wav]

``--explore`` also measures sequential vs batched inference (transcribe_file uses batches
of 8), cpu_threads=1 and beam_size=5.
Model loading is done before timing and not counted.
"""

from __future__ import annotations

import argparse
import functools
import json
import logging
import re
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a plain script from a checkout

import av  # noqa: E402
import jiwer  # noqa: E402
from faster_whisper import decode_audio  # noqa: E402

from coachlab.demo.synth import synthesize_call  # noqa: E402
from coachlab.media.transcript import Segment, Transcript  # noqa: E402
from coachlab.media.whisper import load_model, transcribe_file  # noqa: E402

log = logging.getLogger(__name__)

SCRIPTS = Path(__file__).with_name("transcription_calls.json")
TARGET_RATIO = 1.15

Pipeline = Callable[[Path], Transcript]


@dataclass
class Call:
    name: str
    path: Path
    duration: float
    timeline: list[dict]


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


def make_calls(workdir: Path, suffix: str = ".ogg") -> list[Call]:
    calls = []
    for script in json.loads(SCRIPTS.read_text()):
        path = workdir / f"{script['name']}{suffix}"
        agent_voice, customer_voice = script["voices"]
        timeline = synthesize_call([tuple(t) for t in script["turns"]], path,
                                   agent_voice=agent_voice, customer_voice=customer_voice)
        with av.open(str(path)) as container:
            duration = container.duration / av.time_base
        calls.append(Call(script["name"], path, float(duration), timeline))
    return calls


def bare_faster_whisper(path: Path, *, beam_size: int = 1, cpu_threads: int = 2) -> Transcript:
    """The baseline: faster-whisper used directly, with the options transcribe_file uses."""
    model = load_model(cpu_threads=cpu_threads)
    left, right = decode_audio(str(path), split_stereo=True)
    segments = []
    for speaker, audio in (("agent", left), ("customer", right)):
        raw, _info = model.transcribe(audio, language="en", beam_size=beam_size,
                                      word_timestamps=True, vad_filter=True)
        segments += [Segment(s.start, s.end, speaker, s.text.strip()) for s in raw]
    return Transcript(duration=len(left) / 16000, language="en", segments=segments)


def normalise(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9' ]+", " ", text.lower()).split())


def word_error_rate(calls: list[Call], transcripts: list[Transcript]) -> float:
    """Corpus WER over each call's agent and customer text (per channel, so order-proof)."""
    references, hypotheses = [], []
    for call, transcript in zip(calls, transcripts, strict=True):
        for speaker in ("agent", "customer"):
            references.append(normalise(" ".join(
                t["text"] for t in call.timeline if t["speaker"] == speaker)))
            hypotheses.append(normalise(" ".join(
                s.text for s in transcript.segments if s.speaker == speaker)))
    return jiwer.wer(references, hypotheses)


def measure(name: str, fn: Pipeline, calls: list[Call], repeat: int = 1) -> Result:
    """Time ``fn`` on every call (best of ``repeat`` runs per call) and score its output.

    Wall time gives the real-time factor; CPU time of this process (all threads) is also
    kept because it is far less disturbed by other programs busy on the same cores.
    """
    wall = cpu = 0.0
    transcripts = []
    for call in calls:
        best_wall = best_cpu = float("inf")
        for _ in range(repeat):
            started, started_cpu = time.perf_counter(), time.process_time()
            transcript = fn(call.path)
            best_wall = min(best_wall, time.perf_counter() - started)
            best_cpu = min(best_cpu, time.process_time() - started_cpu)
        wall, cpu = wall + best_wall, cpu + best_cpu
        transcripts.append(transcript)
    result = Result(name, sum(c.duration for c in calls), wall, cpu,
                    word_error_rate(calls, transcripts))
    print(f"{name:<42} wall {wall:6.2f} s  RTF {result.rtf:.4f}  cpu {cpu:6.2f} s  "
          f"WER {result.wer:.3f}", flush=True)
    return result


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


def explore(calls: list[Call], repeat: int) -> None:
    ours = functools.partial
    variants: dict[str, Pipeline] = {
        "ours sequential, cpu_threads=2": ours(transcribe_file, batch_size=0),
        "ours sequential, cpu_threads=1": ours(transcribe_file, batch_size=0, cpu_threads=1),
        "ours batched(8), cpu_threads=1": ours(transcribe_file, cpu_threads=1),
        "ours batched(4), cpu_threads=2": ours(transcribe_file, batch_size=4),
        "ours batched(16), cpu_threads=2": ours(transcribe_file, batch_size=16),
        "ours batched(8), beam_size=5": ours(transcribe_file, beam_size=5),
    }
    load_model(cpu_threads=1)
    for name, fn in variants.items():
        measure(name, fn, calls, repeat)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--explore", action="store_true",
                        help="also try sequential/batched, cpu_threads=1, beam_size=5")
    parser.add_argument("--repeat", type=int, default=2, help="runs per call, best counts")
    parser.add_argument("--format", default="ogg", help="audio format of the calls (ogg, wav)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)

    with tempfile.TemporaryDirectory(prefix="coachlab-bench-") as tmp:
        calls = make_calls(Path(tmp), f".{args.format}")
        audio = sum(c.duration for c in calls)
        print(f"{len(calls)} calls, {audio:.1f} s of audio "
              f"({', '.join(f'{c.name} {c.duration:.0f} s' for c in calls)})")
        load_model()
        transcribe_file(calls[0].path)  # warm-up: VAD model, allocator, caches
        bare = measure("bare faster-whisper (cpu_threads=2)", bare_faster_whisper, calls,
                       args.repeat)
        ours = measure("coachlab transcribe_file (batched 8)", transcribe_file, calls,
                       args.repeat)
        app = AppPipeline(Path(tmp)).measure("app pipeline (queued -> transcript stored)",
                                             calls, args.repeat)
        for result in (ours, app):
            ratio = result.seconds / bare.seconds
            verdict = "ok" if ratio <= TARGET_RATIO else "OVER TARGET"
            print(f"ratio {result.name} / bare: wall {ratio:.3f} (target <= {TARGET_RATIO}: "
                  f"{verdict}), cpu {result.cpu_seconds / bare.cpu_seconds:.3f}")
        if args.explore:
            explore(calls, args.repeat)


if __name__ == "__main__":
    main()
