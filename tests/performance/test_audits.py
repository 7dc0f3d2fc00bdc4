"""Audits: a coach audits a call or clip they may see (404 otherwise), the advisor sees it
in their list and acts on a Needs Improvement; overdue ones show on both start pages."""

from __future__ import annotations

import datetime as dt
import re

import sqlalchemy as sa

from clips.models import Visibility
from clips.service import ClipDetails, create_clip
from coachlab.db import db, utcnow
from performance.models import Audit, Band


def audits() -> list[Audit]:
    return list(db.session.scalars(sa.select(Audit).order_by(Audit.id)))


def switch(client, login, user):
    client.post_form("/logout")
    login(user)


def test_a_coach_audits_and_the_advisor_acts(people, make_recording, client, login):
    call = make_recording(people["ali"], called_at=utcnow() - dt.timedelta(days=1))
    login(people["coach"])
    form = client.get(f"/performance/audits/new?recording={call.id}")
    assert form.status_code == 200 and "Needs Improvement" in form.get_data(as_text=True)
    response = client.post_form("/performance/audits/new", {
        "recording": call.id, "band": "needs_improvement", "comment": "Name the feeling first",
        "microskills": ["W.empathy", "S.summary"]})
    assert response.status_code == 302
    (audit,) = audits()
    assert (audit.band, audit.advisor_id, audit.microskills) == (
        Band.NEEDS_IMPROVEMENT, people["ali"].id, ["W.empathy", "S.summary"])
    assert dt.timedelta(hours=23) < audit.act_by - audit.created_at <= dt.timedelta(hours=24)
    assert "Audits" in client.get(f"/recordings/{call.id}").get_data(as_text=True)

    switch(client, login, people["ali"])
    listing = client.get("/performance/audits").get_data(as_text=True)
    assert "Needs Improvement" in listing and f"/performance/audits/{audit.id}" in listing
    page = client.get(f"/performance/audits/{audit.id}").get_data(as_text=True)
    assert "Name the feeling first" in page and "Mark as acted on" in page
    assert client.post_form(f"/performance/audits/{audit.id}/act",
                            {"note": ""}).status_code == 400
    assert client.post_form(f"/performance/audits/{audit.id}/act",
                            {"note": "Listened again; tried it on three calls"}).status_code == 302
    db.session.expire_all()
    assert audits()[0].acted_at is not None and "three calls" in audits()[0].acted_note
    # once acted on, not again
    assert client.post_form(f"/performance/audits/{audit.id}/act",
                            {"note": "again"}).status_code == 404


def test_the_form_refuses_a_bad_audit(people, make_recording, client, login):
    call = make_recording(people["ali"])
    login(people["coach"])
    for data in ({"band": "needs_improvement", "comment": "x", "microskills": []},
                 {"band": "needs_improvement", "comment": "x",
                  "microskills": ["W.empathy", "S.summary", "A.greeting", "O.ownership"]},
                 {"band": "purple", "comment": "x", "microskills": ["W.empathy"]},
                 {"band": "outstanding", "comment": "", "microskills": ["W.empathy"]}):
        response = client.post_form(f"/performance/audits/new?recording={call.id}", data)
        assert response.status_code == 400, data
    assert audits() == []


def test_an_audit_of_what_the_auditor_may_not_see_is_404(people, make_recording, client,
                                                        login):
    call = make_recording(people["ali"])
    clip = create_clip(call, 0.0, 1.5, ClipDetails(title="Moment", visibility=Visibility.TEAM),
                       acting=people["coach"])
    db.session.commit()
    data = {"band": "outstanding", "comment": "Great", "microskills": ["W.empathy"]}
    for who in ("rex", "bea"):  # another team's coach; a teammate (sees the team clip)
        switch(client, login, people[who])
        assert client.get(f"/performance/audits/new?recording={call.id}").status_code == 404
        assert client.post_form(f"/performance/audits/new?recording={call.id}",
                                data).status_code == 404
        assert client.post_form(f"/performance/audits/new?clip={clip.id}",
                                data).status_code == 404
    assert client.get("/performance/audits/new?recording=99999999").status_code == 404
    assert client.get("/performance/audits/new").status_code == 404
    assert audits() == []
    switch(client, login, people["coach"])
    assert client.post_form(f"/performance/audits/new?clip={clip.id}", data).status_code == 302
    (audit,) = audits()
    assert audit.clip_id == clip.id and audit.recording_id == call.id
    for who in ("rex", "bea"):
        switch(client, login, people[who])
        assert client.get(f"/performance/audits/{audit.id}").status_code == 404


def test_overdue_shows_on_both_start_pages(people, make_recording, client, login):
    from performance import service

    call = make_recording(people["ali"])
    audit = service.create_audit(call, acting=people["coach"], band=Band.NEEDS_IMPROVEMENT,
                                 comment="Confirm the callback time",
                                 microskills=["M.expectation"])
    audit.act_by = utcnow() - dt.timedelta(hours=1)
    db.session.commit()
    for who in ("ali", "coach"):
        switch(client, login, people[who])
        home = client.get("/").get_data(as_text=True)
        assert "overdue" in home and "Confirm the callback time" in home, who
    switch(client, login, people["bea"])
    assert "Confirm the callback time" not in client.get("/").get_data(as_text=True)


def test_a_deleted_clip_leaves_the_audit_and_a_deleted_call_takes_it(people, make_recording):
    from clips.service import delete_clip
    from coachlab.recordings.service import delete_recording
    from performance import service

    call = make_recording(people["ali"])
    clip = create_clip(call, 0.0, 1.5, ClipDetails(title="Moment"), acting=people["coach"])
    db.session.commit()
    service.create_audit(call, acting=people["coach"], band=Band.SUGGESTION, comment="Recap",
                         microskills=["S.summary"], clip=clip)
    db.session.commit()
    delete_clip(clip, acting=people["coach"])
    db.session.commit()
    db.session.expire_all()
    (audit,) = audits()
    assert audit.clip_id is None and audit.recording_id == call.id
    delete_recording(call, acting=people["coach"])
    db.session.commit()
    db.session.expire_all()
    assert audits() == []


def test_an_auditor_audits_any_call_and_coaches_nobody(people, make_user, make_recording,
                                                       client, login):
    from coachlab.auth.models import Role
    from sessions import service as sessions

    auditor = make_user(Role.AUDITOR, name="Quinn Auditor")
    blue_call = make_recording(people["ali"], called_at=utcnow() - dt.timedelta(days=1))
    red_call = make_recording(people["ray"], called_at=utcnow() - dt.timedelta(days=2))
    session = sessions.create_session(coach=people["coach"], advisor=people["ali"],
                                      scheduled_at=None)
    db.session.commit()
    login(auditor)
    home = client.get("/").get_data(as_text=True)
    assert "Calls to audit" in home and "2 calls without an audit" in home
    for call in (blue_call, red_call):  # every team's calls, not only one
        assert client.get(f"/recordings/{call.id}").status_code == 200
        response = client.post_form("/performance/audits/new", {
            "recording": call.id, "band": "outstanding", "comment": "Clear and warm",
            "microskills": ["W.empathy"]})
        assert response.status_code == 302
    assert {a.auditor_id for a in audits()} == {auditor.id}
    assert "Every call has an audit" in client.get("/").get_data(as_text=True)
    for page in ("/performance/", f"/performance/teams/{people['red'].id}",
                 f"/performance/advisors/{people['ray'].id}", "/performance/audits",
                 "/performance/export.csv?what=audits"):
        assert client.get(page).status_code == 200, page
    # no uploads, imports, coaching sessions or user admin
    for page in ("/recordings/upload", "/performance/import", f"/sessions/{session.id}",
                 "/admin/users/new"):
        assert client.get(page).status_code in (403, 404), page
    assert "Upload" not in client.get("/recordings/").get_data(as_text=True).split("<main")[0]
    # every page the menu offers an auditor opens
    menu = client.get("/").get_data(as_text=True).split('id="site-menu"')[1].split("</ul>")[0]
    links = re.findall(r'href="(/[^"]*)"', menu)
    assert len(links) >= 6 and "/recordings/upload" not in links
    for link in links:
        assert client.get(link).status_code == 200, link
