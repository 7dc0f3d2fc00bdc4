"""The dashboards' sums (``performance.sums``): per-week and per-month cells of interactions
that the import and every saved outcome or call keep current. After an import, a
re-import, a call's outcome edit and deletions, the cells equal a rebuild from the rows and
every dashboard (periods in the viewer's zone, channel and team filters, what the viewer
may see) equals the same dashboard computed from raw rows; stale sums are never read."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from coachlab import timezones
from coachlab.db import db, utcnow
from coachlab.recordings.service import CallDetails, delete_recording, update_details
from performance import figures as fig
from performance import sums
from performance.models import Outcome, OutcomeSum, OutcomeSumsState
from tests.performance.conftest import HEADER, import_file, write_csv

ZONES = ("UTC", "Asia/Kathmandu", "America/New_York")
EDGE_REPLIES = (0, 59, 60, 3599, 3600, 86400, 2592000, 40_000_000)


def ago(days: float) -> dt.datetime:
    return utcnow() - dt.timedelta(days=days)


def outcome_rows(people, rng: random.Random, count: int, prefix: str = "i",
                 recordings: dict | None = None) -> list[list]:
    """Interactions over the last 400 days, every channel, replies in every bin."""
    names = ("ali", "bea", "cal", "dee", "eve", "ray")
    rows = []
    for k in range(count):
        name = names[k % len(names)]
        reply = rng.choice(EDGE_REPLIES) if k % 7 == 0 else int(rng.expovariate(1 / 5000))
        rows.append([
            f"{prefix}{k}", f"{name}@example.com", ago(400 * rng.random()).isoformat(),
            rng.choice(("call", "chat", "email", "message")),
            rng.randrange(11) if rng.random() < 0.7 else "",
            rng.randrange(1, 6) if rng.random() < 0.5 else "",
            rng.choice(("yes", "no", "")), reply if rng.random() < 0.8 else "",
            rng.choice(("yes", "no", "")), "yes" if rng.random() < 0.2 else "no",
            (recordings or {}).get(k, "")])
    return rows


def cells() -> list[tuple]:
    columns = [c for c in OutcomeSum.__table__.columns if c.name != "id"]
    return sorted((tuple(row) for row in db.session.execute(sa.select(*columns))), key=repr)


def dashboards(user) -> list:
    """Every dashboard of ``user`` over the combinations that change how it is added up."""
    out = []
    for zone_name in ZONES:
        zone = ZoneInfo(zone_name)
        today = timezones.local_now(zone).date()
        until = timezones.local_day_start(today + dt.timedelta(days=1), zone)
        for days in (7, 30, 90, 365):
            since = timezones.local_day_start(today - dt.timedelta(days=days - 1), zone)
            for channel in (None, "call", "chat"):
                scope = fig.Scope(since, until, channel=channel)
                out.append(((zone_name, days, channel), fig.dashboard(user, scope, zone)))
            scope = fig.Scope(since, until)
            out.append(((zone_name, days, "by advisor"), fig.by_advisor(user, scope)))
            out.append(((zone_name, days, "overall"), fig.overall(user, scope)))
        months = fig.buckets(fig.Scope(until - dt.timedelta(days=180), until), zone)[-6:]
        out.append(((zone_name, "quality"),
                    [fig.monthly_quality(user, a, months) for a in sorted(fig.by_advisor(
                        user, fig.Scope(until - dt.timedelta(days=30), until)))]))
    return out


def raw_dashboards(user, monkeypatch) -> list:
    with monkeypatch.context() as m:
        m.setattr(sums, "usable", lambda: False)
        return dashboards(user)


def check(people, monkeypatch) -> None:
    """The cells equal a rebuild from the rows; the dashboards equal raw ones."""
    assert sums.usable()
    kept = cells()
    sums.rebuild()
    assert cells() == kept
    for who in ("admin", "coach", "rex", "ali", "ray"):
        user = people[who]
        with_sums, raw = dashboards(user), raw_dashboards(user, monkeypatch)
        assert [key for key, _ in with_sums] == [key for key, _ in raw]
        for (key, found), (_, expected) in zip(with_sums, raw, strict=True):
            assert found == expected, (who, key)


@pytest.fixture
def world(people, tmp_path, make_recording):
    """Outcome rows over 400 days, four calls with their own NPS/CSAT/resolution, two of
    them named by an outcome row (which then counts instead)."""
    calls = [make_recording(people[name], called_at=ago(days), nps=nps, csat=csat,
                            resolved=resolved)
             for name, days, nps, csat, resolved in (("ali", 3, 10, 5, True),
                                                     ("bea", 40, 2, 1, False),
                                                     ("ali", 200, 9, None, None),
                                                     ("ray", 80, None, 3, True))]
    rows = outcome_rows(people, random.Random(7), 600,
                        recordings={0: calls[1].id, 6: calls[2].id})
    rows[0][1], rows[6][1] = "bea@example.com", "ali@example.com"  # the calls' advisors
    path = write_csv(tmp_path / "outcomes.csv", rows, header=HEADER + ["recording_id"])
    assert import_file(path).ok
    return {"people": people, "calls": calls, "rows": rows, "path": path}


def test_an_import_builds_the_cells_and_every_dashboard_matches_raw_rows(world, monkeypatch):
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutcomeSum)) > 0
    check(world["people"], monkeypatch)


def test_a_reimport_moves_rows_between_cells_and_advisors(world, monkeypatch, tmp_path):
    rows = [list(r) for r in world["rows"]]
    rng = random.Random(8)
    for r in rows[::5]:
        r[2] = ago(400 * rng.random()).isoformat()  # another week, month or year
        r[4] = rng.randrange(11)
    for r in rows[1::9]:
        if r[10] == "":
            r[1] = "eve@example.com"  # another advisor
    rows[0][10] = ""  # bea's call is no longer named: its own fields count again
    rows[3][10], rows[3][1] = world["calls"][3].id, "ray@example.com"  # ray's call now is
    path = write_csv(tmp_path / "again.csv", rows, header=HEADER + ["recording_id"])
    report = import_file(path)
    assert report.ok and report.updated == len(rows)
    check(world["people"], monkeypatch)


def test_a_calls_outcome_edit_and_deletions_keep_the_cells(world, monkeypatch):
    people, calls = world["people"], world["calls"]
    call = calls[0]
    update_details(call, CallDetails(advisor=people["ali"], called_at=ago(95), nps=0, csat=2,
                                     resolved=False), acting=people["admin"])
    db.session.commit()
    check(people, monkeypatch)
    delete_recording(calls[3], acting=people["admin"])  # its own fields go with it
    delete_recording(calls[1], acting=people["admin"])  # named: its outcome row stays
    db.session.commit()
    check(people, monkeypatch)
    outcome = db.session.scalar(sa.select(Outcome).where(Outcome.interaction_id == "i12"))
    outcome.occurred_at, outcome.nps = ago(33), 10
    db.session.delete(db.session.scalar(sa.select(Outcome)
                                        .where(Outcome.interaction_id == "i13")))
    db.session.commit()
    check(people, monkeypatch)


def test_an_upload_counts_at_once(world, monkeypatch, make_recording):
    make_recording(world["people"]["cal"], called_at=ago(50), nps=7, csat=4, resolved=True)
    check(world["people"], monkeypatch)


def test_writes_that_do_not_keep_the_cells_make_them_unused_until_rebuilt(world, monkeypatch,
                                                                         app):
    people = world["people"]
    db.session.execute(sa.update(Outcome).where(Outcome.advisor_id == people["ali"].id)
                       .values(nps=10))
    db.session.commit()
    assert not sums.usable()  # stale: the dashboards read raw rows
    assert fig.by_advisor(people["admin"], fig.Scope(ago(365), ago(0)))[
        people["ali"].id].promoters > 0
    assert import_file(world["path"]).ok  # any refresh rebuilds every cell
    check(people, monkeypatch)
    app.config["PERFORMANCE_RESPONSE_TARGET_H"] = 2  # the cells counted against 24 h
    assert not sums.usable()
    sums.check_at_worker_start(app)
    check(people, monkeypatch)


@pytest.mark.parametrize("span", sums.SPANS)
def test_cells_and_stretches_add_up_to_each_bucket(span):
    """Whatever the cuts (local midnights of any zone, buckets shorter than a cell), the
    cells between the moved cuts plus the signed stretches cover each bucket exactly once."""
    rng = random.Random(span)
    for _ in range(200):
        start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC) + dt.timedelta(
            minutes=15 * rng.randrange(4 * 24 * 400))
        cuts = [start]
        for _ in range(rng.randrange(1, 8)):
            cuts.append(cuts[-1] + dt.timedelta(minutes=15 * rng.randrange(1, 4 * 24 * 50)))
        boundaries, stretches = sums.plan(span, cuts)
        moved = [sums.cell_start(span, b) for b in boundaries]
        points = sorted(set(cuts) | set(moved))
        for lo, hi in zip(points, points[1:], strict=False):
            middle = lo + (hi - lo) / 2
            for k in range(len(cuts) - 1):
                expected = int(cuts[k] <= middle < cuts[k + 1])
                counted = int(moved[k] <= middle < moved[k + 1])
                counted += sum(signs.get(k, 0) for a, b, signs in stretches if a <= middle < b)
                assert counted == expected


def test_cell_numbers_match_the_databases(app, people, tmp_path):
    """The SQL that files a row into its week and month agrees with the Python."""
    whens = [dt.datetime(2026, 3, 29, 0, 59, 59, tzinfo=dt.UTC),  # a Sunday, before DST
             dt.datetime(2026, 3, 30, 0, 0, tzinfo=dt.UTC),  # a Monday
             dt.datetime(2025, 12, 31, 23, 59, 59, 999999, tzinfo=dt.UTC),
             dt.datetime(2026, 1, 1, tzinfo=dt.UTC), dt.datetime(1970, 1, 2, tzinfo=dt.UTC)]
    rows = [[f"w{k}", "ali@example.com", when.isoformat(), "chat", 9, "", "", 10, "", "no"]
            for k, when in enumerate(whens)]
    assert import_file(write_csv(tmp_path / "w.csv", rows)).ok
    for span in sums.SPANS:
        found = dict(db.session.execute(sa.select(
            Outcome.occurred_at, sums.cell_expr(span, Outcome.occurred_at))).all())
        assert found == {when: sums.cell_of(span, when) for when in whens}
        for when in whens:
            cell = sums.cell_of(span, when)
            assert sums.cell_start(span, cell) <= when < sums.cell_start(span, cell + 1)
    assert db.session.get(OutcomeSumsState, 1) is not None


def test_the_middle_of_a_histogram():
    assert fig._middle([0, 0, 0]) is None
    # (first bin, last bin, ranks of the middle two among the replies of those bins)
    assert fig._middle([0, 3, 0]) == (1, 1, 1, 1)  # one middle reply, second of the bin
    assert fig._middle([2, 0, 2]) == (0, 2, 1, 2)  # the last of bin 0, the first of bin 2
    assert fig._middle([1, 2, 1]) == (1, 1, 0, 1)


def test_figures_equality_covers_every_field():
    """The checks above compare Figures with ==: it must compare the medians and bands."""
    names = {f.name for f in dataclasses.fields(fig.Figures)}
    assert {"response_median", "bands", *sums.NUMBERS} <= names
