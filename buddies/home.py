"""Buddies' cards on the start pages, and kudos as evidence on the receiver's profile."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask import render_template, url_for
from markupsafe import Markup

from buddies import access as buddy_access
from buddies import service
from buddies.models import BuddyPairing, Kudos, PeerComment, SharedClip
from buddies.rates import team_advisors
from coachlab.auth.models import Role, User
from coachlab.db import db
from coachlab.plugins import EvidenceLink, HomeCard
from microskills.service import skill_names

SHOWN = 5


def advisor_buddy(user: User, since: dt.datetime) -> Markup:
    pairing = buddy_access.current_pairing_of(user)
    new_comments = []
    if pairing is not None:
        new_comments = db.session.scalars(
            sa.select(PeerComment).join(SharedClip)
            .where(SharedClip.pairing_id == pairing.id, PeerComment.author_id != user.id,
                   PeerComment.created_at >= since)
            .order_by(PeerComment.created_at.desc()).limit(SHOWN)).all()
    kudos = service.kudos_for(user, user, limit=SHOWN)
    return Markup(render_template("buddies/home/advisor.html", pairing=pairing,
                                  buddy=pairing.other(user) if pairing else None,
                                  new_comments=new_comments, kudos=kudos, names=skill_names()))


def coach_buddies(user: User, since: dt.datetime) -> Markup | None:
    teams = service.teams_for(user)
    if not teams:
        return None
    rows = []
    for team in teams:
        current = db.session.scalar(
            sa.select(sa.func.count(BuddyPairing.id))
            .where(BuddyPairing.team_id == team.id, buddy_access.current_pairings())) or 0
        rows.append((team, current, len(team_advisors(team.id))))
    return Markup(render_template("buddies/home/coach.html", rows=rows))


def kudos_evidence(advisor: User, codes: list[str], viewer: User) -> dict[str, list]:
    """Kudos the advisor received, shown with the microskill they were given for."""
    if not codes:
        return {}
    found: dict[str, list[EvidenceLink]] = {}
    for kudos in db.session.scalars(buddy_access.kudos_visible(viewer).where(
            Kudos.receiver_id == advisor.id, Kudos.microskill.in_(codes))
            .order_by(Kudos.created_at.desc()).limit(20)):
        found.setdefault(kudos.microskill, []).append(EvidenceLink(
            title=f"Kudos from {kudos.giver.name}: {kudos.clip.title}",
            url=url_for("buddies.wall", team=kudos.team_id),
            note=kudos.message or "kudos (not counted in any score)"))
    return found


CARDS = (
    HomeCard("buddies.advisor", frozenset({Role.ADVISOR.value}), advisor_buddy, order=25),
    HomeCard("buddies.coach", frozenset({Role.COACH.value}), coach_buddies, order=45),
)
