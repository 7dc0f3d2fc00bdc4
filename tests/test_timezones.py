"""Times are stored in UTC and shown and typed in the viewer's zone (theirs, else the site's)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from coachlab import create_app, timezones
from coachlab.auth.models import Role
from coachlab.db import db
from coachlab.recordings.models import Recording
from tests.conftest import base_config

PARIS = ZoneInfo("Europe/Paris")


def test_wall_clock_times_round_trip_through_utc_across_daylight_saving():
    winter = dt.datetime(2026, 1, 15, 9, 0)
    summer = dt.datetime(2026, 7, 15, 9, 0)
    assert timezones.from_local(winter, PARIS) == dt.datetime(2026, 1, 15, 8, 0, tzinfo=dt.UTC)
    assert timezones.from_local(summer, PARIS) == dt.datetime(2026, 7, 15, 7, 0, tzinfo=dt.UTC)
    assert timezones.local_naive(timezones.from_local(summer, PARIS), PARIS) == summer


def test_weeks_and_days_are_cut_in_the_zone():
    # Auckland is 13 h ahead of UTC in November: a Sunday evening in UTC is Monday there.
    auckland = ZoneInfo("Pacific/Auckland")
    late_monday_utc = dt.datetime(2026, 11, 23, 12, 30, tzinfo=dt.UTC)  # Tue 01:30 Auckland
    assert timezones.week_start(late_monday_utc, auckland) == dt.date(2026, 11, 23)
    sunday_evening_utc = dt.datetime(2026, 11, 22, 23, 30, tzinfo=dt.UTC)  # Mon 12:30 there
    assert timezones.week_start(sunday_evening_utc, dt.UTC) == dt.date(2026, 11, 16)
    assert timezones.week_start(sunday_evening_utc, auckland) == dt.date(2026, 11, 23)
    assert timezones.local_day_start(dt.date(2026, 7, 1), PARIS) == \
        dt.datetime(2026, 6, 30, 22, 0, tzinfo=dt.UTC)


def test_an_unknown_site_zone_stops_the_app_with_a_clear_message(tmp_path, database_url):
    with pytest.raises(RuntimeError, match="TIMEZONE='Mars/Olympus'"):
        create_app(base_config(database_url, tmp_path, TIMEZONE="Mars/Olympus"))


def test_pages_show_times_in_the_viewers_zone_and_say_which(
        client, login, make_user, make_recording):
    advisor = make_user()
    make_recording(advisor, called_at=dt.datetime(2026, 7, 1, 8, 5, tzinfo=dt.UTC),
                   title="Summer call")
    login(advisor)
    page = client.get("/recordings/").text
    assert "1 Jul 2026, 08:05" in page and "times are UTC" in page
    advisor.time_zone = "Europe/Paris"
    db.session.commit()
    page = client.get("/recordings/").text
    assert "1 Jul 2026, 10:05" in page and "times are Europe/Paris" in page


def test_the_settings_page_saves_a_zone_and_refuses_an_unknown_one(client, login, make_user):
    user = make_user(Role.COACH)
    login(user)
    assert "The site&#39;s zone (UTC)" in client.get("/account/settings").text
    bad = client.post_form("/account/settings", {"time_zone": "Nowhere/Atlantis"})
    assert bad.status_code == 200 and "Not a valid choice" in bad.text
    db.session.refresh(user)
    assert user.time_zone is None
    assert client.post_form("/account/settings",
                            {"time_zone": "America/New_York"}).status_code == 302
    db.session.refresh(user)
    assert user.time_zone == "America/New_York"


def test_an_upload_reads_the_typed_time_in_the_uploaders_zone(
        client, login, make_user, media_file):
    advisor = make_user()
    advisor.time_zone = "America/New_York"
    db.session.commit()
    login(advisor)
    form = client.get("/recordings/upload").text
    now_there = dt.datetime.now(ZoneInfo("America/New_York"))
    assert f'value="{now_there:%Y-%m-%dT%H}' in form  # the default is their wall clock
    with media_file("tz.wav", seconds=1.0).open("rb") as stream:
        response = client.post_form("/recordings/upload", {
            "files": (stream, "tz.wav"), "advisor": str(advisor.id),
            "called_at": "2026-01-10T09:00", "direction": "inbound", "agent_channel": "left"},
            content_type="multipart/form-data")
    assert response.status_code == 302, response.text[:800]
    row = db.session.scalars(db.select(Recording)).one()
    assert row.called_at == dt.datetime(2026, 1, 10, 14, 0, tzinfo=dt.UTC)


def test_date_filters_cut_days_in_the_viewers_zone(client, login, make_user, make_recording):
    advisor = make_user()
    advisor.time_zone = "Europe/Paris"
    db.session.commit()
    # 30 Jun 22:30 UTC is already 1 Jul in Paris
    make_recording(advisor, called_at=dt.datetime(2026, 6, 30, 22, 30, tzinfo=dt.UTC),
                   title="Just after midnight")
    login(advisor)
    assert "Just after midnight" in client.get("/recordings/?date_from=2026-07-01").text
    assert "Just after midnight" not in client.get("/recordings/?date_to=2026-06-30").text
