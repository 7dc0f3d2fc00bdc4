"""Buddies' services: pairings and rotation, suggestions that explain themselves, sharing,
peer feedback, check-ins, kudos, the wall and skill champions; bad input refused."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from buddies import access as buddy_access
from buddies import service
from buddies.models import BuddyPairing, Kudos, PeerComment, PeerPrompt
from buddies.rates import team_rates
from coachlab import access
from coachlab.db import db, utcnow
from coachlab.notifications import Notification
from microskills.profile import build_profile
from sessions import service as sessions
from sessions.models import Goal, GoalState, Slot


def texts_for(user) -> list[str]:
    return list(db.session.scalars(sa.select(Notification.text)
                                   .where(Notification.user_id == user.id)))


def period(days: int = 13) -> dict:
    today = buddy_access.today()
    return {"starts_on": today, "ends_on": today + dt.timedelta(days=days)}


# --- pairings -----------------------------------------------------------------------------


def test_a_coach_pairs_two_advisors_who_become_buddies_and_are_told(team, pairing):
    p = team["people"]
    assert buddy_access.are_buddies(p["ali"], p["bea"])
    assert buddy_access.are_buddies(p["bea"], p["ali"])
    assert not buddy_access.are_buddies(p["ali"], p["cal"])
    assert any("paired you with Bea" in t for t in texts_for(p["ali"]))
    assert any("paired you with Ali" in t for t in texts_for(p["bea"]))


@pytest.mark.parametrize("who, other, message", [
    ("ali", "ali", "own buddy"),
    ("ali", "dan", "not in Blue"),
    ("ali", "coach", "not an active advisor"),
])
def test_pairing_with_oneself_across_teams_or_with_a_coach_is_refused(team, who, other,
                                                                        message):
    p = team["people"]
    with pytest.raises(service.BuddyError, match=message):
        service.make_pairing(team["blue"], p[who], p[other], acting=p["coach"], **period())


def test_a_pairing_that_ends_before_it_starts_is_refused(team):
    p = team["people"]
    today = buddy_access.today()
    with pytest.raises(service.BuddyError, match="ends before it starts"):
        service.make_pairing(team["blue"], p["ali"], p["bea"], acting=p["coach"],
                             starts_on=today, ends_on=today - dt.timedelta(days=1))


def test_only_the_teams_coach_or_an_admin_pairs(team):
    p = team["people"]
    for outsider in ("rex", "cal", "dan"):
        with pytest.raises(access.NotAllowed):
            service.make_pairing(team["blue"], p["ali"], p["bea"], acting=p[outsider],
                                 **period())
    assert service.make_pairing(team["blue"], p["ali"], p["bea"], acting=p["admin"], **period())


def test_a_new_pairing_rotates_the_old_one_into_history(team, pairing):
    p = team["people"]
    newer = service.make_pairing(team["blue"], p["ali"], p["cal"], acting=p["coach"], **period())
    db.session.commit()
    assert pairing.ended_at is not None  # kept, ended
    assert db.session.get(BuddyPairing, pairing.id) is not None
    assert buddy_access.current_pairing_of(p["ali"]) == newer
    assert not buddy_access.are_buddies(p["ali"], p["bea"])
    assert service.pairings_of_team(team["blue"]) == [newer, pairing] or \
        set(service.pairings_of_team(team["blue"])) == {newer, pairing}


# --- suggestions --------------------------------------------------------------------------


def test_rates_are_the_profiles_per_call_rates(team):
    p = team["people"]
    rates = {r.advisor.id: r for r in team_rates(team["blue"].id)}
    for name in ("ali", "bea", "cal"):
        profile = build_profile(p[name], viewer=p["coach"])
        for rate in profile.rates:
            assert rates[p[name].id].rate(rate.code) == pytest.approx(rate.per_call), rate.code
        assert rates[p[name].id].calls == profile.calls == 2


def test_suggestions_pair_weak_with_strong_and_explain_themselves(team):
    p = team["people"]
    found = service.suggest_pairings(team["blue"], acting=p["coach"])
    assert found.pairs, "Bea lacks empathy and Cal the greeting: someone is suggested"
    first = found.pairs[0]
    assert first.gap > 0
    assert first.strong.rate(first.code) > first.weak.rate(first.code)
    # the explanation has both rates and the calls behind them
    assert first.weak.advisor.name in first.why and first.strong.advisor.name in first.why
    assert "of 2 calls" in first.why and "per call" in first.why
    people = [s.weak.advisor.id for s in found.pairs] + [s.strong.advisor.id for s in found.pairs]
    assert len(people) == len(set(people)), "each advisor once"
    assert p["dan"].id not in people


def test_suggestions_avoid_recent_pairs(team):
    p = team["people"]
    first = service.suggest_pairings(team["blue"], acting=p["coach"]).pairs[0]
    made = service.accept_suggestion(team["blue"], first.weak.advisor, first.strong.advisor,
                                     first.code, acting=p["coach"], **period())
    assert made.reason == first.why and made.microskill == first.code
    service.end_pairing(made, acting=p["coach"])
    db.session.commit()
    again = service.suggest_pairings(team["blue"], acting=p["coach"])
    pairs = {frozenset((s.weak.advisor.id, s.strong.advisor.id)) for s in again.pairs}
    assert frozenset((first.weak.advisor.id, first.strong.advisor.id)) not in pairs


def test_accepting_a_suggestion_that_no_longer_stands_is_refused(team):
    p = team["people"]
    with pytest.raises(service.BuddyError, match="no longer stands"):
        service.accept_suggestion(team["blue"], p["ali"], p["bea"], "A.greeting",
                                  acting=p["coach"], **period())


def test_advisors_with_too_few_calls_are_named_not_suggested(team, app):
    app.config["BUDDIES_MIN_CALLS"] = 5
    found = service.suggest_pairings(team["blue"], acting=team["people"]["coach"])
    assert found.pairs == []
    assert {u.name for u in found.too_few_calls} == {"Ali", "Bea", "Cal"}


# --- sharing and peer feedback ------------------------------------------------------------


def test_share_comment_reply_edit_delete(team, pairing):
    p, clip = team["people"], team["clips"]["ali"]
    share = service.share_clip(pairing, clip, acting=p["ali"], note="Thoughts?")
    assert any("shared a clip" in t for t in texts_for(p["bea"]))
    comment = service.add_peer_comment(share, acting=p["bea"], body="Warm opening",
                                       at_second=1.5, prompt=PeerPrompt.WORKED,
                                       microskills=["A.greeting"])
    assert comment.at_second == 1.5 and comment.microskills == ["A.greeting"]
    assert any("commented on" in t for t in texts_for(p["ali"]))
    answer = service.add_peer_comment(share, acting=p["ali"], body="Thanks", at_second=None,
                                      parent=comment)
    assert answer.parent_id == comment.id and answer.at_second == comment.at_second
    assert any("replied to your comment" in t for t in texts_for(p["bea"]))
    service.edit_peer_comment(comment, acting=p["bea"], body="Very warm opening")
    assert comment.edited_at is not None
    with pytest.raises(access.NotAllowed):
        service.edit_peer_comment(comment, acting=p["ali"], body="mine now")
    with pytest.raises(access.NotAllowed):
        service.delete_peer_comment(comment, acting=p["ali"])
    service.delete_peer_comment(comment, acting=p["bea"])
    db.session.commit()
    assert db.session.scalars(sa.select(PeerComment)).all() == []  # the reply goes with it


def test_a_comment_second_is_clamped_to_the_clip(team, pairing):
    p = team["people"]
    share = service.share_clip(pairing, team["clips"]["ali"], acting=p["ali"])
    comment = service.add_peer_comment(share, acting=p["bea"], body="x", at_second=999,
                                       prompt=PeerPrompt.QUESTION, microskills=["A.greeting"])
    assert comment.at_second <= team["clips"]["ali"].duration_s + 0.1


@pytest.mark.parametrize("body, codes, prompt, message", [
    ("   ", ["A.greeting"], PeerPrompt.WORKED, "cannot be empty"),
    ("x" * 2001, ["A.greeting"], PeerPrompt.WORKED, "at most 2000 characters"),
    ("ok", ["A.greeting", "W.empathy", "S.summary", "O.ownership"], PeerPrompt.TRY,
     "at most 3 microskills"),
    ("ok", [], PeerPrompt.TRY, "1 to 3 microskills"),
    ("ok", ["X.nothing"], PeerPrompt.TRY, "Unknown microskill"),
    ("ok", ["A.greeting"], None, "Choose a prompt"),
])
def test_bad_peer_comments_are_refused_with_a_message(team, pairing, body, codes, prompt,
                                                      message):
    p = team["people"]
    share = service.share_clip(pairing, team["clips"]["ali"], acting=p["ali"])
    with pytest.raises(service.BuddyError, match=message):
        service.add_peer_comment(share, acting=p["bea"], body=body, at_second=1.0,
                                 prompt=prompt, microskills=codes)


def test_only_the_pair_comments_on_a_shared_clip(team, pairing):
    p = team["people"]
    share = service.share_clip(pairing, team["clips"]["ali"], acting=p["ali"])
    for outsider in ("cal", "dan", "coach", "admin"):
        with pytest.raises(access.NotAllowed):
            service.add_peer_comment(share, acting=p[outsider], body="hi", at_second=1,
                                     prompt=PeerPrompt.WORKED, microskills=["A.greeting"])
        assert not access.can(p[outsider], "see (clip, peer comments)",
                              "clip shared with a buddy", share)


def test_one_shares_only_ones_own_clips_and_not_twice(team, pairing):
    p = team["people"]
    with pytest.raises(service.BuddyError, match="your own clips"):
        service.share_clip(pairing, team["clips"]["cal"], acting=p["ali"])
    with pytest.raises(access.NotAllowed):  # Dan's clip (another team) Ali may not see
        service.share_clip(pairing, team["clips"]["dan"], acting=p["ali"])
    with pytest.raises(access.NotAllowed):  # not in the pairing
        service.share_clip(pairing, team["clips"]["cal"], acting=p["cal"])
    service.share_clip(pairing, team["clips"]["ali"], acting=p["ali"])
    with pytest.raises(service.BuddyError, match="already shared"):
        service.share_clip(pairing, team["clips"]["ali"], acting=p["ali"])


def test_an_ended_pairing_takes_no_new_shares(team, pairing):
    p = team["people"]
    service.end_pairing(pairing, acting=p["coach"])
    with pytest.raises(service.BuddyError, match="not running"):
        service.share_clip(pairing, team["clips"]["ali"], acting=p["ali"])


def test_check_ins_record_the_two_questions_both_ways(team, pairing):
    p = team["people"]
    service.record_checkin(pairing, acting=p["ali"], help_answer="Listen to my openings",
                           manage_answer="Tell me early")
    service.record_checkin(pairing, acting=p["bea"], help_answer="Share calls",
                           manage_answer="")
    db.session.commit()
    assert {c.author.name for c in pairing.checkins} == {"Ali", "Bea"}
    with pytest.raises(service.BuddyError, match="at least one"):
        service.record_checkin(pairing, acting=p["ali"], help_answer=" ", manage_answer="")
    with pytest.raises(access.NotAllowed):
        service.record_checkin(pairing, acting=p["cal"], help_answer="x", manage_answer="y")


# --- kudos, wall, champions ---------------------------------------------------------------


def test_kudos_go_to_a_teammates_good_moment_and_show_on_the_wall(team):
    p = team["people"]
    kudos = service.give_kudos(team["clips"]["ali"], acting=p["bea"], microskill="A.greeting",
                               message="Lovely")
    db.session.commit()
    assert kudos.receiver_id == p["ali"].id
    assert any("gave you kudos" in t for t in texts_for(p["ali"]))
    wall = service.team_wall(team["blue"], viewer=p["cal"])
    assert any(i.kind == "kudos" and "Bea → Ali" in i.title for i in wall)
    assert service.kudos_for(p["ali"], p["cal"]) == [kudos]
    assert service.kudos_for(p["ali"], p["dan"]) == []  # another team's wall


@pytest.mark.parametrize("giver, clip, error", [
    ("ali", "ali", "your own clip"),
    ("ali", "ali_private", None),  # the clip is Ali's own, private: own-clip message
    ("bea", "ali_private", "not allowed"),  # Bea may not see it
    ("dan", "ali", "not allowed"),  # another team: a team clip Dan does not see
])
def test_kudos_on_ones_own_or_an_unseen_clip_are_refused(team, giver, clip, error):
    p = team["people"]
    if error == "not allowed":
        with pytest.raises(access.NotAllowed):
            service.give_kudos(team["clips"][clip], acting=p[giver], microskill="A.greeting")
    else:
        with pytest.raises(service.BuddyError, match="own clip"):
            service.give_kudos(team["clips"][clip], acting=p[giver], microskill="A.greeting")


def test_kudos_need_a_good_moment_a_known_microskill_and_are_given_once(team):
    p = team["people"]
    with pytest.raises(service.BuddyError, match="Choose the microskill"):
        service.give_kudos(team["clips"]["ali"], acting=p["bea"], microskill="X.none")
    service.give_kudos(team["clips"]["ali"], acting=p["bea"], microskill="A.greeting")
    with pytest.raises(service.BuddyError, match="already gave"):
        service.give_kudos(team["clips"]["ali"], acting=p["bea"], microskill="A.greeting")
    with pytest.raises(service.BuddyError, match="good moments"):
        service.give_kudos(team["clips"]["ali_private"], acting=p["coach"],
                           microskill="A.greeting")


def test_the_wall_has_praise_kudos_and_clips_but_never_improvements(team, pairing):
    p = team["people"]
    held = sessions.create_session(coach=p["coach"], advisor=p["ali"], scheduled_at=None)
    for slot in Slot:
        sessions.add_point(held, acting=p["coach"], slot=slot, text=f"SECRET {slot.value}",
                           microskill="W.empathy", published=slot is Slot.OPENING,
                           evidence=sessions.Evidence(recording=team["calls"]["ali"][0],
                                                      at_second=1.0))
    sessions.record_run(held, sessions.RunRecord(private_notes="PRIVATE NOTE"),
                        acting=p["coach"])
    sessions.mark_held(held, acting=p["coach"])
    share = service.share_clip(pairing, team["clips"]["ali"], acting=p["ali"])
    service.add_peer_comment(share, acting=p["bea"], body="PEER SECRET", at_second=1,
                             prompt=PeerPrompt.TRY, microskills=["W.empathy"])
    service.give_kudos(team["clips"]["ali"], acting=p["cal"], microskill="A.greeting")
    for shared, microskill in ((True, "W.empathy"), (False, "S.summary")):
        db.session.add(Goal(session=held, advisor=p["ali"], set_by=p["coach"],
                            metric="skill_rate", microskill=microskill, target=1.0,
                            due_on=held.held_at.date(), starts_at=held.held_at, current=1.5,
                            state=GoalState.ACHIEVED, shared=shared, achieved_at=utcnow()))
    db.session.commit()
    wall = service.team_wall(team["blue"], viewer=p["cal"])
    kinds = {i.kind for i in wall}
    assert kinds == {"praise", "kudos", "clip", "goal"}
    goals = [i.text for i in wall if i.kind == "goal"]
    assert len(goals) == 1 and "Empathy" in goals[0] and "1.50 per call" in goals[0]
    text = " ".join(f"{i.title} {i.text}" for i in wall)
    assert "SECRET opening" in text
    for hidden in ("SECRET improvement", "SECRET closing", "PRIVATE NOTE", "PEER SECRET",
                   "Ali's private moment"):
        assert hidden not in text
    with pytest.raises(access.NotAllowed):
        service.team_wall(team["blue"], viewer=p["dan"])


def test_skill_champions_are_the_strongest_with_enough_calls(team, app):
    p = team["people"]
    found = {code: champions for code, _name, champions in
             service.skill_champions(team["blue"], viewer=p["bea"])}
    empathy = [c.rates.advisor.name for c in found["W.empathy"]]
    assert "Bea" not in empathy and "Ali" in empathy
    greeting = found["A.greeting"]
    assert "Cal" not in [c.rates.advisor.name for c in greeting]
    ali = next(c for c in greeting if c.rates.advisor.name == "Ali")
    assert [clip.title for clip in ali.clips] == ["Ali's greeting"]
    app.config["BUDDIES_MIN_CALLS"] = 3
    assert service.skill_champions(team["blue"], viewer=p["bea"]) == []


def test_kudos_is_a_relationship_of_the_team_only(team):
    p = team["people"]
    service.give_kudos(team["clips"]["ali"], acting=p["coach"], microskill="A.greeting")
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count(Kudos.id))) == 1
    assert service.kudos_candidates(p["coach"], team["blue"])  # Bea's and Cal's remain
