"""Transcription in the app: the real bundled Whisper model on a real dual-channel clip."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import sqlalchemy as sa

from coachlab.auth.models import Role
from coachlab.db import db
from coachlab.media.ffmpeg import ffmpeg_exe
from coachlab.recordings.models import Recording, Status
from coachlab.transcripts.models import TranscriptSegment

FIXTURE = Path(__file__).parents[1] / "fixtures" / "stereo_diarization.wav"


def normalised(text: str) -> str:
    return re.sub(r"[^a-z ]", "", text.lower())


def upload(client, advisor, path: Path, **fields) -> Recording:
    response = client.post_form("/recordings/upload", {
        "advisor": str(advisor.id), "called_at": "2026-11-20T09:30", "direction": "inbound",
        "agent_channel": "left", **fields,
        "files": [(io.BytesIO(path.read_bytes()), path.name)]},
        content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)[:400]
    return db.session.scalars(sa.select(Recording).order_by(Recording.id.desc())).first()


@pytest.fixture
def team(make_team, make_user):
    team = make_team("Blue")
    return {
        "advisor": make_user(Role.ADVISOR, team=team),
        "other": make_user(Role.ADVISOR, team=team),
        "coach": make_user(Role.COACH, led_teams=[team]),
    }


@pytest.fixture
def transcribed(client, login, team):
    login(team["advisor"])
    recording = upload(client, team["advisor"], FIXTURE)
    assert recording.status is Status.READY, recording.failure_reason
    return recording


def test_upload_produces_a_speaker_labelled_transcript(transcribed, client):
    segments = db.session.scalars(sa.select(TranscriptSegment).where(
        TranscriptSegment.recording_id == transcribed.id)).all()
    agent = " ".join(s.text for s in segments if s.speaker == "agent")
    customer = " ".join(s.text for s in segments if s.speaker == "customer")
    assert "confused complaint against the wizard" in normalised(agent)
    assert "horizon" in normalised(customer)
    words = [w for s in segments for w in s.words]
    assert words and all(0 <= w.start <= w.end <= transcribed.duration_s + 0.5 for w in words)
    assert transcribed.transcript_language == "en"
    assert set(transcribed.talk_time["talk_ratio"]) == {"agent", "customer"}

    page = client.get(f"/recordings/{transcribed.id}").get_data(as_text=True)
    assert 'class="segment speaker-agent"' in page and 'class="segment speaker-customer"' in page
    assert re.search(r'<span class="w[^"]*" data-start="\d+\.\d\d" data-end="\d+\.\d\d"', page)
    assert "Talk time" in page


def test_right_channel_agent_swaps_the_labels(client, login, team):
    login(team["advisor"])
    recording = upload(client, team["advisor"], FIXTURE, agent_channel="right")
    agent = " ".join(s.text for s in db.session.scalars(sa.select(TranscriptSegment).where(
        TranscriptSegment.recording_id == recording.id, TranscriptSegment.speaker == "agent")))
    assert "horizon" in normalised(agent)


def test_search_finds_a_phrase_and_links_to_its_second(transcribed, client, login, team):
    page = client.get("/search?q=confused+complaint").get_data(as_text=True)
    link = re.search(rf'href="/recordings/{transcribed.id}\?t=(\d+\.\d\d)#segment-\d+"', page)
    assert link, page[-2000:]
    assert float(link.group(1)) < transcribed.duration_s
    assert "1 match" in page
    assert "0 matches" in client.get("/search?q=zeppelin").get_data(as_text=True)
    client.post_form("/logout")
    login(team["other"])
    assert "0 matches" in client.get("/search?q=confused+complaint").get_data(as_text=True)
    client.post_form("/logout")
    login(team["coach"])
    assert "1 match" in client.get("/search?q=horizon").get_data(as_text=True)


def test_search_survives_odd_input(transcribed, client):
    for query in ['"', "horizon OR", "NEAR(", "a*", "'; drop table x"]:
        assert client.get("/search", query_string={"q": query}).status_code == 200


def test_exports(transcribed, client, login, team):
    base = f"/recordings/{transcribed.id}/transcript"
    text = client.get(f"{base}.txt")
    assert text.mimetype == "text/plain" and "Agent:" in text.get_data(as_text=True)
    vtt = client.get(f"{base}.vtt").get_data(as_text=True)
    assert vtt.startswith("WEBVTT") and re.search(r"\d\d:\d\d:\d\d\.\d{3} --> ", vtt)
    srt = client.get(f"{base}.srt").get_data(as_text=True)
    assert re.search(r"^1\n\d\d:\d\d:\d\d,\d{3} --> ", srt)
    data = json.loads(client.get(f"{base}.json").data)
    assert {s["speaker"] for s in data["segments"]} == {"agent", "customer"}
    assert client.get(f"{base}.exe").status_code == 404
    client.post_form("/logout")
    login(team["other"])
    assert client.get(f"{base}.txt").status_code == 404


def test_coach_corrects_a_segment_and_the_original_is_kept(transcribed, client, login, team):
    segment = db.session.scalars(sa.select(TranscriptSegment).where(
        TranscriptSegment.recording_id == transcribed.id,
        TranscriptSegment.speaker == "customer")).first()
    original = segment.text
    url = f"/recordings/{transcribed.id}/segments/{segment.id}"
    # the advisor may not correct
    assert client.post_form(url, {"text": "x", "speaker": "agent"}).status_code == 404
    client.post_form("/logout")
    login(team["coach"])
    response = client.post_form(url, {"text": "The horizon seems very distant.",
                                      "speaker": "customer"})
    assert response.status_code == 302
    db.session.refresh(segment)
    assert segment.text == "The horizon seems very distant." and segment.original_text == original
    assert segment.corrected_by_id == team["coach"].id
    assert "very distant" in client.get("/search?q=very+distant").get_data(as_text=True)
    empty = client.post_form(url, {"text": "   ", "speaker": "customer"}, follow_redirects=True)
    assert "not saved" in empty.get_data(as_text=True)
    db.session.refresh(segment)
    assert segment.text == "The horizon seems very distant."


def test_silence_gives_an_empty_transcript_not_an_error(client, login, team, tmp_path):
    silent = tmp_path / "silence.wav"
    subprocess.run([ffmpeg_exe(), "-v", "error", "-y", "-f", "lavfi", "-i",
                    "anullsrc=r=16000:cl=stereo", "-t", "3", str(silent)], check=True)
    login(team["advisor"])
    recording = upload(client, team["advisor"], silent)
    assert recording.status is Status.READY
    assert recording.transcribed_at is not None
    page = client.get(f"/recordings/{recording.id}").get_data(as_text=True)
    assert "No speech was found" in page


def test_missing_model_fails_the_recording_readably(app, client, login, team, tmp_path):
    app.config["WHISPER_MODEL"] = str(tmp_path / "no-such-model")
    login(team["advisor"])
    response = client.post_form("/recordings/upload", {
        "advisor": str(team["advisor"].id), "called_at": "2026-11-20T09:30",
        "direction": "inbound", "agent_channel": "left",
        "files": [(io.BytesIO(FIXTURE.read_bytes()), "call.wav")]},
        content_type="multipart/form-data")
    assert response.status_code == 302
    recording = db.session.scalars(sa.select(Recording)).one()
    assert recording.status is Status.FAILED
    assert "Transcribing failed" in recording.failure_reason
    assert "no-such-model" in recording.failure_reason
    page = client.get(f"/recordings/{recording.id}")
    assert page.status_code == 200 and b"Retry" in page.data
    # fixing the configuration and retrying finishes the job; the waveform is not redone
    waveform_key = recording.waveform_key
    app.config["WHISPER_MODEL"] = None
    assert client.post_form(f"/recordings/{recording.id}/retry").status_code == 302
    db.session.refresh(recording)
    assert recording.status is Status.READY and recording.waveform_key == waveform_key


def test_corrupted_media_fails_the_job_with_a_reason(app, client, login, team, tmp_path):
    """A stored file that went bad after upload: the job fails readably and can be retried."""
    app.config["JOBS_IMMEDIATE"] = False
    from coachlab.jobs import huey

    huey.immediate = False
    try:
        login(team["advisor"])
        recording = upload(client, team["advisor"], FIXTURE)
        assert recording.status is Status.QUEUED
        stored = Path(app.config["MEDIA_DIR"]) / recording.storage_key
        stored.write_bytes(b"RIFF" + b"\0" * 100)
        from coachlab.jobs import run_job

        with pytest.raises(Exception):  # noqa: B017 - the job re-raises whatever broke it
            run_job.call_local("recording.process", "recordings", recording.id)
        db.session.expire_all()
        recording = db.session.get(Recording, recording.id)
        assert recording.status is Status.FAILED
        assert recording.failure_reason.startswith("Drawing the waveform failed")
        shutil.copy(FIXTURE, stored)
        client.post_form(f"/recordings/{recording.id}/retry")
        run_job.call_local("recording.process", "recordings", recording.id)
        db.session.expire_all()
        assert db.session.get(Recording, recording.id).status is Status.READY
    finally:
        huey.immediate = True


def test_cli_transcribe_prints_the_documented_json(runner):
    result = runner.invoke(args=["transcribe", str(FIXTURE), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data) == {"duration", "language", "segments"}
    assert data["language"] == "en" and data["duration"] == pytest.approx(5.0, abs=0.2)
    for segment in data["segments"]:
        assert set(segment) == {"start", "end", "speaker", "text", "words"}
        assert segment["speaker"] in {"agent", "customer"}
        for word in segment["words"]:
            assert set(word) == {"start", "end", "word", "probability"}
    text = runner.invoke(args=["transcribe", str(FIXTURE), "--agent-channel", "mono"])
    assert text.exit_code == 0 and "Speaker:" in text.output


def test_cli_transcribe_reports_a_bad_model(app, runner, tmp_path):
    app.config["WHISPER_MODEL"] = str(tmp_path / "nope")
    result = runner.invoke(args=["transcribe", str(FIXTURE)])
    assert result.exit_code != 0 and "does not exist" in result.output
