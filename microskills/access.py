"""Microskills' part of the access policy, added to coachlab.access's table by init_app."""

from __future__ import annotations

from coachlab.access import Rule, can_manage_recording, can_see_advisor
from coachlab.auth.models import Role

RULES = (
    Rule("microskill profile", "see", "Whoever sees the advisor. It counts, quotes and links "
         "only the recordings and clips the viewer may see; the team median and percentile "
         "are numbers over the recordings of the advisor's current team.", can_see_advisor),
    Rule("microskill tag", "review, add", "Coaches of the recording's team and admins.",
         can_manage_recording),
    Rule("microskill masterlist", "change, export labels", "Admins.",
         lambda user, _masterlist: user.role is Role.ADMIN),
)
