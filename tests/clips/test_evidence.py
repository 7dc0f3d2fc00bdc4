"""Clips as evidence on an advisor's microskill profile."""

from __future__ import annotations

from clips import service
from clips.models import ClipKind, Visibility
from coachlab.db import db
from coachlab.plugins import evidence_for
from microskills import service as microskills
from microskills.profile import build_profile


def test_clips_of_the_advisor_are_evidence_for_their_microskills(app, recording, people):
    shared = service.create_clip(recording, 0.5, 3.0, service.ClipDetails(
        title="A warm greeting", kind=ClipKind.GOOD_MOMENT, microskills=["A.greeting"],
        visibility=Visibility.TEAM), acting=people["coach"])
    private = service.create_clip(recording, 7.5, 11.0, service.ClipDetails(
        title="Plan offered", microskills=["O.objection"]), acting=people["coach"])
    db.session.commit()

    with app.test_request_context():
        check_visibility(people, shared, private)


def check_visibility(people, shared, private) -> None:
    seen_by_peer = evidence_for(people["advisor"], ["A.greeting", "O.objection"], people["peer"])
    assert [link.title for link in seen_by_peer["A.greeting"]] == ["A warm greeting"]
    assert "O.objection" not in seen_by_peer  # private: not for a peer
    seen_by_coach = evidence_for(people["advisor"], ["O.objection"], people["coach"])
    assert seen_by_coach["O.objection"][0].url == f"/clips/{private.id}"
    assert evidence_for(people["advisor"], ["A.greeting"], people["outsider"]) == {}



def test_the_profile_lists_clips_for_a_picked_microskill(recording, people, client, login):
    microskills.tag_recording(recording)
    db.session.commit()
    profile = build_profile(people["advisor"], days=3650)
    code = (profile.strengths + profile.improvements)[0].rate.code
    clip = service.create_clip(recording, 0.5, 3.0, service.ClipDetails(
        title="Evidence clip", microskills=[code], visibility=Visibility.TEAM),
        acting=people["coach"])
    db.session.commit()
    login(people["coach"])
    page = client.get(f"/microskills/advisors/{people['advisor'].id}?days=365")
    assert f'href="/clips/{clip.id}">🎧 Clip: Evidence clip</a>' in page.get_data(as_text=True)
