"""Who may see which dossiers: the commune scope of a principal, as a SQL condition.

Admins and machine tokens see every commune; supervisors every commune of their province (and any
commune assigned by name); clerks and reviewers only the communes assigned to them. A dossier out of
scope is reported as not found (404), never as forbidden, so ids cannot be probed.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import false, or_, true

from review_ui.accounts import Principal
from sohoa.errors import NotFound, PermissionDenied

log = logging.getLogger(__name__)


def scope_condition(p: Principal, commune_col: Any, province_col: Any) -> Any:
    """SQL condition true for the rows whose commune/province ``p`` may see."""
    if p.role in ("admin", "reader"):
        return true()
    by_commune = commune_col.in_(p.communes) if p.communes else false()
    if p.role == "supervisor" and p.province:
        return or_(province_col == p.province, by_commune)
    return by_commune


def in_scope(p: Principal, commune: str | None, province: str | None) -> bool:
    """Whether a dossier of this commune/province is visible to ``p`` (same rule as the SQL)."""
    if p.role in ("admin", "reader"):
        return True
    if commune is not None and commune in p.communes:
        return True
    return p.role == "supervisor" and p.province is not None and province == p.province


def check_in_scope(p: Principal, dossier_id: str, commune: str | None, province: str | None) -> None:
    """Raise ``NotFound`` (not 403: ids must not be probeable) for a dossier out of scope."""
    if not in_scope(p, commune, province):
        raise NotFound(f"no dossier {dossier_id}")


def require(p: Principal, action: str) -> None:
    """Raise ``PermissionDenied`` unless the role allows ``action``."""
    if p.read_only and action != "read_records":
        raise PermissionDenied("this API token is read-only")
    if not p.can(action):
        raise PermissionDenied(f"role {p.role} may not {action}")
