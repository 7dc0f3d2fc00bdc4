"""Coaching sessions: the balanced agenda, the sandwich, privacy of improvement points,
running and holding a session, acknowledgement, history, exports and bad input."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
import sqlalchemy as sa

from clips.models import ClipKind, Visibility
from clips.service import ClipDetails, create_clip
from coachlab.auth.models import Role
from coachlab.db import db, utcnow
from coachlab.notifications import Notification
from coachlab.transcripts.service import store_transcript
from microskills import service as microskills
from sessions import service
from sessions.models import AgendaKind, CoachingSession, FeedbackPoint, SessionState, Slot
from tests.microskills.test_review_and_profile import scripted_transcript


@pytest.fixture
def team(make_team, make_user, make_recording):
    blue, red = make_team("Blue"), make_team("Red")
    coach = make_user(Role.COACH, led_teams=[blue], name="Cora Coach")
    advisor = make_user(team=blue, name="Ali Advisor")
    peer = make_user(team=blue, name="Bea Peer")
    outsider = make_user(team=red, name="Otto Outsider")
    other_coach = make_user(Role.COACH, led_teams=[red], name="Rex Coach")
    calls = {}
    for who in (advisor, peer, outsider):
        recording = make_recording(who, seconds=12.0, called_at=utcnow() - dt.timedelta(days=2))
        store_transcript(recording, scripted_transcript(), model="test")
        microskills.tag_recording(recording)
        calls[who.name] = recording
    db.session.commit()
    own = create_clip(calls["Ali Advisor"], 0.2, 3.0, ClipDetails(
        title="Warm greeting", kind=ClipKind.GOOD_MOMENT, microskills=["A.greeting"]),
        acting=coach)
    peer_clip = create_clip(calls["Bea Peer"], 0.2, 3.0, ClipDetails(
        title="Bea owns it", kind=ClipKind.GOOD_MOMENT, visibility=Visibility.TEAM),
        acting=coach)
    private_peer = create_clip(calls["Bea Peer"], 3.0, 6.0, ClipDetails(
        title="Bea's private moment", kind=ClipKind.GOOD_MOMENT), acting=coach)
    mistake = create_clip(calls["Ali Advisor"], 3.0, 6.0, ClipDetails(
        title="Missed empathy", kind=ClipKind.MISSED_OPPORTUNITY), acting=coach)
    db.session.commit()
    return dict(coach=coach, advisor=advisor, peer=peer, outsider=outsider,
                other_coach=other_coach, calls=calls, own=own, peer_clip=peer_clip,
                private_peer=private_peer, mistake=mistake)


def full_sandwich(session, team, *, publish_opening=True):
    coach, call = team["coach"], team["calls"]["Ali Advisor"]
    service.add_point(session, acting=coach, slot=Slot.CLOSING, text="Clear next steps",
                      microskill="M.expectation", evidence=service.Evidence(clip=team["own"]))
    service.add_point(session, acting=coach, slot=Slot.IMPROVEMENT, text="Name the feeling",
                      microskill="W.empathy",
                      evidence=service.Evidence(recording=call, at_second=4.0))
    service.add_point(session, acting=coach, slot=Slot.OPENING, text="Lovely warm greeting",
                      microskill="A.greeting", evidence=service.Evidence(clip=team["own"]),
                      published=publish_opening)


def new_session(team, **kw) -> CoachingSession:
    session = service.create_session(coach=team["coach"], advisor=team["advisor"],
                                     scheduled_at=utcnow() + dt.timedelta(days=1), **kw)
    db.session.commit()
    return session


def test_the_agenda_builder_proposes_thirds_from_the_three_sources(team):
    session = new_session(team, focus=["A.greeting"])
    missing = service.propose_agenda(session, acting=team["coach"])
    kinds = [i.kind for i in session.items]
    assert missing == []
    assert set(kinds) == set(AgendaKind)
    titles = {i.title for i in session.items}
    assert "Warm greeting" in titles and "Bea owns it" in titles and "Missed empathy" in titles
    assert "Bea's private moment" not in titles  # the advisor may not see it
    assert kinds[:3] == [AgendaKind.OWN_GOOD, AgendaKind.PEER_GOOD, AgendaKind.MISTAKE]
    balance = service.balance(session)
    assert all(balance.counts[k] >= 1 for k in AgendaKind)


def test_the_balance_warns_when_a_kind_is_missing_or_dominates(team):
    session = new_session(team)
    service.add_clip(session, team["mistake"], AgendaKind.MISTAKE, acting=team["coach"])
    service.add_stretch(session, team["calls"]["Ali Advisor"], 0.0, 11.0, AgendaKind.MISTAKE,
                        acting=team["coach"])
    service.add_clip(session, team["own"], AgendaKind.OWN_GOOD, acting=team["coach"])
    warnings = " ".join(service.balance(session).warnings)
    assert "No moment of the kind “A peer's good moment” yet" in warnings
    assert "To improve moments take" in warnings


def test_reorder_swap_and_remove(team):
    session = new_session(team)
    service.add_clip(session, team["own"], AgendaKind.OWN_GOOD, acting=team["coach"])
    service.add_clip(session, team["mistake"], AgendaKind.MISTAKE, acting=team["coach"])
    first, second = session.items
    service.move_item(second, -1, acting=team["coach"])
    assert [i.clip.title for i in session.items] == ["Missed empathy", "Warm greeting"]
    service.remove_item(session.items[0], acting=team["coach"])
    assert [i.position for i in session.items] == [0]
    with pytest.raises(service.SessionError, match="already"):
        service.add_clip(session, team["own"], AgendaKind.OWN_GOOD, acting=team["coach"])


def test_a_stretch_of_a_processed_call_is_cut_into_a_private_clip(team):
    session = new_session(team)
    service.add_stretch(session, team["calls"]["Ali Advisor"], 1.0, 4.0, AgendaKind.MISTAKE,
                        acting=team["coach"])
    db.session.commit()
    item = session.items[0]
    assert item.clip is not None and item.clip.visibility is Visibility.PRIVATE
    assert item.clip.kind is ClipKind.MISSED_OPPORTUNITY
    assert item.clip.status.value == "ready"  # jobs run inline in tests; the worker test cuts


def test_refusals_name_what_is_wrong_and_store_nothing(team):
    coach, advisor = team["coach"], team["advisor"]
    with pytest.raises(service.SessionError, match="not an advisor of a team you lead"):
        service.create_session(coach=coach, advisor=team["outsider"], scheduled_at=None)
    session = new_session(team)
    with pytest.raises(service.SessionError, match="cannot see that clip"):
        service.add_clip(session, team["private_peer"], AgendaKind.PEER_GOOD, acting=coach)
    with pytest.raises(service.SessionError, match="own calls"):
        service.add_stretch(session, team["calls"]["Bea Peer"], 0, 3, AgendaKind.MISTAKE,
                            acting=coach)
    with pytest.raises(service.SessionError, match="needs the text and a microskill"):
        service.add_point(session, acting=coach, slot=Slot.OPENING, text=" ", microskill="",
                          evidence=service.Evidence(clip=team["own"]))
    with pytest.raises(service.SessionError, match="Give evidence"):
        service.add_point(session, acting=coach, slot=Slot.OPENING, text="Good",
                          microskill="A.greeting", evidence=service.Evidence())
    with pytest.raises(service.SessionError, match="cannot see that recording"):
        service.add_point(session, acting=coach, slot=Slot.OPENING, text="Good",
                          microskill="A.greeting", evidence=service.Evidence(
                              recording=team["calls"]["Bea Peer"], at_second=1.0))
    service.add_point(session, acting=coach, slot=Slot.OPENING, text="Good",
                      microskill="A.greeting", evidence=service.Evidence(clip=team["own"]))
    db.session.commit()
    with pytest.raises(service.SessionError, match="opening positive already"):
        service.add_point(session, acting=coach, slot=Slot.OPENING, text="Again",
                          microskill="A.greeting", evidence=service.Evidence(clip=team["own"]))
    with pytest.raises(service.SessionError, match="only positives can be published"):
        service.add_point(session, acting=coach, slot=Slot.IMPROVEMENT, text="Hm",
                          microskill="W.empathy", evidence=service.Evidence(clip=team["own"]),
                          published=True)
    with pytest.raises(service.SessionError, match="still needs at least one improvement "
                                                  "point, a closing positive"):
        service.mark_held(session, acting=coach)
    with pytest.raises(service.access.NotAllowed):
        service.add_point(session, acting=team["other_coach"], slot=Slot.CLOSING, text="x",
                          microskill="A.greeting", evidence=service.Evidence(clip=team["own"]))
    with pytest.raises(service.access.NotAllowed):
        service.acknowledge(session, acting=team["peer"])
    db.session.rollback()
    assert [p.slot for p in db.session.get(CoachingSession, session.id).points] == [Slot.OPENING]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CoachingSession)
                             .where(CoachingSession.advisor_id == team["outsider"].id)) == 0
    assert advisor.id


def test_the_sandwich_is_kept_in_order_and_held_sessions_notify_and_keep_history(team):
    session = new_session(team)
    full_sandwich(session, team)
    assert [p.slot for p in session.points] == [Slot.OPENING, Slot.IMPROVEMENT, Slot.CLOSING]
    service.mark_held(session, acting=team["coach"])
    db.session.commit()
    assert session.state is SessionState.HELD and session.acknowledge_by > session.held_at
    note = db.session.scalars(sa.select(Notification)
                              .where(Notification.user_id == team["advisor"].id)).one()
    assert "acknowledge" in note.text
    events_before = len(session.events)
    service.add_point(session, acting=team["coach"], slot=Slot.IMPROVEMENT, text="One more",
                      microskill="S.check", evidence=service.Evidence(clip=team["own"]))
    assert len(session.events) == events_before + 1
    assert session.events[-1].action == "feedback added" and session.events[-1].actor_id == \
        team["coach"].id
    service.acknowledge(session, acting=team["advisor"], reflection="Will do")
    assert session.state is SessionState.ACKNOWLEDGED and session.reflection == "Will do"
    with pytest.raises(service.SessionError, match="acknowledged already"):
        service.acknowledge(session, acting=team["advisor"])
    assert not service.access.can(team["coach"], "change, run, mark held", "coaching session",
                                  session)


def test_the_acknowledgement_deadline_counts_working_days(app):
    friday = dt.datetime(2026, 11, 27, 15, 0, tzinfo=dt.UTC)  # a Friday
    assert service.acknowledgement_deadline(friday) == dt.datetime(2026, 12, 1, 23, 59, 59,
                                                                   tzinfo=dt.UTC)  # end of Tue
    app.config["SESSION_ACK_WORKING_DAYS"] = 1
    assert service.acknowledgement_deadline(friday).date() == dt.date(2026, 11, 30)  # Monday


def test_a_next_session_carries_the_focus_and_open_points(team):
    session = new_session(team, focus=["W.empathy"])
    full_sandwich(session, team)
    service.mark_held(session, acting=team["coach"])
    following = service.start_next(session, acting=team["coach"])
    assert following.focus_codes == ["W.empathy"] and following.previous_id == session.id
    assert [p.text for p in service.open_points(following)] == ["Name the feeling"]


def test_run_records_what_was_discussed_practised_and_interruptions(team):
    session = new_session(team)
    with pytest.raises(service.SessionError, match="Say what interrupted"):
        service.record_run(session, service.RunRecord(interrupted=True), acting=team["coach"])
    service.record_run(session, service.RunRecord(
        discussed=("W.empathy", "A.greeting"), practised=("W.empathy",), interrupted=True,
        interruptions=2, interruption_reason="Fire drill", help_answer="More peer examples",
        manage_answer="Flag hard calls"), acting=team["coach"])
    skills = {s.code: (s.discussed, s.practised) for s in session.skills}
    assert skills == {"W.empathy": (True, True), "A.greeting": (True, False)}
    assert (session.interruptions, session.interruption_reason) == (2, "Fire drill")


# --- pages: privacy of improvement points and private notes --------------------------------


@pytest.fixture
def held_session(team):
    session = new_session(team)
    full_sandwich(session, team)
    service.record_run(session, service.RunRecord(
        shared_notes="Practise naming feelings", private_notes="Check workload"),
        acting=team["coach"])
    service.mark_held(session, acting=team["coach"])
    db.session.commit()
    return session


def sign_in_as(client, login, user):
    if client.get("/").status_code == 200:
        assert client.post_form("/logout").status_code == 302
    login(user)


def test_the_advisor_sees_improvements_and_shared_notes_not_private_notes(
        client, login, team, held_session):
    login(team["advisor"])
    page = client.get(f"/sessions/{held_session.id}").text
    assert "Name the feeling" in page and "Practise naming feelings" in page
    assert "Check workload" not in page
    assert "I have read the feedback" in page
    sign_in_as(client, login, team["coach"])
    page = client.get(f"/sessions/{held_session.id}").text
    assert "Check workload" in page


def test_a_teammate_sees_only_published_praise(client, login, team, held_session):
    login(team["peer"])
    assert client.get(f"/sessions/{held_session.id}").status_code == 404
    praise = client.get("/sessions/praise").text
    assert "Lovely warm greeting" in praise
    assert "Name the feeling" not in praise and "Clear next steps" not in praise
    sign_in_as(client, login, team["outsider"])
    assert "Lovely warm greeting" not in client.get("/sessions/praise").text


def test_the_advisor_acknowledges_through_the_page(client, login, team, held_session):
    login(team["advisor"])
    response = client.post_form(f"/sessions/{held_session.id}/acknowledge",
                                {"reflection": "Naming feelings first"})
    assert response.status_code == 302
    db.session.expire_all()
    row = db.session.get(CoachingSession, held_session.id)
    assert row.state is SessionState.ACKNOWLEDGED and row.reflection == "Naming feelings first"
    assert "Naming feelings first" in client.get(f"/sessions/{held_session.id}").text


def test_a_point_without_evidence_is_refused_with_a_message(client, login, team):
    session = new_session(team)
    login(team["coach"])
    response = client.post_form(f"/sessions/{session.id}/points", {
        "point-slot": "opening", "point-text": "Nice", "point-microskill": "A.greeting",
        "point-evidence": ""})
    assert response.status_code == 400
    assert "The point was not saved: Give evidence" in response.text
    assert "Nice</textarea>" in response.text  # what the coach typed is still there
    assert db.session.scalars(sa.select(FeedbackPoint)).all() == []


def test_the_coach_creates_a_session_in_their_zone(client, login, team):
    team["coach"].time_zone = "Europe/Paris"
    db.session.commit()
    login(team["coach"])
    response = client.post_form("/sessions/new", {
        "advisor": str(team["advisor"].id), "scheduled_at": "2026-12-03T10:00",
        "length_minutes": "45", "focus": ["W.empathy", "O.ownership"]})
    assert response.status_code == 302
    session = db.session.scalars(sa.select(CoachingSession)).one()
    assert session.scheduled_at == dt.datetime(2026, 12, 3, 9, 0, tzinfo=dt.UTC)
    assert session.state is SessionState.SCHEDULED
    assert sorted(session.focus_codes) == ["O.ownership", "W.empathy"]
    refused = client.post_form("/sessions/new", {"advisor": str(team["outsider"].id),
                                                 "length_minutes": "30"})
    assert refused.status_code == 400
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CoachingSession)) == 1


# --- exports ------------------------------------------------------------------------------


def test_exports_keep_improvements_for_admins_only(client, login, runner, team, held_session,
                                                   make_user):
    result = runner.invoke(args=["export", "feedback", "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert [r["kind"] for r in rows] == ["positive", "improvement", "positive"]
    assert rows[0]["advisor"] == team["advisor"].email and rows[0]["published"] == "true"
    assert rows[1]["evidence"].startswith("recording:")
    sessions_json = json.loads(runner.invoke(args=["export", "sessions", "--format",
                                                   "json"]).output)
    assert sessions_json[0]["state"] == "held"

    login(team["coach"])
    coach_rows = list(csv.DictReader(io.StringIO(
        client.get("/sessions/export.csv?what=feedback").text)))
    assert [r["kind"] for r in coach_rows] == ["positive", "positive"]
    sign_in_as(client, login, make_user(Role.ADMIN))
    admin_rows = json.loads(client.get("/sessions/export.json?what=feedback").text)
    assert [r["kind"] for r in admin_rows] == ["positive", "improvement", "positive"]


def test_deleting_a_recording_keeps_the_points_and_drops_its_stretches(team):
    from coachlab.recordings.service import delete_recording

    session = new_session(team)
    call = team["calls"]["Ali Advisor"]
    full_sandwich(session, team)
    db.session.commit()
    delete_recording(call, acting=team["coach"])
    db.session.commit()
    db.session.expire_all()
    session = db.session.get(CoachingSession, session.id)
    assert len(session.points) == 3
    assert all(p.recording_id is None for p in session.points)


# --- start pages and notifications ----------------------------------------------------------


def test_start_pages_show_upcoming_overdue_next_session_and_latest_feedback(
        client, login, team, held_session):
    upcoming = new_session(team)
    held_session.acknowledge_by = utcnow() - dt.timedelta(hours=1)
    db.session.commit()
    login(team["coach"])
    page = client.get("/").text
    card = page[page.index('id="card-sessions"'):]
    assert f"/sessions/{upcoming.id}" in card and "overdue since" in card
    sign_in_as(client, login, team["advisor"])
    card = client.get("/").text
    card = card[card.index('id="card-sessions"'):]
    assert "Next session" in card and "Name the feeling" in card  # their own improvement
    assert "read and acknowledge it" in card


def test_notifications_list_and_mark_read(client, login, team, held_session):
    login(team["advisor"])
    assert 'aria-label="1 unread"' in client.get("/").text
    page = client.get("/notifications/").text
    assert "recorded the feedback of your coaching session" in page
    assert f"/sessions/{held_session.id}" in page
    assert client.post_form("/notifications/read").status_code == 302
    assert 'aria-label="1 unread"' not in client.get("/").text
    sign_in_as(client, login, team["peer"])
    assert "recorded the feedback" not in client.get("/notifications/").text
