"""Per-call microskill rates of a team's advisors, as their microskill profiles count them
(tags that stand, per tagged call of the team in the period), for buddy suggestions and
skill champions. Only coaches' tags and the tagger's count: peer feedback and kudos never do.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import sqlalchemy as sa

from coachlab.auth.models import Role, User
from coachlab.db import db
from coachlab.recordings.models import Recording
from microskills.models import RecordingSkillSummary, TagKind, TagStatus, UtteranceTag


@dataclass(slots=True)
class AdvisorRates:
    advisor: User
    calls: int  # tagged calls of the team in the period
    counts: dict[str, int] = field(default_factory=dict)  # code -> tags
    calls_with: dict[str, int] = field(default_factory=dict)  # code -> calls showing it

    def rate(self, code: str) -> float:
        return self.counts.get(code, 0) / self.calls if self.calls else 0.0

    def evidence(self, code: str) -> str:
        """"1.5 per call (on 3 of 4 calls)": the rate and the calls behind it."""
        from microskills.profile import per_call_text

        return (f"{per_call_text(self.rate(code))} per call (on {self.calls_with.get(code, 0)} "
                f"of {self.calls} call{'s' if self.calls != 1 else ''})")


def team_advisors(team_id: int) -> list[User]:
    return list(db.session.scalars(sa.select(User).where(
        User.team_id == team_id, User.role == Role.ADVISOR, User.active.is_(True))
        .order_by(User.name)))


def team_rates(team_id: int, *, days: int = 90, now: dt.datetime | None = None
               ) -> list[AdvisorRates]:
    """Every active advisor of the team, with the team's tagged calls of the last ``days``."""
    since = (now or dt.datetime.now(dt.UTC)) - dt.timedelta(days=days)
    advisors = team_advisors(team_id)
    found = {a.id: AdvisorRates(advisor=a, calls=0) for a in advisors}
    if not found:
        return []
    team_calls = (Recording.team_id == team_id, Recording.advisor_id.in_(list(found)),
                  Recording.called_at >= since)
    for advisor_id, calls in db.session.execute(
            sa.select(Recording.advisor_id, sa.func.count(Recording.id))
            .join(RecordingSkillSummary, RecordingSkillSummary.recording_id == Recording.id)
            .where(*team_calls).group_by(Recording.advisor_id)):
        found[advisor_id].calls = calls
    for advisor_id, code, count, with_it in db.session.execute(
            sa.select(Recording.advisor_id, UtteranceTag.code, sa.func.count(UtteranceTag.id),
                      sa.func.count(sa.distinct(UtteranceTag.recording_id)))
            .join(Recording, Recording.id == UtteranceTag.recording_id)
            .join(RecordingSkillSummary, RecordingSkillSummary.recording_id == Recording.id)
            .where(*team_calls, UtteranceTag.kind == TagKind.SKILL,
                   UtteranceTag.status != TagStatus.REJECTED)
            .group_by(Recording.advisor_id, UtteranceTag.code)):
        found[advisor_id].counts[code] = count
        found[advisor_id].calls_with[code] = with_it
    return list(found.values())
