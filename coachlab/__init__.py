"""CoachLab: self-hosted coaching from contact-centre call recordings."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

PACKAGE_DIR = Path(__file__).resolve().parent
STATIC_DIR = PACKAGE_DIR.parent / "static"
MIGRATIONS_DIR = PACKAGE_DIR / "migrations"
# Domain packages, in dependency order; each has ``init_app(app)``.
DOMAIN_PACKAGES = ("microskills", "clips", "sessions", "buddies", "performance")


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True, static_folder=str(STATIC_DIR))

    from coachlab import config

    app.config.from_object(config.Config)
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.from_prefixed_env("COACHLAB")
    else:
        app.config.from_mapping(test_config)
    config.finalize(app)
    if not app.debug and not app.testing:
        logging.basicConfig(level=logging.INFO,
                            format="%(asctime)s %(levelname)s %(name)s: %(message)s")
        logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)

    from coachlab import access, cli, errors, forms, jobs, security, storage, timezones, urls
    from coachlab.db import db
    from coachlab.extensions import csrf, login_manager, migrate

    urls.init_app(app)
    timezones.init_app(app)
    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR))
    login_manager.init_app(app)
    security.init_app(app)  # before CSRFProtect: its hook refuses bodies before they are read
    csrf.init_app(app)
    forms.init_app(app)
    storage.init_app(app)
    jobs.init_app(app)
    errors.init_app(app)
    access.init_app(app)
    cli.init_app(app)

    from coachlab.auth.models import User
    from coachlab.auth.service import load_session_user

    @login_manager.user_loader
    def load_user(user_id: str) -> User | None:
        return load_session_user(user_id)

    from coachlab.auth.views import bp as auth_bp
    from coachlab.plugins import add_pipeline_step, add_worker_check
    from coachlab.recordings import jobs as recording_jobs
    from coachlab.recordings.jobs import WAVEFORM_STEP
    from coachlab.recordings.titles import TITLE_STEP
    from coachlab.recordings.views import bp as recordings_bp
    from coachlab.transcripts.jobs import TRANSCRIBE_STEP, check_model_at_worker_start
    from coachlab.transcripts.views import bp as transcripts_bp

    app.register_blueprint(auth_bp)
    app.register_blueprint(recordings_bp)
    app.register_blueprint(transcripts_bp)
    recording_jobs.init_app(app)
    add_pipeline_step(app, WAVEFORM_STEP)
    add_pipeline_step(app, TRANSCRIBE_STEP)
    add_pipeline_step(app, TITLE_STEP)
    add_worker_check(app, check_model_at_worker_start)

    import importlib

    for package in DOMAIN_PACKAGES:
        importlib.import_module(package).init_app(app)

    from coachlab import home, notifications

    home.init_app(app)
    notifications.init_app(app)

    from coachlab import templating

    templating.init_app(app)
    return app

