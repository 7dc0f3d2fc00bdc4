from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
import sqlalchemy as sa

from coachlab.auth.models import Role
from coachlab.db import db
from coachlab.recordings.models import AgentChannel, Recording, Status
from coachlab.storage import get_storage


def upload(client, files: list[tuple[bytes | Path, str]], advisor, **fields):
    data = {
        "advisor": str(advisor.id),
        "called_at": "2026-11-20T09:30",
        "direction": "inbound",
        "agent_channel": "left",
        "customer_ref": "CUST-42",
        "resolved": "",
        **fields,
        "files": [
            (io.BytesIO(f.read_bytes() if isinstance(f, Path) else f), name) for f, name in files
        ],
    }
    return client.post_form("/recordings/upload", data, content_type="multipart/form-data")


def stored_files(app) -> list[Path]:
    root = Path(app.config["MEDIA_DIR"])
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def count_recordings() -> int:
    return db.session.scalar(sa.select(sa.func.count(Recording.id)))


FORMATS = [
    ("call.wav", {}),
    ("call.mp3", {"codec_args": ["-c:a", "libmp3lame", "-b:a", "64k"]}),
    ("call.m4a", {"codec_args": ["-c:a", "aac", "-b:a", "64k"]}),
    ("call.ogg", {"codec_args": ["-c:a", "libopus", "-b:a", "32k"]}),
    ("call.opus", {"codec_args": ["-c:a", "libopus", "-b:a", "32k"]}),
    ("call.flac", {}),
    ("call.webm", {"codec_args": ["-c:a", "libopus"]}),
    ("call.mp4", {"video": True, "codec_args": ["-c:v", "libx264", "-c:a", "aac"]}),
]


@pytest.mark.parametrize(("name", "options"), FORMATS, ids=[f[0] for f in FORMATS])
def test_each_accepted_format_is_probed_stored_and_processed(
        app, make_user, login, media_file, name, options):
    advisor = make_user(Role.ADVISOR)
    client = login(advisor)
    source = media_file(name, seconds=2.0, channels=2, **options)

    response = upload(client, [(source, name)], advisor, nps="9", csat="5", resolved="yes",
                      tags="billing, Escalation")

    assert response.status_code == 302
    recording = db.session.scalars(sa.select(Recording)).one()
    assert response.headers["Location"].endswith(f"/recordings/{recording.id}")
    assert recording.advisor_id == advisor.id and recording.team_id == advisor.team_id
    assert recording.duration_s == pytest.approx(2.0, abs=0.1)
    assert recording.channels == 2 and recording.agent_channel is AgentChannel.LEFT
    assert recording.has_video is options.get("video", False)
    assert recording.nps == 9 and recording.csat == 5 and recording.resolved is True
    assert [t.name for t in recording.tags] == ["billing", "escalation"]
    assert recording.size_bytes == source.stat().st_size
    # the job ran (immediate mode): waveform peaks for both channels
    assert recording.status is Status.READY, recording.failure_reason
    with get_storage().open(recording.waveform_key) as stored:
        waveform = json.loads(stored.read())
    assert len(waveform["peaks"]) == 2
    assert 0.3 <= max(waveform["peaks"][0]) <= 0.8  # the 0.4 tone, through lossy codecs


def test_mono_file_is_recognised_even_if_left_channel_was_chosen(app, make_user, login,
                                                                 media_file):
    advisor = make_user(Role.ADVISOR)
    source = media_file("mono.wav", seconds=1.5, channels=1)
    response = upload(login(advisor), [(source, "mono.wav")], advisor)
    assert response.status_code == 302
    recording = db.session.scalars(sa.select(Recording)).one()
    assert recording.channels == 1
    assert recording.agent_channel is AgentChannel.MONO_MIXED
    assert not recording.is_dual_channel


def test_right_channel_agent_is_kept_for_stereo(app, make_user, login, media_file):
    advisor = make_user(Role.ADVISOR)
    source = media_file("call.wav", seconds=2.0, channels=2)
    upload(login(advisor), [(source, "call.wav")], advisor, agent_channel="right")
    recording = db.session.scalars(sa.select(Recording)).one()
    assert recording.agent_channel is AgentChannel.RIGHT and recording.is_dual_channel


def test_several_files_at_once(app, make_user, login, media_file):
    advisor = make_user(Role.ADVISOR)
    a = media_file("a.wav", seconds=1.0, channels=1)
    b = media_file("b.flac", seconds=1.0, channels=2)
    response = upload(login(advisor), [(a, "a.wav"), (b, "b.flac")], advisor)
    assert response.status_code == 302
    assert count_recordings() == 2


def _truncated(name: str, **options):
    def make(media_file, tmp_path) -> Path:
        whole = media_file(name, seconds=4.0, channels=2, **options).read_bytes()
        path = tmp_path / f"cut-{name}"
        path.write_bytes(whole[: len(whole) // 2])
        return path

    return make


BAD_UPLOADS = {
    "empty": (lambda mf, tmp: b"", "call.mp3", "empty"),
    "text renamed mp3": (lambda mf, tmp: b"hello, this is not audio\n" * 200, "notes.mp3",
                         "not an audio or video file"),
    "truncated wav": (_truncated("long.wav"), "cut.wav", "truncated"),
    "truncated mp3": (_truncated("long.mp3", codec_args=["-c:a", "libmp3lame"]), "cut.mp3",
                      "truncated"),
    "truncated flac": (_truncated("long.flac"), "cut.flac", "truncated"),
    "truncated m4a": (_truncated("long.m4a", codec_args=["-c:a", "aac"]), "cut.m4a",
                      "not an audio or video file"),
    "video without audio": (
        lambda mf, tmp: mf("silent.mp4", seconds=1.0, audio=False, video=True,
                           codec_args=["-c:v", "libx264"]),
        "silent.mp4", "no sound track"),
    "wrong extension": (lambda mf, tmp: b"MZ\x90\x00", "setup.exe", "not accepted"),
}


@pytest.mark.parametrize("case", list(BAD_UPLOADS), ids=list(BAD_UPLOADS))
def test_bad_upload_is_rejected_with_a_clear_message_and_leaves_nothing(
        app, make_user, login, media_file, tmp_path, case):
    make, name, message = BAD_UPLOADS[case]
    advisor = make_user(Role.ADVISOR)
    content = make(media_file, tmp_path)
    response = upload(login(advisor), [(content, name)], advisor)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert count_recordings() == 0
    assert stored_files(app) == []
    assert list(Path(app.config["UPLOAD_TMP_DIR"]).glob("*")) == []


def test_too_large_file_is_rejected(app, make_user, login):
    app.config["MAX_UPLOAD_MB"] = 0.1
    advisor = make_user(Role.ADVISOR)
    response = upload(login(advisor), [(b"\0" * 110_000, "huge.wav")], advisor)
    assert response.status_code == 400
    assert "larger than the 0.1 MB limit" in response.get_data(as_text=True)
    assert count_recordings() == 0 and stored_files(app) == []


def test_too_long_recording_is_rejected(app, make_user, login, media_file):
    app.config["MAX_DURATION_S"] = 2
    advisor = make_user(Role.ADVISOR)
    source = media_file("long.wav", seconds=4.0, channels=2)
    response = upload(login(advisor), [(source, "long.wav")], advisor)
    assert response.status_code == 400
    assert "the limit is" in response.get_data(as_text=True)
    assert count_recordings() == 0 and stored_files(app) == []


def test_one_bad_file_does_not_stop_the_good_ones(app, make_user, login, media_file):
    advisor = make_user(Role.ADVISOR)
    good = media_file("a.wav", seconds=1.0, channels=1)
    client = login(advisor)
    response = upload(client, [(good, "a.wav"), (b"", "empty.wav")], advisor)
    assert response.status_code == 302
    assert count_recordings() == 1
    follow = client.get("/recordings/")
    assert b"empty.wav" in follow.data  # the rejection is flashed


def test_wrong_form_keeps_nothing_and_says_why(app, make_user, login, media_file):
    advisor = make_user(Role.ADVISOR)
    source = media_file("a.wav", seconds=1.0, channels=1)
    response = upload(login(advisor), [(source, "a.wav")], advisor, nps="11")
    assert response.status_code == 400
    assert "between 0 and 10" in response.get_data(as_text=True)
    assert count_recordings() == 0 and stored_files(app) == []


def test_advisor_cannot_upload_for_someone_else(app, make_user, login, media_file):
    advisor = make_user(Role.ADVISOR)
    other = make_user(Role.ADVISOR, team=advisor.team)
    source = media_file("a.wav", seconds=1.0, channels=1)
    response = upload(login(advisor), [(source, "a.wav")], other)
    assert response.status_code == 400  # not one of the choices
    assert count_recordings() == 0


def test_coach_uploads_for_an_advisor_of_their_team(app, make_user, make_team, login,
                                                    media_file):
    team = make_team()
    coach = make_user(Role.COACH, led_teams=[team])
    advisor = make_user(Role.ADVISOR, team=team)
    source = media_file("a.wav", seconds=1.0, channels=1)
    response = upload(login(coach), [(source, "a.wav")], advisor)
    assert response.status_code == 302
    recording = db.session.scalars(sa.select(Recording)).one()
    assert recording.advisor_id == advisor.id and recording.uploaded_by_id == coach.id


def test_upload_without_csrf_token_is_refused(app, make_user, login, media_file):
    advisor = make_user(Role.ADVISOR)
    client = login(advisor)
    source = media_file("a.wav", seconds=1.0, channels=1)
    response = client.post("/recordings/upload", data={
        "advisor": str(advisor.id), "called_at": "2026-11-20T09:30", "direction": "inbound",
        "agent_channel": "left", "files": [(io.BytesIO(source.read_bytes()), "a.wav")]},
        content_type="multipart/form-data")
    assert response.status_code == 400
    assert count_recordings() == 0
