"""Performance data: per-interaction outcomes (imported from CSV), colour-coded audits of
calls and clips with the advisor's follow-up, Communication Quality, dashboards for
advisors, teams and the company, rankings in thirds, outliers, the daily digest and
exports. Depends on coachlab, microskills, clips and sessions' neighbours; nothing imports
it."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register this package's views, rules, cards, exports and CLI (see coachlab.plugins)."""
    from coachlab.access import register
    from coachlab.plugins import (
        NavLink,
        add_demo_seeder,
        add_export,
        add_home_card,
        add_nav_link,
        add_recording_panel,
        add_worker_check,
        allow_large_body,
    )
    from performance import demo, exports, home, panels, sums
    from performance.access import RULES
    from performance.cli import import_cli, outcomes_cli
    from performance.views import bp

    app.config.setdefault("PERFORMANCE_RESPONSE_TARGET_H", 24)  # answer within
    app.config.setdefault("PERFORMANCE_RESPONSE_AIM_H", 9)  # and aim for
    app.config.setdefault("PERFORMANCE_LEAD_TARGET_MIN", 40)  # new leads (20-40 minutes)
    app.config.setdefault("AUDIT_ACT_WITHIN_H", 24)  # a Needs Improvement is acted on within
    app.config.setdefault("MAX_IMPORT_MB", 50)  # an outcomes CSV (100,000 rows: about 8 MB)
    register(app, *RULES)
    app.register_blueprint(bp)
    allow_large_body(app, "performance.import_outcomes", "MAX_IMPORT_MB")
    add_nav_link(app, NavLink("performance.dashboard", "Performance", order=50))
    for card in home.CARDS:
        add_home_card(app, card)
    add_recording_panel(app, panels.audit_panel)
    add_demo_seeder(app, demo.seed_performance)
    for export in exports.EXPORTS:
        add_export(app, export)
    app.cli.add_command(import_cli)
    app.cli.add_command(outcomes_cli)
    sums.init_app(app)
    add_worker_check(app, sums.check_at_worker_start)
