"""Who sees which recording: owner, coach of the team and admins; everyone else gets 404."""

from __future__ import annotations

import re

import pytest
from werkzeug.routing import AnyConverter, IntegerConverter

from coachlab.auth.models import Role


@pytest.fixture
def world(make_user, make_team, make_recording):
    team, other_team = make_team("Blue"), make_team("Green")
    people = {
        "owner": make_user(Role.ADVISOR, team=team),
        "teammate": make_user(Role.ADVISOR, team=team),
        "stranger": make_user(Role.ADVISOR, team=other_team),
        "coach": make_user(Role.COACH, led_teams=[team]),
        "other_coach": make_user(Role.COACH, led_teams=[other_team]),
        "admin": make_user(Role.ADMIN),
    }
    recording = make_recording(people["owner"], seconds=1.0)
    return people, recording


READ_URLS = ["/recordings/{id}", "/recordings/{id}/media", "/recordings/{id}/waveform.json",
             "/recordings/{id}/status.json"]


def status_of(client, url: str) -> int:
    with client.get(url) as response:  # closes streamed file responses
        return response.status_code


@pytest.mark.parametrize("who", ["owner", "coach", "admin"])
def test_allowed_users_read_every_recording_url(client, login, world, who):
    people, recording = world
    login(people[who])
    for url in READ_URLS:
        assert status_of(client, url.format(id=recording.id)) == 200, url


@pytest.mark.parametrize("who", ["teammate", "stranger", "other_coach"])
def test_everyone_else_gets_404_on_every_recording_url(client, login, world, who):
    people, recording = world
    login(people[who])
    for url in READ_URLS:
        assert status_of(client, url.format(id=recording.id)) == 404, url
    for action in ("retry", "delete"):
        response = client.post_form(f"/recordings/{recording.id}/{action}")
        assert response.status_code == 404, action
    listing = client.get("/recordings/").get_data(as_text=True)
    assert f"/recordings/{recording.id}" not in listing


def test_anonymous_is_sent_to_login(client, world):
    _, recording = world
    for url in READ_URLS + ["/recordings/", "/recordings/upload"]:
        with client.get(url.format(id=recording.id)) as response:
            assert response.status_code == 302, url
            assert "/login" in response.headers["Location"], url


def test_listing_shows_each_user_their_recordings(client, login, world, make_recording):
    people, recording = world
    mine = make_recording(people["stranger"], seconds=1.0)
    login(people["stranger"])
    page = client.get("/recordings/").get_data(as_text=True)
    assert f"/recordings/{mine.id}" in page and f"/recordings/{recording.id}" not in page


def test_advisor_cannot_delete_own_recording_but_coach_can(client, login, world, app):
    people, recording = world
    login(people["owner"])
    assert client.post_form(f"/recordings/{recording.id}/delete").status_code == 404
    client.post_form("/logout")
    login(people["coach"])
    assert client.post_form(f"/recordings/{recording.id}/delete").status_code == 302
    assert client.get(f"/recordings/{recording.id}").status_code == 404


def test_media_supports_range_requests(client, login, world):
    people, recording = world
    login(people["owner"])
    url = f"/recordings/{recording.id}/media"
    with client.get(url) as whole, client.get(url, headers={"Range": "bytes=100-199"}) as part:
        assert part.status_code == 206
        assert part.headers["Content-Range"] == f"bytes 100-199/{len(whole.data)}"
        assert part.data == whole.data[100:200]
        assert whole.headers["Accept-Ranges"] == "bytes"
        assert whole.mimetype == "audio/wav"


def test_every_route_requires_login(app, client):
    """No endpoint but login and static files answers an anonymous visitor."""
    public = {"auth.login", "static"}
    for rule in app.url_map.iter_rules():
        if rule.endpoint in public:
            continue
        url = rule.rule
        for arg, converter in rule._converters.items():  # a valid value for each argument
            if isinstance(converter, AnyConverter):
                value = sorted(converter.items)[0]
            else:
                value = "1" if isinstance(converter, IntegerConverter) else "x"
            url = re.sub(rf"<[^<>]*\b{arg}>", value, url)
        method = "GET" if "GET" in rule.methods else "POST"
        response = client.open(url, method=method)
        assert response.status_code in (302, 400), (rule.endpoint, response.status_code)
        if response.status_code == 302:
            assert "/login" in response.headers["Location"], rule.endpoint


def test_deleting_a_recording_removes_everything_derived_from_it(client, login, world, app):
    """Foreign keys cascade on SQLite too (it ignores them unless told otherwise)."""
    import sqlalchemy as sa

    from coachlab.db import db
    from coachlab.media.transcript import Segment, Transcript, Word
    from coachlab.transcripts.models import TranscriptSegment, TranscriptWord
    from coachlab.transcripts.service import store_transcript

    people, recording = world
    store_transcript(recording, Transcript(1.0, "en", [Segment(
        0.0, 0.5, "agent", "Hello there", words=[Word(0.0, 0.2, "Hello", 0.9),
                                                   Word(0.25, 0.5, "there", 0.9)])]),
        model="test")
    db.session.commit()
    login(people["coach"])
    assert client.post_form(f"/recordings/{recording.id}/delete").status_code == 302
    for model in (TranscriptSegment, TranscriptWord):
        assert db.session.scalar(sa.select(sa.func.count()).select_from(model)) == 0, model
    assert "Hello" not in client.get("/search?q=hello").get_data(as_text=True).split(
        "<main")[1]
