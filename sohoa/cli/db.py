"""``sohoa db``: the metadata database (SQLite by default, PostgreSQL by SOHOA_DATABASE_URL)."""

from __future__ import annotations

import logging

import click

from sohoa.settings import Settings

log = logging.getLogger(__name__)


@click.group("db")
def db() -> None:
    """Manage the metadata database schema (Alembic migrations)."""


@db.command("upgrade")
@click.option("--revision", default="head", show_default=True, help="Alembic revision to upgrade to.")
def upgrade(revision: str) -> None:
    """Create or upgrade the schema of the database named by SOHOA_DATABASE_URL (or the SQLite default)."""
    from storage.db import current_revision, migrate

    url = Settings().sqlalchemy_url
    migrate(url, revision)
    click.echo(f"database at revision {current_revision(url)}")


@db.command("current")
def current() -> None:
    """Print the revision the database is at."""
    from storage.db import current_revision

    click.echo(current_revision(Settings().sqlalchemy_url) or "empty (run `sohoa db upgrade`)")
