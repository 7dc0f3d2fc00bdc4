"""Audits: a coach's colour band on a call or clip, and the advisor's follow-up."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask import current_app

from coachlab import access
from coachlab.auth.models import User
from coachlab.db import db, utcnow
from coachlab.recordings.models import Recording
from performance.access import visible_audits
from performance.models import Audit, Band

MAX_SKILLS = 3


class AuditError(ValueError):
    """Refused with a message (the form shows it)."""


def act_within() -> dt.timedelta:
    return dt.timedelta(hours=float(current_app.config.get("AUDIT_ACT_WITHIN_H", 24)))


def create_audit(recording: Recording, *, acting: User, band: Band, comment: str,
                 microskills: list[str], clip=None) -> Audit:
    """The caller found ``recording`` (or ``clip``) among those ``acting`` may see."""
    access.require(acting, "create", "audit", recording)
    comment = (comment or "").strip()
    codes = list(dict.fromkeys(c for c in microskills if c))
    if not comment:
        raise AuditError("Say why: the comment is empty.")
    if not 1 <= len(codes) <= MAX_SKILLS:
        raise AuditError("Choose one to three microskills.")
    from microskills.service import skill_names

    unknown = [c for c in codes if c not in skill_names()]
    if unknown:
        raise AuditError(f"Unknown microskill: {', '.join(unknown)}.")
    if clip is not None and clip.recording_id != recording.id:
        raise AuditError("That clip is not of this call.")
    now = utcnow()
    audit = Audit(recording=recording, clip=clip, advisor_id=recording.advisor_id,
                  team_id=recording.team_id, auditor=acting, band=band, comment=comment,
                  microskills=codes, called_at=recording.called_at, created_at=now,
                  act_by=now + act_within() if band is Band.NEEDS_IMPROVEMENT else None)
    db.session.add(audit)
    db.session.flush()
    return audit


def act_on(audit: Audit, *, acting: User, note: str) -> None:
    access.require(acting, "act on", "audit", audit)
    note = (note or "").strip()
    if not note:
        raise AuditError("Say what you did: the note is empty.")
    audit.acted_at = utcnow()
    audit.acted_note = note


def audits_for(user: User, *, limit: int = 200, open_only: bool = False) -> list[Audit]:
    query = visible_audits(user).options(sa.orm.joinedload(Audit.advisor),
                                         sa.orm.joinedload(Audit.recording))
    if open_only:
        query = query.where(Audit.band == Band.NEEDS_IMPROVEMENT, Audit.acted_at.is_(None))
    return list(db.session.scalars(query.order_by(Audit.created_at.desc()).limit(limit)))


def overdue_for(user: User) -> list[Audit]:
    """Needs Improvements past their act-by time, not acted on, the user may see."""
    return list(db.session.scalars(
        visible_audits(user).options(sa.orm.joinedload(Audit.advisor))
        .where(Audit.band == Band.NEEDS_IMPROVEMENT, Audit.acted_at.is_(None),
               Audit.act_by < utcnow()).order_by(Audit.act_by)))


def audits_of_recording(user: User, recording: Recording) -> list[Audit]:
    return list(db.session.scalars(visible_audits(user).where(Audit.recording_id == recording.id)
                                   .order_by(Audit.created_at.desc())))
