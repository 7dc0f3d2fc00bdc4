"""The start page: for each role, what needs them now.

The page is a list of cards (:class:`coachlab.plugins.HomeCard`) registered by the core and
the domain packages; each says what is new since the user's previous visit or what waits
for them, and links to where to act. A card with nothing to say is left out, unless it is
the kind whose absence is news ("nothing waiting").
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask import Flask, Response, jsonify, render_template
from flask_babel import format_timedelta
from flask_login import current_user, login_required
from markupsafe import Markup

from coachlab import access, activity, timezones
from coachlab.auth.models import Role, Team, User, team_coaches
from coachlab.db import db, utcnow
from coachlab.jobs import JobStatus, job_kinds
from coachlab.notifications import unread_count
from coachlab.plugins import HomeCard, add_home_card, home_cards, last_reviews
from coachlab.recordings.models import Recording, Status

FIRST_VISIT_DAYS = 7  # a first visit counts "new" from a week back
REVIEW_STALE_DAYS = 14  # an advisor with no review for this long is listed
LATEST_CALLS = 5
ROLE_LEAD = {
    Role.COACH: "What needs you now: new calls, moments to clip, comments and advisors to review.",
    Role.ADVISOR: "Your latest calls, what others said about them, and what to work on.",
    Role.ADMIN: "What is left to set up, and jobs that need a look.",
    Role.AUDITOR: "Calls waiting for an audit, and Needs Improvements not acted on.",
}


def previous_visit(user: User, now: dt.datetime | None = None) -> dt.datetime:
    """Where "new" starts: the sign-in before this one, else a week ago."""
    now = now or utcnow()
    return user.previous_login_at or (now - dt.timedelta(days=FIRST_VISIT_DAYS))


def ago(when: dt.datetime, now: dt.datetime | None = None) -> str:
    """ "3 days ago", in words Babel chooses."""
    return format_timedelta(when - (now or utcnow()), add_direction=True, threshold=1.1)


@login_required
def home() -> str:
    activity.record_view(current_user.id, "home")
    since = previous_visit(current_user)
    # the stamp before the cards: a call finishing while they are built then changes the
    # stamp the page polls, and the next poll fetches the cards again
    stamp = change_stamp(current_user)
    return render_template("home.html", cards=home_cards(current_user, since), since=since,
                           first_visit=current_user.previous_login_at is None,
                           lead=ROLE_LEAD.get(current_user.role, ""), stamp=stamp,
                           updated=timezones.to_local(utcnow()).strftime("%H:%M"))


def change_stamp(user: User) -> str:
    """Changes when one of the user's calls finishes processing or a notification arrives:
    the start page polls it (static/js/home-live.js) and refreshes its cards."""
    count, last = db.session.execute(
        sa.select(sa.func.count(Recording.id), sa.func.max(Recording.id))
        .where(Recording.id.in_(access.visible_recording_ids(user)),
               Recording.status == Status.READY)).one()
    return f"{count}-{last or 0}-{unread_count(user)}"


@login_required
def changes() -> Response:
    return jsonify(stamp=change_stamp(current_user))


def card(template: str, **context) -> Markup:
    return Markup(render_template(f"home/{template}", ago=ago, **context))


# --- coaches --------------------------------------------------------------------------------


def coach_new_calls(user: User, since: dt.datetime) -> Markup:
    visible = access.visible_recordings(user)
    new = visible.where(Recording.created_at >= since)
    ready = db.session.scalars(
        new.where(Recording.status == JobStatus.READY)
        .options(sa.orm.joinedload(Recording.advisor))
        .order_by(Recording.called_at.desc()).limit(LATEST_CALLS)).all()
    counts = dict(db.session.execute(
        new.with_only_columns(Recording.status, sa.func.count()).group_by(Recording.status)
    ).all())
    return card("new_calls.html", recordings=ready, ready=counts.get(JobStatus.READY, 0),
                waiting=counts.get(JobStatus.QUEUED, 0) + counts.get(JobStatus.PROCESSING, 0),
                failed=counts.get(JobStatus.FAILED, 0), since=since)


def coach_review_gaps(user: User, since: dt.datetime) -> Markup | None:
    advisors = db.session.scalars(access.visible_advisors(user).order_by(User.name)).all()
    if not advisors:
        return None
    now = utcnow()
    latest = last_reviews([a.id for a in advisors])
    stale = now - dt.timedelta(days=REVIEW_STALE_DAYS)
    overdue = [(a, latest.get(a.id)) for a in advisors
               if latest.get(a.id) is None or latest[a.id] < stale]
    overdue.sort(key=lambda pair: (pair[1] is not None, pair[1] or now))  # never reviewed first
    return card("review_gaps.html", overdue=overdue, total=len(advisors),
                days=REVIEW_STALE_DAYS, now=now)


# --- advisors -------------------------------------------------------------------------------


def advisor_latest_calls(user: User, since: dt.datetime) -> Markup:
    recordings = db.session.scalars(
        access.visible_recordings(user).order_by(Recording.called_at.desc())
        .limit(LATEST_CALLS)).all()
    return card("latest_calls.html", recordings=recordings, since=since)


# --- admins ---------------------------------------------------------------------------------


def admin_setup(user: User, since: dt.datetime) -> Markup:
    coached = sa.select(team_coaches.c.team_id)
    teams_without_coach = db.session.scalars(
        sa.select(Team).where(Team.archived_at.is_(None), Team.id.not_in(coached))
        .order_by(Team.name)).all()
    never_signed_in = db.session.scalars(
        sa.select(User).where(User.active.is_(True), User.last_login_at.is_(None))
        .order_by(User.name)).all()
    has_teams = db.session.scalar(sa.select(Team.id).limit(1)) is not None
    has_recordings = db.session.scalar(sa.select(Recording.id).limit(1)) is not None
    return card("setup.html", teams_without_coach=teams_without_coach,
                never_signed_in=never_signed_in, has_teams=has_teams,
                has_recordings=has_recordings)


def failed_jobs() -> list[tuple[str, int]]:
    """(kind label, failed rows) for every job kind with failures; admins see all."""
    found = []
    for kind in job_kinds().values():
        count = db.session.scalar(sa.select(sa.func.count()).select_from(kind.model)
                                  .where(kind.model.status == JobStatus.FAILED)) or 0
        if count:
            found.append((kind.label, count))
    return found


def admin_failed_jobs(user: User, since: dt.datetime) -> Markup:
    return card("failed_jobs.html", failed=failed_jobs())


CORE_CARDS = (
    HomeCard("coach.new_calls", frozenset({Role.COACH.value}), coach_new_calls, order=10),
    HomeCard("coach.review_gaps", frozenset({Role.COACH.value}), coach_review_gaps, order=40),
    HomeCard("advisor.latest_calls", frozenset({Role.ADVISOR.value}), advisor_latest_calls,
             order=10),
    HomeCard("admin.setup", frozenset({Role.ADMIN.value}), admin_setup, order=10),
    HomeCard("admin.failed_jobs", frozenset({Role.ADMIN.value}), admin_failed_jobs, order=20),
)


def init_app(app: Flask) -> None:
    app.add_url_rule("/", "home", home)
    app.add_url_rule("/home/changes", "home_changes", changes)
    for home_card in CORE_CARDS:
        add_home_card(app, home_card)
