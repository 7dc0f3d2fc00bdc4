"""``coachlab export outcomes|audits|advisor-metrics --format csv|json [--since] [--until]``
(stdout, with the server's rights) and the same tables as downloads, holding only what the
downloading coach or admin may see."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from coachlab import timezones
from coachlab.auth.models import Role, User
from coachlab.db import db
from coachlab.plugins import Export
from performance import figures as fig
from performance.access import visible_audits, visible_outcomes
from performance.models import Audit, Outcome

OUTCOME_FIELDS = ("interaction_id", "advisor", "occurred_at", "channel", "nps", "csat",
                  "resolved", "first_contact_resolution", "response_seconds", "converted",
                  "new_customer", "recording_id")
AUDIT_FIELDS = ("audit_id", "advisor", "auditor", "recording_id", "clip_id", "band",
                "microskills", "comment", "called_at", "created_at", "act_by", "acted_at",
                "acted_note")
METRIC_FIELDS = ("advisor", "nps", "nps_weighted", "responses", "csat", "fcr",
                 "response_median_s", "conversion", "communication_quality", "third")
BATCH = 2000


class ServerRights:
    """The CLI's viewer: it may see everything (an admin's rights, no user row)."""

    role = Role.ADMIN
    id = None
    is_authenticated = True


def _iso(value: dt.datetime | None) -> str:
    return value.isoformat(timespec="seconds") if value else ""


def _opt(value):
    return "" if value is None else value


def _period(options: dict) -> tuple[dt.datetime, dt.datetime]:
    """[since, until] days as UTC [start, end), in the site's zone; open ends go wide."""
    zone = timezones.site_zone()
    since = options.get("since")
    until = options.get("until")
    start = timezones.local_day_start(since, zone) if since else dt.datetime(1970, 1, 1,
                                                                             tzinfo=dt.UTC)
    end = (timezones.local_day_start(until + dt.timedelta(days=1), zone) if until
           else dt.datetime(9999, 1, 1, tzinfo=dt.UTC))
    return start, end


def outcome_rows(user, options: dict) -> list[dict]:
    start, end = _period(options)
    query = (visible_outcomes(user).with_only_columns(
        Outcome.interaction_id, User.email, Outcome.occurred_at, Outcome.channel, Outcome.nps,
        Outcome.csat, Outcome.resolved, Outcome.first_contact_resolution,
        Outcome.response_seconds, Outcome.converted, Outcome.new_customer,
        Outcome.recording_id).join(User, User.id == Outcome.advisor_id)
        .where(Outcome.occurred_at >= start, Outcome.occurred_at < end)
        .order_by(Outcome.occurred_at, Outcome.id).execution_options(yield_per=BATCH))
    return [{
        "interaction_id": r[0], "advisor": r[1], "occurred_at": _iso(r[2]),
        "channel": r[3].value, "nps": _opt(r[4]), "csat": _opt(r[5]), "resolved": _opt(r[6]),
        "first_contact_resolution": _opt(r[7]), "response_seconds": _opt(r[8]),
        "converted": _opt(r[9]), "new_customer": _opt(r[10]), "recording_id": _opt(r[11]),
    } for r in db.session.execute(query)]


def audit_rows(user, options: dict) -> list[dict]:
    start, end = _period(options)
    audits = db.session.scalars(
        visible_audits(user).options(sa.orm.joinedload(Audit.advisor),
                                     sa.orm.joinedload(Audit.auditor))
        .where(Audit.called_at >= start, Audit.called_at < end).order_by(Audit.id))
    return [{
        "audit_id": a.id, "advisor": a.advisor.email,
        "auditor": a.auditor.email if a.auditor else "", "recording_id": a.recording_id,
        "clip_id": _opt(a.clip_id), "band": a.band.value, "microskills": " ".join(a.microskills),
        "comment": a.comment, "called_at": _iso(a.called_at), "created_at": _iso(a.created_at),
        "act_by": _iso(a.act_by), "acted_at": _iso(a.acted_at), "acted_note": a.acted_note,
    } for a in audits]


def _round(value: float | None, digits: int) -> float | str:
    return "" if value is None else round(value, digits)


def metric_rows(user, options: dict) -> list[dict]:
    """Per advisor the viewer may see; shares (fcr, conversion, communication_quality) are
    fractions 0..1, nps -100..100, third 1/2/3 or empty when not eligible."""
    start, end = _period(options)
    per = fig.by_advisor(user, fig.Scope(start, end))
    standing = fig.standings(per)
    emails = dict(db.session.execute(sa.select(User.id, User.email)
                                     .where(User.id.in_(list(per)))).all())
    rows = []
    for advisor_id in sorted(per, key=lambda a: emails.get(a, "")):
        f = per[advisor_id]
        rows.append({
            "advisor": emails.get(advisor_id, ""), "nps": _round(f.nps, 1),
            "nps_weighted": _round(f.nps_weighted, 1), "responses": f.nps_n,
            "csat": _round(f.csat, 2), "fcr": _round(f.fcr, 4),
            "response_median_s": _round(None if f.response_median is None
                                        else float(f.response_median), 1),
            "conversion": _round(f.conversion, 4),
            "communication_quality": _round(f.communication_quality, 4),
            "third": _opt(standing[advisor_id].third),
        })
    return rows


TABLES = {
    "outcomes": (OUTCOME_FIELDS, outcome_rows),
    "audits": (AUDIT_FIELDS, audit_rows),
    "advisor-metrics": (METRIC_FIELDS, metric_rows),
}

EXPORTS = (
    Export("outcomes", "every imported interaction outcome", OUTCOME_FIELDS,
           lambda options: outcome_rows(ServerRights(), options)),
    Export("audits", "every audit", AUDIT_FIELDS,
           lambda options: audit_rows(ServerRights(), options)),
    Export("advisor-metrics", "per advisor: NPS, CSAT, FCR, response, conversion, "
           "Communication Quality, third", METRIC_FIELDS,
           lambda options: metric_rows(ServerRights(), options)),
)
