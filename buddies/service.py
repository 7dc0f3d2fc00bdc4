"""Buddy pairings, suggestions, sharing, peer feedback, check-ins, kudos, the team wall and
skill champions. Typed functions with the acting user as a parameter; they flush, never
commit, and raise :class:`BuddyError` with a message for the person."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app

from buddies import access as buddy_access
from buddies.mail import tell
from buddies.models import (
    BuddyPairing,
    CheckIn,
    Kudos,
    PeerComment,
    PeerPrompt,
    SharedClip,
)
from buddies.rates import AdvisorRates, team_rates
from clips.access import visible_clips
from clips.models import Clip, ClipKind, Visibility
from coachlab import access
from coachlab.auth.models import Role, Team, User
from coachlab.db import db, utcnow
from microskills.service import skill_names

MAX_COMMENT = 2000
MAX_NOTE = 1000
MAX_MICROSKILLS = 3
MAX_PERIOD_DAYS = 366
PAIR = "see (clip, peer comments)"


class BuddyError(ValueError):
    """Refused with a message the person can act on."""


# --- pairings -----------------------------------------------------------------------------


def _check_pair(team: Team, a: User, b: User, starts_on: dt.date, ends_on: dt.date) -> None:
    if a.id == b.id:
        raise BuddyError("An advisor cannot be their own buddy: choose two different people.")
    for person in (a, b):
        if person.role is not Role.ADVISOR or not person.active:
            raise BuddyError(f"{person.name} is not an active advisor.")
        if person.team_id != team.id:
            raise BuddyError(f"{person.name} is not in {team.name}: buddies are paired within "
                             "one team.")
    if team.is_archived:
        raise BuddyError(f"{team.name} is archived.")
    if ends_on < starts_on:
        raise BuddyError("The pairing ends before it starts.")
    if (ends_on - starts_on).days > MAX_PERIOD_DAYS:
        raise BuddyError("A pairing lasts at most a year; rotate buddies before then.")


def make_pairing(team: Team, a: User, b: User, *, starts_on: dt.date, ends_on: dt.date,
                 acting: User, microskill: str = "", reason: str = "") -> BuddyPairing:
    """Pair ``a`` and ``b``; a current pairing of either ends today (rotation)."""
    access.require(acting, "make, suggest", "buddy pairing", team)
    _check_pair(team, a, b, starts_on, ends_on)
    today = buddy_access.today()
    for pairing in db.session.scalars(sa.select(BuddyPairing).where(
            BuddyPairing.ended_at.is_(None), BuddyPairing.ends_on >= starts_on,
            sa.or_(buddy_access.in_pairing(a), buddy_access.in_pairing(b)))):
        if pairing.starts_on <= today:
            pairing.ended_at = utcnow()  # rotated: kept as history
        else:
            db.session.delete(pairing)  # a future pairing that never started
    pairing = BuddyPairing(team=team, advisor_a=a, advisor_b=b, made_by=acting,
                           starts_on=starts_on, ends_on=ends_on, microskill=microskill,
                           reason=reason[:2000])
    db.session.add(pairing)
    db.session.flush()
    for person, other in ((a, b), (b, a)):
        tell(person, f"{acting.name} paired you with {other.name} as buddies from "
             f"{starts_on:%d %b} to {ends_on:%d %b}.",
             ("buddies.pairing", {"pairing_id": pairing.id}))
    return pairing


def end_pairing(pairing: BuddyPairing, *, acting: User) -> None:
    access.require(acting, "end", "buddy pairing", pairing)
    pairing.ended_at = utcnow()
    db.session.flush()


def pairings_of_team(team: Team) -> list[BuddyPairing]:
    return list(db.session.scalars(sa.select(BuddyPairing).where(BuddyPairing.team_id == team.id)
                                   .order_by(BuddyPairing.starts_on.desc(),
                                             BuddyPairing.id.desc())))


# --- suggestions --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Suggestion:
    weak: AdvisorRates
    strong: AdvisorRates
    code: str
    name: str

    @property
    def gap(self) -> float:
        return self.strong.rate(self.code) - self.weak.rate(self.code)

    @property
    def why(self) -> str:
        return (f"{self.weak.advisor.name} uses {self.name} {self.weak.evidence(self.code)}; "
                f"{self.strong.advisor.name} {self.strong.evidence(self.code)}.")


@dataclass(slots=True)
class Suggestions:
    pairs: list[Suggestion]
    unpaired: list[User]
    too_few_calls: list[User]


def recent_pairs(team: Team, on: dt.date | None = None) -> set[frozenset[int]]:
    """Pairs that ran in the last ``BUDDIES_ROTATION_DAYS`` days (or run now)."""
    on = on or buddy_access.today()
    days = current_app.config["BUDDIES_ROTATION_DAYS"]
    rows = db.session.execute(sa.select(BuddyPairing.advisor_a_id, BuddyPairing.advisor_b_id)
                              .where(BuddyPairing.team_id == team.id,
                                     BuddyPairing.ends_on >= on - dt.timedelta(days=days)))
    return {frozenset(row) for row in rows}


def suggest_pairings(team: Team, *, acting: User, days: int = 90) -> Suggestions:
    """Pair advisors weak on a microskill with teammates strong on it, the widest gaps first,
    each advisor once, never a pair of the last rotation days."""
    access.require(acting, "make, suggest", "buddy pairing", team)
    min_calls = current_app.config["BUDDIES_MIN_CALLS"]
    everyone = team_rates(team.id, days=days)
    rated = [r for r in everyone if r.calls >= min_calls]
    names = skill_names()
    avoid = recent_pairs(team)
    candidates = []
    for code, name in names.items():
        for weak in rated:
            for strong in rated:
                if weak is strong or frozenset((weak.advisor.id, strong.advisor.id)) in avoid:
                    continue
                if strong.rate(code) > weak.rate(code) and strong.calls_with.get(code):
                    candidates.append(Suggestion(weak, strong, code, name))
    candidates.sort(key=lambda s: (-s.gap, s.weak.advisor.name, s.strong.advisor.name, s.code))
    used: set[int] = set()
    pairs = []
    for candidate in candidates:
        ids = {candidate.weak.advisor.id, candidate.strong.advisor.id}
        if ids & used or math.isclose(candidate.gap, 0.0):
            continue
        pairs.append(candidate)
        used |= ids
    return Suggestions(pairs=pairs,
                       unpaired=[r.advisor for r in rated if r.advisor.id not in used],
                       too_few_calls=[r.advisor for r in everyone if r.calls < min_calls])


def accept_suggestion(team: Team, weak: User, strong: User, code: str, *, starts_on: dt.date,
                      ends_on: dt.date, acting: User) -> BuddyPairing:
    """Make the suggested pairing; the explanation is worked out again, not taken from the form."""
    found = next((s for s in suggest_pairings(team, acting=acting).pairs
                  if s.weak.advisor.id == weak.id and s.strong.advisor.id == strong.id
                  and s.code == code), None)
    if found is None:
        raise BuddyError("That suggestion no longer stands (the calls or pairings changed); "
                         "look at the new suggestions.")
    return make_pairing(team, weak, strong, starts_on=starts_on, ends_on=ends_on, acting=acting,
                        microskill=code, reason=found.why)


# --- sharing and peer feedback ------------------------------------------------------------


def shareable_clips(pairing: BuddyPairing, user: User) -> list[Clip]:
    if not pairing.includes(user):
        return []
    shared = {s.clip_id for s in pairing.shares}
    return [c for c in db.session.scalars(visible_clips(user).where(Clip.advisor_id == user.id)
                                          .order_by(Clip.created_at.desc()).limit(100))
            if c.id not in shared]


def share_clip(pairing: BuddyPairing, clip: Clip, *, acting: User, note: str = "") -> SharedClip:
    if not pairing.includes(acting) or not access.among(visible_clips(acting), clip):
        raise access.NotAllowed
    if clip.advisor_id != acting.id:
        raise BuddyError("Share your own clips only: this one is of another advisor.")
    if not pairing.is_current(buddy_access.today()):
        raise BuddyError("This pairing is not running now; clips are shared with a current "
                         "buddy.")
    access.require(acting, "share", "clip shared with a buddy", (pairing, clip))
    if any(s.clip_id == clip.id for s in pairing.shares):
        raise BuddyError("You already shared this clip with your buddy.")
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        raise BuddyError(f"A note has at most {MAX_NOTE} characters.")
    share = SharedClip(pairing=pairing, clip=clip, shared_by=acting, note=note)
    db.session.add(share)
    db.session.flush()
    tell(pairing.other(acting), f"{acting.name} shared a clip with you: {clip.title}",
         ("buddies.shared", {"share_id": share.id}))
    return share


def _clean_body(body: str | None) -> str:
    body = (body or "").strip()
    if not body:
        raise BuddyError("A comment cannot be empty.")
    if len(body) > MAX_COMMENT:
        raise BuddyError(f"A comment has at most {MAX_COMMENT} characters "
                         f"(this one has {len(body)}).")
    return body


def _clean_codes(codes: list[str] | None, *, required: bool) -> list[str]:
    codes = sorted(set(codes or []))
    if len(codes) > MAX_MICROSKILLS:
        raise BuddyError(f"Tag at most {MAX_MICROSKILLS} microskills (you chose {len(codes)}).")
    if required and not codes:
        raise BuddyError("Tag the comment with 1 to 3 microskills.")
    known = skill_names()
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise BuddyError(f"Unknown microskill: {', '.join(unknown)}.")
    return codes


def add_peer_comment(share: SharedClip, *, acting: User, body: str, at_second: float | None,
                     prompt: PeerPrompt | None = None, microskills: list[str] | None = None,
                     parent: PeerComment | None = None) -> PeerComment:
    """A timestamped comment framed by a prompt and tagged with 1-3 microskills, or a reply
    (``parent``: at its second, no prompt or tags needed)."""
    access.require(acting, "add, reply", "peer comment", share)
    body = _clean_body(body)
    if parent is not None:
        if parent.share_id != share.id:
            raise access.NotAllowed
        parent = parent.parent or parent  # one level of replies
        comment = PeerComment(share=share, author=acting, parent=parent, body=body,
                              at_second=parent.at_second, prompt=None,
                              microskills=_clean_codes(microskills, required=False))
    else:
        if prompt is None:
            raise BuddyError("Choose a prompt: what worked, one thing to try, or a question.")
        if at_second is None or not math.isfinite(at_second) or at_second < 0:
            raise BuddyError("The comment's second must be a number from 0.")
        length = share.clip.duration_s or share.clip.length
        comment = PeerComment(share=share, author=acting, prompt=prompt, body=body,
                              at_second=round(min(at_second, length), 1),
                              microskills=_clean_codes(microskills, required=True))
    db.session.add(comment)
    db.session.flush()
    target = ("buddies.shared", {"share_id": share.id, "_anchor": f"peer-comment-{comment.id}"})
    if parent is not None and parent.author is not None and parent.author_id != acting.id:
        tell(parent.author, f"{acting.name} replied to your comment on {share.clip.title}.",
             target)
    elif parent is None:
        tell(share.pairing.other(acting),
             f"{acting.name} commented on {share.clip.title}: {body[:80]}", target)
    return comment


def get_peer_comment(share: SharedClip, comment_id: int) -> PeerComment:
    comment = db.session.get(PeerComment, comment_id)
    if comment is None or comment.share_id != share.id:
        raise access.NotAllowed
    return comment


def edit_peer_comment(comment: PeerComment, *, acting: User, body: str) -> None:
    access.require(acting, "change, delete", "peer comment", comment)
    body = _clean_body(body)
    if body != comment.body:
        comment.body = body
        comment.edited_at = utcnow()
    db.session.flush()


def delete_peer_comment(comment: PeerComment, *, acting: User) -> None:
    access.require(acting, "change, delete", "peer comment", comment)
    db.session.delete(comment)
    db.session.flush()


# --- check-ins ----------------------------------------------------------------------------

HELP_QUESTION = "How can I help you do better?"
MANAGE_QUESTION = "How can you help me manage your performance better?"


def record_checkin(pairing: BuddyPairing, *, acting: User, help_answer: str,
                   manage_answer: str) -> CheckIn:
    access.require(acting, "record, see", "buddy check-in", pairing)
    help_answer, manage_answer = (help_answer or "").strip(), (manage_answer or "").strip()
    if not help_answer and not manage_answer:
        raise BuddyError("Answer at least one of the two questions.")
    if max(len(help_answer), len(manage_answer)) > MAX_COMMENT:
        raise BuddyError(f"An answer has at most {MAX_COMMENT} characters.")
    checkin = CheckIn(pairing=pairing, author=acting, help_answer=help_answer,
                      manage_answer=manage_answer)
    db.session.add(checkin)
    db.session.flush()
    tell(pairing.other(acting), f"{acting.name} answered your check-in questions.",
         ("buddies.pairing", {"pairing_id": pairing.id, "_anchor": "checkins"}))
    return checkin


# --- kudos --------------------------------------------------------------------------------


def give_kudos(clip: Clip, *, acting: User, microskill: str, message: str = "") -> Kudos:
    if not access.among(visible_clips(acting), clip):
        raise access.NotAllowed
    if clip.advisor_id == acting.id:
        raise BuddyError("Kudos are for teammates: you cannot give kudos on your own clip.")
    if clip.kind is not ClipKind.GOOD_MOMENT:
        raise BuddyError("Kudos go to good moments; this clip is a "
                         f"{clip.kind.label.lower()}.")
    if clip.team_id is None or not access.can(acting, "give", "kudos", clip):
        raise BuddyError("Kudos are given within the team: this clip is of another team.")
    if microskill not in skill_names():
        raise BuddyError("Choose the microskill the moment shows.")
    message = (message or "").strip()
    if len(message) > MAX_NOTE:
        raise BuddyError(f"A kudos message has at most {MAX_NOTE} characters.")
    if db.session.scalar(sa.select(Kudos.id).where(Kudos.clip_id == clip.id,
                                                   Kudos.giver_id == acting.id)):
        raise BuddyError("You already gave kudos on this clip.")
    kudos = Kudos(clip=clip, giver=acting, receiver=clip.advisor, team_id=clip.team_id,
                  microskill=microskill, message=message)
    db.session.add(kudos)
    db.session.flush()
    tell(clip.advisor, f"{acting.name} gave you kudos for {skill_names()[microskill]}: "
         f"{clip.title}", ("buddies.wall", {"team": clip.team_id}))
    return kudos


def kudos_for(advisor: User, viewer: User, limit: int = 20) -> list[Kudos]:
    return list(db.session.scalars(buddy_access.kudos_visible(viewer)
                                   .where(Kudos.receiver_id == advisor.id)
                                   .order_by(Kudos.created_at.desc()).limit(limit)))


def kudos_candidates(user: User, team: Team, limit: int = 30) -> list[Clip]:
    """Teammates' good moments ``user`` sees and has not recognised yet."""
    given = sa.select(Kudos.clip_id).where(Kudos.giver_id == user.id)
    return list(db.session.scalars(
        visible_clips(user).where(Clip.team_id == team.id, Clip.kind == ClipKind.GOOD_MOMENT,
                                  Clip.advisor_id != user.id, Clip.id.not_in(given))
        .order_by(Clip.created_at.desc()).limit(limit)))


# --- the team wall ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class WallItem:
    kind: str  # "praise", "kudos", "clip"
    when: dt.datetime
    title: str
    text: str
    clip_id: int | None = None  # the clip it links to, when the viewer sees it
    microskill: str = ""


def team_wall(team: Team, *, viewer: User, limit: int = 60) -> list[WallItem]:
    """Published praise, kudos, new team and library clips of the team, and achieved goals
    their advisors shared, newest first. Never an improvement point, a private note or a
    peer comment."""
    from sessions.access import published_praise
    from sessions.models import CoachingSession

    access.require(viewer, "see", "team wall, skill champions", team)
    names = skill_names()
    items: list[WallItem] = []
    for point in db.session.scalars(published_praise(viewer)
                                    .where(CoachingSession.team_id == team.id)
                                    .order_by(CoachingSession.held_at.desc()).limit(limit)):
        items.append(WallItem("praise", point.session.held_at or point.created_at,
                              f"Praise for {point.session.advisor.name}", point.text,
                              microskill=names.get(point.microskill, point.microskill)))
    for kudos in db.session.scalars(buddy_access.kudos_visible(viewer)
                                    .where(Kudos.team_id == team.id)
                                    .order_by(Kudos.created_at.desc()).limit(limit)):
        clip_id = kudos.clip_id if access.among(visible_clips(viewer), kudos.clip) else None
        items.append(WallItem("kudos", kudos.created_at,
                              f"{kudos.giver.name} → {kudos.receiver.name}: {kudos.clip.title}",
                              kudos.message, clip_id,
                              names.get(kudos.microskill, kudos.microskill)))
    for clip in db.session.scalars(
            visible_clips(viewer).where(Clip.team_id == team.id,
                                        Clip.visibility.in_([Visibility.TEAM, Visibility.LIBRARY]))
            .order_by(Clip.created_at.desc()).limit(limit)):
        where = "the library" if clip.visibility is Visibility.LIBRARY else "the team"
        items.append(WallItem("clip", clip.created_at, f"New clip in {where}: {clip.title}",
                              f"{clip.advisor.name} · {clip.kind.label}",
                              clip.id))
    items.extend(_shared_goals(team, limit))
    items.sort(key=lambda i: i.when, reverse=True)
    return items[:limit]


def _shared_goals(team: Team, limit: int) -> list[WallItem]:
    """Achieved goals their advisors chose to share with the team."""
    from sessions.measures import METRICS, metric_name
    from sessions.models import CoachingSession, Goal, GoalState

    names = skill_names()
    found = []
    for goal in db.session.scalars(
            sa.select(Goal).join(CoachingSession, CoachingSession.id == Goal.session_id)
            .where(CoachingSession.team_id == team.id, Goal.shared.is_(True),
                   Goal.state == GoalState.ACHIEVED)
            .order_by(Goal.achieved_at.desc()).limit(limit)):
        metric = METRICS.get(goal.metric)
        reached = metric.format(goal.current) if metric else ""
        found.append(WallItem("goal", goal.achieved_at or goal.created_at,
                              f"{goal.advisor.name} reached a goal",
                              f"{metric_name(goal.metric, goal.microskill, names)}: {reached}"))
    return found


# --- skill champions ----------------------------------------------------------------------


@dataclass(slots=True)
class Champion:
    rates: AdvisorRates
    clips: list[Clip]


def skill_champions(team: Team, *, viewer: User, days: int = 90, per_skill: int = 3
                    ) -> list[tuple[str, str, list[Champion]]]:
    """Per microskill, the team's strongest advisors by per-call rate, each with at least
    ``BUDDIES_MIN_CALLS`` tagged calls; with their clips of it the viewer may see."""
    access.require(viewer, "see", "team wall, skill champions", team)
    min_calls = current_app.config["BUDDIES_MIN_CALLS"]
    rated = [r for r in team_rates(team.id, days=days) if r.calls >= min_calls]
    from clips.models import ClipMicroskill

    found = []
    for code, name in skill_names().items():
        best = sorted((r for r in rated if r.counts.get(code)),
                      key=lambda r: (-r.rate(code), -r.calls, r.advisor.name))[:per_skill]
        if not best:
            continue
        champions = []
        for rates in best:
            clips = list(db.session.scalars(
                visible_clips(viewer).join(ClipMicroskill, ClipMicroskill.clip_id == Clip.id)
                .where(Clip.advisor_id == rates.advisor.id, ClipMicroskill.code == code)
                .order_by(Clip.created_at.desc()).limit(3)))
            champions.append(Champion(rates, clips))
        found.append((code, name, champions))
    return found


def teams_for(user: User) -> list[Team]:
    return list(db.session.scalars(access.visible_teams(user).where(Team.archived_at.is_(None))
                                   .order_by(Team.name)))
