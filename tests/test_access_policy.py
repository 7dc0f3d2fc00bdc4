"""Every route of the app, for every role and relationship: allowed (200/302), hidden (404),
or sent to sign in; a refused POST changes no row. A route missing from ROUTES fails."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import sqlalchemy as sa

from clips.models import ClipComment, MomentSuggestion, Visibility
from clips.playlists import add_clip, create_playlist
from clips.service import ClipDetails, create_clip
from clips.suggestions import refresh_suggestions
from coachlab import access
from coachlab.auth.models import Role
from coachlab.db import db
from coachlab.transcripts.service import segments_of, store_transcript
from microskills import service as microskills
from microskills.models import UtteranceTag
from sessions import goals
from sessions import service as sessions
from sessions.models import AgendaKind, Slot
from tests.microskills.test_review_and_profile import scripted_transcript

WHO = ("owner", "teammate", "stranger", "coach", "other_coach", "former_coach", "admin")
EVERYONE = frozenset(WHO)
ADMIN = frozenset({"admin"})
SEE_RECORDING = frozenset({"owner", "coach", "admin"})  # also: see the private clip
MANAGE = frozenset({"coach", "admin"})  # coaches of the team and admins
TEAM = frozenset({"owner", "teammate", "coach", "admin"})  # see the team playlist
COACHES = frozenset({"coach", "other_coach", "former_coach"})  # each leads a team
THE_COACH = frozenset({"coach"})  # the session's coach
SESSION = frozenset({"owner", "coach", "admin"})  # its advisor, its coach, admins
OK = (200, 302)
OK_OR_FORM_ERROR = (200, 302, 400)


@dataclass(frozen=True)
class Probe:
    method: str
    url: str  # formatted with the world's ids
    allowed: frozenset[str]
    data: dict = field(default_factory=dict)
    ok: tuple[int, ...] = OK  # what the allowed get
    public: bool = False  # anonymous visitors are allowed too


def get(url: str, allowed=EVERYONE, **kw) -> Probe:
    return Probe("GET", url, allowed, **kw)


def post(url: str, allowed, data: dict | None = None, **kw) -> Probe:
    return Probe("POST", url, allowed, data or {}, **kw)


# --- buddies (tests/buddies): a Blue "buddy" paired with the owner, who shared the clip; the
# buddy's peer comment and the owner's reply. Peer feedback is for the pair only: the
# teammate outside the pairing, the stranger, coaches and admins get 404 on it.
# "buddy" in a probe's allowed set is checked by test_the_buddy_gets_what_the_policy_says.
PAIR_OWNER = frozenset({"owner", "buddy"})
BUDDY_ROUTES: dict[str, list[Probe]] = {
    "buddies.index": [get("/buddies/"), get("/buddies/?team={blue}", MANAGE)],
    "buddies.wall": [get("/buddies/wall"), get("/buddies/wall?team={blue}", TEAM | {"buddy"})],
    "buddies.champions": [get("/buddies/champions"),
                          get("/buddies/champions?team={blue}", TEAM | {"buddy"})],
    # with oneself: refused with a message, nothing changes
    "buddies.make_pairing": [post("/buddies/teams/{blue}/pairings", MANAGE,
                                  {"pair-advisor_a": "{owner}", "pair-advisor_b": "{owner}",
                                   "pair-starts_on": "2026-01-01",
                                   "pair-ends_on": "2026-01-14"})],
    "buddies.accept": [post("/buddies/teams/{blue}/suggestions/accept", MANAGE,
                            {"accept-weak": "{owner}", "accept-strong": "{teammate}",
                             "accept-code": "W.empathy", "accept-starts_on": "2026-01-01",
                             "accept-ends_on": "2026-01-14"})],
    "buddies.pairing": [get("/buddies/pairings/{pairing}", SESSION | {"buddy"})],
    "buddies.share": [post("/buddies/pairings/{pairing}/share", PAIR_OWNER,
                           {"share-clip": "{clip}"})],
    "buddies.checkin": [post("/buddies/pairings/{pairing}/checkins", PAIR_OWNER,
                             {"checkin-help_answer": "Listen to my openings"})],
    "buddies.shared": [get("/buddies/shared/{share}", PAIR_OWNER)],
    "buddies.shared_media": [get("/buddies/shared/{share}/media", PAIR_OWNER)],
    "buddies.comment": [post("/buddies/shared/{share}/comments", PAIR_OWNER,
                             {"peer-at_second": "1", "peer-prompt": "worked",
                              "peer-microskills": "A.greeting", "peer-body": "Nice"})],
    "buddies.reply": [post("/buddies/shared/{share}/comments/{peer_comment}/reply", PAIR_OWNER,
                           {"body": "Thanks"})],
    "buddies.comment_edit": [
        post("/buddies/shared/{share}/comments/{peer_comment}/edit", frozenset({"buddy"}),
             {"body": "changed"}),
        post("/buddies/shared/{share}/comments/{owner_reply}/edit", frozenset({"owner"}),
             {"body": "changed"})],
    # the clip is the owner's own (refused with a message) and not a good moment
    "buddies.kudos": [get("/buddies/kudos/{clip}", SEE_RECORDING),
                      post("/buddies/kudos/{clip}", SEE_RECORDING, {"microskill": "A.greeting"},
                           ok=OK_OR_FORM_ERROR)],
    "buddies.experiment_index": [get("/buddies/experiments"),
                                 get("/buddies/experiments?team={blue}", TEAM | {"buddy"})],
    # no title: refused with a message (admins belong to no team: 404)
    "buddies.experiment_propose": [post("/buddies/experiments",
                                        frozenset({"owner", "teammate", "coach", "buddy"}),
                                        {"team": "{blue}", "exp-title": "",
                                         "exp-metric": "skill_rate"})],
    "buddies.experiment": [get("/buddies/experiments/{experiment}", TEAM | {"buddy"})],
    "buddies.experiment_join": [post("/buddies/experiments/{experiment}/join",
                                     frozenset({"owner", "teammate", "buddy"}))],
    "buddies.experiment_leave": [post("/buddies/experiments/{experiment}/leave",
                                      frozenset({"owner", "teammate", "buddy"}))],
    "buddies.comment_delete": [
        post("/buddies/shared/{share}/comments/{owner_reply}/delete", frozenset({"owner"})),
        post("/buddies/shared/{share}/comments/{peer_comment}/delete", frozenset({"buddy"}))],
    "buddies.end_pairing": [post("/buddies/pairings/{pairing}/end", MANAGE)],
}


def buddies_world(people: dict, make_user, blue, clip) -> dict:
    """The owner's buddy, their pairing, the clip shared, a peer comment and a reply."""
    from buddies import access as buddy_access
    from buddies import service as buddies
    from buddies.models import PeerPrompt

    people["buddy"] = make_user(Role.ADVISOR, team=blue, name="Buddy")
    today = buddy_access.today()
    pairing = buddies.make_pairing(blue, people["owner"], people["buddy"], starts_on=today,
                                   ends_on=today + dt.timedelta(days=13),
                                   acting=people["coach"])
    share = buddies.share_clip(pairing, clip, acting=people["owner"])
    comment = buddies.add_peer_comment(share, acting=people["buddy"], body="Warm", at_second=1,
                                       prompt=PeerPrompt.WORKED, microskills=["A.greeting"])
    reply = buddies.add_peer_comment(share, acting=people["owner"], body="Thanks",
                                     at_second=None, parent=comment)
    from buddies import experiments

    experiment = experiments.propose(blue, acting=people["coach"], title="Name it",
                                     description="", metric="empathy_share", microskill="",
                                     starts_on=today, ends_on=today + dt.timedelta(days=13))
    db.session.commit()
    return {"buddy": people["buddy"].id, "blue": blue.id, "pairing": pairing.id,
            "share": share.id, "peer_comment": comment.id, "owner_reply": reply.id,
            "experiment": experiment.id}


# --- performance (tests/performance): an open Needs Improvement audit of the owner's call by
# the coach. Imports and downloads: coaches and admins; audits: the call's team coaches and
# admins create them, its advisor, coach and admins see them, only the advisor acts on them.
PERFORMANCE_ROUTES: dict[str, list[Probe]] = {
    "performance.dashboard": [get("/performance/")],
    "performance.team_dashboard": [get("/performance/teams/{blue}?days=30", MANAGE)],
    "performance.advisor_dashboard": [get("/performance/advisors/{owner}", SEE_RECORDING)],
    "performance.audits": [get("/performance/audits")],
    "performance.audit": [get("/performance/audits/{audit}", SEE_RECORDING)],
    # no file / no comment / no note: refused with a message, nothing changes
    "performance.import_outcomes": [get("/performance/import", COACHES | ADMIN),
                                    post("/performance/import", COACHES | ADMIN,
                                         ok=OK_OR_FORM_ERROR)],
    "performance.new_audit": [get("/performance/audits/new?recording={recording}", MANAGE),
                              post("/performance/audits/new?recording={recording}", MANAGE,
                                   {"band": "outstanding", "comment": ""},
                                   ok=OK_OR_FORM_ERROR)],
    "performance.act": [post("/performance/audits/{audit}/act", frozenset({"owner"}),
                             {"note": ""}, ok=OK_OR_FORM_ERROR)],
    "performance.download": [get("/performance/export.csv?what=outcomes", COACHES | ADMIN),
                             get("/performance/export.json?what=advisor-metrics",
                                 COACHES | ADMIN)],
}


def performance_world(people: dict, recording) -> dict:
    from performance import service as performance
    from performance.models import Band

    audit = performance.create_audit(recording, acting=people["coach"],
                                     band=Band.NEEDS_IMPROVEMENT, comment="Name the feeling",
                                     microskills=["W.empathy"])
    db.session.commit()
    return {"audit": audit.id}


#: endpoint -> probes, in the order they run (those that delete things come last).
ROUTES: dict[str, list[Probe]] = {
    "static": [get("/static/css/app.css", public=True)],
    "auth.login": [get("/login", public=True)],
    "home": [get("/")],
    "auth.password": [get("/account/password"),
                      post("/account/password", EVERYONE, {"current": "wrong"},
                           ok=OK_OR_FORM_ERROR)],
    "auth.settings": [get("/account/settings"),
                      post("/account/settings", EVERYONE, {"time_zone": "Nowhere/Atlantis"},
                           ok=OK_OR_FORM_ERROR)],
    "auth.users": [get("/admin/users", ADMIN)],
    "auth.user_new": [get("/admin/users/new", ADMIN),
                      post("/admin/users/new", ADMIN, {"email": "new@example.com"},
                           ok=OK_OR_FORM_ERROR)],
    "auth.user_edit": [get("/admin/users/{spare}", ADMIN),
                       post("/admin/users/{spare}", ADMIN, {"name": "Spare"},
                            ok=OK_OR_FORM_ERROR)],
    "auth.user_reset_password": [post("/admin/users/{spare}/password", ADMIN,
                                      {"password": "another-long-password"},
                                      ok=OK_OR_FORM_ERROR)],
    "auth.teams": [get("/admin/teams", ADMIN),
                   post("/admin/teams", ADMIN, {"name": "Yellow"}, ok=OK_OR_FORM_ERROR)],
    "auth.team_rename": [post("/admin/teams/{team}/rename", ADMIN, {"name": "Greener"},
                              ok=OK_OR_FORM_ERROR)],
    "auth.team_archive": [post("/admin/teams/{team}/archive", ADMIN)],
    "auth.team_unarchive": [post("/admin/teams/{team}/unarchive", ADMIN)],
    "notifications.index": [get("/notifications/")],
    "notifications.mark_read": [post("/notifications/read", EVERYONE)],
    "sessions.index": [get("/sessions/")],
    "sessions.praise": [get("/sessions/praise")],
    "sessions.download": [get("/sessions/export.csv?what=feedback", COACHES | ADMIN),
                          get("/sessions/export.json?what=sessions", COACHES | ADMIN)],
    # a coach with advisors plans sessions; for another team's advisor the form refuses
    "sessions.new": [get("/sessions/new", COACHES),
                     post("/sessions/new", COACHES, {"advisor": "{owner}",
                                                     "length_minutes": "30"},
                          ok=OK_OR_FORM_ERROR)],
    "sessions.detail": [get("/sessions/{session}", SESSION),
                        get("/sessions/{held_session}", SESSION)],
    "sessions.plan": [post("/sessions/{session}/plan", THE_COACH,
                           {"plan-length_minutes": "45"}, ok=OK_OR_FORM_ERROR)],
    "sessions.add_clip": [post("/sessions/{session}/agenda/clip", THE_COACH,
                               {"agenda-clip": "{clip}", "agenda-kind": "own_good"})],
    "sessions.add_stretch": [post("/sessions/{session}/agenda/stretch", THE_COACH,
                                  {"stretch-recording": "{recording}", "stretch-start": "1",
                                   "stretch-end": "4", "stretch-kind": "mistake"})],
    "sessions.add_point": [post("/sessions/{session}/points", THE_COACH,
                                {"point-slot": "improvement", "point-text": "Name the feeling",
                                 "point-microskill": "W.empathy",
                                 "point-evidence": "recording:{recording}",
                                 "point-at_second": "3"})],
    "sessions.publish_point": [post("/sessions/{session}/points/{point}/publish", THE_COACH,
                                    {"published": "0"})],
    "sessions.run": [get("/sessions/{session}/run", THE_COACH),
                     post("/sessions/{session}/run", THE_COACH,
                          {"discussed": "W.empathy", "shared_notes": "Practise"},
                          ok=OK_OR_FORM_ERROR)],
    "sessions.held": [post("/sessions/{session}/held", THE_COACH)],  # refused: no sandwich yet
    "sessions.acknowledge": [post("/sessions/{held_session}/acknowledge", frozenset({"owner"}),
                                  {"reflection": "Thanks"})],
    "sessions.start_next": [post("/sessions/{held_session}/next", THE_COACH)],
    "sessions.move_item": [post("/sessions/{session}/agenda/{agenda_item}/move", THE_COACH,
                                {"direction": "down"})],
    "sessions.swap_item": [post("/sessions/{session}/agenda/{other_item}/swap", THE_COACH)],
    "sessions.cancel": [post("/sessions/{doomed_session}/cancel", THE_COACH)],
    # goals (sessions.goals): a goal of the held session
    "sessions.add_goal": [post("/sessions/{held_session}/goals", THE_COACH, {
        "goal-metric": "skill_rate", "goal-microskill": "W.empathy", "goal-target": "5",
        "goal-due_on": "{due}"})],
    "sessions.goal": [get("/sessions/goals/{goal}", SESSION)],
    "sessions.share_goal": [post("/sessions/goals/{goal}/share", frozenset({"owner"}),
                                 {"shared": "0"})],
    "sessions.team_view": [get("/sessions/team", COACHES | ADMIN)],
    "sessions.metrics_page": [get("/sessions/metrics", COACHES | ADMIN)],
    "home_changes": [get("/home/changes")],
    **BUDDY_ROUTES,  # before anything deletes the clip
    **PERFORMANCE_ROUTES,  # before anything deletes the recording
    "recordings.index": [get("/recordings/")],
    "recordings.upload": [get("/recordings/upload"),
                          # no file: refused for everyone, and nothing is stored
                          post("/recordings/upload", frozenset(), {"advisor": "{owner}"})],
    "recordings.detail": [get("/recordings/{recording}", SEE_RECORDING)],
    # the advisor may rename their call; coaches and admins edit all its details
    "recordings.edit": [get("/recordings/{recording}/edit", SEE_RECORDING),
                        post("/recordings/{recording}/edit", SEE_RECORDING,
                             {"title": "Renamed"}, ok=OK_OR_FORM_ERROR)],
    "recordings.media": [get("/recordings/{recording}/media", SEE_RECORDING)],
    "recordings.waveform": [get("/recordings/{recording}/waveform.json", SEE_RECORDING)],
    "recordings.status": [get("/recordings/{recording}/status.json", SEE_RECORDING)],
    "transcripts.download": [get("/recordings/{recording}/transcript.txt", SEE_RECORDING)],
    "transcripts.search": [get("/search?q=expensive")],
    "microskills.masterlist": [get("/microskills/")],
    "microskills.create": [post("/microskills/new", ADMIN, {"code": "X.new"},
                                ok=OK_OR_FORM_ERROR)],
    "microskills.edit": [get("/microskills/A.greeting/edit", ADMIN),
                         post("/microskills/A.greeting/edit", ADMIN, {"name": "Greeting"},
                              ok=OK_OR_FORM_ERROR)],
    "microskills.labels": [get("/microskills/labels.jsonl", ADMIN)],
    "microskills.advisors": [get("/microskills/advisors")],
    "microskills.profile": [get("/microskills/advisors/{owner}?days=365", SEE_RECORDING)],
    "microskills.review": [post("/microskills/tags/{tag}/confirm", MANAGE)],
    "microskills.add": [post("/microskills/segments/{segment}/tags", MANAGE,
                             {"code": "W.empathy"})],
    "clips.index": [get("/clips/")],
    "clips.good_calls": [get("/clips/good-calls")],
    "clips.detail": [get("/clips/{clip}", SEE_RECORDING)],
    "clips.media": [get("/clips/{clip}/media", SEE_RECORDING)],
    "clips.status": [get("/clips/{clip}/status.json", SEE_RECORDING)],
    "clips.edit": [post("/clips/{clip}/edit", MANAGE,
                        {"title": "Renamed", "kind": "other", "visibility": "private"})],
    "clips.retry": [post("/clips/{clip}/retry", MANAGE)],
    "clips.comment": [post("/clips/{clip}/comments", SEE_RECORDING,
                           {"at_second": "1", "body": "hi"})],
    "clips.comment_edit": [post("/clips/{clip}/comments/{comment}/edit", frozenset({"coach"}),
                                {"body": "changed"})],
    "clips.add_to_playlist": [post("/clips/{clip}/playlists", SEE_RECORDING,
                                   {"playlist": "{playlist}"})],
    "clips.playlist_index": [get("/playlists/")],
    "clips.playlist_create": [post("/playlists/", EVERYONE,
                                   {"name": "Mine", "visibility": "private"})],
    "clips.playlist": [get("/playlists/{playlist}", TEAM)],
    "clips.playlist_move": [post("/playlists/{playlist}/items/{item}/move", MANAGE,
                                 {"direction": "up"})],
    "clips.create": [post("/recordings/{recording}/clips", SEE_RECORDING,
                          {"clip-start": "3.6", "clip-end": "6", "clip-title": "x",
                           "clip-kind": "other", "clip-advisor": "{owner}",
                           "clip-visibility": "private"})],
    "clips.accept_suggestion": [post("/recordings/{recording}/suggestions/{suggestion}/accept",
                                     SEE_RECORDING)],
    "clips.dismiss_suggestion": [post(
        "/recordings/{recording}/suggestions/{suggestion}/dismiss", SEE_RECORDING)],
    "clips.refresh_suggestions": [post("/recordings/{recording}/suggestions/refresh",
                                       SEE_RECORDING)],
    # correcting re-tags the segment: after the tag reviews
    "transcripts.correct": [post("/recordings/{recording}/segments/{segment}", MANAGE,
                                 {"text": "Hello there.", "speaker": "agent"})],
    "recordings.retry": [post("/recordings/{recording}/retry", SEE_RECORDING)],
    "clips.comment_delete": [post("/clips/{clip}/comments/{comment}/delete",
                                  frozenset({"coach"}))],
    "clips.playlist_remove": [post("/playlists/{playlist}/items/{item}/remove", MANAGE)],
    "clips.playlist_delete": [post("/playlists/{playlist}/delete", MANAGE)],
    "clips.delete": [post("/clips/{clip}/delete", MANAGE)],
    "sessions.remove_goal": [post("/sessions/goals/{goal}/remove", THE_COACH)],
    "sessions.remove_point": [post("/sessions/{session}/points/{point}/remove", THE_COACH)],
    "sessions.remove_item": [post("/sessions/{session}/agenda/{agenda_item}/remove",
                                  THE_COACH)],
    # replaces the whole agenda (new item ids): after every probe of an agenda item
    "sessions.propose": [post("/sessions/{session}/agenda/propose", THE_COACH)],
    "recordings.delete": [post("/recordings/{recording}/delete", MANAGE)],
    # the team still has people: refused with a message for the admin too (tests/auth)
    "auth.team_remove": [post("/admin/teams/{team}/remove", ADMIN)],
    "auth.logout": [post("/logout", EVERYONE)],
}
#: (endpoint, method) pairs probed elsewhere, with where.
PROBED_ELSEWHERE = {("auth.login", "POST"): "tests/auth/test_login.py"}


def test_every_route_of_the_app_is_in_the_table(app):
    methods = {(rule.endpoint, m) for rule in app.url_map.iter_rules()
               for m in rule.methods - {"HEAD", "OPTIONS"}}
    probed = {(endpoint, p.method) for endpoint, probes in ROUTES.items() for p in probes}
    missing = methods - probed - set(PROBED_ELSEWHERE)
    assert not missing, f"add these routes to ROUTES in {Path(__file__).name}: {sorted(missing)}"
    assert not probed - methods, f"no such routes: {sorted(probed - methods)}"


@pytest.fixture
def world(make_team, make_user, make_recording):
    """A Blue advisor's tagged call with a private clip (cut by a coach who has since left
    the team), a comment, a team playlist and an open suggestion; people around it."""
    blue, red, green = make_team("Blue"), make_team("Red"), make_team("Green")
    people = {
        "owner": make_user(Role.ADVISOR, team=blue, name="Owner"),
        "teammate": make_user(Role.ADVISOR, team=blue, name="Teammate"),
        "stranger": make_user(Role.ADVISOR, team=red, name="Stranger"),
        "coach": make_user(Role.COACH, led_teams=[blue], name="Coach"),
        "other_coach": make_user(Role.COACH, led_teams=[red], name="Other coach"),
        "former_coach": make_user(Role.COACH, led_teams=[blue], name="Former coach"),
        "admin": make_user(Role.ADMIN, name="Admin"),
        "spare": make_user(Role.ADVISOR, team=green, name="Spare"),
    }
    recording = make_recording(people["owner"], seconds=12.0,
                               called_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=3))
    store_transcript(recording, scripted_transcript(), model="test")
    microskills.tag_recording(recording)
    db.session.commit()
    clip = create_clip(recording, 3.6, 6.0, ClipDetails(title="Private moment"),
                       acting=people["former_coach"])
    comment = ClipComment(clip=clip, author=people["coach"], at_second=1.0, body="note")
    db.session.add(comment)
    playlist = create_playlist(name="Blue picks", visibility=Visibility.TEAM, team=blue,
                               acting=people["coach"])
    item = add_clip(playlist, clip, acting=people["coach"])
    refresh_suggestions(recording)
    db.session.commit()
    people["former_coach"].led_teams = [green]  # no longer leads Blue
    db.session.commit()
    session = sessions.create_session(coach=people["coach"], advisor=people["owner"],
                                      scheduled_at=None, focus=["W.empathy"])
    sessions.add_clip(session, clip, AgendaKind.MISTAKE, acting=people["coach"])
    sessions.add_stretch(session, recording, 1.0, 3.0, AgendaKind.OWN_GOOD, acting=people["coach"])
    point = sessions.add_point(session, acting=people["coach"], slot=Slot.OPENING,
                               text="Warm opening", microskill="A.greeting",
                               evidence=sessions.Evidence(clip=clip), published=True)
    held = sessions.create_session(coach=people["coach"], advisor=people["owner"],
                                   scheduled_at=None)
    for slot in Slot:
        sessions.add_point(held, acting=people["coach"], slot=slot, text=f"{slot.value} point",
                           microskill="W.empathy",
                           evidence=sessions.Evidence(recording=recording, at_second=2.0))
    sessions.mark_held(held, acting=people["coach"])
    due = dt.date.today() + dt.timedelta(days=14)
    goal = goals.set_goal(held, acting=people["coach"], metric="skill_rate",
                          microskill="W.empathy", target=5, due_on=due)
    doomed = sessions.create_session(coach=people["coach"], advisor=people["owner"],
                                     scheduled_at=None)
    db.session.commit()
    ids = {name: user.id for name, user in people.items()}
    ids.update(session=session.id, agenda_item=session.items[0].id,
               other_item=session.items[1].id, point=point.id,
               held_session=held.id, doomed_session=doomed.id, goal=goal.id,
               due=due.isoformat())
    ids.update(recording=recording.id, clip=clip.id, comment=comment.id,
               playlist=playlist.id, item=item.id, team=green.id,
               segment=segments_of(recording)[0].id,
               tag=db.session.scalars(sa.select(UtteranceTag.id)).first(),
               suggestion=db.session.scalars(sa.select(MomentSuggestion.id)).first())
    assert ids["tag"] and ids["suggestion"]
    ids.update(buddies_world(people, make_user, blue, clip))
    ids.update(performance_world(people, recording))
    return people, ids


def snapshot() -> dict[str, list]:
    """Every row of every table, read outside the session."""
    with db.engine.connect() as conn:
        return {t.name: sorted(map(repr, conn.execute(t.select()))) for t in
                db.metadata.sorted_tables}


def _fill(value: str, ids: dict) -> str:
    return value.format(**ids)


def _request(client, probe: Probe, ids: dict):
    url = _fill(probe.url, ids)
    if probe.method == "GET":
        response = client.get(url)
    else:
        response = client.post_form(url, {k: _fill(v, ids) for k, v in probe.data.items()})
    response.close()
    return response


@pytest.mark.parametrize("who", WHO)
def test_each_role_and_relationship_gets_what_the_policy_says(client, login, world, who):
    people, ids = world
    login(people[who])
    for endpoint, probes in ROUTES.items():
        for probe in probes:
            allowed = who in probe.allowed or probe.public
            before = None if allowed or probe.method == "GET" else snapshot()
            response = _request(client, probe, ids)
            where = (who, endpoint, probe.method, probe.url, response.status_code)
            if allowed:
                assert response.status_code in probe.ok, where
            elif probe.allowed:
                assert response.status_code == 404, where
            else:  # refused for everyone (e.g. an upload with no file)
                assert response.status_code in (400, 404), where
            if before is not None:
                assert snapshot() == before, f"a refused POST changed rows: {where}"


def test_the_buddy_gets_what_the_policy_says(client, login, world):
    """The owner's buddy, on the buddies routes: the shared clip and its peer comments, and
    their own comment to change; nothing of the owner's else (the clip's own page: 404)."""
    people, ids = world
    login(people["buddy"])
    for endpoint, probes in BUDDY_ROUTES.items():
        for probe in probes:
            response = _request(client, probe, ids)
            where = ("buddy", endpoint, probe.method, probe.url, response.status_code)
            allowed = "buddy" in probe.allowed or probe.allowed >= EVERYONE
            assert response.status_code in (probe.ok if allowed else (404,)), where
    for url in ("/clips/{clip}", "/clips/{clip}/media", "/recordings/{recording}",
                "/microskills/advisors/{owner}"):
        assert client.get(_fill(url, ids)).status_code == 404, url


def test_anonymous_visitors_are_sent_to_sign_in_and_change_nothing(client, world):
    _, ids = world
    before = snapshot()
    for endpoint, probes in ROUTES.items():
        for probe in probes:
            response = _request(client, probe, ids)
            where = (endpoint, probe.method, probe.url, response.status_code)
            if probe.public:
                assert response.status_code == 200, where
            else:
                assert response.status_code == 302, where
                assert "/login" in response.headers["Location"], where
    assert snapshot() == before


def test_the_readme_shows_the_policy_table(app):
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    expected = access.with_policy(readme, access.policy_markdown())
    assert readme == expected, "run: coachlab access-table --write README.md"


def test_every_rule_is_in_words_and_one_per_kind_and_action(app):
    table = access.rules()
    assert {r.kind for r in table} >= {"recording", "transcript", "clip", "comment",
                                       "playlist", "microskill profile"}
    assert all(r.who.strip() and callable(r.check) for r in table)
    with pytest.raises(ValueError):
        access.register(app, table[0])


def test_the_cli_prints_and_writes_the_table(runner, tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text("# x\n<!-- access-policy:start -->\nold\n<!-- access-policy:end -->\n"
                      "tail\n")
    printed = runner.invoke(args=["access-table"])
    assert printed.exit_code == 0 and "| recording | see |" in printed.output
    assert runner.invoke(args=["access-table", "--write", str(readme)]).exit_code == 0
    text = readme.read_text()
    assert "old" not in text and "| clip | see |" in text and text.endswith("end -->\ntail\n")
