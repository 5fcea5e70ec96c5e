"""Revision 0002_reconcile builds exactly the tables of reconcile/tables.py, and can be undone."""

from __future__ import annotations

from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

import reconcile.tables  # noqa: F401  (registers the tables)
from storage.db import alembic_config, get_engine, migrate
from storage.tables import Base

MINE = {"registry_rows", "population_rows", "reconciliation_results", "reconciliations", "electronic_imports"}


def _table_of(diff: Any) -> str | None:
    item = diff[0] if isinstance(diff, list) else diff
    for part in item[1:]:
        if isinstance(part, str) and part in MINE:
            return part
        name = getattr(part, "name", None)
        table = getattr(part, "table", None)
        if table is not None and getattr(table, "name", None):
            return str(table.name)
        if name in MINE:
            return str(name)
    return None


def test_revision_matches_the_table_classes(db_url: str) -> None:
    migrate(db_url)
    with get_engine(db_url).connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        diffs = [d for d in compare_metadata(ctx, Base.metadata) if _table_of(d) in MINE]
    assert diffs == []
    indexes = {ix["name"] for ix in inspect(get_engine(db_url)).get_indexes("registry_rows")}
    assert indexes >= {
        "ix_registry_rows_chassis_key",
        "ix_registry_rows_chassis_tail",
        "ix_registry_rows_engine_key",
        "ix_registry_rows_plate_key",
    }


def test_downgrade_removes_only_the_reconcile_tables(db_url: str) -> None:
    migrate(db_url)
    cfg = alembic_config(db_url)
    with get_engine(db_url).begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0001_core")
    names = set(inspect(get_engine(db_url)).get_table_names())
    assert not names & MINE
    assert {"dossiers", "fields"} <= names
    migrate(db_url)
    assert set(inspect(get_engine(db_url)).get_table_names()) >= MINE
