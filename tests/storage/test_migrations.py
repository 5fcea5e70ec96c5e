"""The one Alembic chain builds the same schema on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from click.testing import CliRunner
from sqlalchemy import Column, Integer, MetaData, Table, inspect, text

from sohoa.cli import cli
from storage.db import alembic_config, current_revision, get_engine, load_table_modules, migrate
from storage.tables import Base

CORE = {"dossiers", "pages", "fields", "objects", "inbox_claims"}


def test_migrate_builds_core_tables_at_head(db_url: str) -> None:
    migrate(db_url)
    head = ScriptDirectory.from_config(alembic_config(db_url)).get_current_head()
    assert current_revision(db_url) == head
    insp = inspect(get_engine(db_url))
    assert set(insp.get_table_names()) >= CORE
    assert {c["name"] for c in insp.get_columns("dossiers")} >= {
        "id", "source", "sha256", "status", "reason", "doc_type", "page_count", "province",
        "commune", "created_at", "updated_at", "version", "published_version"}
    indexes = {ix["name"] for ix in insp.get_indexes("dossiers")}
    assert indexes >= {"ix_dossiers_status", "ix_dossiers_commune"}
    assert insp.get_pk_constraint("inbox_claims")["constrained_columns"] == ["bucket", "key", "etag"]
    fks = insp.get_foreign_keys("pages")
    assert fks[0]["referred_table"] == "dossiers" and fks[0]["options"].get("ondelete") == "CASCADE"


def test_migrations_match_the_table_classes(db_url: str) -> None:
    """No drift: what the revisions build is what storage/tables.py declares."""
    migrate(db_url)
    with get_engine(db_url).connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        diffs = [d for d in compare_metadata(ctx, Base.metadata) if _table_of(d) in CORE]
    assert diffs == []


def test_the_whole_chain_matches_every_package_tables(db_url: str) -> None:
    """All packages' revisions together build exactly the tables their modules declare."""
    assert "reconcile.tables" in load_table_modules()
    migrate(db_url)
    with get_engine(db_url).connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    assert diffs == []


def test_drift_would_be_seen(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The comparison above can fail: a column the revisions lack shows up as a diff."""
    url = f"sqlite:///{tmp_path / 'drift.db'}"
    migrate(url)
    copy = MetaData()
    for table in Base.metadata.sorted_tables:
        table.to_metadata(copy)
    copy.tables["pages"].append_column(Column("not_migrated", Integer))
    with get_engine(url).connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), copy)
    assert any(_table_of(d) == "pages" for d in diffs)


def _table_of(diff: object) -> str | None:
    """The table a compare_metadata diff is about (modify_* diffs come as lists)."""
    kind, *args = diff[0] if isinstance(diff, list) else diff  # type: ignore[index,misc]
    for arg in args:
        if isinstance(arg, Table):
            return str(arg.name)
        if isinstance(getattr(arg, "table", None), Table):
            return str(arg.table.name)
    return args[1] if kind.startswith("modify") else None


def test_migrate_is_idempotent(db_url: str) -> None:
    migrate(db_url)
    migrate(db_url)
    assert current_revision(db_url) is not None


def test_sqlite_runs_in_wal_with_foreign_keys(tmp_path) -> None:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'x.db'}"
    migrate(url)
    with get_engine(url).connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_db_upgrade_command_uses_the_configured_database(db_url: str, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("SOHOA_DATABASE_URL", db_url)
    result = CliRunner().invoke(cli, ["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert "database at revision" in result.output
    assert set(inspect(get_engine(db_url)).get_table_names()) >= CORE
