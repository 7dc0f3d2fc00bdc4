"""Team experiments (mini-projects): a coach or advisor proposes one, teammates opt in, and
the targeted metric of the participants is compared before and during it with the goal
measurement (``sessions.measures``): the same number of days before the start as the
experiment has run so far. Flushes, never commits."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from buddies import access as buddy_access
from buddies.mail import tell
from buddies.models import ExperimentParticipant, TeamExperiment
from buddies.service import BuddyError
from coachlab import access, timezones
from coachlab.auth.models import Team, User
from coachlab.db import db
from microskills.service import skill_names
from sessions.measures import METRICS, Change, call_values, metric_name, value_of

MAX_DAYS = 92


def propose(team: Team, *, acting: User, title: str, description: str, metric: str,
            microskill: str, starts_on: dt.date, ends_on: dt.date) -> TeamExperiment:
    access.require(acting, "propose", "team experiment", team)
    title = " ".join((title or "").split())[:200]
    if not title:
        raise BuddyError("Give the experiment a title: what will you try?")
    if metric not in METRICS:
        raise BuddyError("Choose what the experiment should change.")
    if METRICS[metric].needs_microskill:
        if microskill not in skill_names():
            raise BuddyError("Choose the microskill the experiment targets.")
    else:
        microskill = ""
    if ends_on < starts_on:
        raise BuddyError("The experiment ends before it starts.")
    if (ends_on - starts_on).days > MAX_DAYS:
        raise BuddyError(f"An experiment lasts at most {MAX_DAYS} days.")
    if len(description or "") > 2000:
        raise BuddyError("A description has at most 2000 characters.")
    experiment = TeamExperiment(team=team, proposed_by=acting, title=title,
                                description=(description or "").strip(), metric=metric,
                                microskill=microskill, starts_on=starts_on, ends_on=ends_on)
    db.session.add(experiment)
    db.session.flush()
    for member in team.advisors:
        if member.active and member.id != acting.id:
            tell(member, f"{acting.name} proposes a team experiment: {title}",
                 ("buddies.experiment", {"experiment_id": experiment.id}))
    return experiment


def join(experiment: TeamExperiment, *, acting: User) -> None:
    access.require(acting, "join, leave", "team experiment", experiment)
    if experiment.has(acting):
        raise BuddyError("You already take part.")
    experiment.participants.append(ExperimentParticipant(user=acting))
    db.session.flush()


def leave(experiment: TeamExperiment, *, acting: User) -> None:
    access.require(acting, "join, leave", "team experiment", experiment)
    found = next((p for p in experiment.participants if p.user_id == acting.id), None)
    if found is None:
        raise BuddyError("You do not take part.")
    experiment.participants.remove(found)
    db.session.flush()


@dataclass(frozen=True, slots=True)
class Outcome:
    label: str  # "Per-call rate of Empathy"
    before_from: dt.date
    start: dt.date
    until: dt.date  # the last day counted so far
    everyone: Change
    each: list[tuple[User, Change]]

    @property
    def enough(self) -> bool:
        return self.everyone.enough


def outcome(experiment: TeamExperiment, *, today: dt.date | None = None) -> Outcome | None:
    """The participants' metric before and during the experiment, or None before it starts."""
    today = today or buddy_access.today()
    if today < experiment.starts_on:
        return None
    until = min(today, experiment.ends_on)
    days = (until - experiment.starts_on).days + 1
    zone = timezones.site_zone()
    start = timezones.local_day_start(experiment.starts_on, zone)
    before_start = timezones.local_day_start(experiment.starts_on - dt.timedelta(days=days), zone)
    end = timezones.local_day_start(until + dt.timedelta(days=1), zone)

    def change(ids: list[int]) -> Change:
        before = call_values(experiment.metric, experiment.microskill or None, ids,
                             before_start, start, team_id=experiment.team_id)
        during = call_values(experiment.metric, experiment.microskill or None, ids, start, end,
                             team_id=experiment.team_id)
        return Change(value_of(before), value_of(during), len(before), len(during))

    people = [p.user for p in experiment.participants]
    return Outcome(
        label=metric_name(experiment.metric, experiment.microskill, skill_names()),
        before_from=experiment.starts_on - dt.timedelta(days=days), start=experiment.starts_on,
        until=until, everyone=change([u.id for u in people]),
        each=[(u, change([u.id])) for u in people])


def metric_choices() -> list[tuple[str, str]]:
    return [(m.key, m.label) for m in METRICS.values()]
