"""The audits of a call on its recording page, with the button to audit it."""

from __future__ import annotations

from flask import render_template
from markupsafe import Markup

from coachlab import access
from microskills.service import skill_names
from performance import service


def audit_panel(recording, user) -> Markup | str:
    audits = service.audits_of_recording(user, recording)
    can_audit = access.can(user, "create", "audit", recording)
    if not audits and not can_audit:
        return ""
    return Markup(render_template("performance/_panel.html", recording=recording,
                                  audits=audits, can_audit=can_audit, names=skill_names()))
