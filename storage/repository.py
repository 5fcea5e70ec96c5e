"""The Repository: dossiers, pages and fields in the metadata database.

Every write is one transaction. The pipeline stores a dossier's objects first,
then calls ``save_dossier``, so a crash leaves the whole dossier or nothing and a
re-run (same SHA-256) finishes it. Concurrent edits are refused by optimistic
locking on the ``version`` columns (``sohoa.errors.Conflict``). Field values are
personal data: they never reach a log line or an error message.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Table, and_, delete, exists, insert, select, update
from sqlalchemy.exc import IntegrityError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from sohoa.errors import Conflict, NotFound, StorageError
from sohoa.model import BBox, Dossier, DossierStatus, FieldValue, Page, Quality, Reading
from storage.keys import page_key
from storage.objectstore import ObjectStore
from storage.tables import DossierRow, FieldRow, InboxClaimRow, ObjectRow, PageRow, utcnow

log = logging.getLogger(__name__)

DOSSIERS = cast(Table, DossierRow.__table__)
PAGES = cast(Table, PageRow.__table__)
FIELDS = cast(Table, FieldRow.__table__)
OBJECTS = cast(Table, ObjectRow.__table__)
CLAIMS = cast(Table, InboxClaimRow.__table__)
APPROVABLE = (DossierStatus.PROCESSED.value, DossierStatus.REVIEWED.value)

Record = tuple[str, dict[str, FieldValue], str | None, str | None]


@dataclass(frozen=True)
class DossierInfo:
    """A dossier's row without its pages and fields."""

    dossier_id: str
    source: str
    sha256: str
    status: str
    reason: str | None
    doc_type: str
    page_count: int
    province: str | None
    commune: str | None
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int
    published_version: int | None


@dataclass(frozen=True)
class StoredObject:
    """One object written to a bucket, for the objects ledger."""

    bucket: str
    key: str
    sha256: str
    size: int


def _flagged(dossier_id_col: Any) -> Any:
    """SQL: the dossier has a field needing review that nobody reviewed."""
    return exists().where(and_(FIELDS.c.dossier_id == dossier_id_col, FIELDS.c.needs_review.is_(True),
                               FIELDS.c.reviewed.is_(False)))


def _db_error(e: SQLAlchemyError) -> str:
    """A short description of a database error without the statement or its parameters."""
    orig = getattr(e, "orig", None) or e
    text = str(orig).strip().splitlines()
    return f"{type(orig).__name__}: {text[0][:160]}" if text else type(orig).__name__


class Repository:
    """Reads and writes dossiers in one metadata database."""

    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._sessions = session_factory

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session in one transaction: committed on success, rolled back on any error."""
        session = self._sessions()
        try:
            yield session
            session.commit()
        except IntegrityError as e:
            session.rollback()
            raise Conflict(f"write refused by the database ({_db_error(e)})") from e
        except OperationalError as e:
            session.rollback()
            raise StorageError(f"metadata database unavailable ({_db_error(e)})") from e
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    # -- dossiers ---------------------------------------------------------------------------

    def find_by_sha(self, sha256: str) -> str | None:
        """The id of the dossier made from a source with this SHA-256, if stored."""
        with self.session() as s:
            return s.execute(select(DOSSIERS.c.id).where(DOSSIERS.c.sha256 == sha256)).scalar_one_or_none()

    def save_dossier(
        self,
        dossier: Dossier,
        *,
        commune: str | None = None,
        province: str | None = None,
        expected_version: int | None = None,
    ) -> int:
        """Upsert the dossier and replace its pages and fields, in one transaction; return its version.

        With ``expected_version`` the write happens only if nobody changed the dossier since
        (``Conflict`` otherwise).
        """
        now = utcnow()
        with self.session() as s:
            version = self._write_dossier(s, dossier, (commune, province), expected_version, now)
            s.execute(delete(PAGES).where(PAGES.c.dossier_id == dossier.dossier_id))
            s.execute(delete(FIELDS).where(FIELDS.c.dossier_id == dossier.dossier_id))
            self._write_pages(s, dossier.dossier_id, dossier.pages)
            self._write_fields(s, dossier.dossier_id, dossier.fields)
        log.info("saved dossier %s (%d pages, %d fields, version %d)", dossier.dossier_id,
                 len(dossier.pages), len(dossier.fields), version)
        return version

    def _write_dossier(self, s: Session, d: Dossier, place: tuple[str | None, str | None],
                       expected_version: int | None, now: dt.datetime) -> int:
        commune, province = place
        values: dict[str, Any] = {
            "source": d.source, "sha256": d.sha256, "status": d.status.value, "reason": d.reason,
            "doc_type": d.doc_type, "page_count": len(d.pages), "updated_at": now,
        }
        if commune is not None:
            values["commune"] = commune
        if province is not None:
            values["province"] = province
        stmt = update(DOSSIERS).where(DOSSIERS.c.id == d.dossier_id)
        if expected_version is not None:
            stmt = stmt.where(DOSSIERS.c.version == expected_version)
        if s.execute(stmt.values(version=DOSSIERS.c.version + 1, **values)).rowcount:  # type: ignore[attr-defined]
            return self._version(s, d.dossier_id)
        if expected_version is not None:
            self._raise_missing_or_conflict(s, d.dossier_id, expected_version)
        s.execute(insert(DOSSIERS).values(id=d.dossier_id, created_at=now, version=1, **values))
        return 1

    @staticmethod
    def _write_pages(s: Session, dossier_id: str, pages: Sequence[Page]) -> None:
        rows = [
            {
                "dossier_id": dossier_id, "idx": p.index, "width": p.width, "height": p.height, "dpi": p.dpi,
                "sha256": p.sha256, "rotation": p.rotation, "skew": p.skew, "page_type": p.page_type,
                "rescan_advised": bool(p.quality and p.quality.rescan_advised),
                "rescan_reason": "; ".join(p.quality.reasons) if p.quality and p.quality.reasons else None,
                "quality_json": p.quality.model_dump_json() if p.quality else None,
                "image_key": p.image_key, "ocr_key": page_key(dossier_id, p.index, "ocr", "json"),
                "ocr_confidence": p.ocr_confidence, "stages_json": json.dumps(list(p.stages)),
            }
            for p in pages
        ]
        if rows:
            s.execute(insert(PAGES), rows)

    @staticmethod
    def _write_fields(s: Session, dossier_id: str, fields: dict[str, FieldValue]) -> None:
        rows = [_field_row(dossier_id, name, fv) for name, fv in fields.items()]
        if rows:
            s.execute(insert(FIELDS), rows)

    def save_rejection(self, dossier_id: str, source: str, sha256: str, reason: str) -> None:
        """Record an input that could not become a dossier, with its reason (no pages, no fields)."""
        self.save_dossier(Dossier(dossier_id=dossier_id, source=source, sha256=sha256,
                                  status=DossierStatus.REJECTED, reason=reason))

    def load_dossier(self, dossier_id: str, *, store: ObjectStore | None = None) -> Dossier:
        """The stored dossier. Pages carry no words unless ``store`` is given to read their Page JSON."""
        with self.session() as s:
            row = s.execute(select(DOSSIERS).where(DOSSIERS.c.id == dossier_id)).mappings().one_or_none()
            if row is None:
                raise NotFound(f"no dossier {dossier_id}")
            page_rows = s.execute(select(PAGES).where(PAGES.c.dossier_id == dossier_id).order_by(PAGES.c.idx))
            pages = tuple(_page(r, store) for r in page_rows.mappings())
            fields = self._fields_of(s, [dossier_id]).get(dossier_id, {})
        return Dossier(dossier_id=row["id"], source=row["source"], sha256=row["sha256"],
                       status=DossierStatus(row["status"]), reason=row["reason"], pages=pages,
                       fields=fields, doc_type=row["doc_type"])

    def dossier_info(self, dossier_id: str) -> DossierInfo:
        """The dossier's row (status, version, commune, published version...)."""
        with self.session() as s:
            row = s.execute(select(DOSSIERS).where(DOSSIERS.c.id == dossier_id)).mappings().one_or_none()
        if row is None:
            raise NotFound(f"no dossier {dossier_id}")
        return _info(row)

    def list_dossiers(self, status: str | None = None) -> list[DossierInfo]:
        """Every dossier (optionally of one status), oldest first."""
        query = select(DOSSIERS).order_by(DOSSIERS.c.created_at, DOSSIERS.c.id)
        if status is not None:
            query = query.where(DOSSIERS.c.status == DossierStatus(status).value)
        with self.session() as s:
            return [_info(r) for r in s.execute(query).mappings()]

    def iter_records(self, status: str | None = None, batch: int = 1000) -> Iterator[Record]:
        """``(dossier_id, fields, commune, province)`` of every dossier, read ``batch`` dossiers at a time."""
        after = ""
        while True:
            query = (select(DOSSIERS.c.id, DOSSIERS.c.commune, DOSSIERS.c.province)
                     .where(DOSSIERS.c.id > after))
            if status is not None:
                query = query.where(DOSSIERS.c.status == DossierStatus(status).value)
            with self.session() as s:
                rows = s.execute(query.order_by(DOSSIERS.c.id).limit(batch)).all()
                fields = self._fields_of(s, [r.id for r in rows])
            for r in rows:
                yield r.id, fields.get(r.id, {}), r.commune, r.province
            if len(rows) < batch:
                return
            after = rows[-1].id

    @staticmethod
    def _fields_of(s: Session, ids: Sequence[str]) -> dict[str, dict[str, FieldValue]]:
        out: dict[str, dict[str, FieldValue]] = {}
        if not ids:
            return out
        query = select(FIELDS).where(FIELDS.c.dossier_id.in_(list(ids))).order_by(FIELDS.c.dossier_id)
        for r in s.execute(query).mappings():
            out.setdefault(r["dossier_id"], {})[r["name"]] = _field_value(r)
        return out

    # -- status and review ------------------------------------------------------------------

    def set_status(self, dossier_id: str, status: str | DossierStatus, expected_version: int | None = None,
                   *, reason: str | None = None) -> int:
        """Change the dossier's status (only if still at ``expected_version``); return the new version."""
        values: dict[str, Any] = {"status": DossierStatus(status).value, "updated_at": utcnow(),
                                  "version": DOSSIERS.c.version + 1}
        if reason is not None:
            values["reason"] = reason
        with self.session() as s:
            return self._bump(s, dossier_id, expected_version, values)

    def _bump(self, s: Session, dossier_id: str, expected_version: int | None, values: dict[str, Any]) -> int:
        stmt = update(DOSSIERS).where(DOSSIERS.c.id == dossier_id)
        if expected_version is not None:
            stmt = stmt.where(DOSSIERS.c.version == expected_version)
        if not s.execute(stmt.values(**values)).rowcount:  # type: ignore[attr-defined]
            self._raise_missing_or_conflict(s, dossier_id, expected_version)
        return self._version(s, dossier_id)

    @staticmethod
    def _version(s: Session, dossier_id: str) -> int:
        return int(s.execute(select(DOSSIERS.c.version).where(DOSSIERS.c.id == dossier_id)).scalar_one())

    @staticmethod
    def _raise_missing_or_conflict(s: Session, dossier_id: str, expected_version: int | None) -> None:
        query = select(DOSSIERS.c.version).where(DOSSIERS.c.id == dossier_id)
        current = s.execute(query).scalar_one_or_none()
        if current is None:
            raise NotFound(f"no dossier {dossier_id}")
        raise Conflict(f"dossier {dossier_id} was changed by someone else (version {current}, "
                       f"expected {expected_version}); reload and retry")

    def save_field(self, dossier_id: str, name: str, value: FieldValue, *, expected_version: int) -> int:
        """Replace one field if it is still at ``expected_version``; return the field's new version."""
        row = _field_row(dossier_id, name, value)
        with self.session() as s:
            stmt = (update(FIELDS)
                    .where(FIELDS.c.dossier_id == dossier_id, FIELDS.c.name == name,
                           FIELDS.c.version == expected_version)
                    .values(version=FIELDS.c.version + 1, **{k: v for k, v in row.items() if k != "version"}))
            if not s.execute(stmt).rowcount:  # type: ignore[attr-defined]
                current = s.execute(select(FIELDS.c.version).where(
                    FIELDS.c.dossier_id == dossier_id, FIELDS.c.name == name)).scalar_one_or_none()
                if current is None:
                    raise NotFound(f"no field {name} in dossier {dossier_id}")
                raise Conflict(f"field {name} of dossier {dossier_id} was changed by someone else "
                               f"(version {current}, expected {expected_version}); reload and retry")
            s.execute(update(DOSSIERS).where(DOSSIERS.c.id == dossier_id).values(updated_at=utcnow()))
            version = int(s.execute(select(FIELDS.c.version).where(
                FIELDS.c.dossier_id == dossier_id, FIELDS.c.name == name)).scalar_one())
        log.info("field %s of dossier %s saved (version %d)", name, dossier_id, version)
        return version

    def field_versions(self, dossier_id: str) -> dict[str, int]:
        """The version of each field of a dossier (for optimistic edits)."""
        with self.session() as s:
            rows = s.execute(select(FIELDS.c.name, FIELDS.c.version).where(FIELDS.c.dossier_id == dossier_id))
            return {r.name: int(r.version) for r in rows}

    def flagged_count(self, dossier_id: str) -> int:
        """How many fields of the dossier need review and were not reviewed."""
        with self.session() as s:
            return len(s.execute(select(FIELDS.c.name).where(
                FIELDS.c.dossier_id == dossier_id, FIELDS.c.needs_review.is_(True),
                FIELDS.c.reviewed.is_(False))).all())

    def approve(self, dossier_id: str, expected_version: int | None = None) -> int:
        """Approve a processed or reviewed dossier with nothing flagged; return its new version."""
        info = self.dossier_info(dossier_id)
        if info.status not in APPROVABLE:
            raise Conflict(f"dossier {dossier_id} is {info.status}; only processed or reviewed dossiers "
                           "can be approved")
        if (n := self.flagged_count(dossier_id)) > 0:
            raise Conflict(f"dossier {dossier_id} has {n} field(s) still needing review")
        version = info.version if expected_version is None else expected_version
        return self.set_status(dossier_id, DossierStatus.APPROVED, version)

    def approve_unflagged(self) -> list[str]:
        """Approve every processed or reviewed dossier with no field left to review; return their ids."""
        with self.session() as s:
            ids = sorted(s.execute(
                update(DOSSIERS)
                .where(DOSSIERS.c.status.in_(APPROVABLE), ~_flagged(DOSSIERS.c.id))
                .values(status=DossierStatus.APPROVED.value, updated_at=utcnow(), version=DOSSIERS.c.version + 1)
                .returning(DOSSIERS.c.id)).scalars())
        log.info("approved %d dossier(s) with nothing flagged", len(ids))
        return ids

    def mark_published(self, dossier_id: str, package_version: int, expected_version: int,
                       objects: Iterable[StoredObject] = ()) -> int:
        """Record that package ``v<package_version>`` of the dossier is published, with its objects."""
        values = {"status": DossierStatus.PUBLISHED.value, "published_version": package_version,
                  "updated_at": utcnow(), "version": DOSSIERS.c.version + 1}
        rows = [{"bucket": o.bucket, "key": o.key, "sha256": o.sha256, "size": o.size,
                 "dossier_id": dossier_id, "created_at": utcnow()} for o in objects]
        with self.session() as s:
            version = self._bump(s, dossier_id, expected_version, values)
            if rows:
                s.execute(insert(OBJECTS), rows)
        return version

    # -- inbox claims -----------------------------------------------------------------------

    def claim_inbox_object(self, bucket: str, key: str, etag: str) -> bool:
        """Take an inbox object for processing; False if another watcher already took it."""
        try:
            with self.session() as s:
                s.execute(insert(CLAIMS).values(bucket=bucket, key=key, etag=etag, claimed_at=utcnow()))
        except Conflict:
            return False
        return True

    def claimed(self, bucket: str) -> set[tuple[str, str]]:
        """``(key, etag)`` of every object already claimed in ``bucket``."""
        with self.session() as s:
            rows = s.execute(select(CLAIMS.c.key, CLAIMS.c.etag).where(CLAIMS.c.bucket == bucket))
            return {(r.key, r.etag) for r in rows}

    def finish_claim(self, bucket: str, key: str, etag: str, dossier_id: str | None) -> None:
        """Note which dossier a claimed inbox object became."""
        with self.session() as s:
            s.execute(update(CLAIMS).where(CLAIMS.c.bucket == bucket, CLAIMS.c.key == key,
                                           CLAIMS.c.etag == etag).values(dossier_id=dossier_id))

    def release_claim(self, bucket: str, key: str, etag: str) -> None:
        """Give a claimed object back (its processing failed for a reason worth retrying)."""
        with self.session() as s:
            s.execute(delete(CLAIMS).where(CLAIMS.c.bucket == bucket, CLAIMS.c.key == key,
                                           CLAIMS.c.etag == etag))


def _field_row(dossier_id: str, name: str, fv: FieldValue) -> dict[str, Any]:
    return {
        "dossier_id": dossier_id, "name": name, "value": fv.value, "confidence": fv.confidence,
        "needs_review": fv.needs_review, "page": fv.page,
        "bbox_json": json.dumps(fv.bbox.as_list()) if fv.bbox else None,
        "reasons_json": json.dumps(list(fv.reasons), ensure_ascii=False),
        "readings_json": json.dumps([r.model_dump(mode="json") for r in fv.readings], ensure_ascii=False),
        "reviewed": fv.reviewed, "version": 1,
    }


def _field_value(r: Any) -> FieldValue:
    return FieldValue(
        value=r["value"], confidence=float(r["confidence"]), needs_review=bool(r["needs_review"]),
        page=r["page"], bbox=BBox.of(json.loads(r["bbox_json"])) if r["bbox_json"] else None,
        reasons=tuple(json.loads(r["reasons_json"] or "[]")),
        readings=tuple(Reading.model_validate(x) for x in json.loads(r["readings_json"] or "[]")),
        reviewed=bool(r["reviewed"]),
    )


def _page(r: Any, store: ObjectStore | None) -> Page:
    if store is not None and r["ocr_key"] and store.exists(r["ocr_key"]):
        return Page.model_validate_json(store.get_bytes(r["ocr_key"]))
    return Page(
        dossier_id=r["dossier_id"], index=r["idx"], width=r["width"], height=r["height"], dpi=r["dpi"],
        sha256=r["sha256"], rotation=r["rotation"], skew=float(r["skew"]), page_type=r["page_type"],
        quality=Quality.model_validate_json(r["quality_json"]) if r["quality_json"] else None,
        ocr_confidence=r["ocr_confidence"], image_key=r["image_key"],
        stages=tuple(json.loads(r["stages_json"])) if r["stages_json"] else (),
    )


def _info(r: Any) -> DossierInfo:
    return DossierInfo(
        dossier_id=r["id"], source=r["source"], sha256=r["sha256"], status=r["status"], reason=r["reason"],
        doc_type=r["doc_type"], page_count=r["page_count"], province=r["province"], commune=r["commune"],
        created_at=r["created_at"], updated_at=r["updated_at"], version=r["version"],
        published_version=r["published_version"],
    )
