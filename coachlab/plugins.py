"""The one way domain packages (microskills, clips, sessions) plug into the core.

The core never imports them; ``create_app`` calls each package's ``init_app(app)``, which
registers its blueprint and, through this module, everything else it adds:

- registries (``add_*``): navigation links, panels on the recording page, annotations on
  transcript segments, evidence for profiles, start-page cards, "last reviewed" sources,
  steps of the recording pipeline, kinds of background job, checks a worker runs at
  start-up;
- signals, for what happens to the core's objects: ``recording_deleted`` (sent by the
  recordings service with the recording, in the deleting transaction, before its row goes:
  a listener deletes or detaches what it made of it) and ``segment_corrected``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from blinker import Namespace
from flask import Flask, current_app
from markupsafe import Markup

from coachlab.auth.models import User
from coachlab.db import db
from coachlab.recordings.models import Recording

_signals = Namespace()
#: sent with the Recording about to be deleted (same transaction, before the flush)
recording_deleted = _signals.signal("recording-deleted")
#: sent with the TranscriptSegment a person corrected
segment_corrected = _signals.signal("segment-corrected")


def add_pipeline_step(app: Flask, step) -> None:
    """A step of the recording pipeline (``coachlab.recordings.pipeline.Step``), run in the
    order added, after the core's waveform and transcription."""
    from coachlab.recordings.pipeline import register_step

    register_step(app, step)


def add_job_kind(app: Flask, kind) -> None:
    """A kind of background job (``coachlab.jobs.JobKind``) the one worker task can run."""
    from coachlab.jobs import register_job_kind

    register_job_kind(app, kind)


def add_worker_check(app: Flask, check: Callable[[Flask], None]) -> None:
    """Run once when a worker starts (say early when its set-up is unusable, re-queue...)."""
    app.extensions.setdefault("coachlab.worker_checks", []).append(check)


def allow_large_body(app: Flask, endpoint: str, config_key: str) -> None:
    """Let ``endpoint`` take a request body of up to ``app.config[config_key]`` megabytes
    instead of ``MAX_REQUEST_MB`` (a file import, say); see ``coachlab.security``."""
    from coachlab.security import LARGE_BODIES_KEY

    app.extensions.setdefault(LARGE_BODIES_KEY, {})[endpoint] = config_key


def add_demo_seeder(app: Flask, seeder: Callable[[dict], list[str]]) -> None:
    """``seeder(demo)`` adds a package's demo data after the core's accounts and calls;
    ``demo`` holds them by name ("coach", "advisor1", ..., "recordings"). Returns what it
    made, for the log."""
    app.extensions.setdefault("coachlab.demo_seeders", []).append(seeder)


def demo_seeders() -> list[Callable[[dict], list[str]]]:
    return list(current_app.extensions.get("coachlab.demo_seeders", []))


@dataclass(frozen=True)
class Export:
    """A table ``coachlab export NAME --format csv|json`` prints (see coachlab.exports):
    ``rows(options)`` gives dicts with ``fields`` as keys; ``options`` holds ``since`` and
    ``until`` (dates or None) for the exports that take a period."""

    name: str
    help: str
    fields: tuple[str, ...]
    rows: Callable[[dict], list[dict]]


def add_export(app: Flask, export: Export) -> None:
    exports = app.extensions.setdefault("coachlab.exports", {})
    if export.name in exports:
        raise ValueError(f"export {export.name} registered twice")
    exports[export.name] = export


def exports() -> dict[str, Export]:
    return dict(current_app.extensions.get("coachlab.exports", {}))


def worker_checks() -> list[Callable[[Flask], None]]:
    return list(current_app.extensions.get("coachlab.worker_checks", []))


# (recording, user) -> HTML shown on the recording page, in the given area
PanelFn = Callable[[Recording, User], Markup | str]
# (recording, segments, user) -> {segment id: HTML shown under that segment}
SegmentExtrasFn = Callable[[Recording, list, User], dict[int, Markup | str]]


@dataclass(frozen=True, slots=True)
class NavLink:
    endpoint: str
    label: str
    order: int = 50


def add_nav_link(app: Flask, link: NavLink) -> None:
    app.extensions.setdefault("coachlab.nav", []).append(link)


def nav_links() -> list[NavLink]:
    return sorted(current_app.extensions.get("coachlab.nav", []), key=lambda n: n.order)


def add_recording_panel(app: Flask, panel: PanelFn, *, area: str = "main") -> None:
    """``area`` is "main" (under the player) or "transcript" (above the transcript)."""
    app.extensions.setdefault("coachlab.recording_panels", []).append((area, panel))


def recording_panels(recording: Recording, user: User) -> dict[str, list[Markup]]:
    areas: dict[str, list[Markup]] = {"main": [], "transcript": []}
    for area, panel in current_app.extensions.get("coachlab.recording_panels", []):
        areas[area].append(Markup(panel(recording, user)))
    return areas


def add_segment_extras(app: Flask, extras: SegmentExtrasFn) -> None:
    app.extensions.setdefault("coachlab.segment_extras", []).append(extras)


def segment_extras(recording: Recording, segments: list, user: User) -> dict[int, list[Markup]]:
    merged: dict[int, list[Markup]] = {}
    for extras in current_app.extensions.get("coachlab.segment_extras", []):
        for segment_id, html in extras(recording, segments, user).items():
            merged.setdefault(segment_id, []).append(Markup(html))
    return merged


@dataclass(frozen=True, slots=True)
class EvidenceLink:
    """A piece of evidence for a microskill, e.g. a clip that shows it."""

    title: str
    url: str
    note: str = ""


# (advisor, microskill codes, viewing user) -> {code: [links]}
EvidenceFn = Callable[[User, list[str], User], dict[str, list[EvidenceLink]]]


def add_evidence_source(app: Flask, source: EvidenceFn) -> None:
    app.extensions.setdefault("coachlab.evidence_sources", []).append(source)


def evidence_for(advisor: User, codes: list[str], viewer: User) -> dict[str, list[EvidenceLink]]:
    found: dict[str, list[EvidenceLink]] = {}
    for source in current_app.extensions.get("coachlab.evidence_sources", []):
        for code, links in source(advisor, codes, viewer).items():
            found.setdefault(code, []).extend(links)
    return found


@dataclass(frozen=True, slots=True)
class HomeCard:
    """A card on a role's start page, saying what needs the user now.

    ``render(user, since)`` returns the card's HTML, or None when it has nothing to say to
    this user; ``since`` is the user's previous visit (their sign-in before this one, or a
    week ago for a first visit). Later packages (sessions, goals, buddies) add theirs.
    """

    key: str
    roles: frozenset[str]  # Role values the card is for: {"coach", "admin"}
    render: Callable[[User, object], Markup | str | None]
    order: int = 50


def add_home_card(app: Flask, card: HomeCard) -> None:
    cards: list[HomeCard] = app.extensions.setdefault("coachlab.home_cards", [])
    if any(c.key == card.key for c in cards):
        raise ValueError(f"home card {card.key} registered twice")
    cards.append(card)


def home_cards(user: User, since) -> list[Markup]:
    cards = sorted(current_app.extensions.get("coachlab.home_cards", []), key=lambda c: c.order)
    shown = []
    for card in cards:
        if user.role.value not in card.roles:
            continue
        try:
            html = card.render(user, since)
        except Exception:
            # one broken card must not take the start page down; tests want to see it fail
            if current_app.testing:
                raise
            current_app.logger.exception("home card %s failed", card.key)
            db.session.rollback()
            html = Markup('<article class="home-card"><p class="flash flash-error">This part of '
                          "the page could not be shown; the error is logged.</p></article>")
        if html:
            shown.append(Markup(html))
    return shown


# (advisor ids) -> {advisor id: when they were last reviewed}: clips a coach cut of their
# calls, coaches' comments, tag reviews, coaching sessions... The start page's "no review
# lately" takes the latest over all sources.
ReviewSourceFn = Callable[[list[int]], dict[int, object]]


def add_review_source(app: Flask, source: ReviewSourceFn) -> None:
    app.extensions.setdefault("coachlab.review_sources", []).append(source)


def last_reviews(advisor_ids: list[int]) -> dict[int, object]:
    latest: dict[int, object] = {}
    for source in current_app.extensions.get("coachlab.review_sources", []):
        for advisor_id, when in source(advisor_ids).items():
            if when is not None and (advisor_id not in latest or when > latest[advisor_id]):
                latest[advisor_id] = when
    return latest
