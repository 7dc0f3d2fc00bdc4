"""The clip library loads a page's advisors, teams and microskills with its clips (issue 13):
its SQL statements do not grow with the cards it shows."""

from __future__ import annotations

import sqlalchemy as sa

from clips.models import Clip, ClipKind, ClipStatus, Visibility
from coachlab.db import db


def add_clips(recording, people, n: int) -> None:
    who = [(people["advisor"], people["blue"]), (people["peer"], people["blue"]),
           (people["outsider"], people["red"])]
    for i in range(n):
        advisor, team = who[i % len(who)]
        db.session.add(Clip(
            recording_id=recording.id, advisor=advisor, team=team, cut_by=people["coach"],
            title=f"Moment {i}", kind=ClipKind.GOOD_MOMENT, reason="Empathy first",
            visibility=Visibility.LIBRARY, start=0.5, end=3.0, status=ClipStatus.READY,
            microskills=["W.empathy", "A.greeting"][:1 + i % 2]))
    db.session.commit()


def statements_of(client, url: str) -> tuple[int, str]:
    count = 0

    def counted(*_args, **_kwargs) -> None:
        nonlocal count
        count += 1

    sa.event.listen(db.engine, "before_cursor_execute", counted)
    try:
        response = client.get(url)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", counted)
    assert response.status_code == 200
    return count, response.get_data(as_text=True)


def test_the_librarys_statements_do_not_grow_with_its_cards(client, login, recording, people):
    login(people["admin"])
    add_clips(recording, people, 1)
    statements_of(client, "/clips/")  # warm up
    one, _page = statements_of(client, "/clips/")
    add_clips(recording, people, 8)
    statements_of(client, "/clips/")  # the same warm-up after adding
    nine, page = statements_of(client, "/clips/")
    assert page.count('class="clip-card"') == 9
    assert "Otto Outsider" in page and "Pat Peer" in page and "Red" in page
    assert nine == one
