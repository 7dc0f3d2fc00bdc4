"""Issue 15's "done when", in Chromium, against CoachLab served as ``make run`` serves it
(``coachlab serve``: gunicorn and the real worker, with the demo data): an admin sets up a
team, its coach uploads a call (processed by the worker), imports outcomes, audits the call
Needs Improvement, the advisor sees it and acts on it, and the dashboards and rankings show
the figures computed from the imported data (Ali: NPS 10, 9, 7, 3 = 25; the team with Bea's
9 and 0: 3 promoters and 2 detractors of 6 scores = 17)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from coachlab.demo.seed import DEMO_PASSWORD, MEDIA_DIR
from tests.served import ServedApp

pytestmark = pytest.mark.browser

PASSWORD = "blue-team-password"


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    app = ServedApp(tmp_path_factory.mktemp("served-performance"))
    try:
        yield app.start()
    finally:
        app.stop()


def sign_in(page, served: ServedApp, email: str, password: str = PASSWORD) -> None:
    page.goto("about:blank")  # no request of the last page may set a new session cookie
    page.context.clear_cookies()
    page.goto(f"{served.url}/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{served.url}/")


def set_up_the_blue_team(page, served: ServedApp) -> int:
    """As the demo admin: team Blue, its coach Cora, advisors Ali and Bea; the team's id."""
    sign_in(page, served, "admin@example.com", DEMO_PASSWORD)
    page.goto(f"{served.url}/admin/teams")
    page.fill("#name", "Blue")
    page.get_by_role("button", name="Create team").click()
    expect(page.locator("main")).to_contain_text("Blue")
    for role, email, name in (("coach", "cora@example.com", "Cora Coach"),
                              ("advisor", "ali@example.com", "Ali"),
                              ("advisor", "bea@example.com", "Bea")):
        page.goto(f"{served.url}/admin/users/new")
        page.select_option("#role", role)
        page.fill("#email", email)
        page.fill("#name", name)
        page.select_option("#led_teams" if role == "coach" else "#team", label="Blue")
        page.fill("#password", PASSWORD)
        page.get_by_role("button", name="Create user").click()
        page.wait_for_url(f"{served.url}/admin/users")
    [(team_id,)] = served.query("SELECT id FROM teams WHERE name = 'Blue'")
    return team_id


def upload_a_call_of_ali(page, served: ServedApp) -> int:
    """As Cora: a call of Ali's through the upload page, processed by the real worker."""
    page.goto(f"{served.url}/recordings/upload")
    page.set_input_files("input[name=files]", str(MEDIA_DIR / "billing-double-charge.ogg"))
    page.select_option("select[name=advisor]", label="Ali")
    page.fill("input[name=title]", "Double charge")
    page.click("#upload-submit")
    page.wait_for_url(re.compile(r".*/recordings/\d+$"), timeout=60_000)
    call_id = int(page.url.rsplit("/", 1)[1])
    # leave the recording page: it reloads itself when processing finishes, and that reload
    # would race with the next navigation (as in the goals browser test)
    page.goto(f"{served.url}/recordings/")
    served.wait_for(lambda: served.query("SELECT status FROM recordings WHERE id = :i",
                                         i=call_id)[0].status == "ready",
                    "the worker to process the call", timeout=600, every=1)
    return call_id


def test_import_audit_act_and_the_figures(served, browser, tmp_path):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(30_000)
    page = context.new_page()
    try:
        check_the_done_when(page, served, tmp_path)
    finally:
        context.close()


def check_the_done_when(page, served: ServedApp, tmp_path) -> None:
    blue_id = set_up_the_blue_team(page, served)
    sign_in(page, served, "cora@example.com")
    call_id = upload_a_call_of_ali(page, served)

    when = (dt.datetime.now(dt.UTC) - dt.timedelta(days=2)).isoformat()
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

    page.goto(f"{served.url}/performance/import")
    page.set_input_files("#file", str(bad))
    page.get_by_role("button", name="Import").click()
    expect(page.locator("#import-summary")).to_contain_text("Nothing imported")
    expect(page.locator("#import-errors")).to_contain_text("nps must be 0 to 10, not 11")
    expect(page.locator("#import-errors")).to_contain_text("csat must be 1 to 5, not 0")
    page.set_input_files("#file", str(good))
    page.get_by_role("button", name="Import").click()
    expect(page.locator("#import-summary")).to_contain_text("Imported 6 interactions: 6 new")

    page.goto(f"{served.url}/recordings/{call_id}")
    page.locator("#audit-call").click()
    page.select_option("#band", "needs_improvement")
    page.fill("#comment", "Name the frustration before asking for the order number.")
    page.select_option("#microskills", ["W.empathy"])
    page.get_by_role("button", name="Save the audit").click()
    expect(page.locator("#audit")).to_contain_text("Needs Improvement")
    audit_url = page.url

    sign_in(page, served, "ali@example.com")
    expect(page.locator("#card-performance-digest")).to_contain_text("waiting for action")
    page.goto(f"{served.url}/performance/audits")
    expect(page.locator("#audit-list")).to_contain_text("Needs Improvement")
    page.locator("#audit-list a", has_text="Double charge").click()
    page.wait_for_url(audit_url)
    page.fill("#note", "Listened back; naming the feeling first from today.")
    page.get_by_role("button", name="Mark as acted on").click()
    expect(page.locator("#acted")).to_contain_text("naming the feeling first")
    page.goto(f"{served.url}/performance/")
    expect(page.locator("#kpi-nps")).to_contain_text("25")
    expect(page.locator("#kpi-nps")).to_contain_text("n = 4 scores")
    expect(page.locator("#quality-by-month")).to_contain_text("1")

    sign_in(page, served, "cora@example.com")
    page.goto(f"{served.url}/performance/teams/{blue_id}?days=30")
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
