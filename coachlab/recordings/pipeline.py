"""The processing pipeline of a recording: an ordered list of idempotent steps.

The core registers the waveform step; other packages append theirs (transcription,
microskill tagging, moment suggestions) from their ``init_app``. A step is skipped when
its result already exists, so a retried or re-queued job resumes where it stopped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, current_app

from coachlab.recordings.models import Recording

ProgressFn = Callable[[float], None]


@dataclass(frozen=True, slots=True)
class Step:
    name: str
    label: str  # shown to users: "Drawing the waveform"
    run: Callable[[Recording, Path, ProgressFn], None]
    is_done: Callable[[Recording], bool]
    weight: float = 1.0  # share of the progress bar


def register_step(app: Flask, step: Step) -> None:
    steps: list[Step] = app.extensions.setdefault("coachlab.pipeline", [])
    if any(s.name == step.name for s in steps):
        raise ValueError(f"pipeline step {step.name} registered twice")
    steps.append(step)


def pipeline_steps() -> list[Step]:
    return current_app.extensions.get("coachlab.pipeline", [])


def step_label(name: str) -> str:
    return next((s.label for s in pipeline_steps() if s.name == name), name)
