"""Team experiments: proposed by a coach or an advisor, joined by teammates, measured with
the goals' measurement (sessions.measures) before and during the experiment."""

from __future__ import annotations

import datetime as dt

import pytest

from buddies import access as buddy_access
from buddies import experiments
from buddies.rates import team_rates
from buddies.service import BuddyError
from coachlab import access
from coachlab.db import db, utcnow
from coachlab.transcripts.service import store_transcript
from microskills import service as microskills
from tests.microskills.test_review_and_profile import CALL, scripted_transcript


def propose(team, who="coach", **overrides):
    today = buddy_access.today()
    values = dict(title="Name the feeling first", description="Two weeks",
                  metric="skill_rate", microskill="W.empathy",
                  starts_on=today - dt.timedelta(days=3), ends_on=today + dt.timedelta(days=10))
    values.update(overrides)
    return experiments.propose(team["blue"], acting=team["people"][who], **values)


def test_participants_are_measured_before_and_during(team, make_recording):
    p = team["people"]
    experiment = propose(team, who="ali")
    experiments.join(experiment, acting=p["bea"])
    # Bea tries it: a call with empathy yesterday (her earlier calls had none)
    recording = make_recording(p["bea"], seconds=7.0, called_at=utcnow() - dt.timedelta(days=1))
    store_transcript(recording, scripted_transcript(CALL), model="test")
    microskills.tag_recording(recording)
    db.session.commit()
    per_call = next(r for r in team_rates(team["blue"].id) if r.advisor.id == p["ali"].id
                    ).rate("W.empathy")  # what a call of that script counts
    assert per_call > 0
    found = experiments.outcome(experiment)
    assert found.label.startswith("Per-call rate of Empathy")
    (who, change), = found.each
    assert who == p["bea"]
    # before: the call of 4 days ago; during: those of 2 days ago and yesterday
    assert (change.calls_before, change.calls_after) == (1, 2)
    assert change.before == 0 and change.after == pytest.approx(per_call / 2)
    assert change.delta == pytest.approx(per_call / 2)
    assert found.everyone == change and not found.enough  # few calls: said on the page
    experiments.leave(experiment, acting=p["bea"])
    assert experiments.outcome(experiment).each == []


def test_an_experiment_that_has_not_started_has_no_outcome(team):
    today = buddy_access.today()
    experiment = propose(team, starts_on=today + dt.timedelta(days=1),
                         ends_on=today + dt.timedelta(days=5))
    assert experiments.outcome(experiment) is None


@pytest.mark.parametrize("overrides, message", [
    ({"title": "  "}, "Give the experiment a title"),
    ({"metric": "happiness"}, "Choose what the experiment should change"),
    ({"microskill": ""}, "Choose the microskill"),
    ({"ends_on": dt.date(2000, 1, 1)}, "ends before it starts"),
    ({"description": "x" * 2001}, "at most 2000 characters"),
])
def test_bad_proposals_are_refused_with_a_message(team, overrides, message):
    with pytest.raises(BuddyError, match=message):
        propose(team, **overrides)


def test_who_proposes_and_who_joins(team):
    p = team["people"]
    experiment = propose(team, metric="dead_air", microskill="W.empathy")
    assert experiment.microskill == ""  # only a per-call rate needs one
    for outsider in ("dan", "rex"):
        with pytest.raises(access.NotAllowed):
            propose(team, who=outsider)
        with pytest.raises(access.NotAllowed):
            experiments.join(experiment, acting=p[outsider])
    with pytest.raises(access.NotAllowed):
        experiments.join(experiment, acting=p["coach"])  # advisors take part
    experiments.join(experiment, acting=p["cal"])
    with pytest.raises(BuddyError, match="already take part"):
        experiments.join(experiment, acting=p["cal"])
    with pytest.raises(BuddyError, match="do not take part"):
        experiments.leave(experiment, acting=p["ali"])


def test_the_pages(client, login, team):
    p = team["people"]
    login(p["ali"])
    today = buddy_access.today()
    response = client.post_form("/buddies/experiments", {
        "team": team["blue"].id, "exp-title": "What I can do is", "exp-metric": "skill_rate",
        "exp-microskill": "O.objection", "exp-starts_on": today.isoformat(),
        "exp-ends_on": (today + dt.timedelta(days=14)).isoformat()})
    assert response.status_code == 302
    page = client.get(response.headers["Location"])
    assert "What I can do is" in page.text and "Opt in" in page.text
    bad = client.post_form("/buddies/experiments", {
        "team": team["blue"].id, "exp-title": "", "exp-metric": "skill_rate",
        "exp-starts_on": today.isoformat(), "exp-ends_on": today.isoformat()},
        follow_redirects=True)
    assert "Give the experiment a title" in bad.text
    assert client.post_form("/buddies/experiments", {"team": team["red"].id}).status_code == 404
