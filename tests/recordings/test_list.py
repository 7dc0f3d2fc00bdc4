from __future__ import annotations

import datetime as dt
import re

import pytest

from coachlab.auth.models import Role
from coachlab.recordings.models import Status


def listed_ids(client, query: str = "") -> list[int]:
    page = client.get(f"/recordings/{query}").get_data(as_text=True)
    return [int(i) for i in re.findall(r'href="/recordings/(\d+)"', page)]


@pytest.fixture
def team_calls(make_user, make_team, make_recording):
    team = make_team("Blue")
    coach = make_user(Role.COACH, led_teams=[team])
    ann = make_user(Role.ADVISOR, team=team, name="Ann")
    bob = make_user(Role.ADVISOR, team=team, name="Bob")
    day = dt.datetime(2026, 11, 1, 9, 0, tzinfo=dt.UTC)
    calls = {
        "ann_detractor": make_recording(ann, called_at=day, nps=3, resolved=False,
                                        tags=["billing"]),
        "ann_promoter": make_recording(ann, called_at=day + dt.timedelta(days=2), nps=10,
                                       resolved=True, tags=["billing", "upsell"]),
        "bob_passive": make_recording(bob, called_at=day + dt.timedelta(days=5), nps=7,
                                      resolved=True, seconds=3.0),
    }
    return coach, ann, bob, calls


def test_filters(client, login, team_calls):
    coach, ann, bob, calls = team_calls
    login(coach)
    ids = {name: rec.id for name, rec in calls.items()}
    assert listed_ids(client, f"?advisor={ann.id}") == [ids["ann_promoter"], ids["ann_detractor"]]
    assert listed_ids(client, "?outcome=detractor") == [ids["ann_detractor"]]
    assert listed_ids(client, "?outcome=promoter") == [ids["ann_promoter"]]
    assert listed_ids(client, "?outcome=passive") == [ids["bob_passive"]]
    assert listed_ids(client, "?outcome=unresolved") == [ids["ann_detractor"]]
    assert listed_ids(client, "?tag=upsell") == [ids["ann_promoter"]]
    assert listed_ids(client, "?date_from=2026-11-02&date_to=2026-11-03") == [ids["ann_promoter"]]
    assert listed_ids(client, "?status=ready") == [ids["bob_passive"], ids["ann_promoter"],
                                                   ids["ann_detractor"]]
    assert listed_ids(client, "?status=failed") == []


def test_sorting(client, login, team_calls):
    coach, _, _, calls = team_calls
    login(coach)
    ids = {name: rec.id for name, rec in calls.items()}
    assert listed_ids(client, "?sort=oldest")[0] == ids["ann_detractor"]
    assert listed_ids(client, "?sort=longest")[0] == ids["bob_passive"]
    assert listed_ids(client, "?sort=nps_low")[0] == ids["ann_detractor"]


def test_pagination(app, client, login, team_calls):
    app.config["RECORDINGS_PER_PAGE"] = 2
    coach, *_ = team_calls
    login(coach)
    first, second = listed_ids(client), listed_ids(client, "?page=2")
    assert len(first) == 2 and len(second) == 1 and not set(first) & set(second)
    assert "Page 1 of 2" in client.get("/recordings/").get_data(as_text=True)


def test_bad_filter_values_are_ignored_not_errors(client, login, team_calls):
    coach, *_ = team_calls
    login(coach)
    response = client.get("/recordings/?date_from=notadate&advisor=999999&page=abc")
    assert response.status_code == 200


def test_recording_page_shows_state_and_outcome(client, login, team_calls):
    _, ann, _, calls = team_calls
    login(ann)
    page = client.get(f"/recordings/{calls['ann_detractor'].id}").get_data(as_text=True)
    assert "(detractor)" in page and "Ready" in page and "billing" in page
    assert calls["ann_detractor"].status is Status.READY
