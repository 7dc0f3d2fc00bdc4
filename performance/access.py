"""Who sees outcomes, figures and audits, and who imports and audits.

Outcomes follow the rule of recordings: an advisor sees their own, a coach those of the
teams they lead now (by the team the row was imported under), admins everything; every
figure, ranking and export starts from :func:`visible_outcomes` and
``coachlab.access.visible_recording_ids``, so an aggregate counts only what the viewer may
see. Audits are seen by their advisor, the coaches of the audited call's team, admins and
auditors. Auditors (``Role.AUDITOR``, quality assurance) see every call, outcome, figure and
audit of the company and audit any call; they import nothing and coach nobody.
"""

from __future__ import annotations

import sqlalchemy as sa

from coachlab import access
from coachlab.access import SEE_EVERY_CALL, Rule, coaches_team
from coachlab.auth.models import Role, Team, User
from performance.models import Audit, Outcome, OutcomeSum


def visible_outcomes(user: User) -> sa.Select:
    return access.visible_rows(user, Outcome)


def visible_outcome_sums(user: User) -> sa.Select:
    """The cells of :func:`visible_outcomes` (``performance.sums``): the same rule on the
    same team and advisor columns."""
    return access.visible_rows(user, OutcomeSum)


def visible_audits(user: User) -> sa.Select:
    return access.visible_rows(user, Audit)


def get_visible_audit(user: User, audit_id: int) -> Audit:
    return access.one_visible(visible_audits(user).where(Audit.id == audit_id))


def can_import(user: User, _what=None) -> bool:
    return user.role in (Role.ADMIN, Role.COACH)


def can_audit(user: User, recording) -> bool:
    """Coaches of the call's team, admins and auditors; the caller has already found the
    recording or clip among those the user may see (404 otherwise)."""
    return user.role in SEE_EVERY_CALL or coaches_team(user, recording.team_id)


def can_act_on(user: User, audit: Audit) -> bool:
    return audit.advisor_id == user.id and audit.needs_action


def can_see_team_figures(user: User, team: Team) -> bool:
    return user.role in SEE_EVERY_CALL or coaches_team(user, team.id)


RULES = (
    Rule("outcome", "import", "Coaches (rows of the advisors of the teams they lead) and "
         "admins; `coachlab import outcomes` runs with the server's rights.", can_import),
    Rule("outcome", "see, export", "The advisor, coaches of the team the interaction was "
         "imported under, admins and auditors. Figures, rankings and exports count only "
         "these.",
         lambda user, outcome: access.among(visible_outcomes(user), outcome)),
    Rule("performance dashboard", "see (advisor)", "The advisor, coaches of the advisor's "
         "team, admins and auditors.", access.can_see_advisor),
    Rule("performance dashboard", "see (team, rankings, outliers)", "Coaches of the team, "
         "admins and auditors.", can_see_team_figures),
    Rule("performance dashboard", "see (company)", "Admins and auditors; a coach sees the "
         "teams they lead together.",
         lambda user, _obj: user.role in (Role.ADMIN, Role.AUDITOR, Role.COACH)),
    Rule("audit", "create", "Coaches of the audited call's team, admins and auditors, on a "
         "recording or clip they may see.", can_audit),
    Rule("audit", "see", "Its advisor, coaches of the call's team, admins and auditors.",
         lambda user, audit: access.among(visible_audits(user), audit)),
    Rule("audit", "act on", "Its advisor, while a Needs Improvement waits for action.",
         can_act_on),
)
