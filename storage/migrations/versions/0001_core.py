"""Core tables: dossiers, pages, fields, the objects ledger and inbox claims.

Revision ID: 0001_core
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_core"
down_revision = None
branch_labels = None
depends_on = None


def _ts(name: str) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=False)


def upgrade() -> None:
    op.create_table(
        "dossiers",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("doc_type", sa.String(64), nullable=False, server_default="vehicle_registration"),
        sa.Column("page_count", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("province", sa.String(128), nullable=True),
        sa.Column("commune", sa.String(128), nullable=True),
        _ts("created_at"),
        _ts("updated_at"),
        sa.Column("version", sa.Integer(), nullable=False, server_default="1"),
        sa.Column("published_version", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_dossiers"),
        sa.UniqueConstraint("sha256", name="uq_dossiers_sha256"),
    )
    op.create_index("ix_dossiers_status", "dossiers", ["status"])
    op.create_index("ix_dossiers_commune", "dossiers", ["commune"])

    op.create_table(
        "pages",
        sa.Column("dossier_id", sa.String(64), nullable=False),
        sa.Column("idx", sa.Integer(), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("dpi", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("rotation", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("skew", sa.Float(), nullable=False, server_default="0"),
        sa.Column("page_type", sa.String(64), nullable=True),
        sa.Column("rescan_advised", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("rescan_reason", sa.Text(), nullable=True),
        sa.Column("quality_json", sa.Text(), nullable=True),
        sa.Column("image_key", sa.Text(), nullable=True),
        sa.Column("ocr_key", sa.Text(), nullable=True),
        sa.Column("ocr_confidence", sa.Float(), nullable=True),
        sa.Column("stages_json", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["dossier_id"], ["dossiers.id"], name="fk_pages_dossier_id_dossiers",
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("dossier_id", "idx", name="pk_pages"),
    )

    op.create_table(
        "fields",
        sa.Column("dossier_id", sa.String(64), nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("value", sa.Text(), nullable=True),
        sa.Column("confidence", sa.Float(), nullable=False, server_default="0"),
        sa.Column("needs_review", sa.Boolean(), nullable=False, server_default=sa.true()),
        sa.Column("page", sa.Integer(), nullable=True),
        sa.Column("bbox_json", sa.Text(), nullable=True),
        sa.Column("reasons_json", sa.Text(), nullable=False, server_default="[]"),
        sa.Column("readings_json", sa.Text(), nullable=False, server_default="[]"),
        sa.Column("reviewed", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("version", sa.Integer(), nullable=False, server_default="1"),
        sa.ForeignKeyConstraint(["dossier_id"], ["dossiers.id"], name="fk_fields_dossier_id_dossiers",
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("dossier_id", "name", name="pk_fields"),
    )
    op.create_index("ix_fields_needs_review", "fields", ["needs_review"])

    op.create_table(
        "objects",
        sa.Column("bucket", sa.String(128), nullable=False),
        sa.Column("key", sa.String(1024), nullable=False),
        sa.Column("dossier_id", sa.String(64), nullable=True),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        _ts("created_at"),
        sa.ForeignKeyConstraint(["dossier_id"], ["dossiers.id"], name="fk_objects_dossier_id_dossiers",
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("bucket", "key", name="pk_objects"),
    )
    op.create_index("ix_objects_dossier_id", "objects", ["dossier_id"])

    op.create_table(
        "inbox_claims",
        sa.Column("bucket", sa.String(128), nullable=False),
        sa.Column("key", sa.String(1024), nullable=False),
        sa.Column("etag", sa.String(128), nullable=False),
        _ts("claimed_at"),
        sa.Column("dossier_id", sa.String(64), nullable=True),
        sa.PrimaryKeyConstraint("bucket", "key", "etag", name="pk_inbox_claims"),
    )


def downgrade() -> None:
    op.drop_table("inbox_claims")
    op.drop_index("ix_objects_dossier_id", table_name="objects")
    op.drop_table("objects")
    op.drop_index("ix_fields_needs_review", table_name="fields")
    op.drop_table("fields")
    op.drop_table("pages")
    op.drop_index("ix_dossiers_commune", table_name="dossiers")
    op.drop_index("ix_dossiers_status", table_name="dossiers")
    op.drop_table("dossiers")
