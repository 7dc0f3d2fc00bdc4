"""Recordings: storing uploads, re-processing, deleting. Flushes, never commits.

Who may see and do what is coachlab.access's."""

from __future__ import annotations

import datetime as dt
import logging
import mimetypes
import os
import tempfile
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import sqlalchemy as sa
from flask import current_app
from werkzeug.utils import secure_filename

from coachlab import access
from coachlab.auth.models import User
from coachlab.db import db
from coachlab.media.probe import MediaInfo, ProbeError, probe
from coachlab.plugins import recording_deleted
from coachlab.recordings import titles
from coachlab.recordings.jobs import queue_processing
from coachlab.recordings.models import AgentChannel, Direction, Recording, Status, Tag
from coachlab.storage import (
    StorageError,
    copy_hashing,
    delete_after_commit,
    discard_on_rollback,
    get_storage,
)

log = logging.getLogger(__name__)

ALLOWED_EXTENSIONS = {".wav", ".mp3", ".m4a", ".ogg", ".oga", ".opus", ".flac", ".webm", ".mp4"}
MIME_BY_EXTENSION = {".m4a": "audio/mp4", ".opus": "audio/ogg", ".oga": "audio/ogg",
                     ".ogg": "audio/ogg", ".flac": "audio/flac", ".wav": "audio/wav",
                     ".mp3": "audio/mpeg", ".webm": "audio/webm", ".mp4": "audio/mp4"}


# what PyAV calls the container it found -> what browsers are told it is
MIME_BY_CONTAINER = {"ogg": "audio/ogg", "wav": "audio/wav", "mp3": "audio/mpeg",
                     "flac": "audio/flac", "mov,mp4,m4a,3gp,3g2,mj2": "audio/mp4",
                     "matroska,webm": "audio/webm"}
MAX_FILENAME = 255  # the column's length


class UploadRejected(ValueError):
    """An uploaded file that will not be stored; the message is for the uploader."""

    def __init__(self, filename: str, reason: str) -> None:
        super().__init__(f"{filename}: {reason}")
        self.filename = filename
        self.reason = reason


@dataclass(slots=True)
class CallDetails:
    advisor: User
    called_at: dt.datetime
    title: str = ""  # blank: defaulted (see coachlab.recordings.titles)
    direction: Direction = Direction.INBOUND
    customer_ref: str = ""
    nps: int | None = None
    csat: int | None = None
    resolved: bool | None = None
    disposition: str = ""
    tags: list[str] = field(default_factory=list)
    agent_channel: AgentChannel = AgentChannel.LEFT


# --- uploads ------------------------------------------------------------------------------


def store_upload(stream: BinaryIO, filename: str, details: CallDetails, *,
                 uploaded_by: User) -> Recording:
    """Stream an upload to storage, check it is playable and create its row.

    Raises :class:`UploadRejected` and leaves nothing behind when the file is not usable.
    """
    access.require(uploaded_by, "upload", "recording", details.advisor)
    if details.advisor.team is not None and details.advisor.team.is_archived:
        raise UploadRejected(filename, f"{details.advisor.team.name} is archived: it takes no "
                             "new recordings.")
    cfg = current_app.config
    name = _shorten(secure_filename(filename) or "recording", MAX_FILENAME)
    ext = Path(name).suffix.lower()
    if ext not in ALLOWED_EXTENSIONS:
        allowed = ", ".join(sorted(e.lstrip(".") for e in ALLOWED_EXTENSIONS))
        raise UploadRejected(filename, f"this kind of file is not accepted (use {allowed}).")
    tmp_dir = Path(cfg["UPLOAD_TMP_DIR"])
    tmp_dir.mkdir(parents=True, exist_ok=True)
    limit = int(float(cfg["MAX_UPLOAD_MB"]) * 1024 * 1024)
    fd, tmp_name = tempfile.mkstemp(dir=tmp_dir, suffix=ext)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            try:
                size, sha256 = copy_hashing(stream, out, limit=limit)
            except StorageError:
                raise UploadRejected(
                    filename, f"the file is larger than the {cfg['MAX_UPLOAD_MB']} MB limit."
                ) from None
        try:
            info = probe(tmp)
        except ProbeError as exc:
            raise UploadRejected(filename, str(exc)) from None
        if info.duration > cfg["MAX_DURATION_S"]:
            raise UploadRejected(
                filename, f"the recording lasts {info.duration / 60:.0f} min; the limit is "
                f"{cfg['MAX_DURATION_S'] / 60:.0f} min.")
        key = f"recordings/{uuid.uuid4().hex}/original{ext}"
        get_storage().save(key, tmp)
        discard_on_rollback(key.rsplit("/", 1)[0])
        recording = _create_row(key, name, size, sha256, info, details, uploaded_by)
    finally:
        tmp.unlink(missing_ok=True)
    queue_processing(recording)
    return recording


def _create_row(key: str, filename: str, size: int, sha256: str, info: MediaInfo,
                details: CallDetails, uploaded_by: User) -> Recording:
    channel = details.agent_channel
    if not info.is_stereo and channel in (AgentChannel.LEFT, AgentChannel.RIGHT):
        channel = AgentChannel.MONO_MIXED
    mimetype = content_type_of(info, filename)
    recording = Recording(
        advisor=details.advisor, team_id=details.advisor.team_id, uploaded_by=uploaded_by,
        called_at=details.called_at, direction=details.direction,
        customer_ref=details.customer_ref.strip(), nps=details.nps, csat=details.csat,
        resolved=details.resolved, disposition=details.disposition.strip(),
        original_filename=filename, storage_key=key, content_type=mimetype, size_bytes=size,
        sha256=sha256, duration_s=info.duration, container=info.container,
        audio_codec=info.audio_codec, channels=info.channels, sample_rate=info.sample_rate,
        has_video=info.has_video, agent_channel=channel,
    )
    recording.title = titles.clean(details.title) or titles.from_disposition(details.disposition)
    recording.tags = tags_by_name(details.tags)
    db.session.add(recording)
    db.session.flush()
    return recording


def content_type_of(info: MediaInfo, filename: str) -> str:
    """The type browsers are told, from what the file is (probed), not what it is called."""
    ext = Path(filename).suffix.lower()
    mimetype = (MIME_BY_CONTAINER.get(info.container) or MIME_BY_EXTENSION.get(ext)
                or mimetypes.guess_type(filename)[0] or "application/octet-stream")
    if info.has_video and mimetype in ("audio/mp4", "audio/webm"):
        mimetype = mimetype.replace("audio/", "video/")
    return mimetype


def _shorten(name: str, limit: int) -> str:
    """Keep the extension and as much of the stem as fits."""
    if len(name) <= limit:
        return name
    suffix = Path(name).suffix[:16]
    return name[: limit - len(suffix)] + suffix


def tags_by_name(names: list[str]) -> list[Tag]:
    wanted = sorted({n.strip().lower()[:60] for n in names if n.strip()})
    if not wanted:
        return []
    existing = {t.name: t for t in db.session.scalars(sa.select(Tag).where(Tag.name.in_(wanted)))}
    for name in wanted:
        if name not in existing:
            existing[name] = Tag(name=name)
            db.session.add(existing[name])
    return [existing[n] for n in wanted]


def parse_tags(text: str) -> list[str]:
    return [t for t in (part.strip() for part in text.replace(";", ",").split(",")) if t]


# --- processing and deletion -------------------------------------------------------------


def rename_recording(recording: Recording, title: str, *, acting: User) -> None:
    access.require(acting, "rename", "recording", recording)
    recording.title = titles.clean(title)


def update_details(recording: Recording, details: CallDetails, *, acting: User) -> None:
    """Correct what was said about a call at upload (not its file nor its advisor)."""
    access.require(acting, "edit details of", "recording", recording)
    recording.title = titles.clean(details.title)
    recording.called_at = details.called_at
    recording.direction = details.direction
    recording.customer_ref = details.customer_ref.strip()
    recording.nps, recording.csat = details.nps, details.csat
    recording.resolved = details.resolved
    recording.disposition = details.disposition.strip()
    recording.tags = tags_by_name(details.tags)


def retry_processing(recording: Recording, *, acting: User) -> None:
    access.require(acting, "re-process", "recording", recording)
    if recording.status not in (Status.FAILED, Status.READY):
        raise ValueError("This recording is already waiting to be processed.")
    queue_processing(recording)


def delete_recording(recording: Recording, *, acting: User) -> None:
    """Delete the row; once committed, the media and every derived file go too."""
    access.require(acting, "delete", "recording", recording)
    recording_deleted.send(recording)  # packages delete what they made of it, in this transaction
    delete_after_commit(recording.storage_prefix)
    db.session.delete(recording)
    db.session.flush()
    log.info("recording %s deleted by %s", recording.id, acting.email)
