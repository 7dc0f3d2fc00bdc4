"""In Chromium: the advisor's microskill profile on a laptop and on a phone, its trend chart
(distinct colours, dates as labels, lines ticked on and off) and no sideways scrolling."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from coachlab.auth.models import Role
from coachlab.db import db
from coachlab.transcripts.service import store_transcript
from microskills import service
from tests.factories import PASSWORD
from tests.microskills.test_review_and_profile import scripted_transcript

pytestmark = pytest.mark.browser

CALLS = [
    [("agent", "Good morning, thank you for calling Northwind, my name is Sam, how can I help?"),
     ("customer", "I was charged twice this month and I am really fed up."),
     ("agent", "I'm so sorry, that sounds really frustrating. Let me fix that for you."),
     ("agent", "The refund will reach your card within five business days."),
     ("agent", "Is there anything else I can help you with today?")],
    [("agent", "Can I have your account number please?"),
     ("customer", "Honestly it's too expensive anyway, I want to cancel."),
     ("agent", "What I can do is move you to the basic plan, which costs half as much."),
     ("agent", "So, just to sum up, you're on the basic plan from Monday.")],
    [("agent", "Hello, you are through to Northwind, my name is Sam."),
     ("customer", "What does that mean? I don't understand."),
     ("agent", "I can see that the payment failed. What happened when you tried to pay?"),
     ("agent", "Does that make sense?")],
]


@pytest.fixture
def advisor(make_user, make_recording):
    advisor = make_user(Role.ADVISOR)
    now = dt.datetime.now(dt.UTC).replace(hour=10, minute=0, second=0, microsecond=0)
    for weeks_ago, lines in zip((5, 3, 1), CALLS, strict=True):
        recording = make_recording(advisor, seconds=1.0,
                                   called_at=now - dt.timedelta(weeks=weeks_ago))
        store_transcript(recording, scripted_transcript(lines), model="test")
        service.tag_recording(recording)
    db.session.commit()
    return advisor


def open_profile(browser, base: str, user, viewport: dict):
    context = browser.new_context(viewport=viewport)
    context.set_default_timeout(30_000)
    page = context.new_page()
    page.goto(f"{base}/login")
    page.fill("#email", user.email)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"^(?!.*/login)"))
    page.goto(f"{base}/microskills/advisors/{user.id}")
    page.wait_for_function("window.Chart && Chart.getChart(document.getElementById('trend-chart'))")
    return context, page


CHART = "Chart.getChart(document.getElementById('trend-chart'))"


LAPTOP, PHONE = {"width": 1366, "height": 800}, {"width": 390, "height": 844}


@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["laptop", "phone"])
def test_trend_chart_reads_and_lines_can_be_ticked_off(browser, live_server, advisor, viewport):
    context, page = open_profile(browser, live_server, advisor, viewport)
    try:
        labels = page.evaluate(f"{CHART}.data.labels")
        assert len(labels) >= 5 and all(re.fullmatch(r"\d{1,2} [A-Z][a-z]{2,3}", x)
                                        for x in labels), labels
        datasets = page.evaluate(
            f"{CHART}.data.datasets.map((d, i) => ({{label: d.label, colour: d.borderColor, "
            f"visible: {CHART}.isDatasetVisible(i)}}))")
        shown = [d for d in datasets if d["visible"]]
        assert 1 < len(shown) < len(datasets)  # a few lines by default
        colours = [d["colour"].lower() for d in datasets[:7]]
        assert len(set(colours)) == len(colours)  # distinct
        # the canvas draws something; Chart.js paints on a later animation frame,
        # so wait for it (a TimeoutError if it never does)
        page.wait_for_function("""() => {
            const c = document.getElementById('trend-chart');
            const px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
            for (let i = 3; i < px.length; i += 4) if (px[i]) return true;
            return false; }""")

        picker = page.locator("#trend-picker")
        assert picker.is_visible()
        index = int(picker.locator("input[type=checkbox]:checked").first
                    .get_attribute("data-dataset"))
        first = picker.locator(f"input[data-dataset='{index}']")
        first.focus()
        page.keyboard.press("Space")  # by keyboard
        assert not first.is_checked()
        assert page.evaluate(f"{CHART}.isDatasetVisible({index})") is False
        other = int(picker.locator("input[type=checkbox]:not(:checked)").nth(1)
                    .get_attribute("data-dataset"))
        hidden = picker.locator(f"input[data-dataset='{other}']")
        hidden.check()
        assert page.evaluate(f"{CHART}.isDatasetVisible({other})") is True
        swatch = hidden.locator("xpath=following-sibling::span[1]").evaluate(
            "e => getComputedStyle(e).borderTopColor")
        assert swatch != "rgba(0, 0, 0, 0)"

        if viewport["width"] < 500:
            assert page.evaluate(
                "document.documentElement.scrollWidth <= window.innerWidth"), page.evaluate(
                "[document.documentElement.scrollWidth, window.innerWidth]")
    finally:
        context.close()
