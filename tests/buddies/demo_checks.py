"""Checks of the demo (``tests/demo/test_seed.py`` seeds once and runs them): ``seed-demo``
pairs advisor1 with advisor2, with a shared clip, peer comments, a reply, a
check-in and kudos; the pages open for the pair and stay closed to everyone else."""

from __future__ import annotations

import re

import sqlalchemy as sa

from buddies.models import BuddyPairing, Kudos, PeerComment, SharedClip
from coachlab.db import db


def sign_in(client, email: str) -> None:
    response = client.post_form("/login", {"email": email, "password": "coachlab-demo"})
    assert response.status_code == 302


def check_a_pairing_with_peer_comments(client, output: str) -> None:
    assert "buddies:" in output
    pairing = db.session.scalar(sa.select(BuddyPairing))
    assert {pairing.advisor_a.email, pairing.advisor_b.email} == {"advisor1@example.com",
                                                                  "advisor2@example.com"}
    share = db.session.scalar(sa.select(SharedClip))
    comments = db.session.scalars(sa.select(PeerComment)).all()
    assert len(comments) == 3 and any(c.parent_id for c in comments)
    assert db.session.scalar(sa.select(sa.func.count(Kudos.id))) == 1

    sign_in(client, "advisor1@example.com")
    html = client.get(f"/buddies/shared/{share.id}").get_data(as_text=True)
    assert "Using the customer" in html and "Thanks! I will keep doing it." in html
    # every buddies link on the pages of the pair opens
    seen = set()
    for start in ("/buddies/", f"/buddies/pairings/{pairing.id}", "/buddies/wall",
                  "/buddies/champions", "/"):
        page = client.get(start).get_data(as_text=True)
        for link in set(re.findall(r'href="(/buddies/[^"#]*)', page)) - seen:
            seen.add(link)
            response = client.get(link)
            assert response.status_code == 200, link
            response.close()
    client.post_form("/logout")

    for outsider in ("advisor3@example.com", "coach@example.com", "admin@example.com",
                     "coach2@example.com"):
        sign_in(client, outsider)
        assert client.get(f"/buddies/shared/{share.id}").status_code == 404, outsider
        client.post_form("/logout")
    sign_in(client, "advisor3@example.com")
    assert client.get(f"/buddies/pairings/{pairing.id}").status_code == 404
    client.post_form("/logout")
