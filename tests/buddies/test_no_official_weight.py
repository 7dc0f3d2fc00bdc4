"""Peer feedback and kudos carry no consequences: they never enter an official metric, a
profile score or a ranking. The figures are the same before and after a flood of peer
comments and kudos on the very microskills the figures count."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from buddies import service
from buddies.models import PeerPrompt
from coachlab.db import db
from coachlab.plugins import last_reviews
from microskills.profile import build_profile

ROOT = Path(__file__).resolve().parents[2]
CODES = ["W.empathy", "A.greeting", "O.ownership"]
KUDOS_LINK = re.compile(r'\n {6}<li><a href="/buddies/wall[^"]*">[^<]*Kudos from [^<]*</a>'
                        r'(?: <small>[^<]*</small>)?</li>\n {4}')  # one evidence item


def official_figures(team, viewer_name: str) -> dict:
    p = team["people"]
    viewer = p[viewer_name]
    figures = {}
    for name in ("ali", "bea", "cal"):
        profile = build_profile(p[name], viewer=viewer)
        figures[name] = {
            "calls": profile.calls,
            "rates": [dataclasses.astuple(r) for r in profile.rates],
            "strengths": [(k.rate.code, k.why) for k in profile.strengths],
            "improvements": [(k.rate.code, k.why) for k in profile.improvements],
            "missed": profile.missed_total,
            "empathy_share": profile.empathy_share,
            "objections": profile.objections_handled,
            "ratio": profile.reflection_question_ratio,
            "trend": (profile.trend.weeks, profile.trend.series),
        }
    figures["champions"] = [(code, [(c.rates.advisor.id, c.rates.rate(code), c.rates.calls)
                                    for c in champions])
                            for code, _name, champions in
                            service.skill_champions(team["blue"], viewer=viewer)]
    if viewer_name == "coach":
        figures["suggestions"] = [(s.weak.advisor.id, s.strong.advisor.id, s.code, s.why) for s in
                                  service.suggest_pairings(team["blue"], acting=viewer).pairs]
    figures["reviews"] = last_reviews([p[n].id for n in ("ali", "bea", "cal")])
    return figures


def pages(client, login, user, urls) -> dict[str, str]:
    login(user)
    found = {}
    for url in urls:
        html = client.get(url).get_data(as_text=True)
        # the CSRF token and the per-request nonce differ on every page
        found[url] = re.sub(r'(content|nonce)="[^"]*"', "", html)
    client.post_form("/logout")
    return found


def test_peer_feedback_and_kudos_change_no_official_figure(client, login, team, pairing):
    p, clips = team["people"], team["clips"]
    urls = ["/microskills/advisors", f"/microskills/advisors/{p['bea'].id}",
            "/sessions/export.csv?what=feedback"]
    before = {who: official_figures(team, who) for who in ("coach", "ali", "bea")}
    before_pages = pages(client, login, p["coach"], urls)

    share = service.share_clip(pairing, clips["ali"], acting=p["ali"])
    for second in range(3):
        comment = service.add_peer_comment(share, acting=p["bea"], body="Great empathy",
                                           at_second=second, prompt=PeerPrompt.WORKED,
                                           microskills=CODES)
        service.add_peer_comment(share, acting=p["ali"], body="Thanks", at_second=None,
                                 parent=comment, microskills=CODES)
    for giver in ("bea", "cal", "coach"):
        service.give_kudos(clips["ali"], acting=p[giver], microskill="W.empathy")
    service.give_kudos(clips["bea"], acting=p["ali"], microskill="W.empathy")
    service.record_checkin(pairing, acting=p["ali"], help_answer="x", manage_answer="y")
    db.session.commit()

    after = {who: official_figures(team, who) for who in ("coach", "ali", "bea")}
    assert after == before
    after_pages = pages(client, login, p["coach"], urls)
    # kudos show on the receiver's profile, beside the microskill, and change nothing else
    profile_url = f"/microskills/advisors/{p['bea'].id}"
    picks = [k.rate.code for k in build_profile(p["bea"], viewer=p["coach"]).improvements
             + build_profile(p["bea"], viewer=p["coach"]).strengths]
    if "W.empathy" in picks:
        assert "Kudos from Ali" in after_pages[profile_url]
    after_pages[profile_url] = KUDOS_LINK.sub("", after_pages[profile_url])
    assert after_pages == before_pages


def test_no_official_code_reads_buddies_tables():
    """Only the buddies package imports buddies: nothing that computes a figure can read
    peer feedback or kudos."""
    offenders = []
    for folder in ("coachlab", "clips", "microskills", "sessions"):
        for path in (ROOT / folder).rglob("*.py"):
            if "migrations" in path.parts:  # the schema, not a figure
                continue
            text = path.read_text(encoding="utf-8")
            if re.search(r"^\s*(from|import)\s+buddies\b", text, re.M) or re.search(
                    r"\b(peer_comments|kudos|buddy_shared_clips)\b", text):
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []
