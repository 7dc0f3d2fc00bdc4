"""A recording's title: typed at upload, else from the disposition, else from what the
customer says first; editable; shown in lists, search and on its page."""

from __future__ import annotations

import datetime as dt

import pytest

from coachlab.auth.models import Role
from coachlab.db import db, utcnow
from coachlab.recordings import titles
from coachlab.recordings.models import Recording
from coachlab.recordings.pipeline import pipeline_steps
from coachlab.recordings.service import CallDetails, UploadRejected, store_upload
from coachlab.transcripts.service import store_transcript
from tests.microskills.test_review_and_profile import scripted_transcript


@pytest.mark.parametrize(("disposition", "title"), [
    ("refund_issued", "Refund issued"),
    ("price-objection", "Price objection"),
    ("Customer wanted a refund. Escalated to billing.", "Customer wanted a refund"),
    ("", ""),
    ("   ", ""),
])
def test_title_from_the_disposition(disposition, title):
    assert titles.from_disposition(disposition) == title


def test_title_from_the_customers_first_words_skips_greetings():
    turns = ["Hi there.", "Hello, yes, hi.",
             "Hi Sam. I have just looked at my bank statement and you have taken my payment "
             "twice this month."]
    title = titles.from_customer_turns(turns)
    assert title.startswith("Sam. I have just looked at my bank statement")
    assert title.endswith("…") and len(title.split()) == titles.DEFAULT_WORDS
    assert titles.from_customer_turns(["Hello.", "Okay thanks."]) == ""


def test_a_typed_title_is_kept_and_trimmed(make_user, make_recording):
    advisor = make_user()
    recording = make_recording(advisor, title="  Double   charge\non the bill ",
                               disposition="refund_issued")
    assert recording.title == "Double charge on the bill"
    assert recording.display_title == recording.title


def test_the_disposition_names_a_call_uploaded_without_a_title(make_user, make_recording):
    recording = make_recording(make_user(), disposition="refund_issued", customer_ref="C-9")
    assert recording.title == "Refund issued"


def test_after_transcription_the_customer_names_the_call(app, make_user, make_recording):
    recording = make_recording(make_user(), customer_ref="C-7")
    assert recording.title == "" and recording.display_title == "C-7"  # tones: no words
    store_transcript(recording, scripted_transcript([
        ("agent", "Thank you for calling, this is Sam."),
        ("customer", "Hello. My broadband has dropped every evening this week."),
    ]), model="test")
    step = next(s for s in pipeline_steps() if s.name == "title")
    assert [s.name for s in pipeline_steps()].index("title") == \
        [s.name for s in pipeline_steps()].index("transcribe") + 1
    step.run(recording, None, lambda _p: None)
    assert recording.title == "My broadband has dropped every evening this week"
    recording.title = "Typed by the coach"
    assert step.is_done(recording)  # a title is never overwritten by processing


def test_the_advisor_renames_their_call_but_cannot_change_its_outcomes(
        client, login, make_user, make_recording):
    advisor = make_user()
    recording = make_recording(advisor, nps=3)
    login(advisor)
    form = client.get(f"/recordings/{recording.id}/edit").text
    assert 'name="title"' in form and 'name="nps"' not in form
    response = client.post_form(f"/recordings/{recording.id}/edit",
                                {"title": "Late delivery", "nps": "10"})
    assert response.status_code == 302
    db.session.expire_all()
    row = db.session.get(Recording, recording.id)
    assert row.title == "Late delivery" and row.nps == 3
    page = client.get("/recordings/").text
    assert "Late delivery" in page
    assert "<h1>Late delivery</h1>" in client.get(f"/recordings/{recording.id}").text


def test_a_coach_corrects_the_details_in_their_own_time_zone(
        client, login, make_team, make_user, make_recording):
    team = make_team()
    coach = make_user(Role.COACH, led_teams=[team])
    coach.time_zone = "Europe/Paris"
    advisor = make_user(team=team)
    recording = make_recording(advisor, called_at=dt.datetime(2026, 7, 1, 8, 0, tzinfo=dt.UTC))
    db.session.commit()
    login(coach)
    form = client.get(f"/recordings/{recording.id}/edit").text
    assert 'value="2026-07-01T10:00"' in form  # 08:00 UTC is 10:00 in Paris in summer
    response = client.post_form(f"/recordings/{recording.id}/edit", {
        "title": "Billing mix-up", "called_at": "2026-07-01T11:30", "direction": "outbound",
        "customer_ref": "C-1", "nps": "4", "csat": "", "resolved": "no", "disposition": "",
        "tags": "billing, Escalation"})
    assert response.status_code == 302, response.text[:500]
    db.session.expire_all()
    row = db.session.get(Recording, recording.id)
    assert row.called_at == dt.datetime(2026, 7, 1, 9, 30, tzinfo=dt.UTC)
    assert (row.title, row.nps, row.resolved, row.direction.value) == \
        ("Billing mix-up", 4, False, "outbound")
    assert sorted(t.name for t in row.tags) == ["billing", "escalation"]


def test_a_wrong_edit_is_refused_with_a_message_and_changes_nothing(
        client, login, make_team, make_user, make_recording):
    team = make_team()
    coach = make_user(Role.COACH, led_teams=[team])
    recording = make_recording(make_user(team=team), nps=7, title="Kept")
    login(coach)
    response = client.post_form(f"/recordings/{recording.id}/edit", {
        "title": "x" * 201, "called_at": "not a date", "direction": "inbound", "nps": "11"})
    assert response.status_code == 400
    assert "Not a valid datetime value" in response.text or "valid" in response.text
    db.session.expire_all()
    row = db.session.get(Recording, recording.id)
    assert (row.title, row.nps) == ("Kept", 7)


def test_the_list_filters_by_title_or_customer(client, login, make_user, make_recording):
    advisor = make_user()
    make_recording(advisor, title="Double charge on the bill")
    make_recording(advisor, title="Password reset", customer_ref="ACME_100%")
    login(advisor)
    assert "Password reset" not in client.get("/recordings/?q=double").text
    hits = client.get("/recordings/?q=100%25").text  # LIKE wildcards are taken literally
    assert "Password reset" in hits and "Double charge" not in hits


def test_an_archived_teams_advisors_take_no_new_uploads(client, login, make_team, make_user,
                                                        media_file):
    team = make_team("Old")
    coach = make_user(Role.COACH, led_teams=[team])
    advisor = make_user(team=team, name="Archie Archived")
    team.archived_at = utcnow()
    db.session.commit()
    login(coach)
    assert "Archie Archived" not in client.get("/recordings/upload").text
    details = CallDetails(advisor=advisor, called_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    with (media_file("old.wav", seconds=1.0).open("rb") as stream,
          pytest.raises(UploadRejected, match="Old is archived")):
        store_upload(stream, "old.wav", details, uploaded_by=coach)
    assert db.session.scalars(db.select(Recording)).all() == []
