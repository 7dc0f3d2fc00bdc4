"""Playlists: make one, add clips, reorder, remove, delete; who sees them."""

from __future__ import annotations

import re

import sqlalchemy as sa

from clips.models import Clip, Playlist, PlaylistItem, Visibility
from clips.service import ClipDetails, create_clip
from coachlab.db import db


def cut(recording, acting, title, visibility=Visibility.TEAM) -> Clip:
    clip = create_clip(recording, 1.0, 3.0, ClipDetails(title=title, visibility=visibility),
                       acting=acting)
    db.session.commit()
    return clip


def order(playlist_id: int) -> list[str]:
    return list(db.session.scalars(
        sa.select(Clip.title).join(PlaylistItem, PlaylistItem.clip_id == Clip.id)
        .where(PlaylistItem.playlist_id == playlist_id).order_by(PlaylistItem.position)))


def test_make_fill_reorder_and_delete_a_playlist(client, login, recording, people):
    coach = people["coach"]
    clips = [cut(recording, coach, t) for t in ("One", "Two", "Three")]
    login(coach)
    response = client.post_form("/playlists/", {"name": "Monday session",
                                                "visibility": "team",
                                                "team": str(people["blue"].id)})
    assert response.status_code == 302
    playlist = db.session.scalars(sa.select(Playlist)).one()
    assert playlist.team_id == people["blue"].id and playlist.owner_id == coach.id
    for clip in clips:
        assert client.post_form(f"/clips/{clip.id}/playlists",
                                {"playlist": str(playlist.id)}).status_code == 302
    assert order(playlist.id) == ["One", "Two", "Three"]
    twice = client.post_form(f"/clips/{clips[0].id}/playlists", {"playlist": str(playlist.id)},
                             follow_redirects=True)
    assert "already in Monday session" in twice.get_data(as_text=True)

    page = client.get(f"/playlists/{playlist.id}").get_data(as_text=True)
    assert re.findall(r'<a href="/clips/\d+">(\w+)</a>', page) == ["One", "Two", "Three"]
    items = {i.clip.title: i for i in db.session.get(Playlist, playlist.id).items}
    client.post_form(f"/playlists/{playlist.id}/items/{items['Three'].id}/move",
                     {"direction": "up"})
    assert order(playlist.id) == ["One", "Three", "Two"]
    client.post_form(f"/playlists/{playlist.id}/items/{items['One'].id}/move",
                     {"direction": "up"})  # already first: nothing moves
    assert order(playlist.id) == ["One", "Three", "Two"]
    client.post_form(f"/playlists/{playlist.id}/items/{items['One'].id}/move",
                     {"direction": "down"})
    assert order(playlist.id) == ["Three", "One", "Two"]
    assert client.post_form(f"/playlists/{playlist.id}/items/{items['One'].id}/move",
                            {"direction": "sideways"}).status_code == 400
    client.post_form(f"/playlists/{playlist.id}/items/{items['Three'].id}/remove")
    assert order(playlist.id) == ["One", "Two"]

    # the team sees it; another team does not
    client.post_form("/logout")
    login(people["peer"])
    assert "Monday session" in client.get("/playlists/").get_data(as_text=True)
    assert client.get(f"/playlists/{playlist.id}").status_code == 200
    client.post_form("/logout")
    login(people["outsider"])
    assert "Monday session" not in client.get("/playlists/").get_data(as_text=True)
    assert client.get(f"/playlists/{playlist.id}").status_code == 404

    client.post_form("/logout")
    login(coach)
    assert client.post_form(f"/playlists/{playlist.id}/delete").status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(Playlist.id))) == 0
    assert db.session.scalar(sa.select(sa.func.count(Clip.id))) == 3  # clips stay


def test_playlist_form_errors_and_advisor_limits(client, login, people):
    login(people["advisor"])
    page = client.get("/playlists/").get_data(as_text=True)
    assert 'value="library"' not in page
    bad = client.post_form("/playlists/", {"name": "", "visibility": "private"})
    assert bad.status_code == 400 and "Give the playlist a name" in bad.get_data(as_text=True)
    assert client.post_form("/playlists/", {"name": "x", "visibility": "library"}
                            ).status_code == 400
    # a team playlist of an advisor belongs to the advisor's team
    assert client.post_form("/playlists/", {"name": "Mine", "visibility": "team"}
                            ).status_code == 302
    assert db.session.scalars(sa.select(Playlist)).one().team_id == people["blue"].id
    # another team's id is not a choice
    assert client.post_form("/playlists/", {"name": "Theirs", "visibility": "team",
                                            "team": str(people["red"].id)}).status_code == 400


def test_only_your_own_playlists_take_clips(client, login, recording, people):
    clip = cut(recording, people["coach"], "Lib", Visibility.LIBRARY)
    login(people["coach"])
    client.post_form("/playlists/", {"name": "Coach list", "visibility": "library"})
    theirs = db.session.scalars(sa.select(Playlist)).one()
    client.post_form("/logout")
    login(people["outsider"])
    assert client.get(f"/playlists/{theirs.id}").status_code == 200  # library playlist
    response = client.post_form(f"/clips/{clip.id}/playlists", {"playlist": str(theirs.id)},
                                follow_redirects=True)
    assert "Choose one of your playlists" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(PlaylistItem.id))) == 0


def test_the_form_words_who_sees_a_playlist_as_the_access_rules_have_it(client, login, people):
    """A private playlist is its owner's (and admins'), not the clip wording's advisor and
    coaches: the option says so, and the team's coach and a peer indeed do not see it."""
    login(people["coach"])
    page = client.get("/playlists/").get_data(as_text=True)
    options = dict(re.findall(r'<option[^>]*value="(\w+)"[^>]*>([^<]*)</option>', page))
    assert options["private"] == "Private (only you, and admins)"
    assert options["team"] == "Team (you, and the members and coaches of its team)"
    assert options["library"] == "Library (everyone signed in)"
    assert "advisor" not in options["private"].lower()

    client.post_form("/logout")
    login(people["advisor"])
    assert client.post_form("/playlists/", {"name": "My picks", "visibility": "private"}
                            ).status_code == 302
    playlist = db.session.scalars(sa.select(Playlist)).one()
    assert client.get(f"/playlists/{playlist.id}").status_code == 200
    for other in ("coach", "peer"):
        client.post_form("/logout")
        login(people[other])
        assert client.get(f"/playlists/{playlist.id}").status_code == 404
    client.post_form("/logout")
    login(people["admin"])
    assert client.get(f"/playlists/{playlist.id}").status_code == 200


def test_the_clip_page_says_who_sees_the_clip_once(client, login, recording, people):
    """The clip page's "Seen by" reads once (it said "Private Private (...)")."""
    login(people["coach"])
    expected = {
        Visibility.PRIVATE: "private — the advisor, their team's coaches and admins",
        Visibility.TEAM: "team — everyone in Blue, and admins",
        Visibility.LIBRARY: "library — everyone signed in",
    }
    for visibility, words in expected.items():
        clip = cut(recording, people["coach"], f"A {visibility.value} clip", visibility)
        page = client.get(f"/clips/{clip.id}").get_data(as_text=True)
        seen_by = re.search(r"<dt>Seen by</dt><dd>(.*?)</dd>", page, re.S)
        assert seen_by, page[-1500:]
        assert seen_by.group(1).replace("&#39;", "'") == words
