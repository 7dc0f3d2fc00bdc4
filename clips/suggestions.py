"""Moment suggestions on a recording: computed after transcription, accepted or dismissed.

A suggestion is stored under the stable key of :class:`clips.suggest.Suggestion`; re-running
the rules refreshes the open ones and never brings back one that was dismissed or accepted.
"""

from __future__ import annotations

import logging
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from clips.models import Clip, ClipKind, MomentSuggestion, SuggestionStatus
from clips.service import ClipDetails, ClipError, create_clip
from clips.suggest import RulesError, suggest_moments
from clips.suggest import load_rules as _load_rules
from coachlab import access
from coachlab.auth.models import User
from coachlab.db import db, utcnow
from coachlab.recordings.models import Recording
from coachlab.recordings.pipeline import ProgressFn, Step
from coachlab.transcripts.service import load_transcript
from microskills.service import register_extra_rules

log = logging.getLogger(__name__)

#: Microskills a suggested moment usually calls for (codes of microskills.masterlist).
MICROSKILLS_BY_KIND = {
    "objection": ["O.objection"],
    "customer.frustration": ["W.empathy"],
    "customer.escalation": ["O.ownership", "W.empathy"],
    "agent.dont_know": ["O.ownership", "M.expectation"],
    "missing_greeting": ["A.greeting"],
    "missing_closing": ["E.further_help", "E.close"],
}
MISSED = {"agent.dont_know", "dead_air", "overtalk", "long_monologue", "missing_greeting",
          "missing_closing"}


def clip_kind_for(kind: str) -> ClipKind:
    if kind.split(".")[0] == "objection":
        return ClipKind.OBJECTION_HANDLED
    if kind in MISSED:
        return ClipKind.MISSED_OPPORTUNITY
    return ClipKind.OTHER


def microskills_for(kind: str) -> list[str]:
    return MICROSKILLS_BY_KIND.get(kind) or MICROSKILLS_BY_KIND.get(kind.split(".")[0], [])


def title_for(reason: str) -> str:
    """'Customer raised a price objection: "..."' -> 'Customer raised a price objection'."""
    head = reason.split(":", 1)[0].split(" (", 1)[0].strip()
    return (head or reason)[:120]


def kind_label(kind: str) -> str:
    return kind.replace(".", ": ").replace("_", " ").capitalize()


def load_rules():
    """The bundled rules, extended by ``CLIPS_RULES_FILE`` when it is set."""
    extra = current_app.config.get("CLIPS_RULES_FILE")
    return _load_rules(Path(extra) if extra else None)


def tagger_extras() -> dict:
    """Phrases the rules file adds to the tagger's signals (the one detector); a malformed
    file adds none here (refreshing suggestions reports it)."""
    try:
        return load_rules().tagger_extras
    except RulesError:
        log.warning("clip rules file unusable; tagging without its extra phrases")
        return {}


register_extra_rules(tagger_extras)


# --- computing ------------------------------------------------------------------------------


def refresh_suggestions(recording: Recording) -> list[MomentSuggestion]:
    """Run the rules on the recording's transcript (corrections included) and store them.

    Open suggestions are updated or, when the rules no longer find them, removed; dismissed
    and accepted ones are kept as they are. Returns the open suggestions.
    """
    found = []
    if recording.transcribed_at is not None:
        found = suggest_moments(load_transcript(recording), load_rules())
    existing = {s.key: s for s in db.session.scalars(
        sa.select(MomentSuggestion).where(MomentSuggestion.recording_id == recording.id))}
    for s in found:
        row = existing.pop(s.key, None)
        if row is None:
            db.session.add(MomentSuggestion(
                recording_id=recording.id, key=s.key, kind=s.kind, reason=s.reason,
                score=s.score, start=s.start, end=s.end))
        elif row.status is SuggestionStatus.OPEN:
            row.kind, row.reason, row.score = s.kind, s.reason, s.score
            row.start, row.end = s.start, s.end
    for row in existing.values():
        if row.status is SuggestionStatus.OPEN:
            db.session.delete(row)
    db.session.flush()
    log.info("recording %s: %d suggestions", recording.id, len(found))
    return open_suggestions(recording)


def open_suggestions(recording: Recording) -> list[MomentSuggestion]:
    return list(db.session.scalars(
        sa.select(MomentSuggestion)
        .where(MomentSuggestion.recording_id == recording.id,
               MomentSuggestion.status == SuggestionStatus.OPEN)
        .order_by(MomentSuggestion.score.desc(), MomentSuggestion.start)))


def _suggest(recording: Recording, path: Path, progress: ProgressFn) -> None:
    refresh_suggestions(recording)
    progress(1.0)


def _suggested(recording: Recording) -> bool:
    """Done once any suggestion is stored (a call with none is simply looked at again)."""
    return recording.transcribed_at is not None and db.session.scalar(
        sa.select(MomentSuggestion.id).where(MomentSuggestion.recording_id == recording.id)
        .limit(1)) is not None


SUGGEST_STEP = Step(name="suggest", label="Finding decisive moments", run=_suggest,
                    is_done=_suggested, weight=0.2)


# --- deciding -------------------------------------------------------------------------------


def get_suggestion(recording: Recording, suggestion_id: int) -> MomentSuggestion | None:
    suggestion = db.session.get(MomentSuggestion, suggestion_id)
    if suggestion is None or suggestion.recording_id != recording.id:
        return None
    return suggestion


def accept_suggestion(suggestion: MomentSuggestion, *, acting: User) -> Clip:
    """Make the suggested moment a clip: titled from the reason, kind from the rule."""
    recording = suggestion.recording
    access.require(acting, "see, accept, dismiss, refresh", "moment suggestion", recording)
    if suggestion.status is not SuggestionStatus.OPEN:
        raise ClipError("This suggestion was already " + suggestion.status.value + ".")
    details = ClipDetails(title=title_for(suggestion.reason), kind=clip_kind_for(suggestion.kind),
                          reason=suggestion.reason, microskills=microskills_for(suggestion.kind))
    clip = create_clip(recording, suggestion.start, suggestion.end, details, acting=acting,
                       pad=0.0)
    suggestion.status = SuggestionStatus.ACCEPTED
    suggestion.clip_id = clip.id
    suggestion.decided_by_id = acting.id
    suggestion.decided_at = utcnow()
    db.session.flush()
    return clip


def dismiss_suggestion(suggestion: MomentSuggestion, *, acting: User) -> None:
    access.require(acting, "see, accept, dismiss, refresh", "moment suggestion",
                   suggestion.recording)
    suggestion.status = SuggestionStatus.DISMISSED
    suggestion.decided_by_id = acting.id
    suggestion.decided_at = utcnow()
    db.session.flush()
