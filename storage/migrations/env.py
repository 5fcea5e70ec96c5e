"""Alembic environment: one metadata (storage.tables.Base) for every package's tables.

Run from code by ``storage.db.migrate(url)``, which passes an open connection in
``config.attributes["connection"]``; a URL in the config works too.
"""

from __future__ import annotations

import logging

from alembic import context
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Connection

from storage.db import load_table_modules
from storage.tables import Base

log = logging.getLogger(__name__)

load_table_modules()  # reconcile, review_ui, queue tables join the one metadata

target_metadata = Base.metadata
PG_LOCK = 0x50A0A  # advisory lock id: two processes never migrate at once


def _run(connection: Connection) -> None:
    sqlite = connection.dialect.name == "sqlite"
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": PG_LOCK})
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=sqlite,
        compare_type=True,
        transaction_per_migration=False,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Upgrade on the connection given by the caller, or on a new engine for the URL."""
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = create_engine(context.config.get_main_option("sqlalchemy.url") or "")
    with engine.begin() as conn:
        _run(conn)
    engine.dispose()


def run_migrations_offline() -> None:
    """Emit the SQL for the URL's dialect instead of running it."""
    context.configure(url=context.config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata,
                      literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
