"""Identical media is transcribed once: the real bundled Whisper model on a real stereo clip.

Whether Whisper ran is read from the transcription step's log ("transcribed with Whisper"
or "reused the transcript of recording N").
"""

from __future__ import annotations

import io
import logging
import subprocess
import threading
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from coachlab.auth.models import Role
from coachlab.db import db
from coachlab.media.ffmpeg import ffmpeg_exe
from coachlab.recordings.models import Recording, Status
from coachlab.transcripts import jobs
from coachlab.transcripts.models import TranscriptSegment, TranscriptWord

FIXTURE = Path(__file__).parents[1] / "fixtures" / "stereo_diarization.wav"
JOBS_LOG = "coachlab.transcripts.jobs"


@pytest.fixture
def team(make_team, make_user):
    team = make_team("Blue")
    return {"advisor": make_user(Role.ADVISOR, team=team),
            "coach": make_user(Role.COACH, led_teams=[team])}


@pytest.fixture
def whisper_log(caplog):
    """``whisper_log()``: (recordings transcribed with Whisper, (recording, source) reuses)."""
    caplog.set_level(logging.INFO, logger=JOBS_LOG)

    def runs() -> tuple[list[str], list[str]]:
        messages = [r.getMessage() for r in caplog.records if r.name == JOBS_LOG]
        return ([m for m in messages if "transcribed with Whisper" in m],
                [m for m in messages if "reused the transcript" in m])

    return runs


def upload(client, advisor, path: Path = FIXTURE, *, name: str = "call.wav",
           ready: bool = True, **fields) -> Recording:
    response = client.post_form("/recordings/upload", {
        "advisor": str(advisor.id), "called_at": "2026-11-20T09:30", "direction": "inbound",
        "agent_channel": "left", **fields,
        "files": [(io.BytesIO(path.read_bytes()), name)]},
        content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)[:400]
    recording = db.session.scalars(sa.select(Recording).order_by(Recording.id.desc())).first()
    assert recording.status is (Status.READY if ready else Status.QUEUED), \
        recording.failure_reason
    return recording


def transcript_rows(recording: Recording) -> list[tuple]:
    """Every segment with its words, as plain values (no ids)."""
    segments = db.session.scalars(
        sa.select(TranscriptSegment).where(TranscriptSegment.recording_id == recording.id)
        .order_by(TranscriptSegment.position)).all()
    return [(s.position, s.start, s.end, s.speaker, s.original_speaker, s.text,
             s.original_text, s.avg_logprob,
             [(w.position, w.start, w.end, w.word, w.probability) for w in s.words])
            for s in segments]


def test_the_same_media_is_transcribed_once(client, login, team, whisper_log):
    login(team["coach"])
    first = upload(client, team["advisor"], name="monday.wav")
    second = upload(client, team["advisor"], name="tuesday.wav", customer_ref="C-2")
    whispered, reused = whisper_log()
    assert whispered == [f"recording {first.id}: transcribed with Whisper "
                         f"({first.transcript_model})"]
    assert len(reused) == 1
    assert reused[0].startswith(f"recording {second.id}: reused the transcript of recording "
                                f"{first.id} ")

    rows = transcript_rows(first)
    assert rows and any(words for *_, words in rows)
    assert transcript_rows(second) == rows  # word timestamps and probabilities included
    assert {s[3] for s in rows} == {"agent", "customer"}
    assert second.transcript_language == first.transcript_language == "en"
    assert second.talk_time == first.talk_time
    assert second.transcript_model == first.transcript_model
    assert first.transcript_model.startswith("tiny.en (bundled); settings ")
    # the copy is the second recording's own: every row points at it
    words = db.session.scalars(sa.select(TranscriptWord).join(TranscriptSegment).where(
        TranscriptSegment.recording_id == second.id)).all()
    assert words and {w.recording_id for w in words} == {second.id}
    page = client.get(f"/recordings/{second.id}").get_data(as_text=True)
    assert 'class="segment speaker-agent"' in page and "Talk time" in page


def test_another_agent_channel_is_transcribed_separately(client, login, team, whisper_log):
    login(team["coach"])
    left = upload(client, team["advisor"])
    right = upload(client, team["advisor"], agent_channel="right")
    whispered, reused = whisper_log()
    assert len(whispered) == 2 and reused == []
    swapped = {"agent": "customer", "customer": "agent"}
    left_turns = [(s[1], s[5]) for s in transcript_rows(left) if s[3] == "agent"]
    right_turns = [(s[1], s[5]) for s in transcript_rows(right)
                   if swapped[s[3]] == "agent"]
    assert left_turns == right_turns  # same words, the other labels
    # a third upload with the advisor on the right reuses the right-channel one
    again = upload(client, team["advisor"], agent_channel="right")
    assert transcript_rows(again) == transcript_rows(right)
    assert whisper_log()[1][0].startswith(f"recording {again.id}: reused the transcript of "
                                          f"recording {right.id} ")


def test_other_whisper_settings_transcribe_again(app, client, login, team, whisper_log):
    login(team["coach"])
    first = upload(client, team["advisor"])
    app.config["WHISPER_BEAM_SIZE"] = 1
    second = upload(client, team["advisor"])
    whispered, reused = whisper_log()
    assert len(whispered) == 2 and reused == []
    assert first.transcript_model != second.transcript_model


def test_a_deleted_source_means_transcribing_normally(client, login, team, whisper_log):
    login(team["coach"])
    first = upload(client, team["advisor"])
    first_id, rows = first.id, transcript_rows(first)
    assert client.post_form(f"/recordings/{first_id}/delete").status_code == 302
    assert db.session.get(Recording, first_id) is None
    second = upload(client, team["advisor"])
    whispered, reused = whisper_log()
    assert len(whispered) == 2 and reused == []
    assert [r[1:] for r in transcript_rows(second)] == [r[1:] for r in rows]


def test_a_source_deleted_between_finding_and_reading_it_is_not_used(client, login, team):
    """The race the one-statement read guards against: the step found a source, which is
    then deleted before its segments are read."""
    login(team["coach"])
    first = upload(client, team["advisor"])
    second = upload(client, team["advisor"])
    model = second.transcript_model
    assert jobs.read_transcript(first.id, second, model=model) is not None
    client.post_form(f"/recordings/{first.id}/delete")
    assert jobs.read_transcript(first.id, second, model=model) is None
    # and a source re-transcribed with other settings meanwhile no longer matches
    assert jobs.read_transcript(second.id, second, model=model + "x") is None


def test_corrections_are_not_copied(client, login, team, whisper_log):
    """A coach's corrections belong to that call: the copy is what Whisper heard."""
    login(team["coach"])
    first = upload(client, team["advisor"])
    segment = db.session.scalars(sa.select(TranscriptSegment).where(
        TranscriptSegment.recording_id == first.id,
        TranscriptSegment.speaker == "customer")).first()
    response = client.post_form(f"/recordings/{first.id}/segments/{segment.id}",
                                {"text": "Corrected words.", "speaker": "agent"})
    assert response.status_code == 302
    second = upload(client, team["advisor"])
    assert len(whisper_log()[1]) == 1
    copied = transcript_rows(second)[segment.position]
    assert copied[5] == copied[6] == segment.original_text != "Corrected words."
    assert copied[3] == copied[4] == "customer"
    assert set(second.talk_time["talk_ratio"]) == {"agent", "customer"}


def test_silence_is_reused_as_an_empty_transcript(client, login, team, tmp_path, whisper_log):
    silent = tmp_path / "silence.wav"
    subprocess.run([ffmpeg_exe(), "-v", "error", "-y", "-f", "lavfi", "-i",
                    "anullsrc=r=16000:cl=stereo", "-t", "3", str(silent)], check=True)
    login(team["coach"])
    first = upload(client, team["advisor"], silent)
    second = upload(client, team["advisor"], silent)
    whispered, reused = whisper_log()
    assert len(whispered) == 1 and len(reused) == 1
    assert transcript_rows(first) == transcript_rows(second) == []
    assert second.transcribed_at is not None and second.talk_time == first.talk_time


def test_two_workers_meeting_the_same_media_transcribe_it_once(client, login, team, whisper_log,
                                                                caplog):
    """Two worker threads on two uploads of one file: the second waits for the first."""
    from coachlab.jobs import huey, run_job

    huey.immediate = False
    try:
        login(team["coach"])
        first = upload(client, team["advisor"], ready=False)
        second = upload(client, team["advisor"], ready=False)
        first_id, second_id = first.id, second.id
        errors: list[BaseException] = []

        def work(row_id: int) -> None:  # what a worker thread does with a queued message
            try:
                run_job.call_local("recording.process", "recordings", row_id)
            except BaseException as exc:  # reported below, not lost in the thread
                errors.append(exc)

        worker1 = threading.Thread(target=work, args=(first_id,))
        worker1.start()
        for _ in range(600):  # until the first is being transcribed (or, on a fast machine, done)
            db.session.rollback()
            if db.session.get(Recording, first_id).step == "transcribe" or not worker1.is_alive():
                break
            time.sleep(0.05)
        worker2 = threading.Thread(target=work, args=(second_id,))
        worker2.start()
        worker1.join()
        worker2.join()
        assert errors == []
    finally:
        huey.immediate = True
    db.session.rollback()
    first, second = db.session.get(Recording, first_id), db.session.get(Recording, second_id)
    assert first.status is second.status is Status.READY
    whispered, reused = whisper_log()
    assert len(whispered) == 1 and len(reused) == 1
    assert reused[0].startswith(f"recording {second_id}: reused the transcript of recording "
                                f"{first_id} ")
    assert any(f"recording {second_id}: waiting for recording {first_id}" in r.getMessage()
               for r in caplog.records)
    assert transcript_rows(second) == transcript_rows(first)
