"""The buddies pages end to end through the test client: the coach pairs (by hand and by a
suggestion), the advisor shares, the buddy comments and replies, a teammate gives kudos;
bad input answers a message, never a traceback; outsiders get 404."""

from __future__ import annotations

import re

import sqlalchemy as sa

from buddies.models import BuddyPairing, Kudos, PeerComment, SharedClip
from coachlab.db import db


def page(client, url: str) -> str:
    response = client.get(url, follow_redirects=True)
    assert response.status_code == 200, (url, response.status_code)
    return response.get_data(as_text=True)


def test_the_coach_accepts_a_suggestion_and_the_pair_trades_feedback(client, login, team):
    p, clips = team["people"], team["clips"]
    login(p["coach"])
    html = page(client, "/buddies/")
    assert "Suggested pairings for Blue" in html and "per call (on" in html
    form = re.search(r'name="accept-weak" value="(\d+)".*?name="accept-strong" value="(\d+)"'
                     r'.*?name="accept-code" value="([^"]+)".*?name="accept-starts_on" '
                     r'value="([^"]+)".*?name="accept-ends_on" value="([^"]+)"', html, re.S)
    weak, strong, code, starts, ends = form.groups()
    response = client.post_form(f"/buddies/teams/{team['blue'].id}/suggestions/accept", {
        "accept-weak": weak, "accept-strong": strong, "accept-code": code,
        "accept-starts_on": starts, "accept-ends_on": ends})
    assert response.status_code == 302
    pairing = db.session.scalar(sa.select(BuddyPairing))
    assert pairing.reason and pairing.microskill == code

    # by hand: Ali with Bea (ends whatever pairing either is in)
    response = client.post_form(f"/buddies/teams/{team['blue'].id}/pairings", {
        "pair-advisor_a": p["ali"].id, "pair-advisor_b": p["bea"].id,
        "pair-starts_on": starts, "pair-ends_on": ends})
    assert response.status_code == 302
    assert "are buddies now" in page(client, "/buddies/")
    pairing = db.session.scalars(sa.select(BuddyPairing).order_by(BuddyPairing.id.desc())).first()
    assert {pairing.advisor_a_id, pairing.advisor_b_id} == {p["ali"].id, p["bea"].id}

    client.post_form("/logout")
    login(p["ali"])
    assert "Bea" in page(client, f"/buddies/pairings/{pairing.id}")
    response = client.post_form(f"/buddies/pairings/{pairing.id}/share",
                                {"share-clip": clips["ali"].id, "share-note": "Honest views?"})
    assert response.status_code == 302
    share = db.session.scalar(sa.select(SharedClip))
    client.post_form("/logout")

    login(p["bea"])
    html = page(client, f"/buddies/shared/{share.id}")
    assert "Honest views?" in html and f"/buddies/shared/{share.id}/media" in html
    media = client.get(f"/buddies/shared/{share.id}/media")
    assert media.status_code == 200 and media.mimetype.startswith("audio/")
    media.close()
    response = client.post_form(f"/buddies/shared/{share.id}/comments", {
        "peer-at_second": "1.5", "peer-prompt": "worked", "peer-microskills": "A.greeting",
        "peer-body": "You said your name clearly."})
    assert response.status_code == 302
    comment = db.session.scalar(sa.select(PeerComment))
    assert comment.at_second == 1.5 and comment.microskills == ["A.greeting"]
    client.post_form("/logout")

    login(p["ali"])
    response = client.post_form(f"/buddies/shared/{share.id}/comments/{comment.id}/reply",
                                {"body": "Thanks, noted."})
    assert response.status_code == 302
    html = page(client, f"/buddies/shared/{share.id}")
    assert "You said your name clearly." in html and "Thanks, noted." in html
    assert "What worked" in html
    assert "commented on" in page(client, "/notifications/")
    client.post_form("/logout")

    login(p["cal"])  # a teammate outside the pairing
    assert client.get(f"/buddies/shared/{share.id}").status_code == 404
    assert client.get(f"/buddies/shared/{share.id}/media").status_code == 404
    html = page(client, f"/buddies/kudos/{clips['ali'].id}")
    response = client.post_form(f"/buddies/kudos/{clips['ali'].id}",
                                {"microskill": "A.greeting", "message": "Great opening!"})
    assert response.status_code == 302
    wall = page(client, "/buddies/wall")
    assert "Cal → Ali" in wall and "Great opening!" in wall
    assert "You said your name clearly." not in wall


def test_bad_input_gets_a_message(client, login, team, pairing):
    p, clips = team["people"], team["clips"]
    login(p["ali"])
    client.post_form(f"/buddies/pairings/{pairing.id}/share", {"share-clip": clips["ali"].id})
    share = db.session.scalar(sa.select(SharedClip))
    for data, message in (
            ({"peer-body": "  "}, "cannot be empty"),
            ({"peer-body": "x" * 2500}, "at most 2000 characters"),
            ({"peer-body": "ok", "peer-microskills": ["A.greeting", "W.empathy", "S.summary",
                                                     "O.ownership"]}, "at most 3 microskills")):
        response = client.post_form(f"/buddies/shared/{share.id}/comments", {
            "peer-at_second": "1", "peer-prompt": "try", "peer-microskills": "A.greeting",
            **data}, follow_redirects=True)
        assert response.status_code == 200
        assert message in response.get_data(as_text=True), message
    assert db.session.scalar(sa.select(sa.func.count(PeerComment.id))) == 0
    # kudos on one's own clip: the form answers why
    response = client.post_form(f"/buddies/kudos/{clips['ali'].id}", {"microskill": "A.greeting"})
    assert response.status_code == 400
    assert "cannot give kudos on your own clip" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Kudos.id))) == 0
    # a clip of another team: 404, as if it did not exist
    assert client.get(f"/buddies/kudos/{clips['dan'].id}").status_code == 404
    client.post_form("/logout")

    login(p["coach"])
    for a, b, message in ((p["ali"].id, p["ali"].id, "own buddy"),
                          (p["ali"].id, p["dan"].id, "was not made")):
        response = client.post_form(f"/buddies/teams/{team['blue'].id}/pairings", {
            "pair-advisor_a": a, "pair-advisor_b": b, "pair-starts_on": "2026-01-01",
            "pair-ends_on": "2026-01-14"}, follow_redirects=True)
        assert message in response.get_data(as_text=True), message
    response = client.post_form(f"/buddies/teams/{team['blue'].id}/pairings", {
        "pair-advisor_a": p["ali"].id, "pair-advisor_b": p["bea"].id,
        "pair-starts_on": "not a date", "pair-ends_on": "2026-01-14"}, follow_redirects=True)
    assert "was not made" in response.get_data(as_text=True)
    assert client.post_form(f"/buddies/teams/{team['red'].id}/pairings", {
        "pair-advisor_a": p["dan"].id, "pair-advisor_b": p["dan"].id}).status_code == 404
    assert db.session.scalar(sa.select(sa.func.count(BuddyPairing.id))) == 1


def test_pages_for_every_role_and_the_home_cards(client, login, team, pairing):
    p = team["people"]
    for who in ("ali", "cal", "dan", "coach", "rex", "admin"):
        login(p[who])
        for url in ("/buddies/", "/buddies/wall", "/buddies/champions", "/"):
            page(client, url)
        client.post_form("/logout")
    login(p["ali"])
    home = page(client, "/")
    assert "Your buddy" in home and "Bea" in home
    champions = page(client, "/buddies/champions")
    assert "Ali" in champions and "per call (on" in champions
    client.post_form("/logout")
    login(p["coach"])
    assert "1 current pairing for 3 advisors" in page(client, "/")
    client.post_form("/logout")
    login(p["dan"])
    assert client.get(f"/buddies/wall?team={team['blue'].id}").status_code == 404
    assert client.get(f"/buddies/pairings/{pairing.id}").status_code == 404
