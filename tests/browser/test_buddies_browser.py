"""End to end in Chromium: a coach accepts a suggested buddy pairing; Ali shares a clip; his
buddy Bea leaves a timestamped comment from the keyboard; Ali replies; teammate Cal gives
kudos that show on the team wall; Cal (outside the pairing) and Dan (another team) cannot
read the peer comments. The shared-clip page fits a 390 px phone. Screenshots in tmp_path."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from buddies.models import PeerComment
from clips.models import ClipKind, Visibility
from clips.service import ClipDetails, create_clip
from coachlab.auth.models import Role
from coachlab.db import db, utcnow
from coachlab.transcripts.service import store_transcript
from microskills import service as microskills
from tests.buddies.conftest import WITHOUT_EMPATHY
from tests.factories import PASSWORD
from tests.microskills.test_review_and_profile import CALL, scripted_transcript

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def cast(app, make_team, make_user, make_recording):
    """Blue: coach Cora, Ali (empathetic) and Bea (not) with two tagged calls each, Cal with
    one (too few to be suggested); Dan in Red."""
    app.config["BUDDIES_MIN_CALLS"] = 2
    blue, red = make_team("Blue"), make_team("Red")
    people = {"coach": make_user(Role.COACH, led_teams=[blue], name="Cora Coach"),
              "ali": make_user(team=blue, name="Ali Advisor"),
              "bea": make_user(team=blue, name="Bea Buddy"),
              "cal": make_user(team=blue, name="Cal Teammate"),
              "dan": make_user(team=red, name="Dan Elsewhere")}
    calls = {}
    for name, lines, count in (("ali", CALL, 2), ("bea", WITHOUT_EMPATHY, 2), ("cal", CALL, 1)):
        for n in range(count):
            recording = make_recording(people[name], seconds=7.0,
                                       called_at=utcnow() - dt.timedelta(days=2 + n))
            store_transcript(recording, scripted_transcript(lines), model="test")
            microskills.tag_recording(recording)
            calls.setdefault(name, []).append(recording)
    db.session.commit()
    clip = create_clip(calls["ali"][0], 0.2, 3.0, ClipDetails(
        title="Ali's warm opening", kind=ClipKind.GOOD_MOMENT, microskills=["A.greeting"],
        visibility=Visibility.TEAM), acting=people["coach"])
    db.session.commit()
    return {**people, "clip": clip, "blue": blue}


def sign_in(page, base: str, user) -> None:
    page.goto(f"{base}/login")
    page.fill("#email", user.email)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/")


def sign_out(page) -> None:
    """Leave the page first: a media request still running on it would, once the cookies are
    gone, be redirected to /login and set a session whose CSRF token the next sign-in form
    does not hold (the sign-in then answers 400)."""
    page.goto("about:blank")
    page.context.clear_cookies()


def fits(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


def test_buddies_share_comment_reply_and_kudos(page, live_server, cast, tmp_path):
    base = live_server
    # the coach accepts the suggestion (Bea uses empathy less; Ali more)
    sign_in(page, base, cast["coach"])
    page.get_by_role("link", name="Buddies", exact=True).first.click()
    suggestion = page.locator(".suggestion").first
    expect(suggestion).to_contain_text("Bea Buddy with Ali Advisor")
    expect(suggestion.locator(".why")).to_contain_text(re.compile(r"per call \(on \d of 2 calls\)"))
    suggestion.get_by_role("button", name=re.compile("Accept")).click()
    expect(page.locator(".flash-success")).to_contain_text("are buddies now")
    page.screenshot(path=str(tmp_path / "pairings.png"), full_page=True)
    sign_out(page)

    # Ali shares his clip with his buddy
    sign_in(page, base, cast["ali"])
    card = page.locator("#card-buddy")
    expect(card).to_contain_text("Bea Buddy")
    card.get_by_role("link", name="Bea Buddy").click()
    page.select_option("#share-clip", label="Ali's warm opening")
    page.fill("#share-note", "Is my opening warm enough?")
    page.get_by_role("button", name=re.compile("Share with")).click()
    expect(page.get_by_role("heading", name="Ali's warm opening")).to_be_visible()
    shared_url = page.url
    sign_out(page)

    # Bea comes from her notification and comments at 1.5 s, by keyboard
    sign_in(page, base, cast["bea"])
    page.get_by_role("link", name=re.compile("Notifications")).click()
    page.get_by_role("link", name=re.compile("shared a clip with you")).click()
    expect(page.locator("blockquote")).to_have_text("Is my opening warm enough?")
    page.locator("#at_second").fill("1.5")
    page.get_by_label("What worked").check()
    page.select_option("#peer-microskills", ["A.greeting"])
    page.locator("#peer-body").fill("Saying your name first sounds friendly.")
    page.locator("#peer-body").focus()
    page.keyboard.press("Tab")  # to the button
    page.keyboard.press("Enter")
    comment = page.locator(".comment").first
    expect(comment).to_contain_text("Saying your name first sounds friendly.")
    expect(comment.locator(".comment-time")).to_have_text("0:01.5")
    expect(comment).to_contain_text("What worked")
    page.set_viewport_size(PHONE)
    page.screenshot(path=str(tmp_path / "shared-phone.png"), full_page=True)
    assert fits(page), "the shared clip page is wider than a phone"
    sign_out(page)

    # Ali replies
    sign_in(page, base, cast["ali"])
    page.goto(shared_url)
    page.locator(".comment-reply summary").first.click()
    page.locator(".comment-reply textarea").first.fill("Thanks, I will keep it.")
    page.get_by_role("button", name="Send reply").first.click()
    expect(page.locator(".replies")).to_contain_text("Thanks, I will keep it.")
    sign_out(page)

    # Cal (a teammate outside the pairing) gives kudos from the wall; it shows there
    sign_in(page, base, cast["cal"])
    page.goto(f"{base}/buddies/wall")
    page.get_by_role("link", name=re.compile("Give kudos")).first.click()
    page.select_option("#microskill", "A.greeting")
    page.fill("#message", "Lovely opening!")
    page.get_by_role("button", name="Give kudos").click()
    wall = page.locator(".wall")
    expect(wall).to_contain_text("Cal Teammate → Ali Advisor")
    expect(wall).to_contain_text("Lovely opening!")
    expect(page.locator("main")).not_to_contain_text("Saying your name first")
    page.screenshot(path=str(tmp_path / "wall.png"), full_page=True)
    # ... but cannot read the peer comments
    response = page.goto(shared_url)
    assert response.status == 404
    sign_out(page)

    sign_in(page, base, cast["dan"])
    response = page.goto(shared_url)
    assert response.status == 404
    assert db.session.scalar(sa.select(sa.func.count(PeerComment.id))) == 2
