"""Buddies' part of the access policy. "Buddy" is a relationship, not a role: two advisors
of a team a coach paired (:func:`are_buddies`).

Peer feedback is private to the pair: a clip shared with a buddy, its peer comments and the
pair's check-ins are seen by the two buddies only (not their coach, not admins: feedback
between peers carries no consequences). Kudos are public to the team.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from buddies.models import BuddyPairing, Kudos, PeerComment, SharedClip, TeamExperiment
from clips.access import visible_clips
from clips.models import Clip, ClipKind
from coachlab import access, timezones
from coachlab.access import Rule, coaches_team, led_by, member_team_ids
from coachlab.auth.models import Role, Team, User
from coachlab.db import db


def today() -> dt.date:
    """Today in the site's zone: pairing periods are days of the site."""
    return timezones.local_now(timezones.site_zone()).date()


# --- relationships ------------------------------------------------------------------------


def in_pairing(user: User) -> sa.ColumnElement[bool]:
    return sa.or_(BuddyPairing.advisor_a_id == user.id, BuddyPairing.advisor_b_id == user.id)


def current_pairings(on: dt.date | None = None) -> sa.ColumnElement[bool]:
    on = on or today()
    return sa.and_(BuddyPairing.ended_at.is_(None), BuddyPairing.starts_on <= on,
                   BuddyPairing.ends_on >= on)


def are_buddies(user: User, advisor: User) -> bool:
    """``user`` and ``advisor`` are paired now."""
    if user.id == advisor.id:
        return False
    return db.session.scalar(
        sa.select(BuddyPairing.id).where(
            current_pairings(),
            sa.or_(sa.and_(BuddyPairing.advisor_a_id == user.id,
                           BuddyPairing.advisor_b_id == advisor.id),
                   sa.and_(BuddyPairing.advisor_a_id == advisor.id,
                           BuddyPairing.advisor_b_id == user.id))).limit(1)) is not None


def current_pairing_of(user: User) -> BuddyPairing | None:
    return db.session.scalars(sa.select(BuddyPairing).where(in_pairing(user), current_pairings())
                              .order_by(BuddyPairing.starts_on.desc())).first()


# --- what a viewer may see, as queries ----------------------------------------------------


def visible_pairings(user: User) -> sa.Select:
    """Admins all; coaches their led teams' pairings; advisors the pairings they are in."""
    query = sa.select(BuddyPairing)
    if user.role is Role.ADMIN:
        return query
    if user.role is Role.COACH:
        return query.where(led_by(user, BuddyPairing.team_id))
    return query.where(in_pairing(user))


def get_visible_pairing(user: User, pairing_id: int) -> BuddyPairing:
    return access.one_visible(visible_pairings(user).where(BuddyPairing.id == pairing_id))


def pair_shares(user: User) -> sa.Select:
    """The clips shared in the pairings ``user`` is one of the two of (nobody else's)."""
    return (sa.select(SharedClip).join(BuddyPairing, BuddyPairing.id == SharedClip.pairing_id)
            .where(in_pairing(user)))


def get_pair_share(user: User, share_id: int) -> SharedClip:
    return access.one_visible(pair_shares(user).where(SharedClip.id == share_id))


def kudos_visible(user: User) -> sa.Select:
    """Kudos of the teams the viewer belongs to or leads (admins: all)."""
    query = sa.select(Kudos)
    if user.role is Role.ADMIN:
        return query
    return query.where(Kudos.team_id.in_(sorted(member_team_ids(user))))


# --- the rules ----------------------------------------------------------------------------


def can_pair_in(user: User, team: Team) -> bool:
    return user.role is Role.ADMIN or coaches_team(user, team.id)


def can_end(user: User, pairing: BuddyPairing) -> bool:
    return pairing.ended_at is None and (user.role is Role.ADMIN
                                         or coaches_team(user, pairing.team_id))


def can_share(user: User, pair_and_clip: tuple[BuddyPairing, Clip]) -> bool:
    """One of the pair shares a clip of their own that they see, while the pairing runs."""
    pairing, clip = pair_and_clip
    return (pairing.includes(user) and pairing.is_current(today())
            and clip.advisor_id == user.id and access.among(visible_clips(user), clip))


def in_the_pair(user: User, share: SharedClip) -> bool:
    return share.pairing.includes(user)


def can_change_peer_comment(user: User, comment: PeerComment) -> bool:
    return comment.author_id == user.id and comment.share.pairing.includes(user)


def can_give_kudos(user: User, clip: Clip) -> bool:
    """A member or coach of the clip's team who sees the good moment and is not its advisor."""
    return (clip.kind is ClipKind.GOOD_MOMENT and clip.advisor_id != user.id
            and clip.team_id is not None and clip.team_id in member_team_ids(user)
            and access.among(visible_clips(user), clip))


def can_see_team(user: User, team: Team) -> bool:
    return user.role is Role.ADMIN or team.id in member_team_ids(user)


def can_record_checkin(user: User, pairing: BuddyPairing) -> bool:
    return pairing.includes(user)


def visible_experiments(user: User) -> sa.Select:
    query = sa.select(TeamExperiment)
    if user.role is Role.ADMIN:
        return query
    return query.where(TeamExperiment.team_id.in_(sorted(member_team_ids(user))))


def get_visible_experiment(user: User, experiment_id: int) -> TeamExperiment:
    return access.one_visible(visible_experiments(user)
                              .where(TeamExperiment.id == experiment_id))


def can_propose(user: User, team: Team) -> bool:
    return team.id in member_team_ids(user) and team.archived_at is None


def can_join(user: User, experiment: TeamExperiment) -> bool:
    return (user.role is Role.ADVISOR and user.team_id == experiment.team_id
            and experiment.ends_on >= today())


RULES = (
    Rule("buddy pairing", "make, suggest", "Coaches of the team, admins; two different active "
         "advisors of that one team.", can_pair_in),
    Rule("buddy pairing", "see", "Its two advisors, coaches of its team, admins.",
         lambda user, pairing: access.among(visible_pairings(user), pairing)),
    Rule("buddy pairing", "end", "Coaches of its team, admins.", can_end),
    Rule("clip shared with a buddy", "share", "One of the pair, a clip of their own they see, "
         "while the pairing runs.", can_share),
    Rule("clip shared with a buddy", "see (clip, peer comments)", "The two buddies only: not "
         "teammates, coaches or admins. Nothing else of one buddy's shows to the other.",
         in_the_pair),
    Rule("peer comment", "add, reply", "The two buddies, on a clip shared in their pairing.",
         in_the_pair),
    Rule("peer comment", "change, delete", "Its author, while one of the pair.",
         can_change_peer_comment),
    Rule("buddy check-in", "record, see", "The two buddies.", can_record_checkin),
    Rule("kudos", "give", "Members and coaches of the clip's team who see the good-moment "
         "clip, but not its advisor.", can_give_kudos),
    Rule("team wall, skill champions", "see", "Members and coaches of the team, admins. The "
         "wall never shows an improvement point, a private note or a peer comment.",
         can_see_team),
    Rule("team experiment", "propose", "Members and coaches of the team.", can_propose),
    Rule("team experiment", "see (and its outcome)", "Members and coaches of the team, admins.",
         lambda user, experiment: access.among(visible_experiments(user), experiment)),
    Rule("team experiment", "join, leave", "Advisors of the team, until it ends.", can_join),
)
