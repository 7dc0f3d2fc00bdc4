"""outcome sums: the performance dashboards' per-week and per-month cells of interactions
(performance.sums), their state, and outcomes.occurred_at indexed (the raw rows near a
period's edges, company-wide)

The cells start empty and without a state row, so the dashboards read raw rows until the
sums are built: by the next import, the worker's start-up check or
``coachlab outcomes rebuild-sums``.

Revision ID: 0541c7354673
Revises: e5a7c3b9d146
Create Date: 2026-12-08 06:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0541c7354673'
down_revision = 'e5a7c3b9d146'
branch_labels = None
depends_on = None

NUMBERS = ("n", "nps_n", "promoters", "detractors", "w_n", "w_promoters", "w_detractors",
           "csat_n", "csat_sum", "fcr_n", "fcr_yes", "conv_n", "conv_yes", "resp_n",
           "within_target", "within_aim", "leads_n", "leads_within")


def upgrade():
    op.create_table(
        "outcome_sums",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("span", sa.String(length=5), nullable=False),
        sa.Column("cell", sa.Integer(), nullable=False),
        sa.Column("advisor_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("channel", sa.Enum("call", "chat", "email", "message", name="channel",
                                     native_enum=False, length=10), nullable=True),
        *[sa.Column(name, sa.Integer(), nullable=False) for name in NUMBERS],
        # replies per bin of time to reply (performance.sums.REPLY_EDGES)
        *[sa.Column(f"r{i:02d}", sa.Integer(), nullable=False) for i in range(40)],
        sa.ForeignKeyConstraint(["advisor_id"], ["users.id"], ondelete="CASCADE",
                                name=op.f("fk_outcome_sums_advisor_id_users")),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], ondelete="SET NULL",
                                name=op.f("fk_outcome_sums_team_id_teams")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outcome_sums")),
    )
    op.create_index("ix_outcome_sums_span_cell", "outcome_sums", ["span", "cell"])
    op.create_index("ix_outcome_sums_advisor_span_cell", "outcome_sums",
                    ["advisor_id", "span", "cell"])
    op.create_index("ix_outcome_sums_team_span_cell", "outcome_sums",
                    ["team_id", "span", "cell"])
    op.create_table(
        "outcome_sums_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("target_s", sa.Integer(), nullable=False),
        sa.Column("aim_s", sa.Integer(), nullable=False),
        sa.Column("lead_s", sa.Integer(), nullable=False),
        sa.Column("built_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outcome_sums_state")),
    )
    op.create_index("ix_outcomes_occurred_at", "outcomes", ["occurred_at"])


def downgrade():
    op.drop_index("ix_outcomes_occurred_at", table_name="outcomes")
    op.drop_table("outcome_sums_state")
    op.drop_index("ix_outcome_sums_team_span_cell", table_name="outcome_sums")
    op.drop_index("ix_outcome_sums_advisor_span_cell", table_name="outcome_sums")
    op.drop_index("ix_outcome_sums_span_cell", table_name="outcome_sums")
    op.drop_table("outcome_sums")
