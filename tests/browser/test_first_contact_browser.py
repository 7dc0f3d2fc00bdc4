"""First contact, in Chromium at 1366x800 and on a 390 px phone: each role's start page, the
folded menu, list rows as cards, the recording page in the order a coach works with the
player in view, and a visible keyboard focus. Screenshots land in the test's tmp folder."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from coachlab.auth.models import Role
from coachlab.db import db
from coachlab.recordings.models import Status
from coachlab.recordings.service import CallDetails, store_upload
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

ROOT = Path(__file__).parents[2]
OBJECTION_CALL = ROOT / "coachlab" / "demo" / "media" / "cancellation-price-objection.ogg"
WIDTHS = {"laptop": (1366, 800), "phone": (390, 844)}


@pytest.fixture
def cast(make_team, make_user):
    blue = make_team("Blue")
    coach = make_user(Role.COACH, led_teams=[blue], name="Cora Coach")
    advisor = make_user(Role.ADVISOR, team=blue, name="Ada Advisor")
    admin = make_user(Role.ADMIN, name="Adi Admin")
    auditor = make_user(Role.AUDITOR, name="Quinn Auditor")
    with OBJECTION_CALL.open("rb") as stream:
        recording = store_upload(stream, OBJECTION_CALL.name, CallDetails(
            advisor=advisor, called_at=dt.datetime(2026, 11, 20, 9, 30, tzinfo=dt.UTC),
            title="Cancellation because of a price rise", nps=4, resolved=False),
            uploaded_by=coach)
    db.session.commit()
    assert recording.status is Status.READY, recording.failure_reason
    return {"coach": coach, "advisor": advisor, "admin": admin, "auditor": auditor,
            "recording": recording}


def sign_in(page, base: str, user) -> None:
    page.goto(f"{base}/login")
    page.fill("#email", user.email)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/")


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def rect(page, selector: str) -> dict:
    return page.locator(selector).first.evaluate(
        "e => { const r = e.getBoundingClientRect(); return {top: r.top, bottom: r.bottom, "
        "height: r.height}; }")


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize(("role", "cards"), [
    ("coach", ["New calls", "Who needs a session", "Coaching sessions", "Since yesterday",
               "Suggested moments waiting", "New comments on your teams' clips",
               "Advisors with no review lately", "Buddies"]),
    ("advisor", ["Your day", "Your latest calls", "Your coaching", "Since yesterday",
                 "Your microskills", "Your buddy", "New comments on your clips"]),
    ("admin", ["Set-up", "Failed jobs"]),
    ("auditor", ["Calls to audit", "Since yesterday"]),
])
def test_each_role_starts_on_a_page_that_says_what_needs_them(
        browser, live_server, cast, tmp_path, role, cards, width):
    context = browser.new_context(viewport=dict(zip(("width", "height"), WIDTHS[width],
                                                    strict=True)))
    page = context.new_page()
    try:
        sign_in(page, live_server, cast[role])
        headings = page.locator(".home-card h2").all_inner_texts()
        assert headings == cards
        if role == "coach":
            assert "Cancellation because of a price rise" in page.inner_text("#card-new-calls")
            assert "Ada Advisor" in page.inner_text("#card-suggestions")
        if role == "advisor":
            assert "NPS 4" in page.inner_text("#card-latest-calls")
        if role == "admin":
            assert "Every team has a coach" in page.inner_text("#card-setup")
        if role == "auditor":
            assert "Cancellation because of a price rise" in page.inner_text("#card-to-audit")
        assert no_sideways_scroll(page)
        page.screenshot(path=str(tmp_path / f"home-{role}-{width}.png"), full_page=True)
    finally:
        context.close()


def test_on_a_phone_the_menu_folds_and_opens_from_the_keyboard(browser, live_server, cast):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        sign_in(page, live_server, cast["coach"])
        assert rect(page, ".site-header")["height"] < 100  # was 230 px of links
        assert not page.get_by_role("link", name="Clips", exact=True).is_visible()
        page.locator(".menu-toggle").focus()
        page.keyboard.press("Enter")
        assert page.locator(".menu-toggle").get_attribute("aria-expanded") == "true"
        assert page.evaluate("document.activeElement.textContent") == "Home"
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent") == "Recordings"
        page.keyboard.press("Escape")
        assert not page.get_by_role("link", name="Clips", exact=True).is_visible()
    finally:
        context.close()


def test_list_rows_become_cards_on_a_phone_and_stay_a_table_on_a_laptop(
        browser, live_server, cast):
    for width, height in WIDTHS.values():
        context = browser.new_context(viewport={"width": width, "height": height})
        page = context.new_page()
        try:
            sign_in(page, live_server, cast["coach"])
            page.goto(f"{live_server}/recordings/")
            row = page.locator("table.stack tbody tr").first
            display = row.evaluate("e => getComputedStyle(e).display")
            assert display == ("block" if width < 640 else "table-row")
            assert "Cancellation because of a price rise" in row.inner_text()
            if width < 640:
                assert not page.locator("table.stack thead").first.is_visible() or \
                    rect(page, "table.stack thead")["height"] <= 1
                label = row.locator("td[data-label=NPS]").evaluate(
                    "e => getComputedStyle(e, '::before').content")
                assert label == '"NPS"'  # each value says what it is
            assert no_sideways_scroll(page)
        finally:
            context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_the_recording_page_puts_suggestions_and_transcript_first_and_keeps_the_player(
        browser, live_server, cast, tmp_path, width):
    w, h = WIDTHS[width]
    context = browser.new_context(viewport={"width": w, "height": h})
    page = context.new_page()
    try:
        sign_in(page, live_server, cast["coach"])
        page.goto(f"{live_server}/recordings/{cast['recording'].id}")
        page.wait_for_selector("#clips[data-ready]", state="attached")
        suggestions = rect(page, "#suggestions-heading")["top"]
        form = rect(page, "#clip-new")["top"]
        facts = rect(page, ".details")["top"]
        transcript = rect(page, "#segments")["top"]
        assert suggestions < form < facts
        assert transcript < facts  # the call's facts come after what a coach works with
        assert suggestions < 900 if width == "laptop" else suggestions < 1400
        # the new-clip form stays closed until a region is chosen
        assert page.locator("#clip-new").get_attribute("open") is None
        assert not page.locator("#clip-title").is_visible()

        # tapping words far down the transcript keeps the player in view
        word = page.locator("#segments .w").nth(-3)
        word.scroll_into_view_if_needed()
        word.click()
        player = rect(page, "#player")
        assert player["top"] >= -1 and player["bottom"] <= h
        assert page.locator("#media").is_visible()
        page.screenshot(path=str(tmp_path / f"recording-{width}.png"))

        # selecting words chooses a region: the form opens with it (the call paused first:
        # playing, the transcript follows the words and could move them before the drag)
        page.evaluate("document.getElementById('media').pause()")
        words = page.locator("#segments .w")
        words.nth(2).scroll_into_view_if_needed()
        box_a, box_b = words.nth(2).bounding_box(), words.nth(4).bounding_box()
        page.mouse.move(box_a["x"] + 1, box_a["y"] + box_a["height"] / 2)
        page.mouse.down()
        page.mouse.move(box_b["x"] + box_b["width"] - 1, box_b["y"] + box_b["height"] / 2)
        page.mouse.up()
        page.wait_for_function("() => document.getElementById('clip-new').open")
        assert page.input_value("#clip-start") != ""
        assert "–" in page.inner_text("#clip-new-range")
        assert no_sideways_scroll(page)
    finally:
        context.close()


def test_opening_a_moment_from_search_shows_it_under_the_player(browser, live_server, cast):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        sign_in(page, live_server, cast["coach"])
        recording = cast["recording"]
        late = recording.duration_s - 8
        page.goto(f"{live_server}/recordings/{recording.id}?t={late:.1f}")
        page.wait_for_function("() => document.querySelector('#segments .w.current') !== null")
        page.wait_for_timeout(300)
        player = rect(page, "#player")
        current = rect(page, "#segments .w.current")
        assert player["top"] >= -1 and player["bottom"] <= 844
        assert player["bottom"] <= current["top"] and current["bottom"] <= 844
    finally:
        context.close()


def test_keyboard_focus_is_visible(page, live_server, cast):
    sign_in(page, live_server, cast["advisor"])
    page.keyboard.press("Tab")  # the skip link
    page.keyboard.press("Tab")
    style = page.evaluate("() => { const s = getComputedStyle(document.activeElement); "
                          "return [s.outlineStyle, s.outlineWidth]; }")
    assert style[0] != "none" and style[1] != "0px"
