"""The audit trail: insert-only rows saying who did what to which dossier, when, from which screen.

Nothing in the app updates or deletes an audit row; the functions here only add and read. Old and
new values are personal data: they go to the database, never to a log line.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import cast

from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session

from review_ui.tables import AuditRow
from storage.tables import utcnow

log = logging.getLogger(__name__)

AUDIT = cast(Table, AuditRow.__table__)


def record(
    db: Session,
    user: str,
    action: str,
    screen: str,
    *,
    dossier_id: str | None = None,
    field: str | None = None,
    old: str | None = None,
    new: str | None = None,
) -> None:
    """Add one audit row in the caller's transaction (the caller commits with its change)."""
    db.execute(
        insert(AUDIT).values(
            at=utcnow(),
            user_name=user,
            dossier_id=dossier_id,
            field=field,
            old=old,
            new=new,
            screen=screen[:32],
            action=action[:32],
        )
    )
    log.debug("audit: %s %s on %s/%s from %s", user, action, dossier_id, field, screen)


def record_many(db: Session, user: str, action: str, screen: str, dossier_ids: list[str]) -> None:
    """One audit row per dossier (a list screen or an API page that shows their personal data)."""
    if dossier_ids:
        now = utcnow()
        db.execute(
            insert(AUDIT),
            [
                {
                    "at": now,
                    "user_name": user,
                    "dossier_id": d,
                    "field": None,
                    "old": None,
                    "new": None,
                    "screen": screen[:32],
                    "action": action[:32],
                }
                for d in dossier_ids
            ],
        )


def history(db: Session, dossier_id: str, limit: int = 200, *, changes_only: bool = False) -> Sequence[AuditRow]:
    """The dossier's audit rows, newest first; ``changes_only`` leaves out the views (the dossier screen's
    history, which views of pages and crops would otherwise push out)."""
    q = select(AuditRow).where(AuditRow.dossier_id == dossier_id)
    if changes_only:
        q = q.where(AuditRow.action != "view")
    return list(db.scalars(q.order_by(AuditRow.at.desc(), AuditRow.id.desc()).limit(limit)))
