"""Coaching sessions: a balanced agenda of clips, sandwich feedback (positive, improvement,
positive) tied to microskills and evidence, private improvement and public praise, the
meeting itself, and the advisor's acknowledgement."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register this package's views, rules, cards and hooks (see coachlab.plugins)."""
    from coachlab.access import register
    from coachlab.plugins import (
        NavLink,
        add_demo_seeder,
        add_export,
        add_home_card,
        add_nav_link,
        add_pipeline_step,
        add_review_source,
        recording_deleted,
    )
    from sessions import demo, exports, goal_views, goals, home, meeting, service  # noqa: F401
    from sessions.access import RULES
    from sessions.jobs import GOAL_STEP
    from sessions.views import bp

    app.config.setdefault("SESSION_ACK_WORKING_DAYS", 2)
    app.config.setdefault("GOAL_BASELINE_DAYS", 30)  # calls before a session behind a baseline
    app.config.setdefault("GOAL_IMPACT_DAYS", 30)  # the windows compared for coaching impact
    register(app, *RULES)
    app.register_blueprint(bp)
    add_nav_link(app, NavLink("sessions.index", "Sessions", order=35))
    for card in home.CARDS:
        add_home_card(app, card)
    add_review_source(app, home.last_sessions)
    recording_deleted.connect(service.forget_recording)
    recording_deleted.connect(goals.forget_recording)
    add_pipeline_step(app, GOAL_STEP)
    add_demo_seeder(app, demo.seed_sessions)
    for export in exports.EXPORTS:
        add_export(app, export)
