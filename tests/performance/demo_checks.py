"""Checks of the demo (``tests/demo/test_seed.py`` seeds once and runs them): ``seed-demo``
adds weeks of outcomes for the demo advisors and one audit of each band;
every performance page of the demo opens for the people who may see it."""

from __future__ import annotations

import re

import sqlalchemy as sa

from coachlab.db import db
from performance.models import Audit, Band, Outcome


def sign_in(client, email: str) -> None:
    response = client.post_form("/login", {"email": email, "password": "coachlab-demo"})
    assert response.status_code == 302


def check_outcomes_and_an_audit_of_each_band(client) -> None:
    assert db.session.scalar(sa.select(sa.func.count(Outcome.id))) >= 3 * 7 * 5
    bands = sorted(a.band.value for a in db.session.scalars(sa.select(Audit)))
    assert bands == sorted(b.value for b in Band)
    for email in ("coach@example.com", "admin@example.com", "advisor1@example.com"):
        sign_in(client, email)
        seen = set()
        for start in ("/", "/performance/", "/performance/audits"):
            response = client.get(start, follow_redirects=True)
            assert response.status_code == 200, (email, start)
            page = response.get_data(as_text=True)
            for link in set(re.findall(r'href="(/performance/[^"#]*)', page)) - seen:
                seen.add(link)
                link = link.replace("&amp;", "&")
                response = client.get(link)
                assert response.status_code in (200, 302), (email, link)
                response.close()
        client.post_form("/logout")
