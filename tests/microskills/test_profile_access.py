"""A profile counts and quotes only what the viewer may see (issue 9, finding 1)."""

from __future__ import annotations

import datetime as dt

from coachlab.auth.models import Role
from coachlab.db import db
from coachlab.transcripts.service import store_transcript
from microskills import service
from tests.microskills.test_review_and_profile import scripted_transcript


def test_a_coach_of_the_advisors_new_team_reads_nothing_of_the_old_teams_calls(
        client, login, make_team, make_user, make_recording):
    billing, sales = make_team("Billing"), make_team("Sales")
    make_user(Role.COACH, led_teams=[billing])
    coach2 = make_user(Role.COACH, led_teams=[sales])
    advisor2 = make_user(Role.ADVISOR, team=billing)
    old = make_recording(advisor2, seconds=1.0,
                         called_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=20))
    store_transcript(old, scripted_transcript(), model="test")
    service.tag_recording(old)
    advisor2.team = sales  # moved into coach2's team
    db.session.commit()

    login(coach2)
    assert client.get(f"/recordings/{old.id}").status_code == 404
    response = client.get(f"/microskills/advisors/{advisor2.id}?days=365")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert f"/recordings/{old.id}" not in page
    assert "charged twice" not in page and "so sorry" not in page and "Northwind" not in page
    client.post_form("/logout")

    login(advisor2)  # the advisor still sees their own calls in their profile
    page = client.get(f"/microskills/advisors/{advisor2.id}?days=365").get_data(as_text=True)
    assert f"/recordings/{old.id}" in page
