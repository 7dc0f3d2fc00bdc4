"""performance outcomes audits

Revision ID: e5a7c3b9d146
Revises: d9f4b2a6e735
Create Date: 2026-12-02 01:45:00

"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401


# revision identifiers, used by Alembic.
revision = 'e5a7c3b9d146'
down_revision = 'd9f4b2a6e735'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "outcomes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("interaction_id", sa.String(length=120), nullable=False),
        sa.Column("advisor_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("channel", sa.Enum("call", "chat", "email", "message", name="channel",
                                     native_enum=False, length=10), nullable=False),
        sa.Column("nps", sa.SmallInteger(), nullable=True),
        sa.Column("csat", sa.SmallInteger(), nullable=True),
        sa.Column("resolved", sa.Boolean(), nullable=True),
        sa.Column("first_contact_resolution", sa.Boolean(), nullable=True),
        sa.Column("response_seconds", sa.Integer(), nullable=True),
        sa.Column("converted", sa.Boolean(), nullable=True),
        sa.Column("new_customer", sa.Boolean(), nullable=True),
        sa.Column("recording_id", sa.Integer(), nullable=True),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("nps IS NULL OR (nps >= 0 AND nps <= 10)",
                           name=op.f("ck_outcomes_nps_range")),
        sa.CheckConstraint("csat IS NULL OR (csat >= 1 AND csat <= 5)",
                           name=op.f("ck_outcomes_csat_range")),
        sa.ForeignKeyConstraint(["advisor_id"], ["users.id"], ondelete="CASCADE",
                                name=op.f("fk_outcomes_advisor_id_users")),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], ondelete="SET NULL",
                                name=op.f("fk_outcomes_team_id_teams")),
        sa.ForeignKeyConstraint(["recording_id"], ["recordings.id"], ondelete="SET NULL",
                                name=op.f("fk_outcomes_recording_id_recordings")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outcomes")),
        sa.UniqueConstraint("interaction_id", name=op.f("uq_outcomes_interaction_id")),
    )
    op.create_index("ix_outcomes_advisor_occurred", "outcomes", ["advisor_id", "occurred_at"])
    op.create_index("ix_outcomes_team_occurred", "outcomes", ["team_id", "occurred_at"])
    op.create_index("ix_outcomes_advisor_response", "outcomes",
                    ["advisor_id", "response_seconds", "occurred_at"])
    op.create_index(op.f("ix_outcomes_recording_id"), "outcomes", ["recording_id"])

    op.create_table(
        "audits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recording_id", sa.Integer(), nullable=False),
        sa.Column("clip_id", sa.Integer(), nullable=True),
        sa.Column("advisor_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("auditor_id", sa.Integer(), nullable=True),
        sa.Column("band", sa.Enum("outstanding", "suggestion", "needs_improvement", name="band",
                                  native_enum=False, length=20), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("microskills", sa.JSON(), nullable=False),
        sa.Column("called_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("act_by", sa.DateTime(timezone=True), nullable=True),
        sa.Column("acted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("acted_note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["recording_id"], ["recordings.id"], ondelete="CASCADE",
                                name=op.f("fk_audits_recording_id_recordings")),
        sa.ForeignKeyConstraint(["clip_id"], ["clips.id"], ondelete="SET NULL",
                                name=op.f("fk_audits_clip_id_clips")),
        sa.ForeignKeyConstraint(["advisor_id"], ["users.id"], ondelete="CASCADE",
                                name=op.f("fk_audits_advisor_id_users")),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], ondelete="SET NULL",
                                name=op.f("fk_audits_team_id_teams")),
        sa.ForeignKeyConstraint(["auditor_id"], ["users.id"], ondelete="SET NULL",
                                name=op.f("fk_audits_auditor_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audits")),
    )
    for column in ("recording_id", "clip_id", "advisor_id", "team_id", "called_at",
                   "created_at"):
        op.create_index(op.f(f"ix_audits_{column}"), "audits", [column])


def downgrade():
    for column in ("recording_id", "clip_id", "advisor_id", "team_id", "called_at",
                   "created_at"):
        op.drop_index(op.f(f"ix_audits_{column}"), table_name="audits")
    op.drop_table("audits")
    op.drop_index(op.f("ix_outcomes_recording_id"), table_name="outcomes")
    op.drop_index("ix_outcomes_advisor_response", table_name="outcomes")
    op.drop_index("ix_outcomes_team_occurred", table_name="outcomes")
    op.drop_index("ix_outcomes_advisor_occurred", table_name="outcomes")
    op.drop_table("outcomes")
