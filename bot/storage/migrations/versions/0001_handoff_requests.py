"""Handoff requests, as the first release created them.

Revision ID: 0001
Revises:
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "handoff_requests",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("code", sa.String(8), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("crisis", sa.Boolean(), nullable=False),
        sa.Column("themes", sa.JSON(), nullable=False),
        sa.Column("taken_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_handoff_requests_code", "handoff_requests", ["code"], unique=True)


def downgrade() -> None:
    op.drop_index("ix_handoff_requests_code", table_name="handoff_requests")
    op.drop_table("handoff_requests")
