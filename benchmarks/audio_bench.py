"""The broader transcription benchmark's audio: dual-channel calls in four conditions.

The scripts of ``data/transcription/calls.json`` (written for this benchmark, never used to
choose anything else) are spoken by espeak-ng with the voice, accent variant and speed each
side of each call names (advisor on the LEFT channel, customer on the RIGHT), then rendered
in the call's condition:

``clean``     turns one after the other with natural gaps (0.3-1.2 s);
``8khz``      the telephone band: 300-3400 Hz, resampled to 8 kHz, G.711 mu-law, back to 16 kHz;
``noise``     call-centre babble (six other espeak voices reading other calls) on the advisor
              side and ffmpeg ``anoisesrc`` (pink/brown) on the customer side, each at an SNR
              of 10-20 dB against that side's speech;
``talkover``  every customer turn that answers the advisor starts 0.5-1.5 s before the
              advisor has finished (each side stays on its own channel: no echo; with the
              other side leaking in at -24 dB every configuration transcribed the leak too,
              WER ~1.0 on that condition, which is a crosstalk problem, not a decoding one).

Every call is written as 16 kHz stereo 16-bit WAV to a cache folder (not to git):
``$COACHLAB_BENCH_CACHE`` or ``~/.cache/coachlab/transcription-bench``, in a subfolder named
by a hash of the scripts, this generator and the espeak-ng version, so it is regenerated
only when one of them changes. Randomness (gaps, overlaps, noise) is seeded per call.

    .venv/bin/python benchmarks/audio_bench.py   # generate (or find) the files and list them
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a plain script from a checkout

import ffmpeg  # noqa: E402  (ffmpeg-python)

from coachlab.media.ffmpeg import command  # noqa: E402

SCRIPTS = Path(__file__).parent / "data" / "transcription" / "calls.json"
CONDITIONS = ("clean", "8khz", "noise", "talkover")
RATE = 22050  # espeak-ng's output rate: everything is mixed at it, then resampled once
OUT_RATE = 16000
GENERATOR_VERSION = "2"  # bump when the rendering below changes
SILENCE_THRESHOLD = 64
LEAD_IN = 0.4
BABBLE_VOICES = ("en-us+m2", "en-gb+f4", "en-029+m5", "en-gb-scotland+f1", "en-us-nyc+m6",
                 "en-gb-x-rp+f5")


@dataclass
class BenchCall:
    name: str
    industry: str
    condition: str
    path: Path
    duration: float
    references: dict[str, str]  # speaker ("agent"/"customer") -> the words it says
    details: dict  # voices, speeds, SNRs, overlaps: what was rendered


def cache_dir() -> Path:
    configured = os.environ.get("COACHLAB_BENCH_CACHE")
    base = Path(configured) if configured else Path.home() / ".cache" / "coachlab"
    return base / "transcription-bench"


def espeak_exe() -> str:
    exe = shutil.which("espeak-ng")
    if exe is None:
        raise SystemExit("espeak-ng is not installed (Debian: apt-get install -y espeak-ng)")
    return exe


def load_scripts() -> list[dict]:
    scripts = json.loads(SCRIPTS.read_text())
    for script in scripts:
        if script["condition"] not in CONDITIONS:
            raise ValueError(f"{script['name']}: unknown condition {script['condition']!r}")
    return scripts


def bench_calls(directory: Path | None = None) -> list[BenchCall]:
    """The benchmark's calls, generated into the cache unless they are there already."""
    scripts = load_scripts()
    version = subprocess.run([espeak_exe(), "--version"], capture_output=True, text=True,
                             check=True).stdout.strip()
    digest = hashlib.sha256(SCRIPTS.read_bytes() + GENERATOR_VERSION.encode()
                            + version.encode()).hexdigest()[:12]
    directory = directory or cache_dir() / digest
    directory.mkdir(parents=True, exist_ok=True)
    calls = []
    for number, script in enumerate(scripts):
        path = directory / f"{script['name']}.wav"
        meta = path.with_suffix(".json")
        if not (path.is_file() and meta.is_file()):
            details = render(script, path, seed=number, others=scripts)
            meta.write_text(json.dumps(details, indent=1))
        details = json.loads(meta.read_text())
        with wave.open(str(path)) as w:
            duration = w.getnframes() / w.getframerate()
        references = {speaker: " ".join(t for who, t in script["turns"] if who == speaker)
                      for speaker in ("agent", "customer")}
        calls.append(BenchCall(script["name"], script["industry"], script["condition"], path,
                               duration, references, details))
    return calls


def render(script: dict, out: Path, *, seed: int, others: list[dict]) -> dict:
    """Speak and mix one call into ``out`` (16 kHz stereo WAV); returns what was done."""
    rng = np.random.default_rng(seed)
    condition = script["condition"]
    with tempfile.TemporaryDirectory(prefix="coachlab-bench-") as tmp:
        clips = [speak(script[who]["voice"], script[who]["speed"], text, Path(tmp) / f"{n}.wav")
                 for n, (who, text) in enumerate(script["turns"])]
        stereo, overlaps = arrange(script["turns"], clips, rng, talkover=condition == "talkover")
        details: dict = {"condition": condition, "agent": script["agent"],
                         "customer": script["customer"]}
        if condition == "talkover":
            details["overlaps_s"] = overlaps
        if condition == "noise":
            snrs = [float(rng.choice([10, 12, 14, 16, 18, 20])) for _ in range(2)]
            babble = make_babble(len(stereo), others, script["name"], rng, Path(tmp))
            color = str(rng.choice(["pink", "brown"]))
            street = lavfi_noise(len(stereo), color, seed)
            stereo[:, 0] = mix_at_snr(stereo[:, 0], babble, snrs[0])
            stereo[:, 1] = mix_at_snr(stereo[:, 1], street, snrs[1])
            details.update(agent_noise="babble", customer_noise=f"anoisesrc {color}",
                           snr_db=snrs)
        encode(stereo, out, telephone=condition == "8khz")
    return details


def speak(voice: str, speed: int, text: str, wav_path: Path) -> np.ndarray:
    """One turn as trimmed mono float samples (-1..1) at RATE."""
    result = subprocess.run([espeak_exe(), "--stdin", "-v", voice, "-s", str(speed),
                             "-w", str(wav_path)], input=text.encode(), capture_output=True,
                            check=False)
    if result.returncode != 0 or not wav_path.exists():
        raise RuntimeError(f"espeak-ng failed for voice {voice!r}: {result.stderr.decode()}")
    with wave.open(str(wav_path)) as w:
        if w.getframerate() != RATE:
            raise RuntimeError(f"espeak-ng wrote {w.getframerate()} Hz, expected {RATE}")
        samples = np.frombuffer(w.readframes(w.getnframes()), dtype=np.int16)
    loud = np.flatnonzero(np.abs(samples.astype(np.int32)) > SILENCE_THRESHOLD)
    samples = samples[loud[0]: loud[-1] + 1] if loud.size else samples[:0]
    return samples.astype(np.float32) / 32768.0


def arrange(turns: list, clips: list[np.ndarray], rng: np.random.Generator, *,
            talkover: bool) -> tuple[np.ndarray, list[float]]:
    """Lay the turns out on their channels: (frames, 2) float32 and the overlaps made."""
    lead = round(LEAD_IN * RATE)
    starts, cursor, overlaps, previous = [], lead, [], None
    for (who, _text), clip in zip(turns, clips, strict=True):
        if previous is not None:
            if talkover and previous == "agent" and who == "customer":
                overlap = round(float(rng.uniform(0.5, 1.5)), 2)
                overlaps.append(overlap)
                cursor -= round(overlap * RATE)
            else:
                cursor += round(float(rng.uniform(0.3, 1.2)) * RATE)
        starts.append(cursor)
        cursor += len(clip)
        previous = who
    stereo = np.zeros((cursor + lead, 2), dtype=np.float32)
    for (who, _text), clip, start in zip(turns, clips, starts, strict=True):
        stereo[start: start + len(clip), 0 if who == "agent" else 1] += clip
    return stereo, overlaps


def make_babble(frames: int, scripts: list[dict], own: str, rng: np.random.Generator,
                tmp: Path) -> np.ndarray:
    """Six other voices reading other calls' turns, each looped over the whole call."""
    texts = [text for s in scripts if s["name"] != own for _who, text in s["turns"]]
    babble = np.zeros(frames, dtype=np.float32)
    for n, voice in enumerate(BABBLE_VOICES):
        chosen = rng.choice(len(texts), size=4, replace=False)
        speech = speak(voice, int(rng.integers(140, 190)), " ".join(texts[i] for i in chosen),
                       tmp / f"babble{n}.wav")
        shift = int(rng.integers(0, len(speech)))
        babble += np.resize(np.roll(speech, shift), frames)
    return babble


def lavfi_noise(frames: int, color: str, seed: int) -> np.ndarray:
    source = ffmpeg.input(f"anoisesrc=color={color}:sample_rate={RATE}:amplitude=0.5:"
                          f"seed={seed + 1}:duration={frames / RATE + 1:.3f}", f="lavfi")
    cmd = command(source.output("pipe:1", format="f32le", ac=1))
    out = subprocess.run(cmd, capture_output=True, check=True).stdout
    return np.resize(np.frombuffer(out, dtype=np.float32), frames)


def mix_at_snr(speech: np.ndarray, noise: np.ndarray, snr_db: float) -> np.ndarray:
    """``speech`` plus ``noise`` scaled so that speech power / noise power = ``snr_db``.

    The speech power is that of its voiced samples only (the silences between turns do
    not count), so the SNR is the one heard while someone speaks.
    """
    voiced = np.abs(speech) > SILENCE_THRESHOLD / 32768
    speech_power = float(np.mean(speech[voiced] ** 2)) if voiced.any() else 0.0
    noise_power = float(np.mean(noise ** 2)) or 1.0
    gain = np.sqrt(speech_power / (noise_power * 10 ** (snr_db / 10)))
    return speech + gain * noise


def encode(stereo: np.ndarray, out: Path, *, telephone: bool) -> None:
    """Write 16 kHz stereo s16 WAV; through an 8 kHz mu-law (G.711) file for ``telephone``."""
    peak = float(np.max(np.abs(stereo))) or 1.0
    pcm = (np.clip(stereo / max(peak, 1.0) * 0.95, -1, 1) * 32767).astype(np.int16)
    source = ffmpeg.input("pipe:0", format="s16le", ar=str(RATE), ac="2")
    with tempfile.TemporaryDirectory(prefix="coachlab-g711-") as tmp:
        if telephone:
            mulaw = Path(tmp) / "g711.wav"
            band = source.filter("highpass", f=300).filter("lowpass", f=3400)
            subprocess.run(command(band.output(str(mulaw), ar="8000", acodec="pcm_mulaw"),
                                   overwrite=True), input=pcm.tobytes(), capture_output=True,
                           check=True)
            subprocess.run(command(ffmpeg.input(str(mulaw)).output(
                str(out), ar=str(OUT_RATE), acodec="pcm_s16le", map_metadata="-1",
                fflags="+bitexact"), overwrite=True), capture_output=True, check=True)
        else:
            subprocess.run(command(source.output(str(out), ar=str(OUT_RATE), acodec="pcm_s16le",
                                                 map_metadata="-1", fflags="+bitexact"),
                                   overwrite=True),
                           input=pcm.tobytes(), capture_output=True, check=True)


def main() -> None:
    calls = bench_calls()
    total = sum(c.duration for c in calls)
    print(f"{len(calls)} calls, {total:.0f} s of audio, in {calls[0].path.parent}")
    for c in calls:
        print(f"  {c.name:<26} {c.condition:<9} {c.duration:5.1f} s  "
              f"advisor {c.details['agent']['voice']} @{c.details['agent']['speed']}  "
              f"customer {c.details['customer']['voice']} @{c.details['customer']['speed']}")


if __name__ == "__main__":
    main()
