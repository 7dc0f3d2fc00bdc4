"""Factory fixtures: ``make_user(**overrides)``, ``make_team``, ``make_recording``, media files."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import itertools
import subprocess
from pathlib import Path

import pytest
from werkzeug.security import generate_password_hash

from coachlab.auth.models import Role, Team, User
from coachlab.db import db
from coachlab.media.ffmpeg import ffmpeg_exe

PASSWORD = "correct-horse-battery"
_counter = itertools.count(1)


@functools.cache
def password_hash() -> str:
    """Hash the test password once for the whole run (hashing is slow on purpose)."""
    return generate_password_hash(PASSWORD)


@pytest.fixture
def make_team(app):
    def make(name: str | None = None) -> Team:
        team = Team(name=name or f"Team {next(_counter)}")
        db.session.add(team)
        db.session.commit()
        return team

    return make


@pytest.fixture
def make_user(app, make_team):
    def make(role: Role = Role.ADVISOR, *, team: Team | None = None,
             led_teams: list[Team] | None = None, email: str | None = None,
             name: str | None = None, active: bool = True) -> User:
        n = next(_counter)
        if role is Role.ADVISOR and team is None:
            team = make_team()
        user = User(email=email or f"{role.value}{n}@example.com",
                    name=name or f"{role.value.title()} {n}",
                    role=role, password_hash=password_hash(), team=team,
                    led_teams=led_teams or [], active=active)
        db.session.add(user)
        db.session.commit()
        return user

    return make


def generate_media(path: Path, *, seconds: float = 3.0, channels: int = 2, video: bool = False,
                   audio: bool = True, codec_args: list[str] | None = None) -> Path:
    """Make a real media file with ffmpeg: a different tone per channel, optional video."""
    inputs: list[str] = []
    maps: list[str] = []
    if audio:
        expr = "0.4*sin(2*PI*440*t)" + ("|0.4*sin(2*PI*660*t)" if channels == 2 else "")
        inputs += ["-f", "lavfi", "-i", f"aevalsrc=exprs='{expr}':s=16000:d={seconds}"]
        maps += ["-map", f"{len(maps) // 2}:a"]
    if video:
        inputs += ["-f", "lavfi", "-i", f"testsrc=size=160x120:rate=10:duration={seconds}"]
        maps += ["-map", f"{len(maps) // 2}:v"]
    cmd = [ffmpeg_exe(), "-v", "error", "-y", *inputs, *maps, *(codec_args or []), str(path)]
    subprocess.run(cmd, check=True)
    return path


@pytest.fixture(scope="session")
def media_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("media-fixtures")


@pytest.fixture(scope="session")
def media_file(media_dir):
    """``media_file("call.wav", seconds=3, channels=2)``: generated once per session."""

    @functools.cache
    def make(name: str, **options) -> Path:
        # one file per name *and* options: the same name may be asked for at other lengths
        folder = media_dir / hashlib.sha1(repr(sorted(options.items())).encode()).hexdigest()[:10]
        folder.mkdir(exist_ok=True)
        return generate_media(folder / name, **options)

    def get(name: str, **options) -> Path:
        return make(name, **{k: tuple(v) if isinstance(v, list) else v for k, v in options.items()})

    return get


@pytest.fixture
def make_recording(app, media_file):
    """Store a real generated file as a recording through the upload service."""
    from coachlab.recordings.models import AgentChannel
    from coachlab.recordings.service import CallDetails, store_upload

    def make(advisor: User, *, uploaded_by: User | None = None, name: str = "call.wav",
             called_at: dt.datetime | None = None, **details):
        source = media_file(name, seconds=details.pop("seconds", 2.0),
                            channels=details.pop("channels", 2))
        call = CallDetails(advisor=advisor,
                           called_at=called_at or dt.datetime(2026, 11, 2, 10, 0, tzinfo=dt.UTC),
                           agent_channel=details.pop("agent_channel", AgentChannel.LEFT), **details)
        with source.open("rb") as stream:
            recording = store_upload(stream, source.name, call, uploaded_by=uploaded_by or advisor)
        db.session.commit()
        return recording

    return make


def require_program(name: str, install: str) -> None:
    """Fail, saying how to install it, when a system program a test needs is missing: a
    skipped test would hide the feature it checks (``make test`` installs them as root)."""
    import shutil

    if shutil.which(name) is None:
        pytest.fail(f"{name} is not installed: {install}, or run make test as root")
