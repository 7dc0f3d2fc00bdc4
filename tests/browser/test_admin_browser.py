"""Admins in Chromium, on a laptop (1366 px) and a phone (390 px): the user form shows only
the membership field of the chosen role, the teams page renames, archives and removes."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from coachlab.auth import service
from coachlab.auth.models import Role, Team
from coachlab.db import db
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

WIDTHS = {"laptop": (1366, 800), "phone": (390, 844)}

# Chromium fires this on the document for every CSP refusal
LISTEN = """() => { window.cspViolations = [];
  document.addEventListener('securitypolicyviolation', (e) => window.cspViolations.push(
    `${e.violatedDirective} ${e.blockedURI}`)); }"""


def sign_in(page, live_server, user) -> None:
    page.goto(f"{live_server}/login")
    page.fill("#email", user.email)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def watch(page) -> list[str]:
    problems: list[str] = []
    page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    page.on("console", lambda msg: problems.append(f"console {msg.type}: {msg.text}")
            if msg.type == "error" else None)
    page.add_init_script(f"({LISTEN})()")
    return problems


def fits(page) -> bool:
    """Nothing makes the page scroll sideways."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("device", list(WIDTHS))
def test_user_form_shows_the_field_of_the_chosen_role(page, live_server, make_team, make_user,
                                                      device, tmp_path):
    width, height = WIDTHS[device]
    page.set_viewport_size({"width": width, "height": height})
    blue, red = make_team("Blue"), make_team("Red")
    service.archive_team(make_team("Old"), acting=make_user(Role.ADMIN))
    db.session.commit()
    problems = watch(page)
    sign_in(page, live_server, make_user(Role.ADMIN))

    page.goto(f"{live_server}/admin/users/new")
    team, led = page.locator("#team"), page.locator("#led_teams")
    note = page.get_by_text("Admins see and manage every team")
    assert page.locator("#role").input_value() == "advisor"
    assert team.is_visible() and not led.is_visible() and not note.is_visible()
    assert team.locator("option").all_inner_texts() == ["—", "Blue", "Red"]  # not Old

    page.select_option("#role", "coach")
    assert led.is_visible() and not team.is_visible() and not note.is_visible()
    page.select_option("#role", "admin")
    assert not team.is_visible() and not led.is_visible() and note.is_visible()
    page.select_option("#role", "advisor")
    assert team.is_visible() and not led.is_visible()
    assert fits(page)
    page.screenshot(path=str(tmp_path / f"user-form-{device}.png"), full_page=True)

    # a team was picked while an advisor, then the role became coach: only "teams led" counts
    page.select_option("#team", label="Red")
    page.select_option("#role", "coach")
    page.select_option("#led_teams", label="Blue")
    page.fill("#email", f"cora-{device}@example.com")
    page.fill("#name", "Cora Coach")
    page.fill("#password", "long-enough-pw")
    page.get_by_role("button", name="Create user").click()
    page.wait_for_url(f"{live_server}/admin/users")
    coach = service.find_user_by_email(f"cora-{device}@example.com")
    db.session.refresh(coach)
    assert coach.role is Role.COACH and coach.led_teams == [blue] and coach.team is None
    assert red.advisors == []

    # editing keeps the role's field and hides the other from the start
    page.goto(f"{live_server}/admin/users/{coach.id}")
    assert led.is_visible() and not team.is_visible()
    assert page.evaluate("window.cspViolations") == [] and problems == []


def test_user_form_works_without_javascript(browser, live_server, make_team, make_user):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390,
                                                                        "height": 844})
    try:
        page = context.new_page()
        blue = make_team("Blue")
        sign_in(page, live_server, make_user(Role.ADMIN))
        page.goto(f"{live_server}/admin/users/new")
        assert page.locator("#team").is_visible() and page.locator("#led_teams").is_visible()
        assert not page.get_by_text("Admins see and manage every team").is_visible()
        page.fill("#email", "nojs@example.com")
        page.fill("#name", "No Script")
        page.select_option("#role", "coach")
        page.select_option("#team", label="Blue")  # belongs to advisors: ignored
        page.select_option("#led_teams", label="Blue")
        page.fill("#password", "long-enough-pw")
        page.get_by_role("button", name="Create user").click()
        page.wait_for_url(f"{live_server}/admin/users")
        assert page.locator(".flash-error").count() == 0
        coach = service.find_user_by_email("nojs@example.com")
        assert coach.led_teams == [blue] and coach.team is None
    finally:
        context.close()


@pytest.mark.parametrize("device", list(WIDTHS))
def test_teams_page_renames_archives_and_removes(page, live_server, make_team, make_user,
                                                 device, tmp_path):
    width, height = WIDTHS[device]
    page.set_viewport_size({"width": width, "height": height})
    blue, red, empty = make_team("Blue"), make_team("Red"), make_team("Empty")
    make_user(Role.ADVISOR, team=blue, name="Ada Advisor")
    make_user(Role.COACH, led_teams=[blue, red], name="Cora Coach")
    problems = watch(page)
    sign_in(page, live_server, make_user(Role.ADMIN))

    page.goto(f"{live_server}/admin/teams")
    assert fits(page)
    page.screenshot(path=str(tmp_path / f"teams-{device}.png"), full_page=True)
    row = page.locator(f"#team-{blue.id}")

    # a clash says why, next to the field, and keeps what was typed
    row.get_by_label("New name for Blue").fill("red")
    row.get_by_role("button", name="Rename").click()
    page.wait_for_load_state()
    error = page.locator(f"#team-{blue.id}-name-error")
    assert "A team called Red already exists" in error.inner_text()
    assert page.locator(f"#team-{blue.id}-name").input_value() == "red"

    page.locator(f"#team-{blue.id}-name").fill("Navy")
    page.locator(f"#team-{blue.id}").get_by_role("button", name="Rename").click()
    page.wait_for_url(f"{live_server}/admin/teams")
    assert page.get_by_text("Blue is now called Navy.").is_visible()

    page.locator(f"#team-{blue.id}").get_by_role("button", name="Archive").click()
    page.wait_for_url(f"{live_server}/admin/teams")
    assert "Archived" in page.locator(f"#team-{blue.id} [data-label=State]").inner_text()
    assert page.locator(f"#team-{blue.id}").get_by_role("button", name="Remove").count() == 0

    page.locator(f"#team-{empty.id}").get_by_role("button", name="Remove").click()
    page.wait_for_url(f"{live_server}/admin/teams")
    assert page.get_by_text("Team Empty is removed.").is_visible()
    assert db.session.scalars(sa.select(Team.name).order_by(Team.name)).all() == ["Navy",
                                                                                    "Red"]
    assert fits(page)
    assert page.evaluate("window.cspViolations") == [] and problems == []
