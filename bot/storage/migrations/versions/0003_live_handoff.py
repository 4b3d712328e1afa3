"""The live handoff (issue 16): who is on duty, live chats and their numbered messages.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "duty",
        sa.Column("username", sa.String(64), primary_key=True),
        sa.Column("available", sa.Boolean(), nullable=False),
        sa.Column("since", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "live_chats",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("conversation_id", sa.String(64), nullable=False),
        sa.Column("open_conversation", sa.String(64), nullable=True, unique=True),
        sa.Column("code", sa.String(8), nullable=False),
        sa.Column("state", sa.String(8), nullable=False),
        sa.Column("crisis", sa.Boolean(), nullable=False),
        sa.Column("themes", sa.JSON(), nullable=False),
        sa.Column("lang", sa.String(2), nullable=False),
        sa.Column("queued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("wait_from", sa.DateTime(timezone=True), nullable=False),
        sa.Column("taken_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("taken_by", sa.String(64), nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_by", sa.String(16), nullable=True),
        sa.Column("consent_themes", sa.Boolean(), nullable=True),
        sa.Column("consent_history", sa.Boolean(), nullable=True),
        sa.Column("last_seq", sa.Integer(), nullable=False),
        sa.Column("last_activity", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_live_chats_conversation_id", "live_chats", ["conversation_id"])
    op.create_index("ix_live_chats_last_activity", "live_chats", ["last_activity"])
    op.create_table(
        "live_messages",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("chat_id", sa.String(32), sa.ForeignKey("live_chats.id", ondelete="CASCADE"), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("author", sa.String(12), nullable=False),
        sa.Column("name", sa.String(64), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("lang", sa.String(2), nullable=True),
        sa.Column("buttons", sa.JSON(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("chat_id", "seq", name="uq_live_messages_chat_seq"),
    )


def downgrade() -> None:
    op.drop_table("live_messages")
    op.drop_table("live_chats")
    op.drop_table("duty")
