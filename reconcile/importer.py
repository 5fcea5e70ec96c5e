"""Import electronic rows (registry, population) from CSV, XLSX or a SQL database.

Rows stream in batches (bounded memory for millions of rows) and are upserted by key, so a
re-import replaces what the previous one loaded. A malformed row is reported by its line
number and skipped: values are normalized to NFC and trimmed, never corrected. Logs name
files, line numbers and reasons, never the values (they are personal data).
"""

from __future__ import annotations

import csv
import json
import logging
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from sqlalchemy import MetaData, Table, create_engine, delete, or_, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from reconcile.bulk import bulk_session, upsert_many
from reconcile.keys import chassis_tail, identifier_key
from reconcile.tables import ElectronicImport, PopulationRow, RegistryRow, utcnow
from sohoa.errors import InputRejected, StorageError, UsageError

log = logging.getLogger(__name__)

REGISTRY = "registry"
POPULATION = "population"
COLUMNS: dict[str, tuple[str, ...]] = {
    REGISTRY: (
        "plate_number",
        "chassis_number",
        "engine_number",
        "owner_name",
        "owner_id_number",
        "brand",
        "model",
        "color",
        "owner_address",
    ),
    POPULATION: ("id_number", "full_name", "birth_date", "address"),
}
#: a header must name at least one of these for the file to be usable
KEY_COLUMNS: dict[str, tuple[str, ...]] = {
    REGISTRY: ("chassis_number", "engine_number", "plate_number"),
    POPULATION: ("id_number",),
}
DEFAULT_BATCH = 10_000
MAX_LOGGED_ERRORS = 1000

_SURROGATE = re.compile("[\udc80-\udcff]")  # bytes that were not UTF-8 (surrogateescape)
_IDENTIFIER = re.compile(r"^[0-9A-Za-zĐđ .\-/]+$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_VN_DATE = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")

RawRow = tuple[int, dict[str, Any]]


class MalformedRowError(ValueError):
    """A row that cannot be loaded as it is (the reason never holds the values)."""


@dataclass
class ImportReport:
    """What one import did."""

    kind: str
    source: str
    rows_read: int = 0
    rows_loaded: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)
    import_id: int | None = None
    rows_dropped: int = 0

    @property
    def rows_rejected(self) -> int:
        return self.rows_read - self.rows_loaded


# ---------------------------------------------------------------- values


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value)
    if _SURROGATE.search(text):
        raise MalformedRowError("not valid UTF-8")
    text = " ".join(unicodedata.normalize("NFC", text).split())
    return text or None


def _identifier(row: Mapping[str, str | None], name: str) -> str | None:
    value = row.get(name)
    if value is not None and not _IDENTIFIER.match(value):
        raise MalformedRowError(f"{name} has characters other than letters, digits, space, '.', '-', '/'")
    return value


def _id_number(row: Mapping[str, str | None], name: str, *, required: bool) -> str | None:
    value = row.get(name)
    if value is None:
        if required:
            raise MalformedRowError(f"{name} is empty")
        return None
    if not value.isdigit() or len(value) not in (9, 12):
        raise MalformedRowError(f"{name} is not 9 or 12 digits")
    return value


def iso_date(value: str | None, name: str) -> str | None:
    """ISO ``YYYY-MM-DD`` from ``YYYY-MM-DD``, ``dd/mm/yyyy`` (also ``-`` or ``.``) or ``YYYY``."""
    if value is None:
        return None
    if re.fullmatch(r"\d{4}", value):
        return value
    m = _ISO_DATE.match(value)
    parts = (m.group(1), m.group(2), m.group(3)) if m else None
    m2 = _VN_DATE.match(value)
    if m2:
        parts = (m2.group(3), m2.group(2), m2.group(1))
    try:
        if parts is None:
            raise ValueError
        return date(int(parts[0]), int(parts[1]), int(parts[2])).isoformat()
    except ValueError:
        raise MalformedRowError(f"{name} is not a date") from None


def prepare_registry(raw: Mapping[str, Any]) -> dict[str, Any]:
    """A registry row ready to store: values in NFC, keys for matching; raises ``MalformedRowError``."""
    row = {name: _text(raw.get(name)) for name in COLUMNS[REGISTRY]}
    for name in ("plate_number", "chassis_number", "engine_number"):
        _identifier(row, name)
    _id_number(row, "owner_id_number", required=False)
    plate, chassis, engine = (identifier_key(row[n]) for n in ("plate_number", "chassis_number", "engine_number"))
    if not (plate or chassis or engine):
        raise MalformedRowError("no plate, chassis or engine number")
    row.update(
        plate_key=plate,
        chassis_key=chassis,
        chassis_tail=chassis_tail(chassis),
        engine_key=engine,
        row_key=f"{plate}|{chassis}|{engine}",
    )
    return row


def prepare_population(raw: Mapping[str, Any]) -> dict[str, Any]:
    """A population row ready to store; raises ``MalformedRowError``."""
    row = {name: _text(raw.get(name)) for name in COLUMNS[POPULATION]}
    row["id_number"] = _id_number(row, "id_number", required=True)
    row["birth_date"] = iso_date(row["birth_date"], "birth_date")
    return row


PREPARE: dict[str, Callable[[Mapping[str, Any]], dict[str, Any]]] = {
    REGISTRY: prepare_registry,
    POPULATION: prepare_population,
}


# ---------------------------------------------------------------- readers


def load_mapping(path: Path | None) -> dict[str, str]:
    """A header mapping file: JSON ``{"their header": "our field"}`` or CSV lines ``their header,field``."""
    if path is None:
        return {}
    try:
        text = path.read_text(encoding="utf-8-sig")
        if path.suffix.lower() == ".json":
            data = json.loads(text)
            if not isinstance(data, dict):
                raise ValueError("a JSON object is expected")
            return {str(k).strip(): str(v).strip() for k, v in data.items()}
        return {r[0].strip(): r[1].strip() for r in csv.reader(text.splitlines()) if len(r) >= 2}
    except (OSError, ValueError) as e:
        raise UsageError(f"unreadable mapping file: {e}", path=str(path)) from e


def _header(kind: str, cells: Iterable[Any], mapping: Mapping[str, str], source: str) -> list[str | None]:
    """Our field name for each column (None: a column we do not use)."""
    wanted = set(COLUMNS[kind])
    names: list[str | None] = []
    for cell in cells:
        raw = unicodedata.normalize("NFC", str(cell or "")).strip().lstrip("\ufeff")
        name = mapping.get(raw, raw)
        names.append(name if name in wanted else None)
    if not set(KEY_COLUMNS[kind]) & set(names):
        raise InputRejected(f"header names none of {', '.join(KEY_COLUMNS[kind])} (use --mapping)", path=source)
    missing = wanted - set(names)
    if missing:
        log.warning("%s: no column for %s; those values stay empty", source, ", ".join(sorted(missing)))
    return names


def read_csv(path: Path, kind: str, mapping: Mapping[str, str]) -> Iterator[RawRow]:
    """Rows of a CSV file (UTF-8, comma, semicolon or tab) with their line numbers (bad widths flagged)."""
    with path.open(encoding="utf-8-sig", errors="surrogateescape", newline="") as f:
        sample = f.read(8192)
        f.seek(0)
        delimiter = max(",;\t", key=sample.count)  # the most frequent of comma, semicolon, tab
        reader = csv.reader(f, delimiter=delimiter)
        header = _header(kind, next(reader, []), mapping, str(path))
        for cells in reader:
            if not any(c.strip() for c in cells):
                continue
            if len(cells) != len(header):
                yield reader.line_num, {"__error__": f"expected {len(header)} columns, found {len(cells)}"}
                continue
            yield reader.line_num, {n: c for n, c in zip(header, cells, strict=True) if n}


def read_xlsx(path: Path, kind: str, mapping: Mapping[str, str]) -> Iterator[RawRow]:
    """Rows of the first sheet of an XLSX workbook, streamed (openpyxl read-only mode)."""
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as e:
        raise InputRejected(f"not a readable XLSX workbook ({type(e).__name__})", path=str(path)) from e
    try:
        rows = wb.worksheets[0].iter_rows(values_only=True)
        header = _header(kind, next(rows, ()), mapping, str(path))
        for line, cells in enumerate(rows, start=2):
            if not any(c not in (None, "") for c in cells):
                continue
            extra = [c for c in cells[len(header) :] if c not in (None, "")]
            if extra:
                yield line, {"__error__": f"values beyond the {len(header)} named columns"}
                continue
            yield line, {n: c for n, c in zip(header, cells, strict=False) if n}
    finally:
        wb.close()


def read_sql(
    url: str, table: str, kind: str, mapping: Mapping[str, str], batch: int = DEFAULT_BATCH
) -> Iterator[RawRow]:
    """Rows of a table in another database, streamed with a server-side cursor; "line" is the row ordinal."""
    engine = create_engine(url)
    try:
        source = Table(table, MetaData(), autoload_with=engine)
        header = _header(kind, [c.name for c in source.columns], mapping, table)
        with engine.connect() as conn:
            result = conn.execution_options(stream_results=True, yield_per=batch).execute(select(source))
            for line, cells in enumerate(result, start=1):
                yield line, {n: c for n, c in zip(header, cells, strict=True) if n}
    except InputRejected:
        raise
    except Exception as e:
        safe = make_url(url).render_as_string(hide_password=True)
        raise InputRejected(f"cannot read table {table} ({type(e).__name__})", path=safe) from e
    finally:
        engine.dispose()


# ---------------------------------------------------------------- loading


def _upsert(session: Session, kind: str, rows: list[dict[str, Any]]) -> None:
    model: Any = RegistryRow if kind == REGISTRY else PopulationRow
    key = "row_key" if kind == REGISTRY else "id_number"
    columns = tuple(rows[0])
    upsert_many(session, model.__tablename__, columns, key, [tuple(r[c] for c in columns) for r in rows])


def load_rows(
    session: Session,
    kind: str,
    rows: Iterable[RawRow],
    source: str,
    batch: int = DEFAULT_BATCH,
    *,
    replace_all: bool = False,
) -> ImportReport:
    """Validate and upsert ``(line, raw row)`` pairs in batches; one commit per batch.

    Rows replace the stored rows of the same key (registry: plate, chassis and engine numbers
    together; population: the ID number). With ``replace_all`` the import is a full snapshot:
    once every row is in, stored rows this import did not bring are deleted, unless a row was
    malformed (its stored version would be lost with it).
    """
    if kind not in COLUMNS:
        raise UsageError(f"unknown electronic source {kind!r} (registry or population)")
    report = ImportReport(kind, source)
    log_row = ElectronicImport(kind=kind, source=source)
    session.add(log_row)
    session.commit()
    report.import_id = log_row.id
    prepare, key = PREPARE[kind], ("row_key" if kind == REGISTRY else "id_number")
    pending: dict[str, dict[str, Any]] = {}
    with bulk_session(session):
        for line, raw in rows:
            report.rows_read += 1
            try:
                if "__error__" in raw:
                    raise MalformedRowError(raw["__error__"])
                row = prepare(raw)
            except MalformedRowError as e:
                _reject(report, source, line, str(e))
                continue
            row["import_id"] = log_row.id
            pending[row[key]] = row  # a key seen twice in one batch: the later line wins, as in a re-import
            report.rows_loaded += 1
            if len(pending) >= batch:
                _flush(session, kind, pending, source)
        _flush(session, kind, pending, source)
    if replace_all and report.errors:
        log.warning(
            "%s: %d malformed rows, so the snapshot is not applied (no row deleted)", source, len(report.errors)
        )
    elif replace_all:
        report.rows_dropped = _drop_older(session, kind, log_row.id)
    _finish(session, log_row, report)
    return report


def _drop_older(session: Session, kind: str, import_id: int) -> int:
    """Delete the rows of ``kind`` that an earlier import brought and this one did not."""
    model: Any = RegistryRow if kind == REGISTRY else PopulationRow
    result: Any = session.execute(delete(model).where(or_(model.import_id != import_id, model.import_id.is_(None))))
    session.commit()
    log.info("%s: %d rows absent from the new snapshot deleted", kind, result.rowcount)
    return int(result.rowcount or 0)


def _reject(report: ImportReport, source: str, line: int, reason: str) -> None:
    report.errors.append((line, reason))
    if len(report.errors) <= MAX_LOGGED_ERRORS:
        log.warning("%s: line %d skipped: %s", source, line, reason)


def _flush(session: Session, kind: str, pending: dict[str, dict[str, Any]], source: str) -> None:
    """Upsert and commit one batch; a failed write is rolled back whole (earlier batches stay)."""
    if not pending:
        return
    try:
        _upsert(session, kind, list(pending.values()))
        session.commit()
    except SQLAlchemyError as e:
        session.rollback()
        raise StorageError(
            f"writing a batch of {kind} rows failed ({type(e).__name__}); earlier batches are kept", path=source
        ) from e
    pending.clear()


def _finish(session: Session, log_row: ElectronicImport, report: ImportReport) -> None:
    log_row.finished_at = utcnow()
    log_row.rows_read, log_row.rows_loaded = report.rows_read, report.rows_loaded
    log_row.rows_rejected = report.rows_rejected
    log_row.errors_json = json.dumps(report.errors[:MAX_LOGGED_ERRORS], ensure_ascii=False)
    session.commit()
    log.info(
        "%s import from %s: %d read, %d loaded, %d rejected",
        report.kind,
        report.source,
        report.rows_read,
        report.rows_loaded,
        report.rows_rejected,
    )


def import_file(
    session: Session,
    kind: str,
    path: Path,
    mapping: Mapping[str, str] | None = None,
    *,
    batch: int = DEFAULT_BATCH,
    replace_all: bool = False,
) -> ImportReport:
    """Import a CSV or XLSX export of ``kind`` (registry or population); see :func:`load_rows`."""
    if not path.is_file():
        raise InputRejected("no such file", path=str(path))
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        rows = read_xlsx(path, kind, mapping or {})
    elif suffix in (".csv", ".txt", ".tsv"):
        rows = read_csv(path, kind, mapping or {})
    else:
        raise InputRejected("expected a .csv or .xlsx file", path=str(path))
    return load_rows(session, kind, rows, path.name, batch, replace_all=replace_all)


def import_sql(
    session: Session,
    kind: str,
    url: str,
    table: str,
    mapping: Mapping[str, str] | None = None,
    *,
    batch: int = DEFAULT_BATCH,
    replace_all: bool = False,
) -> ImportReport:
    """Import ``kind`` rows from ``table`` of the database at ``url`` (any SQLAlchemy URL)."""
    source = f"{make_url(url).render_as_string(hide_password=True)}#{table}"
    rows = read_sql(url, table, kind, mapping or {}, batch)
    return load_rows(session, kind, rows, source, batch, replace_all=replace_all)
