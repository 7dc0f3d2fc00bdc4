"""Bad ids, pages, dates, text and headers get a 4xx page or are ignored, never a 500 (issue 9,
findings 7, 10 and 11)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from coachlab.auth.models import Role
from coachlab.db import db
from coachlab.recordings.models import Recording
from coachlab.urls import MAX_ID
from tests.recordings.test_upload import count_recordings, upload

HUGE = str(MAX_ID + 1)  # one past what an INTEGER id column holds in PostgreSQL


@pytest.fixture
def advisor(make_user, make_team):
    return make_user(Role.ADVISOR, team=make_team("Blue"))


@pytest.mark.parametrize("url", [
    "/recordings/?date_to=9999-12-31",
    "/recordings/?date_from=0001-01-01&date_to=9999-12-31",
])
def test_extreme_dates_filter_instead_of_failing(app, login, advisor, make_recording, url):
    make_recording(advisor)
    response = login(advisor).get(url)
    assert response.status_code == 200
    assert "CUST" in response.get_data(as_text=True) or "call" in response.get_data(as_text=True)


@pytest.mark.parametrize("url", [
    "/recordings/?page=99999999999999999999999",
    "/recordings/?page=0",
    "/recordings/?page=-3",
    "/clips/?page=99999999999999999999999",
    "/clips/good-calls?page=1000001",
])
def test_pages_out_of_range_are_404_pages(app, login, advisor, url):
    response = login(advisor).get(url)
    assert response.status_code == 404
    assert "<html" in response.get_data(as_text=True).lower()


def test_a_page_that_is_not_a_number_is_the_first(app, login, advisor):
    assert login(advisor).get("/recordings/?page=abc").status_code == 200


@pytest.mark.parametrize(("method", "url"), [
    ("get", f"/recordings/{HUGE}"),
    ("get", f"/recordings/{HUGE}/status.json"),
    ("get", f"/recordings/{HUGE}/media"),
    ("get", f"/clips/{HUGE}"),
    ("post", f"/clips/{HUGE}/comments"),
    ("post", f"/recordings/{HUGE}/retry"),
    ("get", "/recordings/9223372036854775808/status.json"),  # 2**63, as the attacker sent
    ("post", "/clips/9223372036854775808/comments"),
    ("get", "/recordings/99999999999999999999999999999999"),
])
def test_ids_beyond_what_the_id_columns_hold_are_404(app, login, advisor, method, url):
    client = login(advisor)
    response = client.get(url) if method == "get" else client.post_form(url, {"body": "x"})
    assert response.status_code == 404


def test_the_largest_id_is_still_looked_up(app, login, advisor):
    assert login(advisor).get(f"/recordings/{MAX_ID}").status_code == 404


def test_more_files_than_allowed_are_refused_and_nothing_is_stored(
        app, login, advisor, media_file):
    app.config["MAX_FILES_PER_UPLOAD"] = 3
    source = media_file("one.wav", seconds=0.5, channels=1)
    response = login(advisor).get("/recordings/upload")
    response = upload(login(advisor), [(source, f"call{i}.wav") for i in range(4)], advisor)
    assert response.status_code == 400
    assert "at most 3 files" in response.get_data(as_text=True)
    assert count_recordings() == 0
    assert upload(login(advisor), [(source, f"call{i}.wav") for i in range(3)],
                  advisor).status_code == 302
    assert count_recordings() == 3


@pytest.mark.parametrize("field", ["customer_ref", "tags", "disposition"])
def test_nul_bytes_in_text_are_refused_with_a_message(app, login, advisor, media_file, field):
    source = media_file("nul.wav", seconds=0.5, channels=1)
    response = upload(login(advisor), [(source, "nul.wav")], advisor, **{field: "a\x00b"})
    assert response.status_code == 400
    assert "NUL characters" in response.get_data(as_text=True)
    assert count_recordings() == 0


def test_a_nul_byte_in_a_search_is_refused(app, login, advisor):
    response = login(advisor).get("/recordings/?tag=a%00b")
    assert response.status_code == 400 and "NUL" in response.get_data(as_text=True)


def test_a_very_long_file_name_is_shortened_keeping_its_extension(app, login, advisor,
                                                                  media_file):
    source = media_file("long.wav", seconds=0.5, channels=1)
    name = "x" * 5000 + ".wav"
    assert upload(login(advisor), [(source, name)], advisor).status_code == 302
    stored = db.session.scalars(sa.select(Recording)).one()
    assert len(stored.original_filename) == 255 and stored.original_filename.endswith(".wav")


def test_media_is_served_with_the_type_of_what_it_is_not_its_name(app, login, advisor,
                                                                  media_file):
    ogg = media_file("really.ogg", seconds=0.5, channels=1,
                     codec_args=["-c:a", "libopus", "-b:a", "32k"])
    client = login(advisor)
    assert upload(client, [(ogg, "pretends.mp4")], advisor).status_code == 302
    recording = db.session.scalars(sa.select(Recording)).one()
    assert recording.content_type == "audio/ogg"
    with client.get(f"/recordings/{recording.id}/media") as response:
        assert response.mimetype == "audio/ogg"


@pytest.mark.parametrize("header", ["bytes=abc", "bytes=0-1,5-9", "pages=1-2", "bytes=-"])
def test_an_unusable_range_is_ignored(app, login, advisor, make_recording, header):
    recording = make_recording(advisor)
    client = login(advisor)
    with client.get(f"/recordings/{recording.id}/media") as whole:
        size = len(whole.data)
    with client.get(f"/recordings/{recording.id}/media", headers={"Range": header}) as response:
        assert response.status_code == 200 and len(response.data) == size


def test_a_usable_range_still_gets_206(app, login, advisor, make_recording):
    recording = make_recording(advisor)
    with login(advisor).get(f"/recordings/{recording.id}/media",
                            headers={"Range": "bytes=0-9"}) as response:
        assert response.status_code == 206 and len(response.data) == 10
