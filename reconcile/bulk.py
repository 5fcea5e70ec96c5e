"""Bulk reads and writes through the driver, for the million-row paths of reconciliation.

SQLAlchemy's per-row parameter and result processing costs more than the work itself when a
batch is 5,000 records and ten thousand rows; these helpers send plain SQL with the driver's
placeholders (``?`` for SQLite, ``%s`` for psycopg) and get plain tuples back. Only simple
column types pass through here (text, integers), so no type processing is lost.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy.orm import Session

log = logging.getLogger(__name__)


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector during a bulk run.

    Batches create millions of short-lived acyclic objects (freed by reference counting); the
    collector's repeated scans of them cost a third of the run and free nothing.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextmanager
def bulk_session(session: Session, cache_mib: int = 256) -> Iterator[None]:
    """Set a session up for a bulk run: GC paused and, on SQLite, a larger page cache.

    SQLite's default cache is 2 MiB; index lookups over millions of rows then re-read pages from
    the OS for every batch. The previous cache size is restored afterwards.
    """
    sqlite = session.get_bind().dialect.name == "sqlite"
    conn = session.connection()
    before = conn.exec_driver_sql("PRAGMA cache_size").scalar() if sqlite else None
    if sqlite:
        conn.exec_driver_sql(f"PRAGMA cache_size=-{int(cache_mib) * 1024}")
    try:
        with paused_gc():
            yield
    finally:
        if sqlite:
            session.connection().exec_driver_sql(f"PRAGMA cache_size={int(before or -2000)}")


def placeholder(session: Session) -> str:
    """The driver's positional placeholder."""
    style = session.get_bind().dialect.paramstyle
    if style == "qmark":
        return "?"
    if style in ("format", "pyformat"):
        return "%s"
    raise NotImplementedError(f"paramstyle {style} is not supported for bulk statements")


def select_in(
    session: Session, table: str, columns: Sequence[str], key: str, keys: Sequence[str]
) -> list[tuple[Any, ...]]:
    """``SELECT columns FROM table WHERE key IN (keys)`` as plain tuples."""
    if not keys:
        return []
    marks = ", ".join([placeholder(session)] * len(keys))
    sql = f"SELECT {', '.join(columns)} FROM {table} WHERE {key} IN ({marks})"  # noqa: S608 - names are ours
    return list(session.connection().exec_driver_sql(sql, tuple(keys)).all())


def insert_many(session: Session, table: str, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]) -> None:
    """``INSERT INTO table (columns) VALUES ...`` for every tuple of ``rows`` (one executemany)."""
    if not rows:
        return
    marks = ", ".join([placeholder(session)] * len(columns))
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"  # noqa: S608 - names are ours
    session.connection().exec_driver_sql(sql, list(rows))


def upsert_many(
    session: Session, table: str, columns: Sequence[str], key: str, rows: Sequence[tuple[Any, ...]]
) -> None:
    """Insert ``rows``, replacing the row of the same ``key`` (``ON CONFLICT``: SQLite and PostgreSQL).

    ``rows`` must not repeat a key (PostgreSQL refuses to update one row twice in a statement).
    """
    if not rows:
        return
    marks = ", ".join([placeholder(session)] * len(columns))
    updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c != key)
    sql = (
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks}) "  # noqa: S608 - names are ours
        f"ON CONFLICT ({key}) DO UPDATE SET {updates}"
    )
    session.connection().exec_driver_sql(sql, list(rows))


def delete_in(session: Session, table: str, key: str, keys: Sequence[str]) -> None:
    """``DELETE FROM table WHERE key IN (keys)``."""
    if keys:
        marks = ", ".join([placeholder(session)] * len(keys))
        sql = f"DELETE FROM {table} WHERE {key} IN ({marks})"  # noqa: S608 - names are ours
        session.connection().exec_driver_sql(sql, tuple(keys))
