"""Microskills in the app: tagging in the pipeline, coaches' reviews, profiles, the CLI."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import sqlalchemy as sa

from coachlab.auth.models import Role
from coachlab.db import db
from coachlab.media.transcript import Segment, Transcript, Word
from coachlab.recordings.models import Recording, Status
from coachlab.transcripts.models import TranscriptSegment
from coachlab.transcripts.service import store_transcript
from microskills import service
from microskills.models import (
    Microskill,
    RecordingSkillSummary,
    TagSource,
    TagStatus,
    UtteranceTag,
)
from microskills.tagger import TAGGER_VERSION

CALL = [
    ("agent", "Good morning, thank you for calling Northwind, my name is Sam, how can I help?"),
    ("customer", "I was charged twice this month and I am really fed up."),
    ("agent", "I'm so sorry, that sounds really frustrating. Let me fix that for you."),
    ("customer", "Honestly it's too expensive anyway, I want to cancel."),
    ("agent", "What I can do is move you to the basic plan, which costs half as much."),
    ("agent", "The refund will reach your card within five business days."),
    ("agent", "Is there anything else I can help you with today?"),
]


def scripted_transcript(lines=CALL) -> Transcript:
    segments, t = [], 0.0
    for speaker, text in lines:
        words = [Word(t + i * 0.3, t + i * 0.3 + 0.25, w, 0.9) for i, w in enumerate(text.split())]
        segments.append(Segment(t, words[-1].end, speaker, text, -0.2, words))
        t = words[-1].end + 0.8
    return Transcript(duration=t, language="en", segments=segments)


@pytest.fixture
def setup(make_team, make_user, make_recording):
    team = make_team("Blue")
    people = {"advisor": make_user(Role.ADVISOR, team=team),
              "peer": make_user(Role.ADVISOR, team=team),
              "coach": make_user(Role.COACH, led_teams=[team]),
              "stranger": make_user(Role.ADVISOR)}
    recording = make_recording(people["advisor"], seconds=1.0,
                               called_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=20))
    store_transcript(recording, scripted_transcript(), model="test")
    service.tag_recording(recording)
    db.session.commit()
    return people, recording


def tags_of(recording, code=None):
    query = sa.select(UtteranceTag).where(UtteranceTag.recording_id == recording.id)
    if code:
        query = query.where(UtteranceTag.code == code)
    return db.session.scalars(query).all()


def test_pipeline_tags_an_uploaded_call(make_team, make_user, make_recording):
    advisor = make_user(Role.ADVISOR)
    recording = make_recording(advisor, seconds=1.0)  # tones: no speech, still tagged
    assert recording.status is Status.READY
    summary = db.session.get(RecordingSkillSummary, recording.id)
    assert summary is not None and summary.tagger_version == TAGGER_VERSION


def test_tagging_finds_skills_signals_and_call_flags(setup):
    _, recording = setup
    codes = {t.code for t in tags_of(recording)}
    assert {"A.greeting", "W.empathy", "W.apology", "O.ownership", "M.expectation",
            "E.further_help"} <= codes
    assert {"frustration", "objection.price", "objection.cancel"} <= codes
    customer = db.session.scalars(sa.select(TranscriptSegment).where(
        TranscriptSegment.recording_id == recording.id,
        TranscriptSegment.speaker == "customer")).all()
    customer_ids = {s.id for s in customer}
    customer_codes = {t.code for t in tags_of(recording) if t.segment_id in customer_ids}
    assert not any(c[0].isupper() and c[1] == "." for c in customer_codes)  # no skills


def test_masterlist_is_seeded_once_and_codes_are_never_reused(app):
    service.ensure_masterlist()
    service.ensure_masterlist()
    assert db.session.scalar(sa.select(sa.func.count(Microskill.id))) == 18
    with pytest.raises(service.MicroskillError, match="never reused"):
        service.create_microskill(code="W.empathy", family="Warmth", name="x", definition="x",
                                  examples=[])
    with pytest.raises(service.MicroskillError, match="family letter"):
        service.create_microskill(code="bad code", family="x", name="x", definition="x",
                                  examples=[])


def test_admin_edits_and_adds_microskills(client, login, make_user):
    login(make_user(Role.ADMIN))
    response = client.post_form("/microskills/W.empathy/edit", {
        "name": "Empathy", "definition": "Names the feeling.", "examples": "Ouch\n\nThat hurts",
        "active": "y"})
    assert response.status_code == 302
    skill = db.session.scalar(sa.select(Microskill).where(Microskill.code == "W.empathy"))
    assert skill.definition == "Names the feeling." and skill.examples == ["Ouch", "That hurts"]
    response = client.post_form("/microskills/new", {
        "code": "O.follow_up", "family": "Own", "name": "Follow-up", "definition": "Calls back."})
    assert response.status_code == 302
    taken = client.post_form("/microskills/new", {
        "code": "O.follow_up", "family": "Own", "name": "Again", "definition": "x"})
    assert taken.status_code == 400 and "never reused" in taken.get_data(as_text=True)
    assert "O.follow_up" in client.get("/microskills/").get_data(as_text=True)


def test_only_admins_edit_the_masterlist(client, login, make_user):
    login(make_user(Role.COACH))
    assert client.get("/microskills/").status_code == 200
    assert client.get("/microskills/W.empathy/edit").status_code == 404
    assert client.post_form("/microskills/new", {"code": "O.x_y"}).status_code == 404


def test_coach_reviews_and_adds_tags_and_people_win(setup, client, login):
    people, recording = setup
    empathy = tags_of(recording, "W.empathy")[0]
    greeting = tags_of(recording, "A.greeting")[0]
    login(people["coach"])
    page = client.get(f"/recordings/{recording.id}").get_data(as_text=True)
    assert "chip chip-skill" in page and f"/microskills/tags/{empathy.id}/confirm" in page
    assert client.post_form(f"/microskills/tags/{empathy.id}/confirm").status_code == 302
    assert client.post_form(f"/microskills/tags/{greeting.id}/reject").status_code == 302
    segment = db.session.get(TranscriptSegment, greeting.segment_id)
    assert client.post_form(f"/microskills/segments/{segment.id}/tags",
                            {"code": "W.personalize"}).status_code == 302
    bad = client.post_form(f"/microskills/segments/{segment.id}/tags", {"code": "frustration"},
                           follow_redirects=True)
    assert "cannot be tagged" in bad.get_data(as_text=True)
    # re-tagging keeps people's verdicts
    service.tag_recording(recording)
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(UtteranceTag, empathy.id).status is TagStatus.CONFIRMED
    assert db.session.get(UtteranceTag, greeting.id).status is TagStatus.REJECTED
    added = tags_of(recording, "W.personalize")
    assert len(added) == 1 and added[0].source is TagSource.HUMAN
    assert client.get("/microskills/labels.jsonl").status_code == 404  # admins only
    labels = list(service.human_labels())
    greeting_row = next(r for r in labels if r["segment_id"] == segment.id)
    assert greeting_row["rejected"] == ["A.greeting"] and greeting_row["confirmed"] == [
        "W.personalize"]


def test_advisors_cannot_review_tags(setup, client, login):
    people, recording = setup
    tag = tags_of(recording)[0]
    login(people["advisor"])
    page = client.get(f"/recordings/{recording.id}").get_data(as_text=True)
    assert "chip chip-" in page and "/confirm" not in page
    assert client.post_form(f"/microskills/tags/{tag.id}/reject").status_code == 404
    assert client.get("/microskills/labels.jsonl").status_code == 404


def test_correcting_a_segment_retags_it(setup, client, login):
    people, recording = setup
    segment = db.session.scalars(sa.select(TranscriptSegment).where(
        TranscriptSegment.recording_id == recording.id).order_by(TranscriptSegment.start)).first()
    assert "A.greeting" in {t.code for t in tags_of(recording) if t.segment_id == segment.id}
    login(people["coach"])
    client.post_form(f"/recordings/{recording.id}/segments/{segment.id}",
                     {"text": "Can I have your postcode please?", "speaker": "agent"})
    codes = {t.code for t in tags_of(recording) if t.segment_id == segment.id}
    assert "A.greeting" not in codes and "E.closed_question" in codes


def test_profile_shows_strengths_improvements_and_evidence(setup, client, login, make_recording):
    people, recording = setup
    # a peer with a colder call, so the team comparison has something to compare
    peer_call = make_recording(people["peer"], seconds=1.0)
    store_transcript(peer_call, scripted_transcript([
        ("agent", "Account number?"), ("customer", "This is ridiculous, I'm so annoyed."),
        ("agent", "Okay. Anything else?")]), model="test")
    service.tag_recording(peer_call)
    db.session.commit()
    login(people["coach"])
    page = client.get(f"/microskills/advisors/{people['advisor'].id}").get_data(as_text=True)
    assert "Strengths" in page and "Areas to improve" in page
    assert "Empathy / reflect feeling" in page or "Empathy" in page
    assert f"/recordings/{recording.id}?t=" in page  # evidence moments link to the second
    assert "1 of 1 frustrated customers met with empathy" in page
    peer_page = client.get(f"/microskills/advisors/{people['peer'].id}").get_data(as_text=True)
    assert "Frustration with no empathy next" in peer_page


def test_profile_access(setup, client, login):
    people, _ = setup
    login(people["stranger"])
    assert client.get(f"/microskills/advisors/{people['advisor'].id}").status_code == 404
    assert client.get("/microskills/advisors").status_code == 302  # to their own profile
    client.post_form("/logout")
    login(people["advisor"])
    assert client.get(f"/microskills/advisors/{people['advisor'].id}").status_code == 200
    assert client.get(f"/microskills/advisors/{people['peer'].id}").status_code == 404


def test_trend_chart_data_over_weeks(setup, client, login, make_recording):
    people, recording = setup
    later = make_recording(people["advisor"], seconds=1.0,
                           called_at=recording.called_at + dt.timedelta(days=8))
    store_transcript(later, scripted_transcript(), model="test")
    service.tag_recording(later)
    db.session.commit()
    login(people["advisor"])
    page = client.get(f"/microskills/advisors/{people['advisor'].id}?days=365")
    html = page.get_data(as_text=True)
    data = json.loads(html.split('<script id="trend-data" type="application/json">')[1]
                      .split("</script>")[0])
    assert len(data["labels"]) == 2 and data["datasets"]


def test_cli_tag_and_list(runner):
    lines = "\n".join(json.dumps(x) for x in [
        {"id": 1, "text": "What happened when you tried to log in?", "speaker": "agent"},
        {"id": 2, "text": "That's way too expensive.", "speaker": "customer"}])
    result = runner.invoke(args=["microskills", "tag"], input=lines + "\n")
    assert result.exit_code == 0, result.output
    out = [json.loads(line) for line in result.output.splitlines()]
    assert "E.open_question" in out[0]["skills"] and "objection.price" in out[1]["signals"]
    listing = runner.invoke(args=["microskills", "list", "--json"])
    codes = [s["code"] for s in json.loads(listing.output)]
    assert len(codes) == 18 and codes[0] == "A.greeting"


def test_cli_retag_queues_outdated_calls(setup, runner):
    _, recording = setup
    summary = db.session.get(RecordingSkillSummary, recording.id)
    summary.tagger_version = "0.0.1"
    db.session.commit()
    result = runner.invoke(args=["microskills", "retag"])
    assert "Queued 1 recording" in result.output
    db.session.expire_all()
    assert db.session.get(RecordingSkillSummary, recording.id).tagger_version == TAGGER_VERSION
    assert db.session.get(Recording, recording.id).status is Status.READY


def test_worker_start_retags_calls_of_an_older_tagger(setup, app):
    from microskills.jobs import retag_outdated_at_worker_start

    _, recording = setup
    db.session.get(RecordingSkillSummary, recording.id).tagger_version = "0.0.1"
    db.session.commit()
    retag_outdated_at_worker_start(app)
    db.session.expire_all()
    assert db.session.get(RecordingSkillSummary, recording.id).tagger_version == TAGGER_VERSION
