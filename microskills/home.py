"""The microskills package's card on advisors' start pages, and its part of "last reviewed"."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask import render_template
from markupsafe import Markup

from coachlab.auth.models import Role, User
from coachlab.db import db
from coachlab.plugins import HomeCard
from coachlab.recordings.models import Recording
from microskills.models import UtteranceTag

PROFILE_DAYS = 90


def strengths_and_focus(user: User, since: dt.datetime) -> Markup:
    """An advisor's two strongest microskills and the one area to work on next."""
    from microskills.profile import build_profile

    profile = build_profile(user, viewer=user, days=PROFILE_DAYS)
    return Markup(render_template(
        "microskills/home/focus.html", profile=profile, strengths=profile.strengths[:2],
        focus=profile.improvements[0] if profile.improvements else None, days=PROFILE_DAYS))


def last_tag_reviews(advisor_ids: list[int]) -> dict[int, dt.datetime]:
    """An advisor was reviewed when a coach or admin confirmed or rejected tags on a call."""
    if not advisor_ids:
        return {}
    reviewers = sa.select(User.id).where(User.role.in_([Role.COACH, Role.ADMIN]))
    rows = db.session.execute(
        sa.select(Recording.advisor_id, sa.func.max(UtteranceTag.reviewed_at))
        .join(UtteranceTag, UtteranceTag.recording_id == Recording.id)
        .where(Recording.advisor_id.in_(advisor_ids), UtteranceTag.reviewed_at.is_not(None),
               UtteranceTag.reviewed_by_id.in_(reviewers))
        .group_by(Recording.advisor_id))
    return {advisor_id: (when.replace(tzinfo=dt.UTC) if when.tzinfo is None else when)
            for advisor_id, when in rows}


CARDS = (
    HomeCard("microskills.focus", frozenset({Role.ADVISOR.value}), strengths_and_focus, order=20),
)
