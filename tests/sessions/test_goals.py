"""Goals measured on later calls, coaching impact (difference in differences with a bootstrap
interval), the advisor's day, the coach's team view, session metrics, the goals export, and
bad input. Calls are real recordings with scripted transcripts tagged by the real tagger."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
import sqlalchemy as sa

from coachlab import access, timezones
from coachlab.auth.models import Role
from coachlab.db import db, utcnow
from coachlab.recordings import service as recordings
from coachlab.transcripts.service import store_transcript
from microskills import service as microskills
from microskills.models import RecordingSkillSummary
from sessions import goals, measures, metrics, service, team
from sessions.home import day_figures
from sessions.measures import CallValue
from sessions.models import Goal, GoalState, SessionState, Slot
from tests.microskills.test_review_and_profile import CALL, scripted_transcript

# the same call without the advisor's empathy (and without the customer's frustration)
PLAIN = [(speaker, text) for speaker, text in CALL
         if "sorry" not in text and "fed up" not in text]
WITH_EMPATHY = CALL


def values(*nums, den=1.0, start=0):
    when = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
    return [CallValue(start + i, 1, when, float(n), float(den)) for i, n in enumerate(nums)]


# --- the arithmetic ---------------------------------------------------------------------------


def test_impact_is_the_advisors_change_minus_the_teammates_change():
    # advisor 0.4 -> 1.2 (+0.8), teammates 0.6 -> 0.8 (+0.2): impact +0.6
    found = measures.impact_of(values(0, 0, 1, 0, 1), values(1, 1, 1, 2, 1),
                               values(1, 0, 1, 0, 1, start=10), values(1, 1, 0, 1, 1, start=20))
    assert found.advisor.delta == pytest.approx(0.8)
    assert found.comparison.delta == pytest.approx(0.2)
    assert found.estimate == pytest.approx(0.6)
    assert found.low < found.estimate < found.high
    assert found.high - found.low < 2.0
    again = measures.impact_of(values(0, 0, 1, 0, 1), values(1, 1, 1, 2, 1),
                               values(1, 0, 1, 0, 1, start=10), values(1, 1, 0, 1, 1, start=20))
    assert (again.low, again.high) == (found.low, found.high)  # the same calls, the same interval


def test_constant_groups_give_an_interval_of_one_point():
    found = measures.impact_of(values(0, 0, 0, 0, 0), values(1, 1, 1, 1, 1),
                               values(0, 0, 0, 0, 0), values(0, 0, 0, 0, 0))
    assert (found.estimate, found.low, found.high) == (1.0, 1.0, 1.0)


def test_a_share_is_a_ratio_of_sums_over_calls():
    # 1 of 2 frustration moments, then 0 of 1, then 2 of 2: 3 of 5
    calls = [CallValue(1, 1, utcnow(), 1, 2), CallValue(2, 1, utcnow(), 0, 1),
             CallValue(3, 1, utcnow(), 2, 2)]
    assert measures.value_of(calls) == pytest.approx(0.6)


def test_too_few_calls_give_a_reason_instead_of_a_number():
    few = measures.impact_of(values(0, 1, 0, 1), values(1, 1, 1, 1, 1), values(0, 0, 0, 0, 0),
                             values(0, 0, 0, 0, 0))
    assert few.estimate is None and "4 before" in few.reason
    no_comparison = measures.impact_of(values(0, 0, 0, 0, 0), values(1, 1, 1, 1, 1),
                                       values(0, 0), values())
    assert no_comparison.estimate is None and "teammates" in no_comparison.reason


# --- a world with calls -----------------------------------------------------------------------


@pytest.fixture
def world(make_team, make_user, make_recording):
    blue, red = make_team("Blue"), make_team("Red")
    coach = make_user(Role.COACH, led_teams=[blue], name="Cora Coach")
    other_coach = make_user(Role.COACH, led_teams=[red], name="Rex Coach")
    advisor = make_user(team=blue, name="Ali Advisor")
    peer = make_user(team=blue, name="Bea Peer")
    outsider = make_user(team=red, name="Otto Outsider")
    session_at = utcnow() - dt.timedelta(days=10)

    def call(who, days_before_session, lines):
        recording = make_recording(who, seconds=1.0,
                                   called_at=session_at - dt.timedelta(days=days_before_session))
        store_transcript(recording, scripted_transcript(lines), model="test")
        microskills.tag_recording(recording)
        db.session.commit()
        return recording

    before = [call(advisor, d, PLAIN) for d in (2, 5, 8, 11, 14)]
    peers = [call(peer, d, PLAIN) for d in (3, 6, 9, 12, 15, -1, -2, -3, -4, -5)]
    session = service.create_session(coach=coach, advisor=advisor, scheduled_at=session_at,
                                     focus=["W.empathy"])
    for slot, text in ((Slot.OPENING, "Warm greeting"), (Slot.IMPROVEMENT, "Name the feeling"),
                       (Slot.CLOSING, "Clear next steps")):
        service.add_point(session, acting=coach, slot=slot, text=text, microskill="W.empathy",
                          evidence=service.Evidence(recording=before[0], at_second=1.0))
    service.mark_held(session, acting=coach)
    session.held_at = session_at
    db.session.commit()
    return dict(coach=coach, other_coach=other_coach, advisor=advisor, peer=peer,
                outsider=outsider, session=session, call=call, before=before, peers=peers)


def empathy_goal(world, **kw):
    args = dict(metric="skill_rate", microskill="W.empathy", target=0.8,
                due_on=(utcnow() + dt.timedelta(days=14)).date())
    args.update(kw)
    goal = goals.set_goal(world["session"], acting=world["coach"], **args)
    db.session.commit()
    return goal


def test_a_goal_has_a_baseline_and_follows_later_calls(world):
    goal = empathy_goal(world)
    assert (goal.baseline, goal.baseline_calls) == (0.0, 5)
    assert goal.current is None and goal.calls_since == 0 and goal.state is GoalState.NOT_YET
    later = [world["call"](world["advisor"], -d, WITH_EMPATHY) for d in (1, 2)]
    goals.update_goals_of(world["advisor"].id)  # what the pipeline step does after tagging
    db.session.commit()
    assert (goal.current, goal.calls_since, goal.state) == (1.0, 2, GoalState.ACHIEVED)
    assert goal.progress == 1.0 and goal.achieved_at is not None
    evidence = goals.goal_evidence(goal, world["coach"])
    assert {m.recording_id for m in evidence.appeared} == {r.id for r in later}
    assert all("sorry" in m.text.lower() for m in evidence.appeared)
    # a deleted call stops counting
    recordings.delete_recording(later[0], acting=world["coach"])
    db.session.commit()
    db.session.refresh(goal)
    assert goal.calls_since == 1


def test_one_call_without_the_skill_puts_the_goal_behind(world):
    goal = empathy_goal(world)
    world["call"](world["advisor"], -1, PLAIN)
    world["call"](world["advisor"], -2, WITH_EMPATHY)
    goals.update_goals_of(world["advisor"].id)
    assert goal.current == pytest.approx(0.5) and goal.state is not GoalState.ACHIEVED
    evidence = goals.goal_evidence(goal, world["coach"])
    assert len(evidence.appeared) == 1 and len(evidence.missed) == 1


def test_talk_metric_evidence_opens_where_the_figure_comes_from(world):
    from coachlab.media.talktime import moment_of
    from coachlab.transcripts.service import load_transcript

    goal = empathy_goal(world, metric="response_time", microskill=None, target=0.5)
    later = world["call"](world["advisor"], -1, PLAIN)  # answers after 0.8 s, as before
    goals.update_goals_of(world["advisor"].id)
    evidence = goals.goal_evidence(goal, world["coach"])
    [moment] = evidence.missed  # beyond the target
    expected = moment_of(load_transcript(later), "mean_response_latency")
    assert moment.recording_id == later.id and moment.start == expected > 0


def test_the_pipeline_step_updates_goals_when_a_call_is_processed(world, app):
    from coachlab.recordings.pipeline import pipeline_steps

    steps = [s.name for s in pipeline_steps()]
    assert steps.index("goals") > steps.index("microskills")
    goal = empathy_goal(world)
    recording = world["call"](world["advisor"], -1, WITH_EMPATHY)
    step = next(s for s in pipeline_steps() if s.name == "goals")
    step.run(recording, None, lambda share: None)
    assert goal.calls_since == 1 and goal.state is GoalState.ACHIEVED


def test_impact_compares_with_teammates_not_coached_on_it(world):
    goal = empathy_goal(world)
    for d in (1, 2, 3, 4, 5):
        world["call"](world["advisor"], -d, WITH_EMPATHY)
    found = goals.goal_impact(goal)
    # advisor 0 -> 1 per call; the peer 0 -> 0: impact +1, every call alike
    assert (found.estimate, found.low, found.high) == (1.0, 1.0, 1.0)
    assert goals.comparison_advisors(goal) == [world["peer"].id]
    # once the peer is coached on empathy too, nobody is left to compare with
    peer_session = service.create_session(coach=world["coach"], advisor=world["peer"],
                                          scheduled_at=world["session"].held_at,
                                          focus=["W.empathy"])
    peer_session.state = SessionState.HELD
    peer_session.held_at = world["session"].held_at
    db.session.flush()
    assert goals.comparison_advisors(goal) == []
    assert goals.goal_impact(goal).estimate is None


def test_a_teammates_call_refreshes_the_stored_impact(world):
    goal = empathy_goal(world)
    for d in (1, 2, 3, 4, 5):
        world["call"](world["advisor"], -d, WITH_EMPATHY)
    goals.update_goals_of(world["advisor"].id)
    assert goal.impact == 1.0
    # the peer (the comparison group) now shows empathy after the session too
    peer_call = world["call"](world["peer"], -6, WITH_EMPATHY)
    goals.update_goals_for_call(peer_call)  # what the pipeline step does for the peer's call
    assert goal.impact == pytest.approx(1.0 - 1 / 6)


def test_other_metrics_count_frustration_answered_and_talk_time(world):
    summary = db.session.get(RecordingSkillSummary, world["before"][0].id)
    assert summary.frustration == 0 and summary.skill_counts.get("W.empathy") is None
    later = world["call"](world["advisor"], -1, WITH_EMPATHY)
    counted = db.session.get(RecordingSkillSummary, later.id)
    assert (counted.frustration, counted.frustration_answered) == (1, 1)
    share = measures.call_values("empathy_share", None, [world["advisor"].id],
                                 world["session"].held_at, utcnow() + dt.timedelta(1))
    assert [(v.num, v.den) for v in share] == [(1.0, 1.0)]
    # a person rejecting the empathy tag changes the counts at once
    tag = next(t for t in microskills.tags_by_segment(later).values() for t in t
               if t.code == "W.empathy")
    microskills.review_tag(tag, confirm=False, acting=world["coach"])
    assert db.session.get(RecordingSkillSummary, later.id).frustration_answered == 0


# --- bad input --------------------------------------------------------------------------------


def test_bad_goals_are_refused_with_a_message_and_leave_no_row(world):
    due = (utcnow() + dt.timedelta(days=14)).date()
    cases = [
        (dict(metric="", microskill=None, target=1, due_on=due), "Choose the metric"),
        (dict(metric="skill_rate", microskill=None, target=1, due_on=due), "microskill"),
        (dict(metric="skill_rate", microskill="W.empathy", target=None, due_on=due), "number"),
        (dict(metric="dead_air", microskill=None, target=float("inf"), due_on=due), "number"),
        (dict(metric="empathy_share", microskill=None, target=120, due_on=due), "percentage"),
        (dict(metric="skill_rate", microskill="W.empathy", target=1,
              due_on=utcnow().date() - dt.timedelta(days=1)), "after today"),
        (dict(metric="skill_rate", microskill="W.empathy", target=1, due_on=None), "due"),
        # the baseline of A.greeting is 1 per call already
        (dict(metric="skill_rate", microskill="A.greeting", target=0.5, due_on=due),
         "baseline is"),
    ]
    for args, message in cases:
        with pytest.raises(goals.GoalError, match=message):
            goals.set_goal(world["session"], acting=world["coach"], **args)
        db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(Goal.id))) == 0


def test_only_the_sessions_coach_sets_goals_and_only_once_held(world):
    with pytest.raises(access.NotAllowed):
        goals.set_goal(world["session"], acting=world["other_coach"], metric="dead_air",
                       microskill=None, target=1, due_on=utcnow().date() + dt.timedelta(3))
    draft = service.create_session(coach=world["coach"], advisor=world["advisor"],
                                   scheduled_at=None)
    with pytest.raises(goals.GoalError, match="held"):
        goals.set_goal(draft, acting=world["coach"], metric="dead_air", microskill=None,
                       target=1, due_on=utcnow().date() + dt.timedelta(3))
    goal = empathy_goal(world)
    world["advisor"].team = world["outsider"].team  # moved to a team the coach does not lead
    with pytest.raises(goals.GoalError, match="not in a team you coach"):
        goals.set_goal(world["session"], acting=world["coach"], metric="dead_air",
                       microskill=None, target=1, due_on=utcnow().date() + dt.timedelta(3))
    db.session.rollback()
    with pytest.raises(goals.GoalError, match="achieved"):
        goals.set_shared(goal, True, acting=world["advisor"])
    with pytest.raises(access.NotAllowed):
        goals.set_shared(goal, True, acting=world["peer"])


# --- pages ------------------------------------------------------------------------------------


def sign_in(client, login, user):
    client.post_form("/logout")
    login(user)


def test_the_coach_sets_a_goal_from_the_session_page(client, login, world):
    login(world["coach"])
    page = client.get(f"/sessions/{world['session'].id}").text
    assert 'id="goal-form"' in page
    refused = client.post_form(f"/sessions/{world['session'].id}/goals",
                               {"goal-metric": "skill_rate", "goal-microskill": "W.empathy",
                                "goal-target": "0.8", "goal-due_on": "2001-01-01"})
    assert refused.status_code == 400  # the page again, the form open with what was typed
    assert "The goal was not set: The due date must be after today." in refused.text
    assert 'value="0.8"' in refused.text and 'value="2001-01-01"' in refused.text
    letters = client.post_form(f"/sessions/{world['session'].id}/goals",
                               {"goal-metric": "dead_air", "goal-target": "lots",
                                "goal-due_on": "2030-01-01"})
    assert letters.status_code == 400 and "Give a number, such as 0.8 or 75." in letters.text
    due = (utcnow() + dt.timedelta(days=14)).date().isoformat()
    made = client.post_form(f"/sessions/{world['session'].id}/goals",
                            {"goal-metric": "skill_rate", "goal-microskill": "W.empathy",
                             "goal-target": "0.8", "goal-due_on": due}, follow_redirects=True)
    assert made.status_code == 200 and "Per-call rate of" in made.text
    assert "Not enough calls" in made.text  # no later calls yet: no impact number
    goal = db.session.scalar(sa.select(Goal))
    assert goal.baseline_calls == 5


def test_the_goal_page_is_for_the_advisor_the_coach_and_admins(client, login, world,
                                                                make_user):
    goal = empathy_goal(world)
    for user, status in ((world["advisor"], 200), (world["coach"], 200),
                         (make_user(Role.ADMIN), 200), (world["peer"], 404),
                         (world["outsider"], 404), (world["other_coach"], 404)):
        sign_in(client, login, user)
        assert client.get(f"/sessions/goals/{goal.id}").status_code == status, user.name


def test_the_advisor_day_and_goals_show_on_their_start_page(client, login, world):
    goal = empathy_goal(world)
    world["call"](world["advisor"], -9, WITH_EMPATHY)  # within this week or the last
    goals.update_goals_of(world["advisor"].id)
    db.session.commit()
    login(world["advisor"])
    page = client.get("/").text
    assert 'id="card-day"' in page and 'id="card-goals"' in page
    assert f"/sessions/goals/{goal.id}" in page
    stamp = client.get("/home/changes").json["stamp"]
    world["call"](world["advisor"], -9, WITH_EMPATHY)
    assert client.get("/home/changes").json["stamp"] != stamp  # the page refreshes its cards


def test_day_figures_count_today_and_this_week(world):
    """Pinned to local noon, so the test does not depend on the hour it runs (a call five
    minutes before a run just after midnight belongs to yesterday)."""
    empathy_goal(world)  # a goal's microskill comes first on the card
    zone = timezones.zone_of(world["advisor"])
    day_start = timezones.local_day_start(timezones.local_now(zone).date(), zone)
    now = day_start + dt.timedelta(hours=12)
    just_after_midnight = world["call"](world["advisor"], 0, WITH_EMPATHY)
    just_after_midnight.called_at = day_start + dt.timedelta(minutes=1)
    just_before_midnight = world["call"](world["advisor"], 0, PLAIN)
    just_before_midnight.called_at = day_start - dt.timedelta(minutes=1)
    db.session.commit()
    day = day_figures(world["advisor"], now=now)
    yesterday_in_week = timezones.week_start(now, zone) < timezones.to_local(now, zone).date()
    assert day.today == 1 and day.week == (2 if yesterday_in_week else 1)
    assert day.rates[0].code == "W.empathy"
    assert day.rates[0].week == (0.5 if yesterday_in_week else 1.0)
    assert day.rates[0].baseline == 0.0
    assert not day.team_compared  # two advisors: no team median


def test_the_team_view_lists_who_needs_a_session(client, login, world):
    goal = empathy_goal(world)
    world["call"](world["advisor"], -1, PLAIN)
    goals.update_goals_of(world["advisor"].id)
    early = {r.advisor.name: r for r in team.team_rows(world["coach"])}["Ali Advisor"]
    assert not any(r.endpoint == "sessions.goal" for r in early.reasons)  # too early to say
    for d in (2, 3):
        world["call"](world["advisor"], -d, PLAIN)
    goals.update_goals_of(world["advisor"].id)
    db.session.commit()
    rows = {r.advisor.name: r for r in team.team_rows(world["coach"])}
    assert [r.text for r in rows["Bea Peer"].reasons] == ["No session yet"]
    assert any(r.endpoint == "sessions.goal" and r.args == {"goal_id": goal.id}
               for r in rows["Ali Advisor"].reasons)
    login(world["coach"])
    page = client.get("/sessions/team")
    assert page.status_code == 200 and "Bea Peer" in page.text and "Otto" not in page.text
    sign_in(client, login, world["advisor"])
    assert client.get("/sessions/team").status_code == 404


def test_session_metrics_count_only_what_the_viewer_sees(client, login, world):
    empathy_goal(world)
    report = metrics.session_metrics(world["coach"])
    assert report.overall.held == 1 and report.overall.goals_set == 1
    assert report.overall.uninterrupted == 1
    assert metrics.session_metrics(world["other_coach"]).overall.held == 0
    login(world["coach"])
    page = client.get("/sessions/metrics")
    assert page.status_code == 200 and "Cora Coach" in page.text and "metrics-data" in page.text


def test_aware_of_own_metrics_is_a_view_in_the_week_before(client, login, world):
    from coachlab.activity import record_view

    record_view(world["advisor"].id, "profile",
                now=world["session"].held_at - dt.timedelta(days=2))
    assert metrics.session_metrics(world["coach"]).overall.aware == 1


def test_export_goals_as_csv_and_json(runner, world):
    goal = empathy_goal(world)
    rows = list(csv.DictReader(io.StringIO(
        runner.invoke(args=["export", "goals", "--format", "csv"]).output)))
    assert rows == [{
        "advisor": world["advisor"].email, "session_id": str(goal.session_id),
        "metric": "skill_rate", "microskill": "W.empathy", "baseline": "0.0", "target": "0.8",
        "current": "", "state": "not_yet", "calls_since": "0", "impact": "",
        "impact_low": "", "impact_high": "", "goal_id": str(goal.id),
        "due_on": goal.due_on.isoformat()}]
    data = json.loads(runner.invoke(args=["export", "goals", "--format", "json"]).output)
    assert data[0]["calls_since"] == 0 and data[0]["target"] == 0.8
    assert data[0]["current"] is None and data[0]["impact"] is None  # null, not ""


def test_export_names_what_it_can_export_when_asked_for_something_else(runner):
    result = runner.invoke(args=["export", "nothing"])
    assert result.exit_code != 0
    assert "'nothing' is not one of:" in result.output and "goals" in result.output
    period = runner.invoke(args=["export", "goals", "--since", "2026-12-01",
                                 "--until", "2026-11-01"])
    assert period.exit_code != 0 and "--until is before --since" in period.output
