"""Blocking: find each record's electronic rows with indexed lookups, a batch of records at a time.

A record finds its registry row by chassis number, then (chassis by suffix where one side omits the
VIN prefix), then engine number, then plate; its population row by ID number. The first key that
finds rows decides: one row is compared, none is ``missing``, two or more are ``ambiguous``.
Every lookup is ``key IN (...)`` on an indexed column, so the cost is linear in the number of
records: no pair of rows is ever compared blindly.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from reconcile.bulk import select_in
from reconcile.keys import chassis_tail, digits_key, identifier_key
from reconcile.tables import PopulationRow, RegistryRow

log = logging.getLogger(__name__)

#: bound parameters per IN (...) query (SQLite allows 32766)
CHUNK = 5000

Record = tuple[str, Mapping[str, str | None]]


@dataclass(frozen=True)
class Candidates:
    """The electronic rows a record found, and by which key."""

    matched_by: str | None
    rows: tuple[Mapping[str, Any], ...]


NONE = Candidates(None, ())


def _fetch(session: Session, column: Any, keys: Iterable[str]) -> dict[str, list[dict[str, Any]]]:
    """Rows whose ``column`` is one of ``keys`` (indexed ``IN`` lookups), grouped by that key."""
    found: dict[str, list[dict[str, Any]]] = defaultdict(list)
    names = [c.name for c in column.table.columns]
    at = names.index(column.name)
    wanted = sorted({k for k in keys if k})
    for i in range(0, len(wanted), CHUNK):
        for values in select_in(session, column.table.name, names, column.name, wanted[i : i + CHUNK]):
            found[values[at]].append(dict(zip(names, values, strict=True)))
    return found


def _suffix_match(key: str, rows: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """Rows whose chassis is the record's with a VIN prefix added or removed (2+ characters)."""
    out = []
    for row in rows:
        other = row["chassis_key"]
        short, long_ = sorted((key, other), key=len)
        if len(long_) - len(short) >= 2 and long_.endswith(short):
            out.append(row)
    return out


def registry_candidates(session: Session, records: Sequence[Record]) -> dict[str, Candidates]:
    """Registry rows of each record: chassis, chassis by suffix, engine, then plate."""
    keys = {
        d: {
            "chassis": identifier_key(v.get("chassis_number")),
            "engine": identifier_key(v.get("engine_number")),
            "plate": identifier_key(v.get("plate_number")),
        }
        for d, v in records
    }
    out: dict[str, Candidates] = {}
    steps: list[tuple[str, Any, Callable[[dict[str, str]], str]]] = [
        ("chassis", RegistryRow.__table__.c.chassis_key, lambda k: k["chassis"]),
        ("chassis suffix", RegistryRow.__table__.c.chassis_tail, lambda k: chassis_tail(k["chassis"])),
        ("engine", RegistryRow.__table__.c.engine_key, lambda k: k["engine"]),
        ("plate", RegistryRow.__table__.c.plate_key, lambda k: k["plate"]),
    ]
    for name, column, key_of in steps:
        pending = {d: key_of(k) for d, k in keys.items() if d not in out and key_of(k)}
        found = _fetch(session, column, pending.values())
        for dossier_id, key in pending.items():
            rows: Sequence[Mapping[str, Any]] = found.get(key, [])
            if name == "chassis suffix":
                rows = _suffix_match(keys[dossier_id]["chassis"], rows)
            if rows:
                out[dossier_id] = Candidates(name, tuple(rows))
    return {d: out.get(d, NONE) for d in keys}


def population_candidates(session: Session, records: Sequence[Record]) -> dict[str, Candidates]:
    """Population rows of each record, by ID number (digits only)."""
    keys = {d: digits_key(v.get("owner_id_number")) for d, v in records}
    found = _fetch(session, PopulationRow.__table__.c.id_number, keys.values())
    return {d: Candidates("id_number", tuple(found[k])) if k in found else NONE for d, k in keys.items()}
