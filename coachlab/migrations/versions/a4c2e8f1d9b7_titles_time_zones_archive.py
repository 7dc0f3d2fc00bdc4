"""recordings.title; users.time_zone and previous_login_at; teams.archived_at

Revision ID: a4c2e8f1d9b7
Revises: 3b8d5f0e6a17
Create Date: 2026-12-01 21:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a4c2e8f1d9b7'
down_revision = '3b8d5f0e6a17'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('recordings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('title', sa.String(length=200), nullable=False,
                                      server_default=''))
    with op.batch_alter_table('recordings', schema=None) as batch_op:
        batch_op.alter_column('title', server_default=None)

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('time_zone', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('previous_login_at', sa.DateTime(timezone=True),
                                      nullable=True))

    with op.batch_alter_table('teams', schema=None) as batch_op:
        batch_op.add_column(sa.Column('archived_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('teams', schema=None) as batch_op:
        batch_op.drop_column('archived_at')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('previous_login_at')
        batch_op.drop_column('time_zone')
    with op.batch_alter_table('recordings', schema=None) as batch_op:
        batch_op.drop_column('title')
