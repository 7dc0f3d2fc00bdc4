"""End to end in Chromium: a coach plans a coaching session, builds a balanced agenda, runs it
from the keyboard, records sandwich feedback with evidence (one positive published) and marks
it held; the advisor is notified and acknowledges with a reflection; a teammate sees only the
published praise. The session and run pages fit a 390 px phone. Screenshots land in tmp_path."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from clips.models import ClipKind, Visibility
from clips.service import ClipDetails, create_clip
from coachlab.auth.models import Role
from coachlab.db import db, utcnow
from coachlab.transcripts.service import store_transcript
from microskills import service as microskills
from sessions.models import CoachingSession, SessionState, Slot
from tests.factories import PASSWORD
from tests.microskills.test_review_and_profile import scripted_transcript

pytestmark = pytest.mark.browser

LAPTOP = {"width": 1366, "height": 800}
PHONE = {"width": 390, "height": 844}
KINDS = ("own_good", "peer_good", "mistake")


@pytest.fixture
def cast(make_team, make_user, make_recording):
    """Team Blue: coach Cora, advisor Ali, teammate Bea; calls with a scripted transcript and
    clips of the three kinds, two of each for a balanced proposal and a third good moment of
    Ali's to swap in."""
    blue = make_team("Blue")
    coach = make_user(Role.COACH, led_teams=[blue], name="Cora Coach")
    advisor = make_user(team=blue, name="Ali Advisor")
    peer = make_user(team=blue, name="Bea Peer")
    calls = {}
    for who in (advisor, peer):
        recording = make_recording(who, seconds=12.0, called_at=utcnow() - dt.timedelta(days=2),
                                   title=f"Billing call of {who.name}")
        store_transcript(recording, scripted_transcript(), model="test")
        microskills.tag_recording(recording)
        calls[who.name] = recording
    db.session.commit()
    ali, bea = calls["Ali Advisor"], calls["Bea Peer"]
    clips = {
        "greeting": create_clip(ali, 0.2, 3.0, ClipDetails(
            title="Warm greeting", kind=ClipKind.GOOD_MOMENT, microskills=["A.greeting"]),
            acting=coach),
        "next steps": create_clip(ali, 6.0, 9.0, ClipDetails(
            title="Clear next steps", kind=ClipKind.GOOD_MOMENT,
            microskills=["M.expectation"]), acting=coach),
        "calm refund": create_clip(ali, 9.0, 11.5, ClipDetails(
            title="Calm about the refund", kind=ClipKind.GOOD_MOMENT), acting=coach),
        "peer": create_clip(bea, 0.2, 3.0, ClipDetails(
            title="Bea owns it", kind=ClipKind.GOOD_MOMENT, visibility=Visibility.TEAM),
            acting=coach),
        "peer close": create_clip(bea, 6.0, 9.0, ClipDetails(
            title="Bea closes clearly", kind=ClipKind.GOOD_MOMENT, visibility=Visibility.TEAM),
            acting=coach),
        "mistake": create_clip(ali, 3.0, 6.0, ClipDetails(
            title="Missed empathy", kind=ClipKind.MISSED_OPPORTUNITY), acting=coach),
        "talked over": create_clip(ali, 7.0, 10.0, ClipDetails(
            title="Talked over the customer", kind=ClipKind.MISSED_OPPORTUNITY), acting=coach),
    }
    db.session.commit()
    return {"coach": coach, "advisor": advisor, "peer": peer, "call": ali, "clips": clips}


def sign_in(page, base: str, user) -> None:
    page.goto(f"{base}/login")
    page.fill("#email", user.email)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/")


def no_sideways_scroll(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


def flash(page) -> str:
    return " ".join(page.locator(".flash").all_inner_texts())


def agenda_titles(page) -> list[str]:
    return page.locator("ol.agenda > li .agenda-head strong").all_inner_texts()


def submit(page, button) -> None:
    """Click a button that posts a form and wait for the page it leads to."""
    with page.expect_navigation():
        button.click()


def fits_a_phone(page, url: str, tmp_path, name: str) -> None:
    page.set_viewport_size(PHONE)
    try:
        page.goto(url)
        assert no_sideways_scroll(page), f"the {name} page scrolls sideways at 390 px"
        page.screenshot(path=str(tmp_path / f"{name}-phone.png"), full_page=True)
    finally:
        page.set_viewport_size(LAPTOP)


def evidence_value(page, wanted: str) -> str:
    """The evidence option for a clip title ("Clip: ..." or "Clip (agenda): ...") or a call
    ("Call: <title> (<day>)")."""
    options = page.locator("#point-evidence option")
    for i in range(options.count()):
        text = options.nth(i).inner_text()
        if re.fullmatch(rf"(Clip|Clip \(agenda\)): {re.escape(wanted)}", text) or \
                text.startswith(f"Call: {wanted} ("):
            return options.nth(i).get_attribute("value")
    raise AssertionError(f"no evidence {wanted!r} in {options.all_inner_texts()}")


def add_point(page, slot: str, skill: str, text: str, evidence: str | None = None,
              at_second: str = "", published: bool = False) -> None:
    details = page.locator("details.point-add")
    if details.get_attribute("open") is None:
        details.locator("summary").click()
    form = page.locator("#point-form")
    form.locator("#point-slot").select_option(slot)
    form.locator("#point-microskill").select_option(skill)
    form.locator("#point-text").fill(text)
    form.locator("#point-evidence").select_option(
        "" if evidence is None else evidence_value(page, evidence))
    form.locator("#point-at_second").fill(at_second)
    if published:
        form.locator("#point-published").check()
    submit(page, form.get_by_role("button", name="Save the point"))


def test_a_coach_runs_a_balanced_session_and_the_advisor_acknowledges_it(
        browser, page, live_server, cast, tmp_path):
    base = live_server
    page.set_viewport_size(LAPTOP)

    # --- the coach plans a session for Ali (the new-session form) -----------------------------
    sign_in(page, base, cast["coach"])
    page.goto(f"{base}/sessions/")
    page.get_by_role("button", name="Plan a session").click()
    page.wait_for_url(f"{base}/sessions/new")
    when = (dt.datetime.now() + dt.timedelta(days=2)).strftime("%Y-%m-%dT10:00")
    page.select_option("#advisor", label="Ali Advisor")
    page.fill("#scheduled_at", when)
    page.fill("#length_minutes", "30")
    page.select_option("#focus", ["A.greeting", "W.empathy"])
    submit(page, page.get_by_role("button", name="Create the session"))
    assert re.fullmatch(rf"{re.escape(base)}/sessions/\d+", page.url.split("#")[0]), page.url
    session_url = page.url.split("#")[0]
    session_id = int(session_url.rsplit("/", 1)[1])
    assert "Session created" in flash(page)
    assert page.locator("h1").inner_text() == "Coaching session with Ali Advisor"
    assert "Scheduled" in page.locator(".head-actions .badge").inner_text()

    # --- a balanced agenda: proposed, the three kinds shown, one reordered and one swapped ----
    assert "The agenda is empty" in page.inner_text("#agenda")
    submit(page, page.locator("#propose"))
    assert "Agenda proposed" in flash(page)
    for kind in KINDS:
        cell = page.locator(f".balance .balance-{kind}")
        count = int(re.search(r"\s(\d+) ·", cell.inner_text()).group(1))
        assert count >= 1, f"{kind}: {cell.inner_text()}"
        assert float(cell.get_attribute("data-share")) > 0
    assert page.locator(".balance-warning").count() == 0, flash(page)
    label = page.locator(".balance").get_attribute("aria-label")
    assert all(k in label for k in ("Own good", "Peer good", "To improve")), label
    titles = agenda_titles(page)
    assert "Bea owns it" in titles and "Missed empathy" in titles
    page.screenshot(path=str(tmp_path / "agenda-proposed.png"), full_page=True)

    # reorder: the first moment one place later
    first, second = titles[0], titles[1]
    submit(page, page.get_by_role("button", name=f"Move {first} later"))
    assert agenda_titles(page)[:2] == [second, first]
    # swap: Ali's own good moment for another one of the same kind
    own = page.locator("ol.agenda > li.agenda-own_good").first
    before = own.locator(".agenda-head strong").inner_text()
    position = agenda_titles(page).index(before)
    submit(page, own.get_by_role("button", name="Swap"))
    assert "Swapped for another moment of the same kind" in flash(page), flash(page)
    after = agenda_titles(page)
    assert after[position] != before and len(after) == len(titles)
    assert page.locator("ol.agenda > li").nth(position).get_attribute("class").split()[-1] \
        == "agenda-own_good"
    agenda = after

    fits_a_phone(page, session_url, tmp_path, "session")

    # --- running it: n / p, the timer, ticks, an interruption, notes and the two questions ----
    page.goto(session_url)
    submit(page, page.locator("#run-link"))
    assert page.url == f"{session_url}/run"
    shown = page.locator(".run-items > li:not([hidden]) .agenda-head strong")
    position_text = page.locator("#item-position")
    expect(position_text).to_have_text(f"1 of {len(agenda)}")
    expect(shown).to_have_text(agenda[0])
    page.keyboard.press("n")
    expect(position_text).to_have_text(f"2 of {len(agenda)}")
    expect(shown).to_have_text(agenda[1])
    page.keyboard.press("n")
    page.keyboard.press("p")
    expect(position_text).to_have_text(f"2 of {len(agenda)}")
    page.keyboard.press("p")
    page.keyboard.press("p")  # not before the first
    expect(position_text).to_have_text(f"1 of {len(agenda)}")
    # the timer starts from the keyboard, and n / p still work with focus on its button
    page.locator("#timer-toggle").focus()
    page.keyboard.press("Enter")
    assert page.locator("#timer-toggle").inner_text() == "Pause"
    page.wait_for_function(
        "() => document.getElementById('timer-clock').textContent !== '0:00'")
    page.keyboard.press("n")
    expect(position_text).to_have_text(f"2 of {len(agenda)}")
    page.keyboard.press("p")

    run = page.locator("#run-form")
    run.locator("input[name=discussed][value='W.empathy']").check()
    run.locator("input[name=discussed][value='A.greeting']").check()
    run.locator("input[name=practised][value='W.empathy']").check()
    run.locator("#interrupted").check()
    run.locator("#interruptions").fill("1")
    run.locator("#interruption_reason").fill("A fire drill")
    run.locator("#shared_notes").fill("Practise naming the feeling first")
    # typing an n in a note does not move the agenda
    expect(position_text).to_have_text(f"1 of {len(agenda)}")
    run.locator("#help_answer").fill("More peer examples")
    run.locator("#manage_answer").fill("Flag the hard calls")
    run.locator("#private_notes").fill("Check the workload")
    page.screenshot(path=str(tmp_path / "run.png"), full_page=True)
    submit(page, run.get_by_role("button", name="Save", exact=True))
    assert "Session notes saved" in flash(page), flash(page)
    assert run.locator("input[name=discussed][value='W.empathy']").is_checked()
    assert run.locator("input[name=practised][value='W.empathy']").is_checked()
    assert not run.locator("input[name=practised][value='A.greeting']").is_checked()
    assert run.locator("#interrupted").is_checked()
    assert run.locator("#interruption_reason").input_value() == "A fire drill"
    assert run.locator("#manage_answer").input_value() == "Flag the hard calls"

    fits_a_phone(page, f"{session_url}/run", tmp_path, "run")

    # --- sandwich feedback with evidence --------------------------------------------------------
    page.goto(session_url)
    record = page.inner_text("#record")
    assert "1 time: A fire drill" in record and "More peer examples" in record
    assert "Check the workload" in page.inner_text("#private-notes")
    add_point(page, "opening", "A.greeting", "Lovely warm greeting",
              evidence="Warm greeting", published=True)
    assert "Feedback point saved" in flash(page), flash(page)
    # a point without evidence is refused, saying what is missing
    add_point(page, "improvement", "W.empathy", "Name the feeling", evidence=None)
    assert "The point was not saved: Give evidence" in flash(page), flash(page)
    assert page.locator("ol.sandwich > li").count() == 1
    add_point(page, "improvement", "W.empathy", "Name the feeling",
              evidence="Billing call of Ali Advisor", at_second="4")
    assert "Feedback point saved" in flash(page), flash(page)
    assert "a closing positive" in page.inner_text("#feedback")  # says what the sandwich lacks
    add_point(page, "closing", "M.expectation", "Clear next steps at the end",
              evidence="Clear next steps")
    points = page.locator("ol.sandwich > li")
    assert [points.nth(i).get_attribute("class").split()[1] for i in range(3)] == [
        "point-opening", "point-improvement", "point-closing"]
    assert "published to the team" in points.nth(0).inner_text()
    assert "published" not in points.nth(2).inner_text()
    assert "Evidence: Billing call of Ali Advisor at 0:04" in points.nth(1).inner_text()
    page.screenshot(path=str(tmp_path / "feedback.png"), full_page=True)

    submit(page, page.locator("#mark-held"))
    assert "Marked held; Ali Advisor is notified" in flash(page), flash(page)
    assert "Held" in page.locator(".head-actions .badge").inner_text()
    assert "Waiting for Ali Advisor" in page.inner_text("#acknowledgement")

    # --- the advisor: a notification, the improvement point, an acknowledgement -----------------
    context = browser.new_context(viewport=LAPTOP)
    try:
        advisor = context.new_page()
        sign_in(advisor, base, cast["advisor"])
        menu = advisor.get_by_role("link", name=re.compile(r"^Notifications"))
        assert menu.locator(".badge-count").inner_text() == "1"
        menu.click()
        advisor.wait_for_url(f"{base}/notifications/")
        note = advisor.locator(".notification-list li.unread a")
        assert "read it and acknowledge it" in note.inner_text()
        note.click()
        advisor.wait_for_url(session_url)
        feedback = advisor.inner_text("#feedback")
        assert "Name the feeling" in feedback and "Lovely warm greeting" in feedback
        assert "Practise naming the feeling first" in advisor.inner_text("#record")
        assert "Check the workload" not in advisor.content()  # private notes stay the coach's
        assert advisor.locator("#point-form").count() == 0
        advisor.fill("#reflection", "I will name the feeling before fixing")
        submit(advisor, advisor.locator("#acknowledge"))
        assert "your coach sees that you read the feedback" in flash(advisor)
        done = advisor.inner_text("#acknowledgement")
        assert "Acknowledged" in done and "I will name the feeling before fixing" in done
        advisor.screenshot(path=str(tmp_path / "advisor-acknowledged.png"), full_page=True)
    finally:
        context.close()

    # --- a teammate: only the published praise, and no way into the session ---------------------
    context = browser.new_context(viewport=LAPTOP)
    try:
        peer = context.new_page()
        sign_in(peer, base, cast["peer"])
        peer.goto(f"{base}/sessions/praise")
        praise = peer.inner_text(".praise-list")
        assert "Lovely warm greeting" in praise and "Ali Advisor" in praise
        assert "Name the feeling" not in peer.content()
        assert "Clear next steps at the end" not in peer.content()
        peer.screenshot(path=str(tmp_path / "teammate-praise.png"), full_page=True)
        response = peer.goto(session_url)
        assert response.status == 404
        assert "Name the feeling" not in peer.content()
    finally:
        context.close()

    db.session.expire_all()
    row = db.session.get(CoachingSession, session_id)
    assert row.state is SessionState.ACKNOWLEDGED and row.interruptions == 1
    assert [p.slot for p in row.points] == [Slot.OPENING, Slot.IMPROVEMENT, Slot.CLOSING]
    assert [p.published for p in row.points] == [True, False, False]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CoachingSession)) == 1
