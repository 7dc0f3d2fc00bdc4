"""Configuration defaults.

Override them in ``instance/config.py`` or with ``COACHLAB_*`` environment variables
(``COACHLAB_DATABASE_URL``, ``COACHLAB_REDIS_URL``, ``COACHLAB_STORAGE=s3`` ...).
Values left ``None`` here are derived from the instance folder in :func:`finalize`.
"""

from __future__ import annotations

import secrets
from pathlib import Path

from flask import Flask


class Config:
    SECRET_KEY: str | None = None
    DATABASE_URL: str | None = None  # default: SQLite in the instance folder
    REDIS_URL: str | None = None  # set it to run jobs through Redis
    HUEY_FILE: str | None = None  # SQLite queue file when no Redis
    JOBS_IMMEDIATE = False  # run jobs inline (tests only)
    JOB_STALE_AFTER_S = 300  # a processing job with no heartbeat for this long is re-queued
    WORKER_THREADS = 2  # jobs one `coachlab worker` runs at once
    WEB_WORKERS = 2  # gunicorn processes of `coachlab serve`
    WEB_THREADS = 4  # threads per gunicorn process

    STORAGE = "local"  # "local" or "s3"
    MEDIA_DIR: str | None = None  # default: instance/media
    S3_BUCKET: str | None = None
    S3_ENDPOINT_URL: str | None = None
    S3_REGION: str | None = None
    S3_PREFIX = ""

    MAX_UPLOAD_MB = 1024
    MAX_DURATION_S = 4 * 3600
    MAX_FILES_PER_UPLOAD = 20
    UPLOAD_TMP_DIR: str | None = None

    WHISPER_MODEL: str | None = None  # a CTranslate2 Whisper directory; default: bundled tiny.en
    WHISPER_LANGUAGE: str | None = None
    WHISPER_THREADS = 2
    # Decoding settings (benchmarks/transcription.py chose them by word error rate first, then
    # time; keep them equal to coachlab/media/whisper.py's DEFAULT_*). BATCH_SIZE 0 decodes
    # each channel sequentially, > 0 in batches of VAD chunks; PARALLEL_CHANNELS transcribes
    # the two channels of a stereo call at once, WHISPER_THREADS // 2 threads each.
    WHISPER_BEAM_SIZE = 5
    WHISPER_BATCH_SIZE = 0
    WHISPER_PARALLEL_CHANNELS = True
    WHISPER_VAD = True
    WHISPER_CONDITION_ON_PREVIOUS_TEXT = True

    # Failed sign-ins allowed (limits' syntax), per account (email) and per client address;
    # keep the address limit above the account one, so one account never locks out another.
    LOGIN_LIMIT_PER_ACCOUNT = "5 per 15 minutes"
    LOGIN_LIMIT_PER_ADDRESS = "50 per 15 minutes"
    RATELIMIT_STORAGE_URI: str | None = None  # default: REDIS_URL, else memory://
    TRUSTED_PROXIES = 0  # reverse proxies in front of the app (ProxyFix trusts X-Forwarded-*)
    MAX_REQUEST_MB = 1  # body limit of every route except the upload (see MAX_UPLOAD_MB)

    RECORDINGS_PER_PAGE = 25

    # Pages show times, and forms read them, in the user's own zone (profile), else this one.
    TIMEZONE = "UTC"  # an IANA name, e.g. "Europe/London"
    LOCALE = "en_GB"  # how dates are written ("23 Nov 2026")

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False  # set COACHLAB_SESSION_COOKIE_SECURE=true behind HTTPS
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = 12 * 3600
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}


def finalize(app: Flask) -> None:
    """Fill in the settings whose defaults depend on the instance folder."""
    instance = Path(app.instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    cfg = app.config
    url = cfg.get("DATABASE_URL") or f"sqlite:///{instance / 'coachlab.sqlite'}"
    if url.startswith("postgres://"):
        url = "postgresql://" + url.removeprefix("postgres://")
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    cfg["SQLALCHEMY_DATABASE_URI"] = url
    if url.startswith("sqlite"):
        cfg["SQLALCHEMY_ENGINE_OPTIONS"] = {"connect_args": {"timeout": 30}}
    cfg.setdefault("HUEY_FILE", None)
    cfg["HUEY_FILE"] = cfg["HUEY_FILE"] or str(instance / "huey.sqlite")
    cfg["MEDIA_DIR"] = cfg["MEDIA_DIR"] or str(instance / "media")
    cfg["UPLOAD_TMP_DIR"] = cfg["UPLOAD_TMP_DIR"] or str(instance / "tmp")
    per_file = float(cfg["MAX_UPLOAD_MB"]) * 1024 * 1024
    cfg["MAX_CONTENT_LENGTH"] = int(per_file * int(cfg["MAX_FILES_PER_UPLOAD"])) + 1024 * 1024
    cfg["RATELIMIT_STORAGE_URI"] = (cfg.get("RATELIMIT_STORAGE_URI") or cfg.get("REDIS_URL")
                                    or "memory://")
    if not cfg.get("SECRET_KEY"):
        cfg["SECRET_KEY"] = _instance_secret(instance)


def _instance_secret(instance: Path) -> str:
    """A random secret kept in the instance folder, so none is ever committed."""
    path = instance / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()
