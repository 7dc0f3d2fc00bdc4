"""buddies kudos wall

Revision ID: d9f4b2a6e735
Revises: c3e8a1f5d624
Create Date: 2026-12-02 01:15:00

"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401


# revision identifiers, used by Alembic.
revision = 'd9f4b2a6e735'
down_revision = 'c3e8a1f5d624'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "buddy_pairings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("advisor_a_id", sa.Integer(), nullable=False),
        sa.Column("advisor_b_id", sa.Integer(), nullable=False),
        sa.Column("made_by_id", sa.Integer(), nullable=True),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("microskill", sa.String(length=40), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("advisor_a_id <> advisor_b_id",
                           name=op.f("ck_buddy_pairings_two_people")),
        sa.CheckConstraint("starts_on <= ends_on", name=op.f("ck_buddy_pairings_period")),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], ondelete="CASCADE",
                                name=op.f("fk_buddy_pairings_team_id_teams")),
        sa.ForeignKeyConstraint(["advisor_a_id"], ["users.id"], ondelete="CASCADE",
                                name=op.f("fk_buddy_pairings_advisor_a_id_users")),
        sa.ForeignKeyConstraint(["advisor_b_id"], ["users.id"], ondelete="CASCADE",
                                name=op.f("fk_buddy_pairings_advisor_b_id_users")),
        sa.ForeignKeyConstraint(["made_by_id"], ["users.id"], ondelete="SET NULL",
                                name=op.f("fk_buddy_pairings_made_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_buddy_pairings")),
    )
    for column in ("team_id", "advisor_a_id", "advisor_b_id"):
        op.create_index(op.f(f"ix_buddy_pairings_{column}"), "buddy_pairings", [column])

    op.create_table(
        "buddy_shared_clips",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pairing_id", sa.Integer(), nullable=False),
        sa.Column("clip_id", sa.Integer(), nullable=False),
        sa.Column("shared_by_id", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["pairing_id"], ["buddy_pairings.id"], ondelete="CASCADE",
                                name=op.f("fk_buddy_shared_clips_pairing_id_buddy_pairings")),
        sa.ForeignKeyConstraint(["clip_id"], ["clips.id"], ondelete="CASCADE",
                                name=op.f("fk_buddy_shared_clips_clip_id_clips")),
        sa.ForeignKeyConstraint(["shared_by_id"], ["users.id"], ondelete="CASCADE",
                                name=op.f("fk_buddy_shared_clips_shared_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_buddy_shared_clips")),
        sa.UniqueConstraint("pairing_id", "clip_id", name="uq_buddy_shared_clips_pairing_clip"),
    )
    for column in ("pairing_id", "clip_id"):
        op.create_index(op.f(f"ix_buddy_shared_clips_{column}"), "buddy_shared_clips", [column])

    op.create_table(
        "peer_comments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("share_id", sa.Integer(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("prompt", sa.Enum("worked", "try", "question", name="peerprompt",
                                    native_enum=False, length=10), nullable=True),
        sa.Column("at_second", sa.Float(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("edited_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["share_id"], ["buddy_shared_clips.id"], ondelete="CASCADE",
                                name=op.f("fk_peer_comments_share_id_buddy_shared_clips")),
        sa.ForeignKeyConstraint(["parent_id"], ["peer_comments.id"], ondelete="CASCADE",
                                name=op.f("fk_peer_comments_parent_id_peer_comments")),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"], ondelete="SET NULL",
                                name=op.f("fk_peer_comments_author_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_peer_comments")),
    )
    for column in ("share_id", "parent_id"):
        op.create_index(op.f(f"ix_peer_comments_{column}"), "peer_comments", [column])

    op.create_table(
        "peer_comment_microskills",
        sa.Column("comment_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(["comment_id"], ["peer_comments.id"], ondelete="CASCADE",
                                name=op.f("fk_peer_comment_microskills_comment_id_peer_comments")),
        sa.PrimaryKeyConstraint("comment_id", "code", name=op.f("pk_peer_comment_microskills")),
    )

    op.create_table(
        "buddy_checkins",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pairing_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("help_answer", sa.Text(), nullable=False),
        sa.Column("manage_answer", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["pairing_id"], ["buddy_pairings.id"], ondelete="CASCADE",
                                name=op.f("fk_buddy_checkins_pairing_id_buddy_pairings")),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"], ondelete="SET NULL",
                                name=op.f("fk_buddy_checkins_author_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_buddy_checkins")),
    )
    op.create_index(op.f("ix_buddy_checkins_pairing_id"), "buddy_checkins", ["pairing_id"])

    op.create_table(
        "kudos",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("clip_id", sa.Integer(), nullable=False),
        sa.Column("giver_id", sa.Integer(), nullable=False),
        sa.Column("receiver_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("microskill", sa.String(length=40), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["clip_id"], ["clips.id"], ondelete="CASCADE",
                                name=op.f("fk_kudos_clip_id_clips")),
        sa.ForeignKeyConstraint(["giver_id"], ["users.id"], ondelete="CASCADE",
                                name=op.f("fk_kudos_giver_id_users")),
        sa.ForeignKeyConstraint(["receiver_id"], ["users.id"], ondelete="CASCADE",
                                name=op.f("fk_kudos_receiver_id_users")),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], ondelete="CASCADE",
                                name=op.f("fk_kudos_team_id_teams")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kudos")),
        sa.UniqueConstraint("clip_id", "giver_id", name="uq_kudos_clip_giver"),
    )
    for column in ("clip_id", "receiver_id", "team_id", "created_at"):
        op.create_index(op.f(f"ix_kudos_{column}"), "kudos", [column])

    op.create_table(
        "team_experiments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("proposed_by_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("metric", sa.String(length=40), nullable=False),
        sa.Column("microskill", sa.String(length=40), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("starts_on <= ends_on", name=op.f("ck_team_experiments_period")),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], ondelete="CASCADE",
                                name=op.f("fk_team_experiments_team_id_teams")),
        sa.ForeignKeyConstraint(["proposed_by_id"], ["users.id"], ondelete="SET NULL",
                                name=op.f("fk_team_experiments_proposed_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_team_experiments")),
    )
    op.create_index(op.f("ix_team_experiments_team_id"), "team_experiments", ["team_id"])
    op.create_table(
        "experiment_participants",
        sa.Column("experiment_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("joined_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["experiment_id"], ["team_experiments.id"], ondelete="CASCADE",
                                name=op.f("fk_experiment_participants_experiment_id_team_experiments")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE",
                                name=op.f("fk_experiment_participants_user_id_users")),
        sa.PrimaryKeyConstraint("experiment_id", "user_id",
                                name=op.f("pk_experiment_participants")),
    )


def downgrade():
    op.drop_table("experiment_participants")
    op.drop_index(op.f("ix_team_experiments_team_id"), table_name="team_experiments")
    op.drop_table("team_experiments")
    for column in ("clip_id", "receiver_id", "team_id", "created_at"):
        op.drop_index(op.f(f"ix_kudos_{column}"), table_name="kudos")
    op.drop_table("kudos")
    op.drop_index(op.f("ix_buddy_checkins_pairing_id"), table_name="buddy_checkins")
    op.drop_table("buddy_checkins")
    op.drop_table("peer_comment_microskills")
    for column in ("share_id", "parent_id"):
        op.drop_index(op.f(f"ix_peer_comments_{column}"), table_name="peer_comments")
    op.drop_table("peer_comments")
    for column in ("pairing_id", "clip_id"):
        op.drop_index(op.f(f"ix_buddy_shared_clips_{column}"), table_name="buddy_shared_clips")
    op.drop_table("buddy_shared_clips")
    for column in ("team_id", "advisor_a_id", "advisor_b_id"):
        op.drop_index(op.f(f"ix_buddy_pairings_{column}"), table_name="buddy_pairings")
    op.drop_table("buddy_pairings")
