"""Moment suggestions: the pipeline step on real speech, accept, dismiss, extra rules."""

from __future__ import annotations

import io
import json
from pathlib import Path

import sqlalchemy as sa

from clips.models import Clip, ClipKind, MomentSuggestion, SuggestionStatus
from clips.suggestions import clip_kind_for, refresh_suggestions, title_for
from coachlab.db import db
from coachlab.recordings.models import Recording, Status

DEMO_CALL = Path(__file__).parents[2] / "coachlab" / "demo" / "media" / \
    "cancellation-price-objection.ogg"


def suggestions(recording, status=None) -> list[MomentSuggestion]:
    query = sa.select(MomentSuggestion).where(MomentSuggestion.recording_id == recording.id)
    if status is not None:
        query = query.where(MomentSuggestion.status == status)
    return list(db.session.scalars(query.order_by(MomentSuggestion.start)))


def test_the_pipeline_suggests_the_objections_of_a_real_call(client, login, people):
    """Upload a demo call (real Whisper): the suggest step stores its objections."""
    login(people["coach"])
    response = client.post_form("/recordings/upload", {
        "advisor": str(people["advisor"].id), "called_at": "2026-11-20T09:30",
        "direction": "inbound", "agent_channel": "left",
        "files": [(io.BytesIO(DEMO_CALL.read_bytes()), DEMO_CALL.name)]},
        content_type="multipart/form-data")
    assert response.status_code == 302
    recording = db.session.scalars(sa.select(Recording)).one()
    assert recording.status is Status.READY, recording.failure_reason
    kinds = {s.kind for s in suggestions(recording)}
    assert {"objection.price", "objection.cancel"} <= kinds
    page = client.get(f"/recordings/{recording.id}").get_data(as_text=True)
    assert "Suggested moments" in page and "Objection: price" in page
    assert 'class="suggestion-preview time-link"' in page


def test_refresh_is_idempotent_and_keeps_decisions(recording, people):
    first = refresh_suggestions(recording)
    db.session.commit()
    price = next(s for s in first if s.kind == "objection.price")
    assert refresh_suggestions(recording) and len(suggestions(recording)) == len(first)
    price.status = SuggestionStatus.DISMISSED
    db.session.commit()
    again = refresh_suggestions(recording)
    db.session.commit()
    assert price.id not in {s.id for s in again}
    assert db.session.get(MomentSuggestion, price.id).status is SuggestionStatus.DISMISSED


def test_accept_makes_a_clip_in_one_click(client, login, recording, people):
    refresh_suggestions(recording)
    db.session.commit()
    price = next(s for s in suggestions(recording) if s.kind == "objection.price")
    login(people["coach"])
    response = client.post_form(
        f"/recordings/{recording.id}/suggestions/{price.id}/accept")
    assert response.status_code == 302
    clip = db.session.scalars(sa.select(Clip)).one()
    assert response.location.endswith(f"/clips/{clip.id}")
    assert clip.title == "Customer raised a price objection"
    assert clip.kind is ClipKind.OBJECTION_HANDLED and clip.reason == price.reason
    assert clip.microskills == ["O.objection"]
    # the suggested region, widened only where its padding fell inside a word
    assert price.start - 0.5 <= clip.start <= price.start and clip.end == price.end
    db.session.refresh(price)
    assert price.status is SuggestionStatus.ACCEPTED and price.clip_id == clip.id
    # accepted: no longer offered, and a second accept makes nothing
    page = client.get(f"/recordings/{recording.id}").get_data(as_text=True)
    assert f'id="suggestion-{price.id}"' not in page
    again = client.post_form(f"/recordings/{recording.id}/suggestions/{price.id}/accept",
                             follow_redirects=True)
    assert "already accepted" in again.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Clip.id))) == 1
    # deleting the clip offers the moment again
    client.post_form(f"/clips/{clip.id}/delete")
    db.session.refresh(price)
    assert price.status is SuggestionStatus.OPEN and price.clip_id is None


def test_dismissed_suggestions_do_not_come_back(client, login, recording, people):
    refresh_suggestions(recording)
    db.session.commit()
    price = next(s for s in suggestions(recording) if s.kind == "objection.price")
    login(people["advisor"])  # advisors may decide on their own calls
    assert client.post_form(
        f"/recordings/{recording.id}/suggestions/{price.id}/dismiss").status_code == 302
    assert client.post_form(f"/recordings/{recording.id}/suggestions/refresh").status_code == 302
    db.session.expire_all()
    assert db.session.get(MomentSuggestion, price.id).status is SuggestionStatus.DISMISSED
    page = client.get(f"/recordings/{recording.id}").get_data(as_text=True)
    assert f'id="suggestion-{price.id}"' not in page
    # a teammate may not decide
    client.post_form("/logout")
    login(people["peer"])
    assert client.post_form(
        f"/recordings/{recording.id}/suggestions/{price.id}/accept").status_code == 404


def test_an_extra_rules_file_extends_the_bundled_rules(app, recording, tmp_path):
    extra = tmp_path / "rules.json"
    extra.write_text(json.dumps({"phrase_rules": [{
        "kind": "agent.plan_offer", "speaker": "agent", "score": 0.9,
        "reason": "Agent offered a plan: \"{quote}\"", "phrases": ["cheaper plan"]}]}))
    app.config["CLIPS_RULES_FILE"] = str(extra)
    kinds = {s.kind for s in refresh_suggestions(recording)}
    assert "agent.plan_offer" in kinds and "objection.price" in kinds  # bundled still apply


def test_mapping_of_kinds_and_titles():
    assert clip_kind_for("objection.refund") is ClipKind.OBJECTION_HANDLED
    assert clip_kind_for("dead_air") is ClipKind.MISSED_OPPORTUNITY
    assert clip_kind_for("customer.escalation") is ClipKind.OTHER
    assert title_for('Customer wants to cancel: "I want to cancel"') == "Customer wants to cancel"
    assert title_for("Dead air for 9.0 s") == "Dead air for 9.0 s"


def test_a_malformed_rules_file_is_reported_not_crashed_on(app, client, login, recording,
                                                           people, tmp_path):
    bad = tmp_path / "rules.json"
    bad.write_text('{"phrase_rules": [{"kind": "Not A Kind"}]}')
    app.config["CLIPS_RULES_FILE"] = str(bad)
    login(people["coach"])
    page = client.post_form(f"/recordings/{recording.id}/suggestions/refresh",
                            follow_redirects=True).get_data(as_text=True)
    assert "The suggestion rules cannot be used" in page and "rules.json" in page


def test_suggested_signal_moments_are_the_tagger_signal_tags(recording):
    """One detector: the call's objection and frustration moments are its signal tags."""
    from coachlab.media.transcript import Transcript
    from coachlab.transcripts.service import store_transcript
    from microskills.models import TagKind, UtteranceTag
    from microskills.service import tag_recording
    from tests.clips.conftest import segment

    turns = [("agent", 0.5, 3.0, "Hello, thank you for calling Acme, my name is Sam."),
             ("customer", 3.5, 8.0, "This is the third time I've called, it's ridiculous."),
             ("agent", 8.5, 11.0, "I'm sorry, that sounds really frustrating."),
             ("customer", 11.5, 15.0, "I want to cancel my contract, it's too expensive."),
             ("agent", 15.5, 19.0, "I understand, what I can do is give you a cheaper plan."),
             ("customer", 19.5, 22.0, "Okay, I'll think about it."),
             ("agent", 22.5, 25.0, "Is there anything else I can help with? Thanks for calling.")]
    store_transcript(recording, Transcript(26.0, "en", [segment(*t) for t in turns]),
                     model="test")
    db.session.commit()
    tag_recording(recording)
    found = refresh_suggestions(recording)
    db.session.commit()
    names = {"frustration": "customer.frustration"}
    tags = {names.get(t.code, t.code) for t in db.session.scalars(sa.select(UtteranceTag).where(
        UtteranceTag.recording_id == recording.id, UtteranceTag.kind == TagKind.SIGNAL))
        if t.code.startswith("objection.") or t.code == "frustration"}
    moments = {s.kind for s in found
               if s.kind.startswith("objection.") or s.kind == "customer.frustration"}
    assert moments == tags
    assert {"customer.frustration", "objection.cancel", "objection.price"} <= moments
