"""review: users, sessions, API tokens, audit, review queue index, rescan requests

Revision ID: 0003_review
Revises: 0002_reconcile
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_review"
down_revision = "0002_reconcile"
branch_labels = None
depends_on = None


def _ts(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("password_hash", sa.Text(), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("communes_json", sa.Text(), nullable=False, server_default="[]"),
        sa.Column("province", sa.String(128), nullable=True),
        sa.Column("failed_logins", sa.Integer(), nullable=False, server_default="0"),
        _ts("locked_until", nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true()),
        _ts("created_at"),
        sa.UniqueConstraint("name", name="uq_users_name"),
    )
    op.create_table(
        "sessions",
        sa.Column("id_hash", sa.String(64), primary_key=True),
        sa.Column("user_id", sa.Integer(),
                  sa.ForeignKey("users.id", ondelete="CASCADE", name="fk_sessions_user_id_users"), nullable=False),
        sa.Column("csrf_secret", sa.String(64), nullable=False),
        _ts("created_at"),
        _ts("expires_at"),
    )
    op.create_index("ix_sessions_user_id", "sessions", ["user_id"])
    op.create_index("ix_sessions_expires_at", "sessions", ["expires_at"])
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("scope", sa.String(16), nullable=False, server_default="read"),
        sa.Column("created_by", sa.String(64), nullable=True),
        _ts("created_at"),
        sa.Column("revoked", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.UniqueConstraint("token_hash", name="uq_api_tokens_token_hash"),
    )
    op.create_table(
        "audit",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        _ts("at"),
        sa.Column("user_name", sa.String(64), nullable=False),
        sa.Column("dossier_id", sa.String(64), nullable=True),
        sa.Column("field", sa.String(64), nullable=True),
        sa.Column("old", sa.Text(), nullable=True),
        sa.Column("new", sa.Text(), nullable=True),
        sa.Column("screen", sa.String(32), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
    )
    op.create_index("ix_audit_dossier_id_at", "audit", ["dossier_id", "at"])
    op.create_table(
        "review_queue",
        sa.Column("dossier_id", sa.String(64), primary_key=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("open", sa.Integer(), nullable=False, server_default="1"),
        sa.Column("commune", sa.String(128), nullable=True),
        sa.Column("province", sa.String(128), nullable=True),
        sa.Column("priority", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("flagged", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("failed", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("mismatches", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("flagged_fields", sa.Text(), nullable=False, server_default=","),
        _ts("created_at"),
    )
    op.create_index("ix_review_queue_open_priority", "review_queue", ["open", "priority", "created_at"])
    op.create_index("ix_review_queue_status_priority", "review_queue", ["status", "priority", "created_at"])
    op.create_index("ix_review_queue_commune_open", "review_queue", ["commune", "open", "priority", "created_at"])
    op.create_index("ix_review_queue_province_open", "review_queue", ["province", "open", "priority", "created_at"])
    op.create_table(
        "review_state",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text(), nullable=False),
    )
    op.create_table(
        "rescan_requests",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("dossier_id", sa.String(64),
                  sa.ForeignKey("dossiers.id", ondelete="CASCADE", name="fk_rescan_requests_dossier_id_dossiers"),
                  nullable=False),
        sa.Column("page", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("requested_by", sa.String(64), nullable=False),
        _ts("requested_at"),
        sa.Column("resolved", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.create_index("ix_rescan_requests_resolved", "rescan_requests", ["resolved", "requested_at"])


def downgrade() -> None:
    op.drop_index("ix_rescan_requests_resolved", table_name="rescan_requests")
    op.drop_table("rescan_requests")
    op.drop_table("review_state")
    for name in ("ix_review_queue_province_open", "ix_review_queue_commune_open",
                 "ix_review_queue_status_priority", "ix_review_queue_open_priority"):
        op.drop_index(name, table_name="review_queue")
    op.drop_table("review_queue")
    op.drop_index("ix_audit_dossier_id_at", table_name="audit")
    op.drop_table("audit")
    op.drop_table("api_tokens")
    op.drop_index("ix_sessions_expires_at", table_name="sessions")
    op.drop_index("ix_sessions_user_id", table_name="sessions")
    op.drop_table("sessions")
    op.drop_table("users")
