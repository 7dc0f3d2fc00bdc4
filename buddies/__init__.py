"""Buddies and team building: buddy pairings (by hand or suggested from microskill
profiles), clips shared with a buddy for peer feedback, buddy check-ins, kudos, the team
wall and skill champions. Peer feedback and kudos never enter an official figure."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register this package's views, rules, cards and hooks (see coachlab.plugins)."""
    from buddies import demo, home, mail
    from buddies.access import RULES
    from buddies.views import bp
    from coachlab.access import register
    from coachlab.plugins import (
        NavLink,
        add_demo_seeder,
        add_evidence_source,
        add_home_card,
        add_nav_link,
    )

    # a pairing suggestion or a champion needs this many tagged calls in the period
    app.config.setdefault("BUDDIES_MIN_CALLS", 3)
    # suggestions do not repeat a pair that ran within this many days
    app.config.setdefault("BUDDIES_ROTATION_DAYS", 90)
    register(app, *RULES)
    app.register_blueprint(bp)
    add_nav_link(app, NavLink("buddies.index", "Buddies", order=55))
    for card in home.CARDS:
        add_home_card(app, card)
    add_evidence_source(app, home.kudos_evidence)
    add_demo_seeder(app, demo.seed_buddies)
    mail.init_app(app)
