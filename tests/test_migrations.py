from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import Config

from coachlab import MIGRATIONS_DIR
from coachlab.db import db


def test_there_is_one_alembic_head():
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    assert len(ScriptDirectory.from_config(config).get_heads()) == 1


# Made by hand in migrations, invisible to the models: the full-text search index.
NOT_IN_MODELS = ("alembic_version", "transcript_fts", "ix_transcript_segments_text_fts")


def _modelled(obj, name, type_, reflected, compare_to) -> bool:
    return not (name or "").startswith(NOT_IN_MODELS)


def test_models_match_the_migrated_schema(app):
    """The session's schema was built by the migrations; the models must agree with it."""
    with db.engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": False, "include_object": _modelled})
        assert compare_metadata(context, db.metadata) == []
