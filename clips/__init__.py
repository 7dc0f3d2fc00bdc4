"""Clips of decisive moments: cutting, suggestions, comments, playlists and the library."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register this package's views and hooks with the app (see coachlab.plugins)."""
    from clips import home, jobs, service
    from clips.access import RULES
    from clips.cli import cut_command
    from clips.suggestions import SUGGEST_STEP
    from clips.views import bp, cliptime, recording_panel
    from coachlab.access import register
    from coachlab.plugins import (
        NavLink,
        add_evidence_source,
        add_home_card,
        add_nav_link,
        add_pipeline_step,
        add_recording_panel,
        add_review_source,
        recording_deleted,
    )

    # An extra rules file extending clips/rules/decisive_moments.json (env
    # COACHLAB_CLIPS_RULES_FILE); the bundled rules always apply.
    app.config.setdefault("CLIPS_RULES_FILE", None)
    app.config.setdefault("CLIPS_PER_PAGE", 25)

    register(app, *RULES)
    app.register_blueprint(bp)
    app.add_template_filter(cliptime, "cliptime")
    add_nav_link(app, NavLink("clips.index", "Clips", order=40))
    add_nav_link(app, NavLink("clips.playlist_index", "Playlists", order=45))
    add_recording_panel(app, recording_panel, area="main")
    add_evidence_source(app, service.clip_evidence)
    for card in home.CARDS:
        add_home_card(app, card)
    add_review_source(app, home.last_clip_reviews)
    add_pipeline_step(app, SUGGEST_STEP)
    jobs.init_app(app)
    app.cli.add_command(cut_command)
    recording_deleted.connect(service.delete_clips_of)
