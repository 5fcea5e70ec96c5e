"""reconcile: electronic registry and population rows, reconciliation results, import log

Revision ID: 0002_reconcile
Revises: 0001_core
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_reconcile"
down_revision = "0001_core"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "registry_rows",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("row_key", sa.String(160), nullable=False),
        sa.Column("chassis_key", sa.String(64), nullable=False, server_default=""),
        sa.Column("chassis_tail", sa.String(16), nullable=False, server_default=""),
        sa.Column("engine_key", sa.String(64), nullable=False, server_default=""),
        sa.Column("plate_key", sa.String(32), nullable=False, server_default=""),
        *(sa.Column(name, sa.Text(), nullable=True) for name in (
            "plate_number", "chassis_number", "engine_number", "owner_name", "owner_id_number",
            "brand", "model", "color", "owner_address")),
        sa.Column("import_id", sa.Integer(), nullable=True),
        sa.UniqueConstraint("row_key", name="uq_registry_rows_row_key"),
    )
    for column in ("chassis_key", "chassis_tail", "engine_key", "plate_key"):
        op.create_index(f"ix_registry_rows_{column}", "registry_rows", [column])

    op.create_table(
        "population_rows",
        sa.Column("id_number", sa.String(16), primary_key=True),
        sa.Column("full_name", sa.Text(), nullable=True),
        sa.Column("birth_date", sa.String(10), nullable=True),
        sa.Column("address", sa.Text(), nullable=True),
        sa.Column("import_id", sa.Integer(), nullable=True),
    )

    op.create_table(
        "reconciliation_results",
        sa.Column("dossier_id", sa.String(64), sa.ForeignKey("dossiers.id", ondelete="CASCADE", name="fk_reconciliation_results_dossier_id_dossiers"),
                  primary_key=True),
        sa.Column("source", sa.String(16), primary_key=True),
        sa.Column("verdict", sa.String(16), nullable=False),
        sa.Column("matched_by", sa.String(32), nullable=True),
        sa.Column("candidates", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("differences_json", sa.Text(), nullable=False, server_default="[]"),
        sa.Column("notes_json", sa.Text(), nullable=False, server_default="[]"),
    )
    op.create_index("ix_reconciliation_results_source_verdict", "reconciliation_results", ["source", "verdict"])

    op.create_table(
        "reconciliations",
        sa.Column("dossier_id", sa.String(64),
                  sa.ForeignKey("dossiers.id", ondelete="CASCADE", name="fk_reconciliations_dossier_id_dossiers"),
                  primary_key=True),
        sa.Column("overall", sa.String(16), nullable=False),
        sa.Column("reconciled_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_reconciliations_overall", "reconciliations", ["overall"])

    op.create_table(
        "electronic_imports",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("rows_read", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("rows_loaded", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("rows_rejected", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("errors_json", sa.Text(), nullable=False, server_default="[]"),
    )


def downgrade() -> None:
    op.drop_table("electronic_imports")
    op.drop_index("ix_reconciliations_overall", table_name="reconciliations")
    op.drop_table("reconciliations")
    op.drop_index("ix_reconciliation_results_source_verdict", table_name="reconciliation_results")
    op.drop_table("reconciliation_results")
    op.drop_table("population_rows")
    for column in ("chassis_key", "chassis_tail", "engine_key", "plate_key"):
        op.drop_index(f"ix_registry_rows_{column}", table_name="registry_rows")
    op.drop_table("registry_rows")
