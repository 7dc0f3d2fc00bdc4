"""How domain packages (microskills, clips, sessions) plug into the core's pages.

The core never imports them; ``create_app`` calls each package's ``init_app(app)``, which
registers its blueprint and, through these helpers, its navigation links, its panels on
the recording page and its annotations on transcript segments.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask, current_app
from markupsafe import Markup

from coachlab.auth.models import User
from coachlab.recordings.models import Recording

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
