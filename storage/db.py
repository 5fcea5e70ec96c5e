"""The metadata database: engines, sessions and migrations.

SQLite (the embedded default, in the data directory) runs in WAL mode with
foreign keys on; PostgreSQL is reached by ``postgresql+psycopg://`` URLs. The
schema is made only by the Alembic revisions in ``storage/migrations``, on both.
"""

from __future__ import annotations

import fcntl
import importlib
import logging
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, create_engine, event, make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from sohoa.errors import ConfigError, StorageError
from sohoa.settings import Settings

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
SQLITE_BUSY_MS = 30_000
_engines: dict[str, Engine] = {}
_migrated: set[str] = set()
_lock = threading.Lock()


#: modules of other packages that declare their tables on ``storage.tables.Base``
TABLE_MODULES = ("reconcile.tables", "review_ui.tables", "sohoa.queue.tables")


def load_table_modules() -> list[str]:
    """Import every package's table module that exists, so ``Base.metadata`` knows all tables."""
    loaded = []
    for name in TABLE_MODULES:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as e:
            if e.name is None or not name.startswith(e.name):
                raise  # the module exists but one of its imports is missing
            continue
        loaded.append(name)
    return loaded


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_MS}")
    cur.close()


def create_db_engine(url: str) -> Engine:
    """A new engine for ``url``; SQLite gets WAL, foreign keys and a busy timeout."""
    try:
        parsed = make_url(url)
    except SQLAlchemyError as e:
        raise ConfigError(f"bad database URL ({e.__class__.__name__})") from e
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(parsed, connect_args={"timeout": SQLITE_BUSY_MS / 1000})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(parsed, pool_pre_ping=True, connect_args=_pg_args(parsed.get_backend_name()))


def _pg_args(backend: str) -> dict[str, Any]:
    return {"connect_timeout": 10} if backend == "postgresql" else {}


def get_engine(url: str) -> Engine:
    """The process-wide engine for ``url`` (created once)."""
    with _lock:
        if url not in _engines:
            _engines[url] = create_db_engine(url)
        return _engines[url]


def dispose_engine(url: str) -> None:
    """Close and forget the cached engine for ``url`` (tests, forked workers)."""
    with _lock:
        engine = _engines.pop(url, None)
        _migrated.discard(url)
    if engine is not None:
        engine.dispose()


def _forget_parent_connections() -> None:
    """In a forked child, never reuse the parent's pooled connections (SQLAlchemy's advice)."""
    for engine in _engines.values():
        engine.dispose(close=False)


os.register_at_fork(after_in_child=_forget_parent_connections)


def session_factory(url: str) -> sessionmaker[Session]:
    """A session factory on the cached engine for ``url``."""
    return sessionmaker(bind=get_engine(url), expire_on_commit=False)


def alembic_config(url: str) -> Config:
    """An Alembic configuration built in code (no ``alembic.ini`` needed in the working directory)."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def migrate(url: str, revision: str = "head") -> None:
    """Upgrade the database at ``url`` to ``revision`` (default: the newest).

    Two processes never migrate at once: PostgreSQL takes an advisory lock (in env.py),
    a SQLite file is guarded by an exclusive lock on ``<file>.migrate.lock``.
    """
    engine = get_engine(url)
    cfg = alembic_config(url)
    try:
        with _sqlite_file_lock(url), engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, revision)
    except SQLAlchemyError as e:
        raise StorageError(f"database migration failed ({e.__class__.__name__}: {_first_line(e)})") from e
    log.info("database at %s is at revision %s", _safe_url(url), revision)


@contextmanager
def _sqlite_file_lock(url: str) -> Iterator[None]:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        yield
        return
    lock_path = Path(parsed.database).with_name(Path(parsed.database).name + ".migrate.lock")
    with lock_path.open("a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def ensure_migrated(url: str) -> None:
    """Migrate ``url`` to head once per process."""
    if url in _migrated:
        return
    migrate(url)
    _migrated.add(url)


def current_revision(url: str) -> str | None:
    """The revision the database is at (None when never migrated)."""
    with get_engine(url).connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def database_url(settings: Settings) -> str:
    """The metadata database URL of a deployment."""
    return settings.sqlalchemy_url


def _safe_url(url: str) -> str:
    """The URL without its password, for logs."""
    return make_url(url).render_as_string(hide_password=True)


def _first_line(e: BaseException) -> str:
    return str(e).strip().splitlines()[0][:200] if str(e).strip() else ""
