"""The dashboards show the figures with their counts; the exports (CLI and downloads) give
the columns the issue lists, over what the viewer may see."""

from __future__ import annotations

import csv
import io
import json

from tests.performance.test_figures import known  # noqa: F401  (the fixture)


def switch(client, login, user):
    client.post_form("/logout")
    login(user)


def test_the_team_dashboard_shows_figures_bands_and_counts(known, client, login):  # noqa: F811
    login(known["coach"])
    assert client.get("/performance/").status_code == 200
    page = client.get(f"/performance/teams/{known['blue'].id}?days=30")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'id="performance-data" type="application/json"' in html
    assert "n = 20 interactions" in html  # every figure says what is behind it
    assert 'data-advisor="eve@example.com"' in html and "not ranked" in html
    assert "Top third" in html and "fast responder" in html
    chart = json.loads(html.split('id="performance-data" type="application/json">')[1]
                       .split("</script>")[0])
    assert sum(chart["counts"]) == 20 and chart["bands"] == [1, 0, 3]
    assert client.get(f"/performance/teams/{known['red'].id}").status_code == 404
    assert client.get(f"/performance/advisors/{known['ray'].id}").status_code == 404
    chats = client.get(f"/performance/teams/{known['blue'].id}?days=30&channel=chat")
    assert "n = 1 interactions" in chats.get_data(as_text=True)
    odd = client.get(f"/performance/teams/{known['blue'].id}?days=abc&channel=fax")
    assert odd.status_code == 200


def test_an_advisor_sees_their_own_dashboard_only(known, client, login):  # noqa: F811
    login(known["ali"])
    response = client.get("/performance/")
    assert response.status_code == 302
    assert f"/performance/advisors/{known['ali'].id}" in response.headers["Location"]
    html = client.get(f"/performance/advisors/{known['ali'].id}").get_data(as_text=True)
    assert "Communication Quality by month" in html and "n = 4 interactions" in html
    assert client.get(f"/performance/advisors/{known['bea'].id}").status_code == 404
    assert client.get(f"/performance/teams/{known['blue'].id}").status_code == 404
    assert client.get("/performance/export.csv?what=outcomes").status_code == 404


def test_the_cli_exports(known, runner):  # noqa: F811
    result = runner.invoke(args=["export", "advisor-metrics", "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert list(rows[0]) == ["advisor", "nps", "nps_weighted", "responses", "csat", "fcr",
                             "response_median_s", "conversion", "communication_quality",
                             "third"]
    by = {r["advisor"]: r for r in rows}
    ali = by["ali@example.com"]
    assert (ali["nps"], ali["nps_weighted"], ali["responses"], ali["csat"], ali["fcr"],
            ali["response_median_s"], ali["conversion"], ali["communication_quality"]) == (
        "25.0", "76.9", "4", "4.0", "0.6667", "120.0", "0.5", "0.25")
    assert by["eve@example.com"]["third"] == ""  # not eligible
    # company-wide: Ray (NPS 100), Ali (25, CSAT 4), Bea, Cal (25), Dee (0) are eligible
    assert [by[f"{n}@example.com"]["third"] for n in ("ray", "ali", "bea", "cal", "dee")] \
        == ["1", "1", "2", "2", "3"]
    outcomes = json.loads(runner.invoke(args=["export", "outcomes", "--format", "json"]).output)
    assert len(outcomes) == 21 and {o["advisor"] for o in outcomes} >= {"ray@example.com"}
    audits = list(csv.DictReader(io.StringIO(runner.invoke(args=["export", "audits"]).output)))
    assert len(audits) == 4 and audits[0]["band"] == "needs_improvement"
    assert audits[0]["microskills"] == "W.empathy"
    old = runner.invoke(args=["export", "advisor-metrics", "--until", "2000-01-01"])
    assert all(r["nps"] == "" for r in csv.DictReader(io.StringIO(old.output)))


def test_downloads_hold_only_what_the_viewer_may_see(known, client, login):  # noqa: F811
    login(known["rex"])
    body = client.get("/performance/export.csv?what=outcomes").get_data(as_text=True)
    assert "ray@example.com" in body and "ali@example.com" not in body
    metrics = client.get("/performance/export.json?what=advisor-metrics").get_json()
    assert [m["advisor"] for m in metrics] == ["ray@example.com"]
    assert client.get("/performance/export.csv?what=audits").get_data(as_text=True) \
        .count("\n") == 1  # the header only
    assert client.get("/performance/export.xml?what=audits").status_code == 404
    assert client.get("/performance/export.csv?what=nope").status_code == 404
    assert client.get("/performance/export.csv?what=audits&since=tomorrow").status_code == 400
    switch(client, login, known["coach"])
    metrics = client.get("/performance/export.json?what=advisor-metrics").get_json()
    assert len(metrics) == 5
