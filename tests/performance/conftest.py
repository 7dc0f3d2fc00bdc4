"""Team Blue (coach Cora; advisors Ali, Bea, Cal, Dee, Eve) and team Red (Rex coaches Ray);
an admin. Helpers write CSV files and import them."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest

from coachlab.auth.models import Role
from performance import imports

HEADER = ["interaction_id", "advisor_email", "occurred_at", "channel", "nps", "csat",
          "resolved", "response_seconds", "converted", "new_customer"]


@pytest.fixture
def people(app, make_team, make_user):
    blue, red = make_team("Blue"), make_team("Red")
    found = {"blue": blue, "red": red,
             "coach": make_user(Role.COACH, led_teams=[blue], name="Cora Coach",
                                email="cora@example.com"),
             "rex": make_user(Role.COACH, led_teams=[red], name="Rex Coach",
                              email="rex@example.com"),
             "admin": make_user(Role.ADMIN, name="Ada Admin", email="ada@example.com")}
    for name in ("ali", "bea", "cal", "dee", "eve"):
        found[name] = make_user(team=blue, name=name.title(), email=f"{name}@example.com")
    found["ray"] = make_user(team=red, name="Ray", email="ray@example.com")
    return found


def write_csv(path: Path, rows: list[list], header: list[str] | None = None) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(header or HEADER)
        writer.writerows(rows)
    return path


def row(interaction_id, email, when, channel="call", nps="", csat="", resolved="",
        response="", converted="", new="no") -> list:
    if isinstance(when, dt.datetime):
        when = when.isoformat()
    return [interaction_id, email, when, channel, nps, csat, resolved, response, converted, new]


def import_file(path: Path, acting=None) -> imports.ImportReport:
    return imports.import_outcomes(lambda: path.open(encoding="utf-8-sig", newline=""),
                                   acting=acting)
