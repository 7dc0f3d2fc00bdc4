"""Every clips route answers 404 to someone who may not see (or act on) what it is about."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from clips.models import Clip, ClipComment, MomentSuggestion, Playlist, PlaylistItem, Visibility
from clips.playlists import add_clip, create_playlist
from clips.service import ClipDetails, create_clip
from clips.suggestions import refresh_suggestions
from coachlab.db import db


@pytest.fixture
def things(recording, people):
    """A private clip with a comment, a team playlist holding it, an open suggestion."""
    coach = people["coach"]
    clip = create_clip(recording, 3.6, 6.0, ClipDetails(title="private"), acting=coach)
    db.session.add(ClipComment(clip=clip, author=coach, at_second=1.0, body="note"))
    playlist = create_playlist(name="Blue picks", visibility=Visibility.TEAM,
                               team=people["blue"], acting=coach)
    item = add_clip(playlist, clip, acting=coach)
    refresh_suggestions(recording)
    db.session.commit()
    suggestion = db.session.scalars(sa.select(MomentSuggestion)).first()
    assert suggestion is not None
    return {"clip": clip, "comment": clip.comments[0], "playlist": playlist, "item": item,
            "suggestion": suggestion, "recording": recording}


def routes(t) -> list[tuple[str, str, dict]]:
    c, p, r = t["clip"].id, t["playlist"].id, t["recording"].id
    return [
        ("GET", f"/clips/{c}", {}),
        ("GET", f"/clips/{c}/media", {}),
        ("GET", f"/clips/{c}/status.json", {}),
        ("POST", f"/clips/{c}/retry", {}),
        ("POST", f"/clips/{c}/delete", {}),
        ("POST", f"/clips/{c}/comments", {"at_second": "1", "body": "hi"}),
        ("POST", f"/clips/{c}/comments/{t['comment'].id}/edit", {"body": "x"}),
        ("POST", f"/clips/{c}/comments/{t['comment'].id}/delete", {}),
        ("POST", f"/clips/{c}/playlists", {"playlist": str(p)}),
        ("GET", f"/playlists/{p}", {}),
        ("POST", f"/playlists/{p}/items/{t['item'].id}/remove", {}),
        ("POST", f"/playlists/{p}/items/{t['item'].id}/move", {"direction": "up"}),
        ("POST", f"/playlists/{p}/delete", {}),
        ("POST", f"/recordings/{r}/clips", {"clip-start": "1", "clip-end": "2",
                                            "clip-title": "x", "clip-kind": "other",
                                            "clip-advisor": "1", "clip-visibility": "private"}),
        ("POST", f"/recordings/{r}/suggestions/{t['suggestion'].id}/accept", {}),
        ("POST", f"/recordings/{r}/suggestions/{t['suggestion'].id}/dismiss", {}),
        ("POST", f"/recordings/{r}/suggestions/refresh", {}),
    ]


def counts() -> tuple:
    return tuple(db.session.scalar(sa.select(sa.func.count()).select_from(m))
                 for m in (Clip, ClipComment, Playlist, PlaylistItem))


@pytest.mark.parametrize("who", ["outsider", "red_coach"])
def test_another_teams_people_get_404_everywhere(client, login, things, people, who):
    before = counts()
    login(people[who])
    for method, url, data in routes(things):
        response = client.get(url) if method == "GET" else client.post_form(url, data)
        assert response.status_code == 404, (method, url, response.status_code)
        response.close()
    assert counts() == before
    db.session.refresh(things["suggestion"])
    assert things["suggestion"].status.value == "open"
    page = client.get("/clips/").get_data(as_text=True)
    assert "private" not in page.split('<main id="main"')[1]
    assert "Blue picks" not in client.get("/playlists/").get_data(as_text=True)
    assert 'id="clips"' not in client.get(f"/recordings/{things['recording'].id}").get_data(
        as_text=True)


def test_a_teammate_sees_the_team_playlist_but_not_the_private_clip(client, login, things,
                                                                    people):
    login(people["peer"])
    assert client.get(f"/clips/{things['clip'].id}").status_code == 404
    page = client.get(f"/playlists/{things['playlist'].id}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Blue picks" in text and "No clips here yet" in text  # the private clip is hidden
    # not the owner: no editing
    assert client.post_form(f"/playlists/{things['playlist'].id}/delete").status_code == 404
    item = things["item"]
    assert client.post_form(f"/playlists/{things['playlist'].id}/items/{item.id}/remove"
                            ).status_code == 404


def test_advisor_concerned_sees_but_may_not_manage(client, login, things, people):
    login(people["advisor"])
    clip = things["clip"]
    assert client.get(f"/clips/{clip.id}").status_code == 200
    with client.get(f"/clips/{clip.id}/media") as media:
        assert media.status_code == 200
    assert client.post_form(f"/clips/{clip.id}/delete").status_code == 404
    assert client.post_form(f"/clips/{clip.id}/comments/{things['comment'].id}/edit",
                            {"body": "x"}).status_code == 404


def test_anonymous_users_are_sent_to_sign_in(client, things):
    for method, url, _ in routes(things):
        response = client.get(url) if method == "GET" else client.post(url)
        assert response.status_code in (302, 400, 401), (url, response.status_code)
        if response.status_code == 302:
            assert "/login" in response.location
