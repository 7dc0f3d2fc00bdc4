"""In Chromium: the transcript beside the player, click-to-seek, and search jumping to a second."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from coachlab.auth.models import Role
from coachlab.db import db
from coachlab.recordings.models import AgentChannel, Status
from coachlab.recordings.service import CallDetails, store_upload
from tests.factories import PASSWORD

FIXTURE = Path(__file__).parents[1] / "fixtures" / "stereo_diarization.wav"

pytestmark = pytest.mark.browser


@pytest.fixture
def transcribed(make_team, make_user):
    team = make_team("Blue")
    advisor = make_user(Role.ADVISOR, team=team)
    with FIXTURE.open("rb") as stream:
        recording = store_upload(stream, FIXTURE.name, CallDetails(
            advisor=advisor, called_at=dt.datetime(2026, 11, 20, 9, 30, tzinfo=dt.UTC),
            agent_channel=AgentChannel.LEFT), uploaded_by=advisor)
    db.session.commit()
    assert recording.status is Status.READY, recording.failure_reason
    return advisor, recording


def sign_in(page, base: str, user) -> None:
    page.goto(f"{base}/login")
    page.fill("#email", user.email)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


def test_click_a_word_to_seek_and_see_it_highlighted(page, live_server, transcribed):
    advisor, recording = transcribed
    sign_in(page, live_server, advisor)
    page.goto(f"{live_server}/recordings/{recording.id}")
    page.wait_for_function("document.getElementById('media').readyState >= 1")
    word = page.locator(".segment.speaker-customer .w", has_text="horizon").first
    start = float(word.get_attribute("data-start"))
    word.click()
    page.wait_for_function(
        f"Math.abs(document.getElementById('media').currentTime - {start}) < 0.6")
    page.evaluate("document.getElementById('media').pause()")
    page.evaluate(f"document.getElementById('media').currentTime = {start + 0.05}")
    page.wait_for_function("document.querySelector('.w.current') !== null")
    assert "horizon" in page.locator(".w.current").inner_text().lower()
    # speakers are coloured differently
    agent = page.locator(".segment.speaker-agent").first.evaluate(
        "e => getComputedStyle(e).borderLeftColor")
    customer = page.locator(".segment.speaker-customer").first.evaluate(
        "e => getComputedStyle(e).borderLeftColor")
    assert agent != customer


def test_search_finds_a_phrase_and_jumps_to_it(page, live_server, transcribed):
    advisor, recording = transcribed
    sign_in(page, live_server, advisor)
    page.click("text=Search")
    page.fill("input[name=q]", "confused complaint")
    page.keyboard.press("Enter")
    hit = page.locator(".search-hits a").first
    hit.click()
    page.wait_for_url(f"**/recordings/{recording.id}?t=*")
    t = float(page.url.split("t=")[1].split("#")[0])
    page.wait_for_function(
        f"Math.abs(document.getElementById('media').currentTime - {t}) < 0.3")
