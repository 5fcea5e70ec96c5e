"""Table rows to API schemas."""

from __future__ import annotations

import json
import logging

from review_ui.schemas import FieldPublic, PagePublic
from storage.tables import FieldRow, PageRow

log = logging.getLogger(__name__)


def field_public(f: FieldRow) -> FieldPublic:
    """A field row as the API shows it."""
    return FieldPublic(
        name=f.name,
        value=f.value,
        confidence=float(f.confidence),
        needs_review=bool(f.needs_review),
        reviewed=bool(f.reviewed),
        page=f.page,
        bbox=json.loads(f.bbox_json) if f.bbox_json else None,
        reasons=list(json.loads(f.reasons_json or "[]")),
        version=int(f.version),
    )


def page_public(p: PageRow) -> PagePublic:
    """A page row as the API shows it."""
    return PagePublic(
        index=p.idx,
        width=p.width,
        height=p.height,
        page_type=p.page_type,
        rescan_advised=bool(p.rescan_advised),
        rescan_reason=p.rescan_reason,
    )
