"""Figures computed from known data: NPS (and weighted), CSAT, FCR, median response,
conversion, Communication Quality, eligibility, thirds, the fast-responder band, outliers;
recordings' own outcome fields as call interactions; only what the viewer may see."""

from __future__ import annotations

import datetime as dt

import pytest

from clips.service import ClipDetails, create_clip
from coachlab.db import db, utcnow
from microskills.models import RecordingSkillSummary
from performance import figures as fig
from performance import service
from performance.models import Band
from tests.performance.conftest import HEADER, import_file, row, write_csv


def scope(**kw) -> fig.Scope:
    now = utcnow()
    return fig.Scope(now - dt.timedelta(days=30), now + dt.timedelta(hours=1), **kw)


def ago(days: float) -> dt.datetime:
    return utcnow() - dt.timedelta(days=days)


@pytest.fixture
def known(people, tmp_path, make_recording):
    """Ali: NPS 10 (a new customer), 9, 7, 3; CSAT 5, 4, 3; resolved yes, yes, no; response
    60, 120, 3000 s; converted yes, no. Bea, Cal, Dee: four interactions each with NPS 9, 9,
    8, 0 / 9, 7, 7, 7 / 0, 0, 9, 9 and responses 30 / 7200 / 500 s. Eve: four, NPS 9 each,
    response 10 s, and two Needs Improvements; Ali one Needs Improvement and an Outstanding.
    Ray (team Red): one interaction."""
    rows = [
        row("a1", "ali@example.com", ago(1), "call", 10, 5, "yes", 60, "yes", "yes"),
        row("a2", "ali@example.com", ago(2), "chat", 9, 4, "yes", 120, "no", "no"),
        row("a3", "ali@example.com", ago(3), "email", 7, 3, "no", 3000, "", "no"),
        row("a4", "ali@example.com", ago(4), "message", 3, "", "", "", "", "no"),
    ]
    for name, scores, response in (("bea", (9, 9, 8, 0), 30), ("cal", (9, 7, 7, 7), 7200),
                                   ("dee", (0, 0, 9, 9), 500), ("eve", (9, 9, 9, 9), 10)):
        rows += [row(f"{name}{k}", f"{name}@example.com", ago(k + 1), "call", s, "", "", response)
                 for k, s in enumerate(scores)]
    rows.append(row("r1", "ray@example.com", ago(1), "call", 10))
    assert import_file(write_csv(tmp_path / "known.csv", rows)).ok
    calls = {name: make_recording(people[name], called_at=ago(2)) for name in ("ali", "eve")}
    coach = people["coach"]
    for recording, band in ((calls["ali"], Band.NEEDS_IMPROVEMENT),
                            (calls["ali"], Band.OUTSTANDING),
                            (calls["eve"], Band.NEEDS_IMPROVEMENT),
                            (calls["eve"], Band.NEEDS_IMPROVEMENT)):
        service.create_audit(recording, acting=coach, band=band, comment="why",
                             microskills=["W.empathy"])
    db.session.commit()
    return people


def test_an_advisors_figures(known):
    ali = known["ali"]
    f = fig.by_advisor(known["admin"], scope())[ali.id]
    assert (f.n, f.nps_n, f.promoters, f.passives, f.detractors) == (4, 4, 2, 1, 1)
    assert f.nps == pytest.approx(25.0)
    assert f.nps_weighted == pytest.approx(100 * (11 - 1) / 13)  # weights 10, 1, 1, 1
    assert f.csat == pytest.approx(4.0) and f.csat_n == 3
    assert f.fcr == pytest.approx(2 / 3) and f.fcr_n == 3
    assert f.response_median == 120 and f.resp_n == 3
    assert f.within_target == 3 and f.within_aim == 3
    assert (f.leads_n, f.leads_within) == (1, 1)  # the new customer, answered in 60 s
    assert f.conversion == pytest.approx(0.5) and f.conv_n == 2
    assert f.bands == {"needs_improvement": 1, "outstanding": 1}
    assert f.communication_quality == pytest.approx(1 / 4)


def test_channel_and_team_filters(known):
    admin, ali = known["admin"], known["ali"]
    chats = fig.by_advisor(admin, scope(channel="chat"))[ali.id]
    assert (chats.n, chats.nps) == (1, 100.0)
    blue = fig.overall(admin, scope(team_id=known["blue"].id))
    assert blue.n == 20 and fig.overall(admin, scope()).n == 21


def test_eligibility_thirds_and_the_fast_band(known):
    per = fig.by_advisor(known["admin"], scope(team_id=known["blue"].id))
    standing = fig.standings(per)
    ids = {name: known[name].id for name in ("ali", "bea", "cal", "dee", "eve")}
    # CQ: Eve 2/4 is outside the best 75% (cut: Ali's 1/4); the four eligible by NPS: Ali,
    # Bea and Cal 25 (Ali first by CSAT 4, then Bea before Cal by id), Dee 0
    assert not standing[ids["eve"]].eligible and standing[ids["eve"]].third is None
    assert "above the cut" in standing[ids["eve"]].reason
    assert {n: standing[i].third for n, i in ids.items()} == {
        "bea": 1, "ali": 1, "cal": 2, "dee": 3, "eve": None}
    assert "eligible: Communication Quality 25.0% (1 of 4)" in standing[ids["ali"]].reason
    # medians: Eve 10 s, Bea 30, Ali 120, Dee 500, Cal 7200: the fastest half (3 of 5)
    assert {n: standing[i].fast for n, i in ids.items()} == {
        "eve": True, "bea": True, "ali": True, "dee": False, "cal": False}


def test_recordings_outcome_fields_count_as_calls(people, make_recording, tmp_path):
    bea = people["bea"]
    make_recording(bea, called_at=ago(3), nps=10, csat=5, resolved=True)
    linked = make_recording(bea, called_at=ago(4), nps=0, csat=1, resolved=False)
    make_recording(bea, called_at=ago(5))  # no outcome fields: not an interaction
    f = fig.by_advisor(people["admin"], scope())[bea.id]
    assert (f.n, f.nps, f.csat, f.fcr) == (2, 0.0, 3.0, 0.5)
    # an outcome row naming the recording replaces its own fields
    path = write_csv(tmp_path / "x.csv", [row("z", "bea@example.com", ago(4), "call", 9, 4,
                                              "yes") + [linked.id]],
                     header=HEADER + ["recording_id"])
    assert import_file(path).ok
    f = fig.by_advisor(people["admin"], scope())[bea.id]
    assert (f.n, f.nps, f.csat, f.fcr) == (2, 100.0, 4.5, 1.0)
    assert fig.by_advisor(people["admin"], scope(channel="chat"))[bea.id].n == 0


def test_aggregates_count_only_what_the_viewer_may_see(known):
    assert fig.overall(known["coach"], scope()).n == 20  # Blue only
    assert fig.overall(known["rex"], scope()).n == 1  # Red only
    mine = fig.overall(known["ali"], scope())
    assert mine.n == 4 and mine.bands == {"needs_improvement": 1, "outstanding": 1}
    assert set(fig.by_advisor(known["ali"], scope())) == {known["ali"].id}
    assert known["ray"].id not in fig.by_advisor(known["coach"], scope())


def test_an_outlier_and_what_they_do_differently(people, tmp_path, make_recording):
    rows = []
    plans = {"ali": [10] * 20, "bea": [9] * 10 + [0] * 10, "cal": [9] * 12 + [0] * 8,
             "dee": [9] * 8 + [0] * 12}
    for name, scores in plans.items():
        rows += [row(f"{name}-{k}", f"{name}@example.com", ago(1 + k / 10), "call", s)
                 for k, s in enumerate(scores)]
    assert import_file(write_csv(tmp_path / "o.csv", rows)).ok
    calls = {}
    for name in plans:
        calls[name] = [make_recording(people[name], called_at=ago(2 + k)) for k in range(3)]
        for recording in calls[name]:
            counts = {"W.empathy": 3} if name == "ali" else {"A.greeting": 1}
            # processing tagged the (silent) call already: set what it counted
            summary = db.session.get(RecordingSkillSummary, recording.id) or \
                RecordingSkillSummary(recording_id=recording.id, tagger_version="t")
            summary.skill_counts = counts
            db.session.add(summary)
    db.session.commit()
    clip = create_clip(calls["ali"][0], 0.0, 1.5,
                       ClipDetails(title="Empathy", microskills=["W.empathy"]),
                       acting=people["coach"])
    # three newer empathy clips: the newest three are shown, newest first
    newer = [create_clip(calls["ali"][1], 0.0, 1.0 + k / 10,
                         ClipDetails(title=f"Empathy {k}", microskills=["W.empathy"]),
                         acting=people["coach"]) for k in range(3)]
    for k, c in enumerate(newer):
        c.created_at = clip.created_at + dt.timedelta(minutes=1 + k)
    db.session.commit()
    s = scope(team_id=people["blue"].id)
    per = fig.by_advisor(people["coach"], s)
    teams = {a: people["blue"].id for a in per}
    found = fig.outliers(people["coach"], s, per, teams)
    assert [(people["ali"].id, "nps")] == [(o.advisor_id, o.metric) for o in found]
    ali = found[0]
    assert ali.value == 100.0 and ali.teammates == 3 and ali.team_mean == pytest.approx(0.0)
    first, second = ali.differences[:2]
    assert (first.code, first.rate, first.team_rate) == ("W.empathy", 3.0, 0.0)
    assert (second.code, second.rate, second.team_rate) == ("A.greeting", 0.0, 1.0)
    assert [c.id for c in first.clips] == [c.id for c in reversed(newer)]
    assert second.clips == []  # Ali has no greeting clip
    # with fewer than 20 scores behind it, no outlier
    per[people["ali"].id].nps_n = 19
    assert fig.outliers(people["coach"], s, per, teams) == []
    per[people["ali"].id].nps_n = 20
    # standing out on CSAT too, Ali's second outlier shows the same clips
    for name, total in (("ali", 100), ("bea", 40), ("cal", 42), ("dee", 38)):
        per[people[name].id].csat_n, per[people[name].id].csat_sum = 20, total
    both = fig.outliers(people["coach"], s, per, teams)
    assert sorted(o.metric for o in both) == ["csat", "nps"]
    for o in both:
        assert [c.id for c in o.differences[0].clips] == [c.id for c in reversed(newer)]
