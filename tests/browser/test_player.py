"""End to end in Chromium: sign in, upload, find, play, seek and draw; others' calls stay hidden."""

from __future__ import annotations

import re

import pytest

from coachlab.auth.models import Role
from coachlab.db import db
from coachlab.recordings.models import Recording, Status
from tests.factories import PASSWORD, generate_media

pytestmark = pytest.mark.browser


@pytest.fixture
def advisors(make_team, make_user):
    team = make_team("Browser team")
    return (make_user(Role.ADVISOR, team=team, name="Ada Advisor"),
            make_user(Role.ADVISOR, team=team, name="Bea Advisor"))


def sign_in(page, base: str, user) -> None:
    page.goto(f"{base}/login")
    page.fill("#email", user.email)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/")


def media_state(page) -> dict:
    return page.evaluate("""() => {
        const m = document.getElementById('media');
        return {time: m.currentTime, paused: m.paused, duration: m.duration,
                seekable: m.seekable.length ? m.seekable.end(0) : 0,
                error: m.error && m.error.code};
    }""")


def test_upload_play_seek_waveform_and_privacy(page, live_server, advisors, make_recording,
                                               tmp_path):
    base = live_server
    ada, bea = advisors
    hidden = make_recording(bea, name="browser-hidden.wav")  # same team, someone else's call
    source = generate_media(tmp_path / "browser-call.wav", seconds=8.0, channels=2)
    problems: list[str] = []
    page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    page.on("console", lambda msg: problems.append(f"console: {msg.text} {msg.location}")
            if msg.type == "error" and not msg.location.get("url", "").endswith("/favicon.ico")
            else None)
    media_statuses: list[int] = []
    page.on("response", lambda r: media_statuses.append(r.status)
            if re.search(r"/recordings/\d+/media$", r.url) else None)

    sign_in(page, base, ada)

    # upload through the form (upload.js posts it with a progress bar, then follows)
    page.goto(f"{base}/recordings/upload")
    page.set_input_files("#files", str(source))
    page.fill("#customer_ref", "BROWSER-42")
    page.click("#upload-submit")
    page.wait_for_url(re.compile(rf"^{re.escape(base)}/recordings/\d+$"))
    recording_id = int(page.url.rsplit("/", 1)[1])
    db.session.rollback()
    recording = db.session.get(Recording, recording_id)
    assert recording.advisor_id == ada.id and recording.status is Status.READY
    assert page.locator(".badge").first.inner_text() == "Ready"

    # it is in the list, linked to its page
    page.goto(f"{base}/recordings/")
    row = page.locator("tr", has_text="BROWSER-42")
    assert row.count() == 1
    assert row.locator("a").first.get_attribute("href") == f"/recordings/{recording_id}"
    row.locator("a").first.click()
    page.wait_for_url(f"{base}/recordings/{recording_id}")

    # the waveform is drawn by wavesurfer (in its open shadow DOM) from the server's peaks
    page.locator("#waveform canvas").first.wait_for(state="attached")
    assert page.evaluate("() => window.coachlabWaveform !== null "
                         "&& window.coachlabWaveform.getDuration() > 7.5")

    # play: the audio runs through the access-checked media view
    page.wait_for_function("() => document.getElementById('media').readyState >= 1")
    page.evaluate("() => document.getElementById('media').play()")
    page.wait_for_function("() => document.getElementById('media').currentTime > 0.5")
    state = media_state(page)
    assert not state["paused"] and state["error"] is None
    assert state["duration"] == pytest.approx(8.0, abs=0.1)

    # seek: needs HTTP Range support (a server without it is not seekable in Chromium)
    page.evaluate("() => document.getElementById('media').pause()")
    assert state["seekable"] == pytest.approx(8.0, abs=0.1)
    page.evaluate("""() => new Promise((resolve) => { const m = document.getElementById('media');
        m.addEventListener('seeked', resolve, {once: true}); m.currentTime = 6.0; })""")
    assert media_state(page)["time"] == pytest.approx(6.0, abs=0.05)
    assert 206 in media_statuses, media_statuses
    ranged = page.request.get(f"{base}/recordings/{recording_id}/media",
                              headers={"Range": "bytes=100-199"})
    assert ranged.status == 206
    assert ranged.headers["content-range"] == f"bytes 100-199/{source.stat().st_size}"
    assert ranged.body() == source.read_bytes()[100:200]
    assert problems == []

    # someone else's recording: its page and its media do not exist for Ada
    assert page.goto(f"{base}/recordings/{hidden.id}").status == 404
    assert page.goto(f"{base}/recordings/{hidden.id}/media").status == 404
    assert page.request.get(f"{base}/recordings/{hidden.id}/media",
                            headers={"Range": "bytes=0-99"}).status == 404
    assert page.goto(f"{base}/recordings/{recording_id}").status == 200


def test_sign_in_with_the_keyboard_only(page, live_server, advisors):
    base = live_server
    ada, _ = advisors
    page.goto(f"{base}/login")

    def focused() -> str:
        return page.evaluate("() => { const e = document.activeElement; "
                             "return e.id || e.tagName.toLowerCase() + ':' + (e.type || ''); }")

    # autofocus: the browser applies it once the page has loaded
    page.wait_for_function("document.activeElement && document.activeElement.id === 'email'")
    assert focused() == "email"
    page.keyboard.type(ada.email)
    page.keyboard.press("Tab")
    assert focused() == "password"
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Tab")
    assert focused() == "remember"
    page.keyboard.press("Tab")
    assert focused() == "button:submit"
    page.keyboard.press("Enter")

    page.wait_for_url(f"{base}/")  # the start page
    page.goto(f"{base}/recordings/")
    assert page.get_by_text(ada.name).first.is_visible()

    # on a page without autofocus, the first Tab stop is the (then visible) skip link
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    assert skip.evaluate("e => e === document.activeElement") and skip.is_visible()
    page.keyboard.press("Enter")
    assert page.url == f"{base}/recordings/#main"
