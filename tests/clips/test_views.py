"""Clip pages through the test client: the panel, saving, the clip page, comments, library."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from clips.models import Clip, ClipComment, ClipKind, ClipStatus, Visibility
from clips.service import ClipDetails, create_clip
from coachlab.db import db
from coachlab.recordings.models import Status


def clip_form(recording, **fields) -> dict:
    data = {"clip-start": "3.6", "clip-end": "6.0", "clip-title": "Too expensive",
            "clip-kind": "objection_handled", "clip-reason": "Handled calmly",
            "clip-microskills": ["O.objection"], "clip-advisor": str(recording.advisor_id),
            "clip-visibility": "team"}
    data.update(fields)
    return data


def clip_count() -> int:
    return db.session.scalar(sa.select(sa.func.count(Clip.id)))


def test_panel_on_the_recording_page(client, login, recording, people):
    login(people["coach"])
    page = client.get(f"/recordings/{recording.id}").get_data(as_text=True)
    assert 'id="clip-form"' in page and "Save clip" in page
    assert 'name="clip-start"' in page and 'data-nudge="start"' in page
    assert "js/clips.js" in page and "css/clips.css" in page
    for code in ("O.objection", "A.greeting"):
        assert f'value="{code}"' in page
    assert 'value="library"' in page
    client.post_form("/logout")
    login(people["advisor"])  # may cut own calls, but not publish to the library
    page = client.get(f"/recordings/{recording.id}").get_data(as_text=True)
    assert 'id="clip-form"' in page and 'value="library"' not in page


def test_saving_a_clip_shows_its_page_player_and_slice(client, login, recording, people):
    login(people["coach"])
    response = client.post_form(f"/recordings/{recording.id}/clips", clip_form(recording))
    assert response.status_code == 302
    clip = db.session.scalars(sa.select(Clip)).one()
    assert response.location.endswith(f"/clips/{clip.id}")
    assert clip.status is ClipStatus.READY and clip.kind is ClipKind.OBJECTION_HANDLED
    assert clip.visibility is Visibility.TEAM and clip.microskills == ["O.objection"]
    page = client.get(f"/clips/{clip.id}").get_data(as_text=True)
    assert f'<audio id="media" controls preload="metadata" src="/clips/{clip.id}/media"' in page
    assert 'class="segment speaker-customer"' in page
    assert re.search(r'<span class="w" data-start="0\.25" data-end="[\d.]+">\s?Honestly</span>',
                     page)
    assert "Copy link" in page and f"http://localhost/clips/{clip.id}" in page
    assert "Objection handling" in page  # microskill name
    with client.get(f"/clips/{clip.id}/media") as media:
        assert media.status_code == 200 and media.mimetype == "audio/ogg"
    with client.get(f"/clips/{clip.id}/media", headers={"Range": "bytes=0-99"}) as ranged:
        assert ranged.status_code == 206 and len(ranged.data) == 100
    status = client.get(f"/clips/{clip.id}/status.json").get_json()
    assert status["status"] == "ready" and status["progress"] == 100
    # the recording page lists it
    assert f'href="/clips/{clip.id}"' in client.get(f"/recordings/{recording.id}").get_data(
        as_text=True)


@pytest.mark.parametrize(("fields", "message"), [
    ({"clip-start": "6", "clip-end": "4"}, "must end after it starts"),
    ({"clip-start": "5", "clip-end": "5"}, "must end after it starts"),
    ({"clip-start": "10", "clip-end": "30"}, "beyond the end of the recording"),
    ({"clip-start": "abc"}, "Start (s)"),
    ({"clip-title": ""}, "Give the clip a title"),
    ({"clip-kind": "brilliant"}, "Kind"),
    ({"clip-visibility": "world"}, "Who sees it"),
    ({"clip-microskills": ["Z.unknown"]}, "Microskills"),
])
def test_bad_clip_forms_say_why_and_save_nothing(client, login, recording, people, fields,
                                                 message):
    login(people["coach"])
    response = client.post_form(f"/recordings/{recording.id}/clips",
                                clip_form(recording, **fields), follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "The clip was not saved" in page
    assert message in page
    assert clip_count() == 0


def test_no_clip_on_a_recording_that_is_not_ready(client, login, recording, people):
    recording.status = Status.QUEUED
    db.session.commit()
    login(people["coach"])
    page = client.post_form(f"/recordings/{recording.id}/clips", clip_form(recording),
                            follow_redirects=True).get_data(as_text=True)
    assert "not ready yet" in page and clip_count() == 0
    assert "Clips can be cut once the recording is processed" in client.get(
        f"/recordings/{recording.id}").get_data(as_text=True)


def test_without_csrf_token_nothing_happens(client, login, recording, people):
    login(people["coach"])
    response = client.post(f"/recordings/{recording.id}/clips", data=clip_form(recording))
    assert response.status_code == 400 and clip_count() == 0


def test_comments_at_a_second(client, login, recording, people):
    clip = create_clip(recording, 3.6, 6.0, ClipDetails(title="c", visibility=Visibility.TEAM),
                       acting=people["coach"])
    db.session.commit()
    login(people["peer"])  # a teammate sees a team clip and may comment
    response = client.post_form(f"/clips/{clip.id}/comments",
                                {"at_second": "1.7", "body": "Listen to the pause here"})
    assert response.status_code == 302
    comment = db.session.scalars(sa.select(ClipComment)).one()
    assert response.location.endswith(f"#comment-{comment.id}")
    assert comment.at_second == pytest.approx(1.7) and comment.author_id == people["peer"].id
    page = client.get(f"/clips/{clip.id}").get_data(as_text=True)
    assert 'data-seek="1.7"' in page and "0:01.7" in page and "Listen to the pause" in page
    assert "Edit or delete" in page
    # a second past the end is moved to the end; an empty body is refused
    client.post_form(f"/clips/{clip.id}/comments", {"at_second": "999", "body": "late"})
    late = db.session.scalars(sa.select(ClipComment).where(ClipComment.body == "late")).one()
    assert late.at_second == pytest.approx(clip.end - clip.start, abs=0.1)
    bad = client.post_form(f"/clips/{clip.id}/comments", {"at_second": "1", "body": " "},
                           follow_redirects=True)
    assert "The comment was not saved" in bad.get_data(as_text=True)
    assert client.post_form(f"/clips/{clip.id}/comments", {"at_second": "-3", "body": "x"}
                            ).status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(ClipComment.id))) == 2
    # edit and delete: the author only
    edit = f"/clips/{clip.id}/comments/{comment.id}/edit"
    assert client.post_form(edit, {"body": "Listen to the long pause"}).status_code == 302
    db.session.refresh(comment)
    assert comment.body == "Listen to the long pause" and comment.edited_at is not None
    client.post_form("/logout")
    login(people["coach"])
    assert "Edit or delete" not in client.get(f"/clips/{clip.id}").get_data(as_text=True)
    assert client.post_form(edit, {"body": "hijacked"}).status_code == 404
    assert client.post_form(f"/clips/{clip.id}/comments/{comment.id}/delete").status_code == 404
    client.post_form("/logout")
    login(people["peer"])
    assert client.post_form(f"/clips/{clip.id}/comments/{comment.id}/delete").status_code == 302
    assert db.session.get(ClipComment, comment.id) is None


def test_delete_clip_removes_its_file(app, client, login, recording, people):
    clip = create_clip(recording, 3.6, 6.0, ClipDetails(title="c"), acting=people["coach"])
    db.session.commit()
    stored = Path(app.config["MEDIA_DIR"]) / clip.media_key
    login(people["advisor"])  # concerned, but did not cut it: no delete
    page = client.get(f"/clips/{clip.id}").get_data(as_text=True)
    assert "Delete clip" not in page
    assert client.post_form(f"/clips/{clip.id}/delete").status_code == 404
    client.post_form("/logout")
    login(people["coach"])
    response = client.post_form(f"/clips/{clip.id}/delete")
    assert response.status_code == 302 and response.location.endswith(
        f"/recordings/{recording.id}#clips")
    assert clip_count() == 0 and not stored.exists()


def test_library_filters_and_good_calls(client, login, recording, people):
    def cut(title, kind, visibility, acting, advisor=None, microskills=()):
        clip = create_clip(recording, 1.0, 3.0, ClipDetails(
            title=title, kind=kind, visibility=visibility, advisor=advisor,
            microskills=list(microskills)), acting=acting)
        db.session.commit()
        return clip

    coach, advisor, peer = people["coach"], people["advisor"], people["peer"]
    cut("Warm greeting", ClipKind.GOOD_MOMENT, Visibility.TEAM, coach,
        microskills=["A.greeting"])
    cut("Lost the thread", ClipKind.MISSED_OPPORTUNITY, Visibility.TEAM, coach)
    cut("Peer's great save", ClipKind.GOOD_MOMENT, Visibility.LIBRARY, coach, advisor=peer)
    cut("Private praise", ClipKind.GOOD_MOMENT, Visibility.PRIVATE, coach, advisor=peer)

    login(advisor)
    page = client.get("/clips/").get_data(as_text=True)
    for title in ("Warm greeting", "Lost the thread", "Peer&#39;s great save"):
        assert title in page
    assert "Private praise" not in page
    only = client.get("/clips/?microskill=A.greeting").get_data(as_text=True)
    assert "Warm greeting" in only and "Lost the thread" not in only
    kind = client.get("/clips/?kind=missed_opportunity").get_data(as_text=True)
    assert "Lost the thread" in kind and "Warm greeting" not in kind
    by_peer = client.get(f"/clips/?advisor={peer.id}").get_data(as_text=True)
    assert "great save" in by_peer and "Warm greeting" not in by_peer
    assert "No clips match" in client.get(f"/clips/?team={people['red'].id}").get_data(
        as_text=True) or client.get(f"/clips/?team={people['red'].id}").status_code == 200
    # others' good calls: the peers' shared good moments, not one's own
    good = client.get("/clips/good-calls").get_data(as_text=True)
    assert "great save" in good
    assert "Warm greeting" not in good and "Lost the thread" not in good
    assert "Private praise" not in good
    client.post_form("/logout")
    login(people["outsider"])
    page = client.get("/clips/").get_data(as_text=True)
    assert "great save" in page and "Warm greeting" not in page
    assert "great save" in client.get("/clips/good-calls").get_data(as_text=True)


def test_nav_links(client, login, people):
    login(people["advisor"])
    page = client.get("/clips/").get_data(as_text=True)
    assert 'href="/clips/" aria-current="page">Clips</a>' in page
    assert 'href="/playlists/"' in page
