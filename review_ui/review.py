"""Review operations on one dossier: load it (scope-checked), save a field, approve, ask for a rescan.

Each change and its audit row are written in one transaction, with optimistic locking on the
``version`` columns: a stale version is refused with ``FieldConflict`` carrying the current value,
never silently overwritten. After a change the dossier's queue row is refreshed at once.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from reconcile.run import reconciliation_for
from review_ui import audit, queue_index
from review_ui.access import check_in_scope, require, scope_condition
from review_ui.accounts import Principal
from review_ui.i18n import labels
from review_ui.tables import RescanRequestRow
from review_ui.validation import Verdict, validate
from sohoa.errors import Conflict, NotFound, ValidationFailed
from sohoa.model import nfc
from storage.tables import DossierRow, FieldRow, PageRow, utcnow

log = logging.getLogger(__name__)

EDITABLE = ("processed", "reviewed")
FIELD_ORDER = {name: i for i, name in enumerate(labels()["fields"])}
CONFUSABLE = {
    "0": "0ODQ",
    "O": "0ODQ",
    "D": "0ODQ",
    "Q": "0ODQ",
    "1": "1IL7",
    "I": "1IL7",
    "L": "1IL7",
    "7": "1IL7",
    "5": "5S",
    "S": "5S",
    "8": "8B",
    "B": "8B",
    "2": "2Z",
    "Z": "2Z",
    "6": "6G",
    "G": "6G",
    "U": "UV",
    "V": "UV",
}
CHAR_CLASSES = ("0ODQ", "1IL7", "5S", "8B", "2Z", "6G", "UV")


class FieldConflict(Conflict):
    """A field save lost a race; ``current`` is the value and version now stored (shown to the user)."""

    def __init__(self, message: str, current: FieldRow) -> None:
        super().__init__(message)
        self.current = current


class InvalidValue(ValidationFailed):
    """The value fails its validator and the reviewer has not confirmed it."""

    def __init__(self, field_name: str, verdict: Verdict) -> None:
        super().__init__(f"{field_name}: " + "; ".join(verdict.messages or ("invalid value",)))
        self.verdict = verdict


@dataclass
class DossierView:
    """What the dossier screen shows."""

    dossier: DossierRow
    pages: list[PageRow]
    fields: list[FieldRow]
    reconciliation: dict[str, Any] = field(default_factory=dict)
    differences: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    @property
    def flagged(self) -> list[FieldRow]:
        return [f for f in self.fields if is_flagged(f)]


def is_flagged(f: FieldRow) -> bool:
    """A field still waiting for a reviewer."""
    return bool(f.needs_review) and not bool(f.reviewed)


def get_dossier(db: Session, p: Principal, dossier_id: str) -> DossierRow:
    """The dossier row, or ``NotFound`` if absent or outside the principal's communes."""
    row = db.get(DossierRow, dossier_id)
    if row is None:
        raise NotFound(f"no dossier {dossier_id}")
    check_in_scope(p, dossier_id, row.commune, row.province)
    return row


def load_view(db: Session, p: Principal, dossier_id: str, screen: str) -> DossierView:
    """Everything the dossier screen needs; the access to personal data is audited."""
    d = get_dossier(db, p, dossier_id)
    pages = list(db.scalars(select(PageRow).where(PageRow.dossier_id == dossier_id).order_by(PageRow.idx)))
    fields = sorted(
        db.scalars(select(FieldRow).where(FieldRow.dossier_id == dossier_id)),
        key=lambda f: (FIELD_ORDER.get(f.name, 99), f.name),
    )
    view = DossierView(d, pages, fields)
    view.reconciliation, view.differences = _reconciliation(db, dossier_id)
    audit.record(db, p.name, "view", screen, dossier_id=dossier_id)
    db.commit()
    return view


def _reconciliation(db: Session, dossier_id: str) -> tuple[dict[str, Any], dict[str, list[dict[str, Any]]]]:
    rec = reconciliation_for(db, dossier_id)
    diffs: dict[str, list[dict[str, Any]]] = {}
    for source in ("registry", "population"):
        for d in (rec.get(source) or {}).get("differences", []):
            diffs.setdefault(d.get("field", ""), []).append({**d, "source": source})
    return rec, diffs


def _field_row(db: Session, dossier_id: str, name: str) -> FieldRow:
    row = db.get(FieldRow, (dossier_id, name))
    if row is None:
        raise NotFound(f"no field {name} in dossier {dossier_id}")
    return row


def save_field(
    db: Session,
    p: Principal,
    dossier_id: str,
    name: str,
    *,
    value: str | None,
    expected_version: int,
    screen: str,
    confirm: bool = False,
) -> FieldRow:
    """Record a reviewed value (validated like the pipeline); bump the field's version; audit it."""
    require(p, "review")
    d = get_dossier(db, p, dossier_id)
    if d.status not in EDITABLE:
        raise Conflict(f"dossier {dossier_id} is {d.status}; only dossiers under review can be edited")
    current = _field_row(db, dossier_id, name)
    old = current.value
    new, reasons = _judged(
        name,
        value,
        confirm,
        list(json.loads(current.reasons_json or "[]")),
        other_values(db, dossier_id, name),
    )
    done = db.execute(
        update(FieldRow)
        .where(FieldRow.dossier_id == dossier_id, FieldRow.name == name, FieldRow.version == expected_version)
        .values(
            value=new,
            reviewed=True,
            needs_review=False,
            version=FieldRow.version + 1,
            reasons_json=json.dumps(reasons, ensure_ascii=False),
        )
    )
    if not done.rowcount:  # type: ignore[attr-defined]
        db.rollback()
        raise FieldConflict(
            f"field {name} of dossier {dossier_id} was changed by someone else; the current value is shown",
            _field_row(db, dossier_id, name),
        )
    audit.record(
        db,
        p.name,
        "accept" if new == old else "edit",
        screen,
        dossier_id=dossier_id,
        field=name,
        old=old,
        new=new,
    )
    _after_change(db, d)
    db.commit()
    queue_index.refresh(db, [dossier_id])
    db.commit()
    return _field_row(db, dossier_id, name)


def other_values(db: Session, dossier_id: str, name: str) -> dict[str, str | None]:
    """The dossier's other field values (for the pipeline's cross-field checks)."""
    rows = db.execute(
        select(FieldRow.name, FieldRow.value).where(FieldRow.dossier_id == dossier_id, FieldRow.name != name)
    )
    return {n: v for n, v in rows}


def _judged(
    name: str, value: str | None, confirm: bool, reasons: list[str], others: dict[str, str | None]
) -> tuple[str | None, list[str]]:
    if value is None or not value.strip():
        if not confirm:
            raise InvalidValue(name, Verdict(False, None, ("empty value: confirm that the field is absent",)))
        return None, [*reasons, "reviewer confirmed: field absent"]
    verdict = validate(name, value, others)
    if not verdict.ok and not confirm:
        raise InvalidValue(name, verdict)
    new = nfc(verdict.value if verdict.value is not None else value.strip())
    if not verdict.ok:
        reasons = [*reasons, *(f"reviewer confirmed despite: {m}" for m in verdict.messages)]
    reasons += [f"cross-check at review: {w}" for w in verdict.warnings if f"cross-check at review: {w}" not in reasons]
    return new, reasons


def _after_change(db: Session, d: DossierRow) -> None:
    """Touch the dossier; once nothing is flagged a processed dossier becomes reviewed."""
    values: dict[str, Any] = {"updated_at": utcnow()}
    if d.status == "processed" and flagged_count(db, d.id) == 0:
        values.update(status="reviewed", version=DossierRow.version + 1)
    db.execute(update(DossierRow).where(DossierRow.id == d.id).values(**values))


def flagged_names(db: Session, dossier_id: str) -> list[str]:
    """Names of the dossier's fields still waiting for a reviewer, in data-dictionary order."""
    names = db.scalars(
        select(FieldRow.name).where(
            FieldRow.dossier_id == dossier_id, FieldRow.needs_review.is_(True), FieldRow.reviewed.is_(False)
        )
    )
    return sorted(names, key=lambda n: (FIELD_ORDER.get(n, 99), n))


def flagged_count(db: Session, dossier_id: str) -> int:
    """Fields of the dossier still waiting for a reviewer."""
    return int(
        db.scalar(
            select(func.count())
            .select_from(FieldRow)
            .where(
                FieldRow.dossier_id == dossier_id,
                FieldRow.needs_review.is_(True),
                FieldRow.reviewed.is_(False),
            )
        )
        or 0
    )


def approve(db: Session, p: Principal, dossier_id: str, screen: str) -> DossierRow:
    """Approve the dossier: only a reviewer, only with no field flagged, only at its current version."""
    require(p, "approve")
    d = get_dossier(db, p, dossier_id)
    if d.status not in EDITABLE:
        raise Conflict(f"dossier {dossier_id} is {d.status}; only processed or reviewed dossiers can be approved")
    if (n := flagged_count(db, dossier_id)) > 0:
        raise Conflict(f"dossier {dossier_id} has {n} field(s) still flagged; review them before approving")
    old_status, version = d.status, d.version
    done = db.execute(
        update(DossierRow)
        .where(DossierRow.id == dossier_id, DossierRow.version == version)
        .values(status="approved", version=DossierRow.version + 1, updated_at=utcnow())
    )
    if not done.rowcount:  # type: ignore[attr-defined]
        db.rollback()
        raise Conflict(f"dossier {dossier_id} was changed by someone else; reload and retry")
    audit.record(db, p.name, "approve", screen, dossier_id=dossier_id, old=old_status, new="approved")
    db.commit()
    queue_index.refresh(db, [dossier_id])
    db.commit()
    db.refresh(d)
    return d


def request_rescan(db: Session, p: Principal, dossier_id: str, page: int, *, reason: str, screen: str) -> None:
    """Mark a page "rescan needed" with a reason; the dossier joins the rescan list."""
    require(p, "review")
    get_dossier(db, p, dossier_id)
    reason = nfc(reason.strip())[:500]
    if not reason:
        raise ValidationFailed("a rescan request needs a reason")
    done = db.execute(
        update(PageRow)
        .where(PageRow.dossier_id == dossier_id, PageRow.idx == page)
        .values(rescan_advised=True, rescan_reason=reason)
    )
    if not done.rowcount:  # type: ignore[attr-defined]
        db.rollback()
        raise NotFound(f"no page {page} in dossier {dossier_id}")
    db.add(
        RescanRequestRow(
            dossier_id=dossier_id,
            page=page,
            reason=reason,
            requested_by=p.name,
            requested_at=utcnow(),
            resolved=False,
        )
    )
    audit.record(db, p.name, "rescan", screen, dossier_id=dossier_id, field=f"page {page}", new=reason)
    db.execute(update(DossierRow).where(DossierRow.id == dossier_id).values(updated_at=utcnow()))
    db.commit()


def rescan_list(db: Session, p: Principal, limit: int = 500) -> Sequence[Any]:
    """Open rescan requests in the principal's communes, oldest first."""
    query = (
        select(RescanRequestRow, DossierRow.commune, DossierRow.source)
        .join(DossierRow, DossierRow.id == RescanRequestRow.dossier_id)
        .where(RescanRequestRow.resolved.is_(False), scope_condition(p, DossierRow.commune, DossierRow.province))
        .order_by(RescanRequestRow.requested_at)
        .limit(limit)
    )
    return list(db.execute(query))


@dataclass(frozen=True)
class GroupItem:
    """One flagged identifier in a group check, with the positions of its uncertain characters."""

    dossier_id: str
    field: str
    value: str
    version: int
    uncertain: tuple[int, ...]


def group_items(
    db: Session, p: Principal, field_name: str, chars: str, *, since: dt.datetime | None, limit: int = 200
) -> list[GroupItem]:
    """Flagged values of ``field_name`` (dossiers since ``since``) holding a character of class ``chars``."""
    wanted = set(chars.upper())
    query = (
        select(FieldRow.dossier_id, FieldRow.value, FieldRow.version)
        .join(DossierRow, DossierRow.id == FieldRow.dossier_id)
        .where(
            FieldRow.name == field_name,
            FieldRow.needs_review.is_(True),
            FieldRow.reviewed.is_(False),
            FieldRow.value.is_not(None),
            DossierRow.status.in_(EDITABLE),
            scope_condition(p, DossierRow.commune, DossierRow.province),
        )
        .order_by(DossierRow.created_at, DossierRow.id)
        .limit(limit * 5)
    )
    if since is not None:
        query = query.where(DossierRow.created_at >= since)
    items = []
    for dossier_id, value, version in db.execute(query):
        pos = tuple(i for i, c in enumerate(value or "") if c.upper() in wanted)
        if pos:
            items.append(GroupItem(dossier_id, field_name, value or "", int(version), pos))
    return items[:limit]


def split_uncertain(value: str, positions: Sequence[int]) -> list[tuple[str, bool]]:
    """The value as (text, uncertain) runs, for highlighting."""
    marks = set(positions)
    return [(c, i in marks) for i, c in enumerate(value)]


def safe_chars(chars: str) -> str:
    """A character class from the query string: one of the known OCR confusion classes."""
    chars = re.sub(r"[^0-9A-Z]", "", chars.upper())
    return next((c for c in CHAR_CLASSES if chars and set(chars) <= set(c)), CHAR_CLASSES[0])
