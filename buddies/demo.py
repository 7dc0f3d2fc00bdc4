"""Demo buddies for ``seed-demo``: advisor1 and advisor2 paired, a clip of advisor1's shared
with a timestamped peer comment and a reply, a check-in, and kudos on the wall."""

from __future__ import annotations

import datetime as dt

from buddies import access as buddy_access
from buddies import service
from buddies.models import PeerPrompt
from clips.jobs import queue_cut
from clips.models import Clip, ClipKind, Visibility
from coachlab.db import db


def seed_buddies(demo: dict) -> list[str]:
    coach, advisor1, advisor2 = demo["coach"], demo["advisor1"], demo["advisor2"]
    team = advisor1.team
    if team is None or advisor2.team_id != team.id:
        return []
    today = buddy_access.today()
    pairing = service.make_pairing(team, advisor1, advisor2, starts_on=today,
                                   ends_on=today + dt.timedelta(days=13), acting=coach)
    made = [f"buddies: {pairing.names}"]
    calls = [r for r in demo["recordings"] if r.advisor_id == advisor1.id]
    if not calls:
        return made
    call = calls[0]
    # the call is not transcribed yet (that runs after the seed commits), so the clip is
    # made whole rather than snapped to words; its cut only needs the stored file
    clip = Clip(recording=call, advisor=advisor1, cut_by=advisor1, team_id=call.team_id,
                title="Opening I want feedback on", kind=ClipKind.GOOD_MOMENT,
                reason="Shared with my buddy for feedback", visibility=Visibility.TEAM,
                start=0.0, end=round(min(call.duration_s or 8.0, 8.0), 3), keep_video=False)
    clip.microskills = ["A.greeting"]
    db.session.add(clip)
    db.session.flush()
    queue_cut(clip)
    share = service.share_clip(pairing, clip, acting=advisor1,
                               note="Does my opening sound warm enough?")
    comment = service.add_peer_comment(
        share, acting=advisor2, at_second=2.0, prompt=PeerPrompt.WORKED,
        microskills=["A.greeting"], body="Using the customer's name straight away works well.")
    service.add_peer_comment(share, acting=advisor1, at_second=None, parent=comment,
                             body="Thanks! I will keep doing it.")
    service.add_peer_comment(
        share, acting=advisor2, at_second=5.0, prompt=PeerPrompt.TRY,
        microskills=["W.empathy"], body="Try naming how they feel before asking for details.")
    service.record_checkin(pairing, acting=advisor2,
                           help_answer="Share one call a week you are unsure about.",
                           manage_answer="Tell me when my feedback is too vague.")
    service.give_kudos(clip, acting=advisor2, microskill="A.greeting",
                       message="Lovely warm opening.")
    made.append(f"buddies: clip {clip.id} shared with peer comments and kudos")
    return made
