"""performance indexes and summaries: recording_tags.tag_id (the tag filter and its count)
and utterance_tags.reviewed_at ("last reviewed" on start pages) are indexed

The per-call summaries the profile reads are RecordingSkillSummary's counts (revision
b7d2c9e4f013); calls tagged before them are counted by the worker's start-up check (and by
the profile itself when it meets one).

Revision ID: c3e8a1f5d624
Revises: b7d2c9e4f013
Create Date: 2026-12-02 01:15:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'c3e8a1f5d624'
down_revision = 'b7d2c9e4f013'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('recording_tags', schema=None) as batch_op:
        batch_op.create_index('ix_recording_tags_tag_id', ['tag_id'], unique=False)
    with op.batch_alter_table('utterance_tags', schema=None) as batch_op:
        batch_op.create_index('ix_utterance_tags_reviewed_at', ['reviewed_at'], unique=False)


def downgrade():
    with op.batch_alter_table('utterance_tags', schema=None) as batch_op:
        batch_op.drop_index('ix_utterance_tags_reviewed_at')
    with op.batch_alter_table('recording_tags', schema=None) as batch_op:
        batch_op.drop_index('ix_recording_tags_tag_id')
