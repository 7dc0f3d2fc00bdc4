"""users.session_version ends old sessions and remember cookies; login_failures goes
(sign-in throttling counts in Flask-Limiter's storage now)

Revision ID: 3b8d5f0e6a17
Revises: 7c1e9a4d2b30
Create Date: 2026-12-01 19:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3b8d5f0e6a17'
down_revision = '7c1e9a4d2b30'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_version', sa.Integer(), nullable=False,
                                      server_default='0'))
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.alter_column('session_version', server_default=None)

    with op.batch_alter_table('login_failures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_login_failures_remote_addr'))
        batch_op.drop_index(batch_op.f('ix_login_failures_email'))
        batch_op.drop_index(batch_op.f('ix_login_failures_at'))
    op.drop_table('login_failures')


def downgrade():
    op.create_table('login_failures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('remote_addr', sa.String(length=64), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_failures'))
    )
    with op.batch_alter_table('login_failures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_login_failures_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_login_failures_email'), ['email'], unique=False)
        batch_op.create_index(batch_op.f('ix_login_failures_remote_addr'), ['remote_addr'],
                              unique=False)

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('session_version')
