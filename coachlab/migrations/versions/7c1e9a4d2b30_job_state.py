"""one job-state shape for every job kind: clips get worker_id; 'uploaded' goes

Revision ID: 7c1e9a4d2b30
Revises: 156594b15359
Create Date: 2026-12-01 19:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7c1e9a4d2b30'
down_revision = '156594b15359'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('clips', schema=None) as batch_op:
        batch_op.add_column(sa.Column('worker_id', sa.String(length=120), nullable=False,
                                      server_default=''))
    with op.batch_alter_table('clips', schema=None) as batch_op:
        batch_op.alter_column('worker_id', server_default=None)
    # a recording was 'uploaded' only inside the upload's transaction; any left is queued
    # again (the worker's sweep re-sends queued rows that nobody picked up)
    op.execute("UPDATE recordings SET status = 'queued', queued_at = NULL "
               "WHERE status = 'uploaded'")


def downgrade():
    with op.batch_alter_table('clips', schema=None) as batch_op:
        batch_op.drop_column('worker_id')
