"""The performance package's start-page cards: the daily digest (what changed since
yesterday) for advisors, coaches and auditors, with the audits waiting for action or
overdue; and for auditors the latest calls nobody has audited."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask import render_template
from markupsafe import Markup

from coachlab import access, timezones
from coachlab.auth.models import Role, User
from coachlab.db import db, utcnow
from coachlab.plugins import HomeCard
from coachlab.recordings.models import Recording, Status
from performance import figures as fig
from performance import service
from performance.models import Audit

TO_AUDIT_SHOWN = 8  # the newest calls nobody audited, offered to auditors


def _day_scopes(user: User) -> tuple[fig.Scope, fig.Scope]:
    """Yesterday and the day before, in the user's zone, over what they may see."""
    zone = timezones.zone_of(user)
    today = timezones.local_now(zone).date()
    starts = [timezones.local_day_start(today - dt.timedelta(days=d), zone) for d in (2, 1, 0)]
    advisor_id = user.id if user.role is Role.ADVISOR else None
    return (fig.Scope(starts[0], starts[1], advisor_id=advisor_id),
            fig.Scope(starts[1], starts[2], advisor_id=advisor_id))


def digest(user: User, since) -> Markup:
    before_scope, yesterday_scope = _day_scopes(user)
    yesterday = fig.overall(user, yesterday_scope)
    before = fig.overall(user, before_scope)
    new_audits = [a for a in service.audits_for(user, limit=50)
                  if a.created_at >= yesterday_scope.since]
    waiting = service.audits_for(user, open_only=True, limit=50)
    now = utcnow()
    return Markup(render_template(
        "performance/home/digest.html", yesterday=yesterday, before=before,
        new_audits=new_audits, waiting=waiting,
        overdue=[a for a in waiting if a.overdue(now)], now=now,
        is_advisor=user.role is Role.ADVISOR))


def to_audit(user: User, since) -> Markup:
    """The newest processed calls without an audit, for an auditor."""
    unaudited = (access.visible_recordings(user)
                 .where(Recording.status == Status.READY,
                        ~sa.exists().where(Audit.recording_id == Recording.id))
                 .options(sa.orm.joinedload(Recording.advisor)))
    total = db.session.scalar(unaudited.with_only_columns(sa.func.count(Recording.id)))
    calls = db.session.scalars(unaudited.order_by(Recording.called_at.desc())
                               .limit(TO_AUDIT_SHOWN)).all()
    return Markup(render_template("performance/home/to_audit.html", calls=calls, total=total))


CARDS = (
    HomeCard("performance-digest", frozenset({"advisor", "coach", "auditor"}), digest,
             order=15),
    HomeCard("performance-to-audit", frozenset({"auditor"}), to_audit, order=5),
)
