"""Fixtures of the reconcile tests: a real SQLite metadata database with the core and reconcile tables,
and a generated world of dossiers and electronic rows with known discrepancies."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest
from sqlalchemy import create_engine, event, insert
from sqlalchemy.orm import Session, sessionmaker

import reconcile.tables  # noqa: F401  (registers the reconcile tables on Base)
from storage.tables import Base, DossierRow, FieldRow

from .world import World, build_world


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'sohoa.db'}"


@pytest.fixture
def session(db_url: str) -> Iterator[Session]:
    engine = create_engine(db_url)
    event.listen(engine, "connect", lambda conn, _rec: conn.execute("PRAGMA foreign_keys=ON"))
    Base.metadata.create_all(engine)
    with sessionmaker(engine)() as s:
        yield s
    engine.dispose()


def store_records(session: Session, records: Mapping[str, Mapping[str, str | None]],
                  places: Mapping[str, tuple[str, str]] | None = None, status: str = "processed") -> None:
    """Store dossiers and their fields in the core tables, as the pipeline would."""
    places = places or {}
    session.execute(insert(DossierRow), [
        {"id": d, "source": f"{d}.pdf", "sha256": d.ljust(64, "0"), "status": status, "page_count": 4,
         "commune": places.get(d, ("Phường Hoàn Kiếm", "Thành phố Hà Nội"))[0],
         "province": places.get(d, ("Phường Hoàn Kiếm", "Thành phố Hà Nội"))[1]}
        for d in records])
    session.execute(insert(FieldRow), [
        {"dossier_id": d, "name": name, "value": value, "confidence": 0.95, "needs_review": value is None,
         "reviewed": False}
        for d, fields in records.items() for name, value in fields.items()])
    session.commit()


@pytest.fixture
def world() -> World:
    return build_world()
