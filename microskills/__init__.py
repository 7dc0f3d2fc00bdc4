"""Conversational microskills: the AWESOME masterlist, the utterance tagger, coaches'
reviews of its tags and each advisor's microskill profile."""


def init_app(app) -> None:
    """Register views, the tagging step, transcript chips and the CLI (see coachlab.plugins)."""
    from coachlab.access import register
    from coachlab.plugins import (
        NavLink,
        add_home_card,
        add_nav_link,
        add_pipeline_step,
        add_review_source,
        add_segment_extras,
        add_worker_check,
    )
    from microskills import home
    from microskills.access import RULES
    from microskills.call_counts import count_uncounted_calls
    from microskills.cli import microskills_cli
    from microskills.jobs import TAG_STEP, retag_outdated_at_worker_start
    from microskills.views import bp, segment_tags

    register(app, *RULES)
    app.register_blueprint(bp)
    add_pipeline_step(app, TAG_STEP)
    add_segment_extras(app, segment_tags)
    for card in home.CARDS:
        add_home_card(app, card)
    add_review_source(app, home.last_tag_reviews)
    add_nav_link(app, NavLink("microskills.advisors", "Microskills", order=30))
    app.cli.add_command(microskills_cli)
    add_worker_check(app, retag_outdated_at_worker_start)
    add_worker_check(app, count_uncounted_calls)
