"""goals, page views and per-call counts

Revision ID: b7d2c9e4f013
Revises: a467b265d7b7
Create Date: 2026-12-02 01:15:00

"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401


# revision identifiers, used by Alembic.
revision = 'b7d2c9e4f013'
down_revision = 'a467b265d7b7'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('recording_skill_summaries') as batch_op:
        batch_op.add_column(sa.Column('skill_counts', sa.JSON(), nullable=True))
        for name in ('frustration', 'frustration_answered', 'objections', 'objections_handled'):
            batch_op.add_column(sa.Column(name, sa.Integer(), nullable=False,
                                          server_default='0'))
    op.create_table('page_views',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('page', sa.String(length=40), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('first_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_page_views_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_page_views')),
    sa.UniqueConstraint('user_id', 'page', 'day', name='uq_page_views_day')
    )
    op.create_index(op.f('ix_page_views_user_id'), 'page_views', ['user_id'], unique=False)
    op.create_table('goals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('advisor_id', sa.Integer(), nullable=False),
    sa.Column('set_by_id', sa.Integer(), nullable=True),
    sa.Column('metric', sa.String(length=30), nullable=False),
    sa.Column('microskill', sa.String(length=40), nullable=True),
    sa.Column('target', sa.Float(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('baseline_days', sa.Integer(), nullable=False),
    sa.Column('baseline', sa.Float(), nullable=True),
    sa.Column('baseline_calls', sa.Integer(), nullable=False),
    sa.Column('current', sa.Float(), nullable=True),
    sa.Column('calls_since', sa.Integer(), nullable=False),
    sa.Column('state', sa.Enum('not_yet', 'on_track', 'achieved', 'expired', name='goalstate', native_enum=False, length=10), nullable=False),
    sa.Column('impact', sa.Float(), nullable=True),
    sa.Column('impact_low', sa.Float(), nullable=True),
    sa.Column('impact_high', sa.Float(), nullable=True),
    sa.Column('impact_note', sa.Text(), nullable=False),
    sa.Column('impact_detail', sa.JSON(), nullable=True),
    sa.Column('shared', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('achieved_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['session_id'], ['coaching_sessions.id'], name=op.f('fk_goals_session_id_coaching_sessions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['advisor_id'], ['users.id'], name=op.f('fk_goals_advisor_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['set_by_id'], ['users.id'], name=op.f('fk_goals_set_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_goals'))
    )
    op.create_index(op.f('ix_goals_session_id'), 'goals', ['session_id'], unique=False)
    op.create_index(op.f('ix_goals_advisor_id'), 'goals', ['advisor_id'], unique=False)
    op.create_index(op.f('ix_goals_state'), 'goals', ['state'], unique=False)


def downgrade():
    op.drop_table('goals')
    op.drop_table('page_views')
    with op.batch_alter_table('recording_skill_summaries') as batch_op:
        for name in ('objections_handled', 'objections', 'frustration_answered', 'frustration',
                     'skill_counts'):
            batch_op.drop_column(name)
