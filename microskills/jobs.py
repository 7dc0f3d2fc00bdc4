"""Tagging in the recording pipeline, and re-tagging when the tagger or a transcript changes."""

from __future__ import annotations

import logging
from pathlib import Path

import sqlalchemy as sa

from coachlab.db import db
from coachlab.plugins import segment_corrected
from coachlab.recordings.jobs import queue_processing
from coachlab.recordings.models import Recording, Status
from coachlab.recordings.pipeline import ProgressFn, Step
from coachlab.transcripts.models import TranscriptSegment
from microskills import service
from microskills.models import RecordingSkillSummary
from microskills.tagger import TAGGER_VERSION

log = logging.getLogger(__name__)


def _tag(recording: Recording, path: Path, progress: ProgressFn) -> None:
    service.tag_recording(recording)


TAG_STEP = Step(name="microskills", label="Tagging microskills", run=_tag,
                is_done=service.is_tagged, weight=0.5)


def outdated_recordings() -> list[int]:
    """Transcribed recordings that the current tagger version has not tagged."""
    summary = sa.orm.aliased(RecordingSkillSummary)
    return list(db.session.scalars(
        sa.select(Recording.id)
        .outerjoin(summary, summary.recording_id == Recording.id)
        .where(Recording.status == Status.READY, Recording.transcribed_at.is_not(None),
               sa.or_(summary.tagger_version.is_(None), summary.tagger_version != TAGGER_VERSION))
        .order_by(Recording.id)))


def queue_retagging() -> list[int]:
    """Re-queue the processing job of every call an older tagger version tagged: the
    pipeline skips the steps that are done, so only tagging (and what follows it) runs."""
    ids = outdated_recordings()
    for recording in db.session.scalars(sa.select(Recording).where(Recording.id.in_(ids))):
        queue_processing(recording)
    db.session.commit()
    if ids:
        log.info("queued %d recording(s) for re-tagging with tagger %s", len(ids), TAGGER_VERSION)
    return ids


def retag_outdated_at_worker_start(app) -> None:
    """When a new tagger version ships, re-tag the calls an older one tagged."""
    queue_retagging()


@segment_corrected.connect
def _retag_corrected(segment: TranscriptSegment, **_) -> None:
    service.retag_segment(segment)
