"""The counsellor side: intake summaries and their weekly tallies, counsellor accounts, sessions,
failed attempts (sign-in, withdrawal) and the audit log; who took a handoff request.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("handoff_requests") as batch:
        batch.add_column(sa.Column("taken_by", sa.String(64), nullable=True))
        batch.create_index("ix_handoff_requests_expires_at", ["expires_at"])
    op.create_table(
        "intakes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("code", sa.String(8), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("help_category", sa.String(32), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("themes", sa.JSON(), nullable=False),
        sa.Column("barriers", sa.JSON(), nullable=False),
        sa.Column("crisis", sa.Boolean(), nullable=False),
    )
    op.create_index("ix_intakes_code", "intakes", ["code"], unique=True)
    op.create_index("ix_intakes_expires_at", "intakes", ["expires_at"])
    op.create_table(
        "intake_tallies",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("week_start", sa.Date(), nullable=False),
        sa.Column("help_category", sa.String(32), nullable=False),
        sa.Column("warning_signs", sa.JSON(), nullable=False),
        sa.Column("sick_leave", sa.String(32), nullable=True),
        sa.Column("expectation", sa.String(32), nullable=True),
        sa.Column("intake_id", sa.Integer(), sa.ForeignKey("intakes.id", ondelete="SET NULL"), nullable=True),
    )
    op.create_index("ix_intake_tallies_week_start", "intake_tallies", ["week_start"])
    op.create_index("ix_intake_tallies_intake_id", "intake_tallies", ["intake_id"])
    op.create_table(
        "counsellors",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("username", sa.String(64), nullable=False, unique=True),
        sa.Column("password_hash", sa.String(256), nullable=False),
        sa.Column("is_admin", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "counsellor_sessions",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("counsellor_id", sa.Integer(), sa.ForeignKey("counsellors.id", ondelete="CASCADE"), nullable=False),
        sa.Column("csrf_token", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_counsellor_sessions_counsellor_id", "counsellor_sessions", ["counsellor_id"])
    op.create_index("ix_counsellor_sessions_expires_at", "counsellor_sessions", ["expires_at"])
    op.create_table(
        "failed_attempts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("key_hash", sa.String(64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_failed_attempts_key_hash", "failed_attempts", ["key_hash"])
    op.create_index("ix_failed_attempts_at", "failed_attempts", ["at"])
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("target", sa.String(64), nullable=True),
        sa.Column("outcome", sa.String(32), nullable=True),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"])


def downgrade() -> None:
    op.drop_table("audit_log")
    op.drop_table("failed_attempts")
    op.drop_table("counsellor_sessions")
    op.drop_table("counsellors")
    op.drop_table("intake_tallies")
    op.drop_table("intakes")
    with op.batch_alter_table("handoff_requests") as batch:
        batch.drop_index("ix_handoff_requests_expires_at")
        batch.drop_column("taken_by")
