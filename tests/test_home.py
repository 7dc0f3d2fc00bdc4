"""The start page of each role says what needs them now, counting only what they may see."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import sqlalchemy as sa

from clips.models import ClipComment, MomentSuggestion, SuggestionStatus
from clips.service import ClipDetails, create_clip
from coachlab import home
from coachlab.auth.models import Role
from coachlab.db import db, utcnow
from coachlab.jobs import JobStatus
from coachlab.plugins import HomeCard, add_home_card, home_cards
from coachlab.transcripts.service import store_transcript
from tests.microskills.test_review_and_profile import scripted_transcript


def sign_in_as(client, login, user) -> None:
    """Sign in again as someone else (signing in while signed in only goes home)."""
    if client.get("/").status_code == 200:  # someone is signed in
        assert client.post_form("/logout").status_code == 302
    login(user)


def card_text(html: str, card_id: str) -> str:
    found = re.search(rf'<article class="home-card" id="{card_id}">(.*?)</article>', html, re.S)
    assert found, f"no card {card_id}"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group(1)))


@pytest.fixture
def world(make_team, make_user, make_recording):
    red, blue = make_team("Red"), make_team("Blue")
    coach = make_user(Role.COACH, led_teams=[red], name="Cora Coach")
    advisor = make_user(team=red, name="Ali Advisor")
    other = make_user(team=blue, name="Bo Blue")
    mine = make_recording(advisor, uploaded_by=coach, title="Double charge on the bill",
                          nps=9, resolved=True)
    theirs = make_recording(other, title="Blue team call")
    return dict(red=red, blue=blue, coach=coach, advisor=advisor, other=other, mine=mine,
                theirs=theirs)


def test_every_role_gets_a_start_page_not_a_redirect(client, login, world, make_user):
    for user in (world["coach"], world["advisor"], make_user(Role.ADMIN)):
        sign_in_as(client, login, user)
        page = client.get("/")
        assert page.status_code == 200, user
        assert f"Hello, {user.name.split()[0]}" in page.text


def test_coach_sees_new_calls_of_their_teams_only(client, login, world):
    login(world["coach"])
    text = card_text(client.get("/").text, "card-new-calls")
    assert "Double charge on the bill" in text  # a ready call of the team, by title
    assert "Blue team call" not in text  # another team's call is not counted nor named
    assert re.search(r"\b1 processed since", text)


def test_new_means_since_the_previous_sign_in(client, login, world):
    coach = world["coach"]
    coach.last_login_at = utcnow() + dt.timedelta(minutes=1)  # signed in after the upload
    db.session.commit()
    login(coach)  # this sign-in makes that one the previous visit
    text = card_text(client.get("/").text, "card-new-calls")
    assert "No new calls since" in text and "Double charge" not in text


def test_coach_sees_waiting_suggestions_per_advisor(client, login, world):
    db.session.add_all([
        MomentSuggestion(recording_id=world["mine"].id, key=f"k{i}", kind="objection.price",
                         reason="Price objection", score=0.8, start=i, end=i + 1,
                         status=SuggestionStatus.OPEN) for i in range(3)]
        + [MomentSuggestion(recording_id=world["mine"].id, key="done", kind="dead_air",
                            reason="Silence", score=0.5, start=5, end=9,
                            status=SuggestionStatus.DISMISSED),
           MomentSuggestion(recording_id=world["theirs"].id, key="blue", kind="dead_air",
                            reason="Silence", score=0.5, start=0, end=1,
                            status=SuggestionStatus.OPEN)])
    db.session.commit()
    login(world["coach"])
    text = card_text(client.get("/").text, "card-suggestions")
    assert "Ali Advisor : 3 moments in 1 call" in text
    assert "Bo Blue" not in text


def test_advisors_with_no_review_lately_and_a_review_clears_them(client, login, world):
    login(world["coach"])
    assert "Ali Advisor · never reviewed" in card_text(client.get("/").text, "card-review-gaps")

    recording = world["mine"]
    store_transcript(recording, scripted_transcript([("agent", "Thanks for calling, how can I "
                                                              "help you today?")]), model="t")
    recording.status = JobStatus.READY
    create_clip(recording, 0.0, 1.5, ClipDetails(title="Warm opening"), acting=world["coach"])
    db.session.commit()
    text = card_text(client.get("/").text, "card-review-gaps")
    assert "Every advisor was reviewed" in text


def test_new_comments_reach_the_advisor_and_the_coach_but_not_from_themselves(
        client, login, world):
    recording = world["mine"]
    store_transcript(recording, scripted_transcript([("agent", "Let me sort that refund out "
                                                              "for you right now.")]), model="t")
    recording.status = JobStatus.READY
    clip = create_clip(recording, 0.0, 1.5, ClipDetails(title="Owning the refund"),
                       acting=world["coach"])
    db.session.flush()
    db.session.add_all([
        ClipComment(clip_id=clip.id, author_id=world["coach"].id, at_second=0.5,
                    body="Lovely ownership here"),
        ClipComment(clip_id=clip.id, author_id=world["advisor"].id, at_second=1.0,
                    body="Thanks, I tried to keep it short"),
    ])
    db.session.commit()
    login(world["advisor"])
    text = card_text(client.get("/").text, "card-comments")
    assert "Lovely ownership here" in text and "I tried to keep it short" not in text
    sign_in_as(client, login, world["coach"])
    text = card_text(client.get("/").text, "card-comments")
    assert "I tried to keep it short" in text and "Lovely ownership" not in text


def test_advisor_sees_their_latest_calls_and_how_they_went(client, login, world):
    login(world["advisor"])
    text = card_text(client.get("/").text, "card-latest-calls")
    assert "Double charge on the bill" in text and "NPS 9" in text and "resolved" in text
    assert "Blue team call" not in text


def test_admin_sees_set_up_state_and_failed_jobs(client, login, world, make_team, make_user):
    admin = make_user(Role.ADMIN)
    make_team("Green")  # no coach
    world["theirs"].status = JobStatus.FAILED
    world["theirs"].failure_reason = "Transcription failed: boom"
    db.session.commit()
    login(admin)
    html = client.get("/").text
    setup = card_text(html, "card-setup")
    assert re.search(r"2 teams without a coach: Blue, Green", setup)
    assert "never signed in" in setup and "Ali Advisor" in setup
    assert re.search(r"Processing: 1 failed", card_text(html, "card-failed-jobs"))


def test_an_archived_team_needs_no_coach(client, login, make_team, make_user):
    admin = make_user(Role.ADMIN)
    team = make_team("Old")
    team.archived_at = utcnow()
    db.session.commit()
    login(admin)
    assert "Every team has a coach" in card_text(client.get("/").text, "card-setup")


def test_a_package_adds_a_card_for_one_role(app, world):
    add_home_card(app, HomeCard("test.hello", frozenset({"advisor"}),
                                lambda user, since: f"<p>hi {user.name}</p>", order=1))
    with app.test_request_context():
        advisor_cards = home_cards(world["advisor"], home.previous_visit(world["advisor"]))
        coach_cards = home_cards(world["coach"], home.previous_visit(world["coach"]))
    assert str(advisor_cards[0]) == "<p>hi Ali Advisor</p>"
    assert all("hi " not in str(c) for c in coach_cards)
    with pytest.raises(ValueError):
        add_home_card(app, HomeCard("test.hello", frozenset({"coach"}), lambda u, s: None))


def test_advisor_sees_strengths_and_one_area_to_work_on(client, login, world, make_recording):
    from microskills import service as microskills

    advisor = world["advisor"]
    for _ in range(2):
        recording = make_recording(advisor, seconds=1.0,
                                   called_at=utcnow() - dt.timedelta(days=3))
        store_transcript(recording, scripted_transcript(), model="test")
        microskills.tag_recording(recording)
    db.session.commit()
    login(advisor)
    text = card_text(client.get("/").text, "card-focus")
    assert "Strengths" in text and "One area to work on" in text
    assert "Your full profile" in text


def test_the_tag_review_of_a_coach_counts_as_a_review(client, login, world, make_recording):
    from microskills import service as microskills
    from microskills.models import UtteranceTag

    recording = make_recording(world["advisor"], seconds=1.0)
    store_transcript(recording, scripted_transcript(), model="test")
    microskills.tag_recording(recording)
    tag = db.session.scalars(sa.select(UtteranceTag)
                             .where(UtteranceTag.recording_id == recording.id)).first()
    tag.reviewed_by_id, tag.reviewed_at = world["coach"].id, utcnow() - dt.timedelta(days=20)
    db.session.commit()
    login(world["coach"])
    text = card_text(client.get("/").text, "card-review-gaps")
    assert re.search(r"Ali Advisor · last reviewed (20 days|3 weeks) ago", text), text


def test_a_call_finishing_while_the_page_renders_is_picked_up_by_the_next_poll(
        app, client, login, world, make_recording):
    """The page's change stamp is read before its cards: a call that finishes while they
    are built changes the stamp the page polls, so the next poll fetches fresh cards
    (read after, the stamp would already count the call the cards missed)."""
    late = make_recording(world["advisor"], title="Finishing now")
    late.status = JobStatus.PROCESSING
    db.session.commit()

    def finish_meanwhile(user, since):
        late.status = JobStatus.READY
        db.session.flush()
        return None

    add_home_card(app, HomeCard("test.worker", frozenset({"advisor"}), finish_meanwhile, order=1))
    login(world["advisor"])
    page_stamp = re.search(r'data-stamp="([^"]+)"', client.get("/").get_data(as_text=True))[1]
    assert client.get("/home/changes").get_json()["stamp"] != page_stamp
