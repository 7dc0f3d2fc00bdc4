"""The daily digest on the start page: yesterday's figures against the day before, for
what the user may see."""

from __future__ import annotations

import datetime as dt

from coachlab import timezones
from coachlab.db import db
from tests.performance.conftest import import_file, row, write_csv


def test_the_digest_says_what_changed_since_yesterday(people, tmp_path, client, login):
    zone = timezones.site_zone()
    today = timezones.local_now(zone).date()
    yesterday = timezones.local_day_start(today - dt.timedelta(days=1), zone)
    before = timezones.local_day_start(today - dt.timedelta(days=2), zone)
    rows = [row("y1", "ali@example.com", yesterday + dt.timedelta(hours=9), nps=10),
            row("y2", "ali@example.com", yesterday + dt.timedelta(hours=10), nps=0),
            row("y3", "bea@example.com", yesterday + dt.timedelta(hours=11), nps=9),
            row("b1", "ali@example.com", before + dt.timedelta(hours=9), nps=9),
            row("r1", "ray@example.com", yesterday + dt.timedelta(hours=9), nps=0)]
    assert import_file(write_csv(tmp_path / "d.csv", rows)).ok
    login(people["coach"])
    card = client.get("/").get_data(as_text=True).split('id="card-performance-digest"')[1]
    card = card.split("</article>")[0]
    # Blue only: 3 yesterday (2 promoters, 1 detractor: NPS 33), 1 the day before (NPS 100)
    assert "<strong>3</strong> interactions (the day before: 1)" in card
    assert "NPS <strong>33</strong> from 3 scores (before: 100 from 1)" in card
    client.post_form("/logout")
    login(people["ali"])
    card = client.get("/").get_data(as_text=True).split('id="card-performance-digest"')[1]
    assert "<strong>2</strong> interactions (the day before: 1)" in card.split("</article>")[0]
    assert "NPS <strong>0</strong> from 2 scores" in card


def test_new_audits_name_the_call_and_for_a_coach_the_advisor(people, make_recording, client,
                                                              login):
    from performance import service
    from performance.models import Band

    call = make_recording(people["ali"])
    call.title = "Refund for a broken kettle"
    service.create_audit(call, acting=people["coach"], band=Band.OUTSTANDING,
                         comment="Clear next steps", microskills=["M.expectation"])
    db.session.commit()
    login(people["ali"])
    card = client.get("/").get_data(as_text=True).split('id="card-performance-digest"')[1]
    line = next(p for p in card.split("</article>")[0].split("<p") if "New audits" in p)
    assert "Refund for a broken kettle" in line and "Ali" not in line
    client.post_form("/logout")
    login(people["coach"])
    card = client.get("/").get_data(as_text=True).split('id="card-performance-digest"')[1]
    line = next(p for p in card.split("</article>")[0].split("<p") if "New audits" in p)
    assert "Ali: Refund for a broken kettle" in line
