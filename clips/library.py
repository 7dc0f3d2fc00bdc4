"""The clip library's queries: what a viewer may browse, the filter choices it offers (only
advisors, teams and microskills that occur among those clips) and the filters themselves."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from clips.access import visible_clips
from clips.models import Clip, ClipKind, ClipMicroskill, ClipStatus, Visibility
from coachlab.auth.models import Team, User
from coachlab.db import db


def library(user: User) -> sa.Select:
    """Every clip the user may see."""
    return visible_clips(user)


def good_calls(user: User) -> sa.Select:
    """Peers' good moments shared with the team or the library; not the user's own."""
    return visible_clips(user).where(
        Clip.kind == ClipKind.GOOD_MOMENT, Clip.advisor_id != user.id,
        Clip.visibility.in_([Visibility.TEAM, Visibility.LIBRARY]),
        Clip.status == ClipStatus.READY)


@dataclass(frozen=True, slots=True)
class FilterChoices:
    advisors: list[User]
    teams: list[Team]
    microskills: set[str]


def filter_choices(query: sa.Select) -> FilterChoices:
    """The advisors, teams and microskills found among the clips of ``query``."""
    advisors = db.session.scalars(sa.select(User).where(
        User.id.in_(query.with_only_columns(Clip.advisor_id))).order_by(User.name)).all()
    teams = db.session.scalars(sa.select(Team).where(
        Team.id.in_(query.with_only_columns(Clip.team_id))).order_by(Team.name)).all()
    used = set(db.session.scalars(sa.select(ClipMicroskill.code).where(
        ClipMicroskill.clip_id.in_(query.with_only_columns(Clip.id)))))
    return FilterChoices(list(advisors), list(teams), used)


#: What a clip card shows besides the clip, loaded with the page's clips: two queries a page
#: (the clips with their advisors and teams, then their microskills), not three a card.
CARD_LOADS = (sa.orm.joinedload(Clip.advisor), sa.orm.joinedload(Clip.team),
              sa.orm.selectinload(Clip.microskill_rows))


def filtered(query: sa.Select, *, microskill: str = "", kind: str = "",
             advisor_id: int | None = None, team_id: int | None = None) -> sa.Select:
    if microskill:
        query = query.where(Clip.id.in_(sa.select(ClipMicroskill.clip_id).where(
            ClipMicroskill.code == microskill)))
    if kind:
        query = query.where(Clip.kind == ClipKind(kind))
    if advisor_id is not None:
        query = query.where(Clip.advisor_id == advisor_id)
    if team_id is not None:
        query = query.where(Clip.team_id == team_id)
    return query.order_by(Clip.created_at.desc(), Clip.id.desc()).options(*CARD_LOADS)

