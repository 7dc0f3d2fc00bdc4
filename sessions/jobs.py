"""The pipeline step that keeps goals current: when one of an advisor's calls finishes
processing, their goals are measured again (after tagging, which counts the call), and so
are teammates' goals whose coaching impact compares with that call."""

from __future__ import annotations

from pathlib import Path

from coachlab.recordings.models import Recording
from coachlab.recordings.pipeline import ProgressFn, Step
from sessions import goals


def _update_goals(recording: Recording, path: Path, progress: ProgressFn) -> None:
    goals.update_goals_for_call(recording)


# Never "done": it is cheap, and a call processed again (re-tagged, corrected) may change
# the figures.
GOAL_STEP = Step(name="goals", label="Updating goals", run=_update_goals,
                 is_done=lambda recording: False, weight=0.1)
