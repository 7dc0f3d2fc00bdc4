"""End to end in Chromium: a coach cuts a clip on the waveform, plays it with its transcript,
comments at a second, accepts a suggested objection, collects both in a playlist; an advisor
of another team finds none of it."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from clips.models import Clip, ClipComment, ClipKind, ClipStatus, Playlist
from coachlab.auth.models import Role
from coachlab.db import db
from coachlab.recordings.models import Status
from coachlab.recordings.service import CallDetails, store_upload
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

ROOT = Path(__file__).parents[2]
DIALOGUE = ROOT / "tests" / "fixtures" / "stereo_diarization.wav"
OBJECTION_CALL = ROOT / "coachlab" / "demo" / "media" / "cancellation-price-objection.ogg"


@pytest.fixture
def cast(make_team, make_user):
    blue, red = make_team("Blue"), make_team("Red")
    return {"coach": make_user(Role.COACH, led_teams=[blue], name="Cora Coach"),
            "advisor": make_user(Role.ADVISOR, team=blue, name="Ada Advisor"),
            "outsider": make_user(Role.ADVISOR, team=red, name="Otto Outsider")}


def upload(path: Path, advisor, coach):
    """Through the upload service: the real pipeline (waveform, Whisper, suggestions) runs."""
    with path.open("rb") as stream:
        recording = store_upload(stream, path.name, CallDetails(
            advisor=advisor, called_at=dt.datetime(2026, 11, 20, 9, 30, tzinfo=dt.UTC)),
            uploaded_by=coach)
    db.session.commit()
    assert recording.status is Status.READY, recording.failure_reason
    return recording


def sign_in(page, base: str, user) -> None:
    page.goto(f"{base}/login")
    page.fill("#email", user.email)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/")


def media_time(page) -> float:
    return page.evaluate("() => document.getElementById('media').currentTime")


def seek(page, seconds: float) -> None:
    page.wait_for_function("() => document.getElementById('media').readyState >= 1")
    page.evaluate("""(t) => new Promise((resolve) => { const m = document.getElementById('media');
        m.pause(); m.addEventListener('seeked', resolve, {once: true}); m.currentTime = t; })""",
                  seconds)


def field_value(page, selector: str) -> float:
    return float(page.input_value(selector))


def test_cut_play_comment_accept_collect_and_hide(page, browser, live_server, cast):
    base = live_server
    coach, advisor, outsider = cast["coach"], cast["advisor"], cast["outsider"]
    dialogue = upload(DIALOGUE, advisor, coach)
    objection_call = upload(OBJECTION_CALL, advisor, coach)
    problems: list[str] = []
    page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    # (the app has no favicon; Chromium's request for it is not this test's business)
    page.on("console", lambda msg: problems.append(f"console: {msg.text} {msg.location}")
            if msg.type == "error" and not msg.location.get("url", "").endswith("/favicon.ico")
            else None)
    page.on("response", lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400
            else None)

    sign_in(page, base, coach)
    page.goto(f"{base}/recordings/{dialogue.id}")
    page.locator("#waveform canvas").first.wait_for(state="attached")
    page.wait_for_selector("#clips[data-ready='true']")

    # selecting words in the transcript selects their span
    words = page.locator("#segments .w")
    first, third = words.nth(0), words.nth(2)
    box1, box3 = first.bounding_box(), third.bounding_box()
    page.mouse.move(box1["x"] + 2, box1["y"] + box1["height"] / 2)
    page.mouse.down()
    page.mouse.move(box3["x"] + box3["width"] - 2, box3["y"] + box3["height"] / 2, steps=8)
    page.mouse.up()
    page.wait_for_function("() => document.getElementById('clip-start').value !== ''")
    assert field_value(page, "#clip-start") == pytest.approx(
        float(first.get_attribute("data-start")), abs=0.011)
    assert field_value(page, "#clip-end") == pytest.approx(
        float(third.get_attribute("data-end")), abs=0.011)
    page.evaluate("() => window.getSelection().removeAllRanges()")

    # drag a region on empty waveform (past the words' region, which a drag would move):
    # it replaces the selection and fills the fields
    page.locator("#waveform").scroll_into_view_if_needed()
    wave = page.locator("#waveform").bounding_box()
    y = wave["y"] + wave["height"] / 2
    page.mouse.move(wave["x"] + wave["width"] * 0.4, y)
    page.mouse.down()
    page.mouse.move(wave["x"] + wave["width"] * 0.9, y, steps=12)
    page.mouse.up()
    duration = dialogue.duration_s
    page.wait_for_function("""(d) => Math.abs(parseFloat(document.getElementById('clip-end').value)
                               - 0.9 * d) < 0.3""", arg=duration)
    start, end = field_value(page, "#clip-start"), field_value(page, "#clip-end")
    assert start == pytest.approx(0.4 * duration, abs=0.3)
    assert page.evaluate("() => window.coachlabClipRegions.getRegions().length") == 1
    # the nudge buttons move the region's handles
    page.get_by_role("button", name="Move the end 0.1 s later").click()
    assert field_value(page, "#clip-end") == pytest.approx(end + 0.1, abs=0.001)
    region_end = page.evaluate("() => window.coachlabClipRegions.getRegions()[0].end")
    assert region_end == pytest.approx(end + 0.1, abs=0.001)
    page.get_by_role("button", name="Move the start 0.1 s earlier").click()
    assert page.evaluate("() => window.coachlabClipRegions.getRegions()[0].start") == \
        pytest.approx(start - 0.1, abs=0.001)

    page.fill("#clip-title", "Calm explanation")
    page.select_option("#clip-kind", "good_moment")
    page.fill("#clip-reason", "Keeps a steady pace")
    page.select_option("#clip-microskills", ["M.answer", "S.check"])
    page.select_option("#clip-visibility", "team")
    page.get_by_role("button", name="Save clip").click()
    page.wait_for_url(re.compile(rf"^{re.escape(base)}/clips/\d+$"))
    first_clip_id = int(page.url.rsplit("/", 1)[1])
    db.session.rollback()
    clip = db.session.get(Clip, first_clip_id)
    assert clip.status is ClipStatus.READY, clip.failure_reason
    assert clip.kind is ClipKind.GOOD_MOMENT and clip.microskills == ["M.answer", "S.check"]
    assert clip.start <= start - 0.1 and clip.end >= end + 0.1 - 0.001

    # it plays, with its transcript slice; a click on a word seeks there
    page.wait_for_function("() => document.getElementById('media').readyState >= 1")
    assert page.evaluate("() => document.getElementById('media').duration") == pytest.approx(
        clip.end - clip.start, abs=0.1)
    assert page.locator("#segments .segment").count() >= 1
    page.evaluate("() => document.getElementById('media').play()")
    page.wait_for_function("() => document.getElementById('media').currentTime > 0.3")
    page.evaluate("() => document.getElementById('media').pause()")
    word = page.locator("#segments .w").nth(1)
    word.click()
    page.wait_for_function("""(t) => Math.abs(document.getElementById('media').currentTime - t)
                              < 0.35""", arg=float(word.get_attribute("data-start")))
    page.evaluate("() => document.getElementById('media').pause()")

    # a comment at the player's second; clicking its time plays from there
    seek(page, 1.0)
    page.wait_for_function("() => document.getElementById('at_second').value === '1.0'")
    page.fill("#body", "Listen to how the question is framed")
    page.get_by_role("button", name="Add comment").click()
    page.wait_for_url(re.compile(r"/clips/\d+#comment-\d+$"))
    comment = page.locator(".comment", has_text="how the question is framed")
    assert comment.locator(".comment-time").inner_text() == "0:01.0"
    seek(page, 0.0)
    comment.locator(".comment-time").click()
    page.wait_for_function("() => document.getElementById('media').currentTime >= 0.95")
    page.evaluate("() => document.getElementById('media').pause()")
    db.session.rollback()
    assert db.session.scalars(sa.select(ClipComment)).one().at_second == pytest.approx(1.0)

    # a suggested price objection: preview it in the player, then accept it
    page.goto(f"{base}/recordings/{objection_call.id}")
    page.wait_for_selector("#clips[data-ready='true']")
    # the customer pushes back on price twice ("too expensive", then "still more than thirty")
    price_suggestions = page.locator(".suggestion[data-kind='objection.price']")
    assert price_suggestions.count() >= 1
    suggestion = price_suggestions.first
    preview = suggestion.locator(".suggestion-preview")
    preview_start = float(preview.get_attribute("data-start"))
    preview.click()
    page.wait_for_function("""(t) => document.getElementById('media').currentTime >= t
                              && !document.getElementById('media').paused""", arg=preview_start)
    assert field_value(page, "#clip-start") == pytest.approx(preview_start, abs=0.011)
    page.evaluate("() => document.getElementById('media').pause()")
    suggestion.get_by_role("button", name="Accept as clip").click()
    page.wait_for_url(re.compile(rf"^{re.escape(base)}/clips/\d+$"))
    second_clip_id = int(page.url.rsplit("/", 1)[1])
    assert page.locator("h1").inner_text() == "Customer raised a price objection"
    assert "Objection handled" in page.locator(".facts").inner_text()
    assert page.locator("#segments .speaker-customer").count() >= 1

    # both in a playlist, in order
    page.goto(f"{base}/playlists/")
    page.fill("#name", "Objections and answers")
    page.select_option("#visibility", "team")
    page.get_by_role("button", name="Make playlist").click()
    page.wait_for_url(re.compile(rf"^{re.escape(base)}/playlists/\d+$"))
    playlist_url = page.url
    for clip_id in (first_clip_id, second_clip_id):
        page.goto(f"{base}/clips/{clip_id}")
        page.get_by_role("button", name="Add", exact=True).click()
        page.wait_for_selector(".flash-success")
    page.goto(playlist_url)
    titles = page.locator(".playlist-item-head a").all_inner_texts()
    assert titles == ["Calm explanation", "Customer raised a price objection"]
    page.get_by_role("button", name="Move Customer raised a price objection up").click()
    page.wait_for_load_state()
    assert page.locator(".playlist-item-head a").all_inner_texts() == [
        "Customer raised a price objection", "Calm explanation"]
    db.session.rollback()
    playlist = db.session.scalars(sa.select(Playlist)).one()
    assert [i.clip_id for i in playlist.items] == [second_clip_id, first_clip_id]
    assert problems == [], "\n".join(problems)

    # an advisor of another team: nothing of it exists
    context = browser.new_context()
    try:
        other = context.new_page()
        sign_in(other, base, outsider)
        for url in (f"/clips/{first_clip_id}", f"/clips/{first_clip_id}/media",
                    f"/clips/{second_clip_id}", f"/clips/{second_clip_id}/media",
                    f"/playlists/{playlist.id}", f"/recordings/{dialogue.id}"):
            assert other.goto(f"{base}{url}").status == 404, url
        assert other.request.get(f"{base}/clips/{first_clip_id}/media",
                                 headers={"Range": "bytes=0-99"}).status == 404
        other.goto(f"{base}/clips/")
        assert "Calm explanation" not in other.content()
        other.goto(f"{base}/playlists/")
        assert "Objections and answers" not in other.content()
    finally:
        context.close()
