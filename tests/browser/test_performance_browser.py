"""Issue 15's "done when", in Chromium: a coach imports outcomes, audits a call Needs
Improvement, the advisor sees it and acts on it, and the dashboards and rankings show the
figures computed from the imported data (Ali: NPS 10, 9, 7, 3 = 25; the team with Bea's 9
and 0: 3 promoters and 2 detractors of 6 scores = 17)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from coachlab.auth.models import Role
from coachlab.db import utcnow
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def cast(make_team, make_user, make_recording):
    blue = make_team("Blue")
    coach = make_user(Role.COACH, led_teams=[blue], name="Cora Coach", email="cora@example.com")
    ali = make_user(team=blue, name="Ali", email="ali@example.com")
    bea = make_user(team=blue, name="Bea", email="bea@example.com")
    call = make_recording(ali, called_at=utcnow() - dt.timedelta(days=1), title="Double charge")
    return blue, coach, ali, bea, call


def sign_in(page, base: str, user) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/login")
    page.fill("#email", user.email)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/")


def test_import_audit_act_and_the_figures(live_server, page, cast, tmp_path):
    blue, coach, ali, bea, call = cast
    when = (utcnow() - dt.timedelta(days=2)).isoformat()
    header = ("interaction_id,advisor_email,occurred_at,channel,nps,csat,resolved,"
              "response_seconds,converted,new_customer\n")
    rows = [("a1", "ali", 10, 5, "yes", 60, "yes", "yes"),
            ("a2", "ali", 9, 4, "yes", 120, "no", "no"),
            ("a3", "ali", 7, 3, "no", 3000, "", "no"), ("a4", "ali", 3, "", "", "", "", "no"),
            ("b1", "bea", 9, "", "", 30, "", "no"), ("b2", "bea", 0, "", "", 40, "", "no")]
    bad = tmp_path / "bad.csv"
    bad.write_text(header + "x1,ali@example.com,yesterday,call,11,0,yes,1,no,no\n")
    good = tmp_path / "outcomes.csv"
    good.write_text(header + "".join(f"{i},{who}@example.com,{when},call,{n},{c},{r},{s},{v},{w}\n"
                                     for i, who, n, c, r, s, v, w in rows))

    sign_in(page, live_server, coach)
    page.goto(f"{live_server}/performance/import")
    page.set_input_files("#file", str(bad))
    page.get_by_role("button", name="Import").click()
    expect(page.locator("#import-summary")).to_contain_text("Nothing imported")
    expect(page.locator("#import-errors")).to_contain_text("nps must be 0 to 10, not 11")
    expect(page.locator("#import-errors")).to_contain_text("csat must be 1 to 5, not 0")
    page.set_input_files("#file", str(good))
    page.get_by_role("button", name="Import").click()
    expect(page.locator("#import-summary")).to_contain_text("Imported 6 interactions: 6 new")

    page.goto(f"{live_server}/recordings/{call.id}")
    page.locator("#audit-call").click()
    page.select_option("#band", "needs_improvement")
    page.fill("#comment", "Name the frustration before asking for the order number.")
    page.select_option("#microskills", ["W.empathy"])
    page.get_by_role("button", name="Save the audit").click()
    expect(page.locator("#audit")).to_contain_text("Needs Improvement")
    audit_url = page.url

    sign_in(page, live_server, ali)
    expect(page.locator("#card-performance-digest")).to_contain_text("waiting for action")
    page.goto(f"{live_server}/performance/audits")
    expect(page.locator("#audit-list")).to_contain_text("Needs Improvement")
    page.locator("#audit-list a", has_text="Double charge").click()
    page.wait_for_url(audit_url)
    page.fill("#note", "Listened back; naming the feeling first from today.")
    page.get_by_role("button", name="Mark as acted on").click()
    expect(page.locator("#acted")).to_contain_text("naming the feeling first")
    page.goto(f"{live_server}/performance/")
    expect(page.locator("#kpi-nps")).to_contain_text("25")
    expect(page.locator("#kpi-nps")).to_contain_text("n = 4 scores")
    expect(page.locator("#quality-by-month")).to_contain_text("1")

    sign_in(page, live_server, coach)
    page.goto(f"{live_server}/performance/teams/{blue.id}?days=30")
    expect(page.locator("#kpi-nps strong")).to_have_text("17")
    expect(page.locator("#kpi-nps")).to_contain_text("n = 6 scores")
    expect(page.locator("#kpi-nps")).to_contain_text("3 promoters · 1 passives · 2 detractors")
    expect(page.locator("#kpi-interactions strong")).to_have_text("6")
    ali_row = page.locator('tr[data-advisor="ali@example.com"]')
    expect(ali_row.locator(".nps-cell")).to_contain_text("25")
    # CQ: Ali 1 of 4 vs Bea 0 of 2: with two advisors the best 75% is both; by NPS Ali first,
    # Bea second of two: the second place falls in the middle third (1 + 3 * 1 // 2)
    expect(ali_row.locator(".standing")).to_contain_text("Top third")
    expect(page.locator('tr[data-advisor="bea@example.com"] .standing')).to_contain_text(
        "Middle third")
    drawn = page.evaluate("() => ['nps-chart', 'split-chart', 'bands-chart'].every(id => "
                          "window.Chart && window.Chart.getChart(document.getElementById(id)))")
    assert drawn
    assert re.search(r"Communication Quality", page.content())
