"""The clips package's cards on the start page, and its part of "last reviewed"."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask import render_template
from markupsafe import Markup

from clips.access import visible_clips
from clips.models import Clip, ClipComment, MomentSuggestion, SuggestionStatus
from coachlab import access
from coachlab.auth.models import Role, User
from coachlab.db import db
from coachlab.plugins import HomeCard
from coachlab.recordings.models import Recording

COMMENTS_SHOWN = 5


def waiting_suggestions(user: User, since: dt.datetime) -> Markup | None:
    """Coaches: open suggested moments, per advisor, with the call that has the most."""
    rows = db.session.execute(
        sa.select(Recording.advisor_id, Recording.id, sa.func.count(MomentSuggestion.id))
        .join(MomentSuggestion, MomentSuggestion.recording_id == Recording.id)
        .where(MomentSuggestion.status == SuggestionStatus.OPEN,
               Recording.id.in_(access.visible_recording_ids(user)))
        .group_by(Recording.advisor_id, Recording.id)).all()
    per_advisor: dict[int, list[int]] = {}  # advisor -> [moments, calls, busiest call, its count]
    for advisor_id, recording_id, count in rows:
        entry = per_advisor.setdefault(advisor_id, [0, 0, recording_id, 0])
        entry[0] += count
        entry[1] += 1
        if count > entry[3]:
            entry[2], entry[3] = recording_id, count
    advisors = {a.id: a for a in db.session.scalars(
        sa.select(User).where(User.id.in_(list(per_advisor))))} if per_advisor else {}
    waiting = sorted(((advisors[a], *v[:3]) for a, v in per_advisor.items() if a in advisors),
                     key=lambda row: (-row[1], row[0].name))
    return Markup(render_template("clips/home/suggestions.html", waiting=waiting))


def new_comments(user: User, since: dt.datetime) -> Markup:
    """Comments others left since the last visit: on an advisor's own clips, on the clips of
    a coach's teams."""
    clips = visible_clips(user)
    if user.role is Role.ADVISOR:
        clips = clips.where(Clip.advisor_id == user.id)
    elif user.role is Role.COACH:
        clips = clips.where(access.led_by(user, Clip.team_id))
    clip_ids = clips.with_only_columns(Clip.id)
    base = (sa.select(ClipComment)
            .where(ClipComment.clip_id.in_(clip_ids), ClipComment.created_at >= since,
                   sa.or_(ClipComment.author_id.is_(None), ClipComment.author_id != user.id)))
    total = db.session.scalar(base.with_only_columns(sa.func.count())) or 0
    comments = db.session.scalars(
        base.options(sa.orm.joinedload(ClipComment.clip), sa.orm.joinedload(ClipComment.author))
        .order_by(ClipComment.created_at.desc()).limit(COMMENTS_SHOWN)).all()
    return Markup(render_template("clips/home/comments.html", comments=comments, total=total,
                                  since=since, advisor=user.role is Role.ADVISOR))


def last_clip_reviews(advisor_ids: list[int]) -> dict[int, dt.datetime]:
    """An advisor was reviewed when a coach or admin cut a clip of their call or commented on
    one of their clips."""
    if not advisor_ids:
        return {}
    reviewers = sa.select(User.id).where(User.role.in_([Role.COACH, Role.ADMIN]))
    latest: dict[int, dt.datetime] = {}
    for advisor_id, when in db.session.execute(
            sa.select(Clip.advisor_id, sa.func.max(Clip.created_at))
            .where(Clip.advisor_id.in_(advisor_ids), Clip.cut_by_id.in_(reviewers))
            .group_by(Clip.advisor_id)):
        latest[advisor_id] = when
    for advisor_id, when in db.session.execute(
            sa.select(Clip.advisor_id, sa.func.max(ClipComment.created_at))
            .join(ClipComment, ClipComment.clip_id == Clip.id)
            .where(Clip.advisor_id.in_(advisor_ids), ClipComment.author_id.in_(reviewers))
            .group_by(Clip.advisor_id)):
        when = _aware(when)
        if advisor_id not in latest or when > latest[advisor_id]:
            latest[advisor_id] = when
    return {a: _aware(w) for a, w in latest.items()}


def _aware(value: dt.datetime) -> dt.datetime:
    """max() over a UTC column comes back raw (naive on SQLite)."""
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value


CARDS = (
    HomeCard("clips.suggestions", frozenset({Role.COACH.value}), waiting_suggestions, order=20),
    HomeCard("clips.comments", frozenset({Role.COACH.value, Role.ADVISOR.value}), new_comments,
             order=30),
)
