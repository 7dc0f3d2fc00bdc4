"""The cut job: failure reasons, no orphans, retry, idempotence, video, lost jobs."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa

from clips.models import Clip, ClipStatus
from clips.service import ClipDetails, create_clip
from coachlab.db import db, utcnow
from coachlab.jobs import huey, requeue_lost, run_job
from coachlab.media.cut import _probe
from coachlab.recordings.models import Status
from coachlab.recordings.service import CallDetails, store_upload
from tests.factories import generate_media


def clip_files(app) -> list[Path]:
    root = Path(app.config["MEDIA_DIR"]) / "clips"
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_a_vanished_source_fails_readably_and_retry_recovers(app, client, login, recording,
                                                             people, tmp_path):
    source = Path(app.config["MEDIA_DIR"]) / recording.storage_key
    kept = tmp_path / "kept.wav"
    shutil.move(source, kept)
    clip = create_clip(recording, 3.6, 6.0, ClipDetails(title="gone"), acting=people["coach"])
    db.session.commit()  # the job runs here and fails
    db.session.expire_all()
    clip = db.session.get(Clip, clip.id)
    assert clip.status is ClipStatus.FAILED and clip.media_key is None
    assert "media file is missing" in clip.failure_reason
    assert clip_files(app) == []
    login(people["coach"])
    page = client.get(f"/clips/{clip.id}").get_data(as_text=True)
    assert "media file is missing" in page and ">Retry</button>" in page
    assert client.get(f"/clips/{clip.id}/media").status_code == 404
    shutil.move(kept, source)
    assert client.post_form(f"/clips/{clip.id}/retry").status_code == 302
    db.session.expire_all()
    clip = db.session.get(Clip, clip.id)
    assert clip.status is ClipStatus.READY and clip.attempts == 2
    assert len(clip_files(app)) == 1
    # a ready clip is not retried
    page = client.post_form(f"/clips/{clip.id}/retry", follow_redirects=True)
    assert "Only a clip whose cut failed" in page.get_data(as_text=True)


def test_a_broken_source_leaves_no_file_behind(app, recording, people):
    source = Path(app.config["MEDIA_DIR"]) / recording.storage_key
    source.write_bytes(b"RIFF" + b"\0" * 64)
    clip = create_clip(recording, 3.6, 6.0, ClipDetails(title="bad"), acting=people["coach"])
    db.session.commit()
    db.session.expire_all()
    clip = db.session.get(Clip, clip.id)
    assert clip.status is ClipStatus.FAILED
    assert clip.failure_reason.startswith("Cutting failed: ffmpeg could not cut it")
    assert clip_files(app) == []
    assert not list((Path(app.config["UPLOAD_TMP_DIR"])).glob("clip-*"))


@pytest.fixture
def queued_only(app):
    """Jobs go to the queue instead of running inline."""
    huey.immediate = False
    try:
        yield
    finally:
        huey.immediate = True


def test_the_job_is_idempotent_and_claims_once(app, recording, people, queued_only):
    clip = create_clip(recording, 3.6, 6.0, ClipDetails(title="once"), acting=people["coach"])
    db.session.commit()
    assert clip.status is ClipStatus.QUEUED
    run_job.call_local("clip.cut", "clips", clip.id)
    db.session.expire_all()
    clip = db.session.get(Clip, clip.id)
    key = clip.media_key
    assert clip.status is ClipStatus.READY and key
    run_job.call_local("clip.cut", "clips", clip.id)  # again: nothing to do
    db.session.expire_all()
    assert db.session.get(Clip, clip.id).media_key == key and len(clip_files(app)) == 1


def test_lost_jobs_are_requeued(app, recording, people, queued_only):
    clip = create_clip(recording, 3.6, 6.0, ClipDetails(title="lost"), acting=people["coach"])
    db.session.commit()
    assert requeue_lost() == {}  # freshly queued: not lost
    clip.status = ClipStatus.PROCESSING
    clip.heartbeat_at = utcnow() - dt.timedelta(hours=1)
    db.session.commit()
    assert requeue_lost() == {"clip.cut": [clip.id]}
    db.session.refresh(clip)
    assert clip.status is ClipStatus.QUEUED


@pytest.fixture
def video_recording(app, people, tmp_path):
    path = generate_media(tmp_path / "screen.mp4", seconds=4.0, channels=2, video=True)
    with path.open("rb") as stream:
        rec = store_upload(stream, path.name, CallDetails(
            advisor=people["advisor"], called_at=dt.datetime(2026, 11, 3, tzinfo=dt.UTC)),
            uploaded_by=people["advisor"])
    db.session.commit()
    assert rec.status is Status.READY and rec.has_video and rec.transcribed_at
    return rec


@pytest.mark.parametrize(("keep_video", "suffix", "mimetype"), [
    (True, ".mp4", "video/mp4"), (False, ".ogg", "audio/ogg")])
def test_video_is_kept_or_dropped(app, video_recording, people, keep_video, suffix, mimetype):
    clip = create_clip(video_recording, 1.0, 2.5, ClipDetails(title="v", keep_video=keep_video),
                       acting=people["coach"])
    db.session.commit()
    db.session.refresh(clip)
    assert clip.status is ClipStatus.READY, clip.failure_reason
    assert clip.media_key.endswith(suffix) and clip.content_type == mimetype
    assert clip.has_video is keep_video
    probed = _probe(Path(app.config["MEDIA_DIR"]) / clip.media_key)
    assert probed.has_video is keep_video
    assert probed.duration == pytest.approx(clip.end - clip.start, abs=0.1)


def test_the_video_form_offers_audio_only(client, login, video_recording, people):
    login(people["coach"])
    page = client.get(f"/recordings/{video_recording.id}").get_data(as_text=True)
    assert 'name="clip-drop_video"' in page
    response = client.post_form(f"/recordings/{video_recording.id}/clips", {
        "clip-start": "1", "clip-end": "2", "clip-title": "audio only", "clip-kind": "other",
        "clip-advisor": str(people["advisor"].id), "clip-visibility": "private",
        "clip-drop_video": "y"})
    assert response.status_code == 302
    clip = db.session.scalars(sa.select(Clip)).one()
    assert clip.keep_video is False and clip.media_key.endswith(".ogg")
