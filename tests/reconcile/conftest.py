"""Fixtures of the reconcile tests: a real SQLite metadata database with the core and reconcile tables,
and a generated world of dossiers and electronic rows with known discrepancies."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest
from sqlalchemy import insert
from sqlalchemy.orm import Session

import reconcile.tables  # noqa: F401  (registers the reconcile tables on Base)
from storage.db import dispose_engine, migrate, session_factory
from storage.tables import DossierRow, FieldRow
from tests.storage.conftest import pg  # noqa: F401  (Debian's PostgreSQL on loopback, shared fixture)

from .world import World, build_world


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'sohoa.db'}"


@pytest.fixture
def session(db_url: str) -> Iterator[Session]:
    """A session on a database made by the real Alembic chain (0001_core, 0002_reconcile, ...)."""
    migrate(db_url)
    with session_factory(db_url)() as s:
        yield s
    dispose_engine(db_url)


def store_records(
    session: Session,
    records: Mapping[str, Mapping[str, str | None]],
    places: Mapping[str, tuple[str, str]] | None = None,
    status: str = "processed",
) -> None:
    """Store dossiers and their fields in the core tables, as the pipeline would."""
    places = places or {}
    session.execute(
        insert(DossierRow),
        [
            {
                "id": d,
                "source": f"{d}.pdf",
                "sha256": d.ljust(64, "0"),
                "status": status,
                "page_count": 4,
                "commune": places.get(d, ("Phường Hoàn Kiếm", "Thành phố Hà Nội"))[0],
                "province": places.get(d, ("Phường Hoàn Kiếm", "Thành phố Hà Nội"))[1],
            }
            for d in records
        ],
    )
    fields = [
        {
            "dossier_id": d,
            "name": name,
            "value": value,
            "confidence": 0.95,
            "needs_review": value is None,
            "reviewed": False,
        }
        for d, values in records.items()
        for name, value in values.items()
    ]
    if fields:
        session.execute(insert(FieldRow), fields)
    session.commit()


@pytest.fixture
def world() -> World:
    return build_world()
