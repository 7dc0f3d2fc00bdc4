"""Editing what a clip says about its moment, after it was cut."""

from __future__ import annotations

import pytest

from clips import service
from clips.models import ClipKind, Visibility
from coachlab.db import db


@pytest.fixture
def clip(recording, people):
    made = service.create_clip(recording, 3.5, 7.0, service.ClipDetails(
        title="Price", kind=ClipKind.OTHER, microskills=["O.objection"]), acting=people["coach"])
    db.session.commit()
    return made


def edit(client, clip, **fields):
    data = {"title": "Price objection handled", "kind": "objection_handled",
            "reason": "Acknowledges, then offers a cheaper plan", "visibility": "team",
            "microskills": ["O.objection", "M.positive"], **fields}
    return client.post_form(f"/clips/{clip.id}/edit", data, follow_redirects=True)


def test_coach_edits_the_details(client, login, people, clip):
    login(people["coach"])
    page = client.get(f"/clips/{clip.id}").get_data(as_text=True)
    assert "Edit the details" in page
    response = edit(client, clip)
    assert "The clip is updated." in response.get_data(as_text=True)
    db.session.refresh(clip)
    assert clip.title == "Price objection handled" and clip.kind is ClipKind.OBJECTION_HANDLED
    assert clip.visibility is Visibility.TEAM
    assert clip.microskills == ["M.positive", "O.objection"]
    assert clip.reason == "Acknowledges, then offers a cheaper plan"
    # the region and the file are untouched
    assert (clip.start, clip.end) == pytest.approx((3.25, 7.25), abs=0.3)


def test_bad_edits_change_nothing(client, login, people, clip):
    login(people["coach"])
    unknown = edit(client, clip, microskills=["X.nope"])
    assert "not changed" in unknown.get_data(as_text=True)
    empty = edit(client, clip, title="   ")
    assert "not changed" in empty.get_data(as_text=True) or "title" in empty.get_data(
        as_text=True)
    db.session.refresh(clip)
    assert clip.title == "Price" and clip.microskills == ["O.objection"]


def test_advisor_who_cut_may_edit_but_not_publish_to_the_library(client, login, people,
                                                                   recording):
    own = service.create_clip(recording, 0.5, 3.0, service.ClipDetails(title="Greeting"),
                              acting=people["advisor"])
    db.session.commit()
    login(people["advisor"])
    response = edit(client, own, visibility="library")
    assert "not changed" in response.get_data(as_text=True)
    db.session.refresh(own)
    assert own.visibility is Visibility.PRIVATE
    edit(client, own, visibility="team")
    db.session.refresh(own)
    assert own.visibility is Visibility.TEAM


@pytest.mark.parametrize("who", ["outsider", "red_coach", "peer"])
def test_others_cannot_edit(client, login, people, clip, who):
    login(people[who])
    response = client.post_form(f"/clips/{clip.id}/edit", {"title": "Hijacked", "kind": "other",
                                                           "visibility": "private"})
    assert response.status_code == 404
    db.session.refresh(clip)
    assert clip.title == "Price"
