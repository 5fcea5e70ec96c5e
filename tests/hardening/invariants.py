"""What a data directory must look like after any crash, and after a finished run.

Read straight from the SQLite file and the objects folder (not through the cached
engines of ``storage.db``, so a data directory can be wiped and rebuilt between checks).

The invariant, stated honestly:

* always (even right after a SIGKILL): the database passes ``PRAGMA integrity_check``;
  each source SHA-256 has at most one dossier row; every *processed* dossier row is
  complete — its ``page_count`` equals its page rows and the expected page count, and its
  ``record.json``, ``searchable.pdf``, ``source.*`` and every page's prepared image and OCR
  JSON are in the store. Objects are written before the database commit, so a killed run
  may leave objects under a dossier id that has no row yet (an *orphan prefix*); that is
  by design, and the next run re-processes that source and overwrites the same keys.
* after a run that finished: additionally every object key prefix belongs to a processed
  dossier (no orphans left) and every expected source is stored exactly once.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from pypdf import PdfReader


@dataclass(frozen=True)
class State:
    """What one check found."""

    processed: frozenset[str]
    orphan_prefixes: frozenset[str]
    temp_files: int  # ``.tmp-*`` files of atomic writes interrupted by a kill (never listed as objects)


def integrity_ok(db: Path) -> bool:
    """``PRAGMA integrity_check`` says ok (a missing database is fine: nothing written yet)."""
    if not db.exists():
        return True
    with sqlite3.connect(db) as conn:
        return conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def _rows(db: Path) -> list[tuple[str, str, str, int]]:
    if not db.exists():
        return []
    with sqlite3.connect(db) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "dossiers" not in tables:
            return []
        return conn.execute("SELECT id, sha256, status, page_count FROM dossiers").fetchall()


def _page_rows(db: Path, dossier_id: str) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute("SELECT count(*) FROM pages WHERE dossier_id = ?", (dossier_id,)).fetchone()[0])


def check(data: Path, expected_pages: dict[str, int], *, finished: bool) -> State:
    """Assert the invariant on ``data`` (see the module docstring); ``expected_pages`` is by SHA-256."""
    db, objects = data / "sohoa.db", data / "objects"
    assert integrity_ok(db), "database integrity_check failed"
    rows = _rows(db)
    shas = [sha for _, sha, _, _ in rows]
    assert len(shas) == len(set(shas)), "a source stored twice"
    processed = set()
    for dossier_id, sha, status, page_count in rows:
        assert status == "processed", (dossier_id, status)
        assert page_count == expected_pages[sha] == _page_rows(db, dossier_id), dossier_id
        _assert_complete(objects / dossier_id, dossier_id, page_count)
        processed.add(dossier_id)
    prefixes = {p.name for p in objects.iterdir() if p.is_dir()} if objects.is_dir() else set()
    temps = sum(1 for _ in objects.rglob(".tmp-*")) if objects.is_dir() else 0
    orphans = prefixes - processed
    if finished:
        assert {sha for _, sha, _, _ in rows} == set(expected_pages), "not every source stored"
        assert not orphans, f"orphaned object prefixes after a finished run: {sorted(orphans)}"
    return State(frozenset(processed), frozenset(orphans), temps)


def _assert_complete(folder: Path, dossier_id: str, pages: int) -> None:
    names = {p.name for p in folder.iterdir() if not p.name.startswith(".tmp-")}
    need = {"record.json", "searchable.pdf", "source.pdf"}
    need |= {f"{i:04d}_{stage}" for i in range(1, pages + 1) for stage in ("prepared.png", "ocr.json")}
    assert need <= names, f"{dossier_id} incomplete: missing {sorted(need - names)}"
    record = json.loads((folder / "record.json").read_text(encoding="utf-8"))
    assert record["dossier_id"] == dossier_id and len(record["pages"]) == pages
    assert len(PdfReader(folder / "searchable.pdf").pages) == pages
