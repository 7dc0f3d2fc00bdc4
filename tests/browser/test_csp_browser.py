"""Under the Content-Security-Policy the pages still work in Chromium, and nothing is refused:
the recording page (player, waveform, transcript, talk time), a clip page, a profile chart."""

from __future__ import annotations

import datetime as dt

import pytest

from clips.service import ClipDetails, create_clip
from coachlab.auth.models import Role
from coachlab.db import db
from coachlab.transcripts.service import store_transcript
from microskills import service as microskills
from tests.factories import PASSWORD
from tests.microskills.test_review_and_profile import scripted_transcript

pytestmark = pytest.mark.browser

# Chromium fires this on the document for every CSP refusal, before anything logs it
LISTEN = """() => { window.cspViolations = [];
  document.addEventListener('securitypolicyviolation', (e) => window.cspViolations.push(
    `${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`)); }"""


@pytest.fixture
def cast(make_team, make_user, make_recording):
    team = make_team("Blue")
    coach = make_user(Role.COACH, led_teams=[team], name="Cora Coach")
    advisor = make_user(Role.ADVISOR, team=team, name="Ada Advisor")
    first = make_recording(advisor, seconds=8.0, uploaded_by=coach)
    later = make_recording(advisor, seconds=2.0, uploaded_by=coach,
                           called_at=first.called_at + dt.timedelta(days=8))
    for recording in (first, later):
        store_transcript(recording, scripted_transcript(), model="test")
        microskills.tag_recording(recording)
    db.session.commit()
    clip = create_clip(first, 0.0, 4.0, ClipDetails(title="Opening"), acting=coach)
    db.session.commit()
    return coach, advisor, first, clip


def test_pages_work_under_the_policy(page, live_server, cast):
    coach, advisor, recording, clip = cast
    problems: list[str] = []
    page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    page.on("console", lambda msg: problems.append(f"console {msg.type}: {msg.text}")
            if msg.type == "error" or "Content Security Policy" in msg.text else None)
    page.add_init_script(f"({LISTEN})()")

    page.goto(f"{live_server}/login")
    page.fill("#email", coach.email)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server}/")

    response = page.goto(f"{live_server}/recordings/{recording.id}")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.locator("#waveform canvas").first.wait_for(state="attached")
    page.wait_for_function("() => window.coachlabWaveform "
                           "&& window.coachlabWaveform.getDuration() > 7.5")
    page.wait_for_function("() => document.getElementById('media').readyState >= 1")
    assert page.locator(".segment .w").count() > 10  # the transcript, word by word
    parts = page.locator(".ratio-bar [data-share]")
    if parts.count():  # the talk-time bar is sized by script, not style attributes
        widths = parts.evaluate_all("els => els.map(e => e.style.width)")
        assert all(w.endswith("%") for w in widths)
    assert page.evaluate("window.cspViolations") == []

    page.goto(f"{live_server}/clips/{clip.id}")
    page.wait_for_function("() => document.querySelector('video, audio') !== null "
                           "&& document.querySelector('video, audio').readyState >= 1")
    assert page.evaluate("window.cspViolations") == []

    page.goto(f"{live_server}/microskills/advisors/{advisor.id}?days=365")
    page.wait_for_function("() => window.Chart && Chart.getChart('trend-chart') !== undefined")
    drawn = page.evaluate("""() => { const c = document.getElementById('trend-chart');
        return c.width > 0 && c.height > 0 && Chart.getChart(c).data.datasets.length; }""")
    assert drawn
    assert page.evaluate("window.cspViolations") == []
    assert problems == []
