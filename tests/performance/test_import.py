"""Importing outcomes from CSV: all or nothing, every bad row named, idempotent."""

from __future__ import annotations

import datetime as dt
import functools

import sqlalchemy as sa
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from coachlab.db import db
from performance.models import Channel, Outcome
from tests.performance.conftest import HEADER, import_file, row, write_csv

WHEN = "2026-11-20T10:00:00+00:00"


def outcomes() -> list[Outcome]:
    return list(db.session.scalars(sa.select(Outcome).order_by(Outcome.interaction_id)))


def test_a_good_file_is_imported_with_every_field(people, tmp_path):
    path = write_csv(tmp_path / "good.csv", [
        row("A-1", "ali@example.com", WHEN, "call", 9, 5, "yes", 120, "yes", "yes"),
        row("A-2", "BEA@example.com", "2026-11-20T11:30:00Z", "chat", "", 1, "no", "", "", "no"),
        row("A-3", "ali@example.com", "2026-11-21 09:00", "email", 0, "", "", 3600, "no", ""),
    ])
    report = import_file(path)
    assert report.ok and (report.rows, report.inserted, report.updated) == (3, 3, 0)
    a1, a2, a3 = outcomes()
    assert (a1.advisor_id, a1.channel, a1.nps, a1.csat, a1.resolved,
            a1.first_contact_resolution, a1.response_seconds, a1.converted,
            a1.new_customer) == (people["ali"].id, Channel.CALL, 9, 5, True, True, 120, True,
                                 True)
    assert a1.team_id == people["blue"].id
    assert a2.advisor_id == people["bea"].id and a2.nps is None and a2.resolved is False
    assert a2.occurred_at == dt.datetime(2026, 11, 20, 11, 30, tzinfo=dt.UTC)
    # no offset: the site's zone (UTC in tests)
    assert a3.occurred_at == dt.datetime(2026, 11, 21, 9, 0, tzinfo=dt.UTC)
    assert a3.resolved is None and a3.new_customer is None and a3.converted is False


def test_re_importing_updates_and_never_duplicates(people, tmp_path):
    first = write_csv(tmp_path / "a.csv", [row("X-1", "ali@example.com", WHEN, nps=3),
                                           row("X-2", "ali@example.com", WHEN, nps=4)])
    assert import_file(first).inserted == 2
    again = write_csv(tmp_path / "b.csv", [row("X-1", "ali@example.com", WHEN, nps=10),
                                           row("X-3", "bea@example.com", WHEN, nps=8)])
    report = import_file(again)
    assert (report.inserted, report.updated) == (1, 1)
    assert [(o.interaction_id, o.nps) for o in outcomes()] == [("X-1", 10), ("X-2", 4),
                                                               ("X-3", 8)]
    assert import_file(again).updated == 2
    assert len(outcomes()) == 3


def test_bad_rows_import_nothing_and_each_is_named(people, tmp_path):
    path = write_csv(tmp_path / "bad.csv", [
        row("B-1", "ali@example.com", WHEN, nps=9),  # line 2: fine
        row("B-2", "nobody@example.com", WHEN),  # 3
        row("B-3", "ali@example.com", WHEN, nps=11),  # 4
        row("B-4", "ali@example.com", WHEN, csat=0),  # 5
        row("B-5", "ali@example.com", "20/11/2026"),  # 6
        row("B-1", "bea@example.com", WHEN),  # 7: duplicated id
        row("B-6", "ali@example.com", WHEN, "fax", resolved="maybe"),  # 8: two reasons
        ["B-7", "ali@example.com"],  # 9: short row
        row("B-8", "ali@example.com", "0001-01-01T00:00:00+05:00"),  # 10: out of range
        row("B-9\x00", "ali@example.com", WHEN),  # 11: NUL
    ])
    report = import_file(path)
    assert not report.ok and outcomes() == []
    reasons = {e.line: e.reason for e in report.errors}
    assert sorted(reasons) == [3, 4, 5, 6, 7, 8, 9, 10, 11]
    assert "unknown advisor 'nobody@example.com'" in reasons[3]
    assert "nps must be 0 to 10, not 11" in reasons[4]
    assert "csat must be 1 to 5, not 0" in reasons[5]
    assert "occurred_at is not an ISO 8601" in reasons[6]
    assert "'B-1' is already on line 2" in reasons[7]
    assert "channel must be" in reasons[8] and "resolved must be yes or no" in reasons[8]
    assert "has 2 cells" in reasons[9]
    assert "occurred_at is out of range" in reasons[10]
    assert "NUL character" in reasons[11]
    assert "9 of 10 rows are wrong" in report.summary()


def test_a_wrong_header_imports_nothing(people, tmp_path):
    header = [h for h in HEADER if h != "csat"] + ["colour"]
    path = write_csv(tmp_path / "header.csv", [["1"] * len(header)], header=header)
    report = import_file(path)
    assert not report.ok and "missing column: csat" in report.header_error
    assert "unknown column: colour" in report.header_error and outcomes() == []
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    assert "empty" in import_file(empty).header_error
    only_header = write_csv(tmp_path / "only.csv", [])
    assert "no rows" in import_file(only_header).header_error


def test_a_coach_imports_only_for_the_advisors_they_coach(people, tmp_path):
    path = write_csv(tmp_path / "c.csv", [row("C-1", "ali@example.com", WHEN),
                                          row("C-2", "ray@example.com", WHEN)])
    report = import_file(path, acting=people["coach"])
    assert [e.line for e in report.errors] == [3] and outcomes() == []
    assert "not an advisor you may import for" in report.errors[0].reason
    assert import_file(path, acting=people["admin"]).ok


def test_a_recording_id_must_be_the_advisors_call(people, tmp_path, make_recording):
    call = make_recording(people["ali"])
    header = HEADER + ["recording_id"]
    path = write_csv(tmp_path / "r.csv", [row("R-1", "ali@example.com", WHEN) + [call.id],
                                          row("R-2", "bea@example.com", WHEN) + [call.id],
                                          row("R-3", "bea@example.com", WHEN) + [999999]],
                     header=header)
    report = import_file(path)
    assert {e.line: e.reason for e in report.errors} == {
        3: f"recording {call.id} is another advisor's call",
        4: "recording 999999 does not exist"}
    good = write_csv(tmp_path / "g.csv", [row("R-1", "ali@example.com", WHEN) + [call.id]],
                     header=header)
    assert import_file(good).ok and outcomes()[0].recording_id == call.id


def test_the_cli_imports_and_reports(people, tmp_path, runner):
    good = write_csv(tmp_path / "good.csv", [row("L-1", "ali@example.com", WHEN, nps=9)])
    result = runner.invoke(args=["import", "outcomes", str(good)])
    assert result.exit_code == 0, result.output
    assert "Imported 1 interactions: 1 new, 0 updated." in result.output
    bad = write_csv(tmp_path / "bad.csv", [row("L-2", "ali@example.com", WHEN, nps=11),
                                           row("L-3", "zed@example.com", WHEN)])
    result = runner.invoke(args=["import", "outcomes", str(bad)])
    assert result.exit_code == 1
    assert "line 2: nps must be 0 to 10, not 11" in result.output
    assert "line 3: unknown advisor 'zed@example.com'" in result.output
    assert [o.interaction_id for o in outcomes()] == ["L-1"]
    assert runner.invoke(args=["import", "outcomes", str(tmp_path / "nope.csv")]).exit_code == 2


def test_the_upload_form_shows_the_report(people, tmp_path, client, login):
    login(people["coach"])
    page = client.get("/performance/import")
    assert page.status_code == 200 and "interaction_id" in page.get_data(as_text=True)
    bad = write_csv(tmp_path / "bad.csv", [row("U-1", "ali@example.com", WHEN, csat=0)])
    with bad.open("rb") as f:
        response = client.post_form("/performance/import", {"file": (f, "bad.csv")},
                                    content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "csat must be 1 to 5, not 0" in html
    assert "Nothing imported" in html and outcomes() == []
    good = write_csv(tmp_path / "good.csv", [row("U-1", "ali@example.com", WHEN, csat=4)])
    with good.open("rb") as f:
        response = client.post_form("/performance/import", {"file": (f, "good.csv")},
                                    content_type="multipart/form-data")
    assert "Imported 1 interactions" in response.get_data(as_text=True)
    assert outcomes()[0].csat == 4
    binary = tmp_path / "x.csv"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    with binary.open("rb") as f:
        response = client.post_form("/performance/import", {"file": (f, "x.csv")},
                                    content_type="multipart/form-data")
    assert response.status_code == 200 and "Nothing imported" in response.get_data(as_text=True)
    client.post_form("/logout")
    login(people["ali"])
    assert client.get("/performance/import").status_code == 404


def test_the_form_takes_a_file_over_the_small_body_limit(app, people, tmp_path, client, login):
    """Every other form may post MAX_REQUEST_MB (1 MB); the import takes MAX_IMPORT_MB."""
    rows = [row(f"BIG-{i:06d}", "ali@example.com", WHEN, nps=i % 11, csat=1 + i % 5,
                resolved="yes", response=60) for i in range(20_000)]
    big = write_csv(tmp_path / "big.csv", rows)
    assert big.stat().st_size > app.config["MAX_REQUEST_MB"] * 1024 * 1024
    login(people["coach"])
    # the body built here, as a browser sends it (the test client would spool it to a file
    # it never closes)
    with big.open("rb") as f:
        boundary, body = encode_multipart({"csrf_token": client.csrf_token(),
                                           "file": FileStorage(f, "big.csv")})
    post = functools.partial(client.post, "/performance/import", data=body,
                             content_type=f"multipart/form-data; boundary={boundary}")
    assert "Imported 20000 interactions: 20000 new" in post().get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Outcome.id))) == 20_000
    app.config["MAX_IMPORT_MB"] = 0.5
    response = post()
    assert response.status_code == 413 and "too large" in response.get_data(as_text=True).lower()


def test_a_duplicate_far_apart_names_its_first_line(people, tmp_path):
    rows = [row(f"D-{i}", "ali@example.com", WHEN) for i in range(3000)]
    rows.append(row("D-7", "bea@example.com", WHEN))
    report = import_file(write_csv(tmp_path / "dup.csv", rows))
    assert not report.ok and [(e.line, e.reason) for e in report.errors] == [
        (3002, "interaction_id 'D-7' is already on line 9")]
    assert outcomes() == []
