"""API: live validation of a value, and saving a reviewed field with optimistic locking."""

from __future__ import annotations

import logging

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from review_ui.access import require
from review_ui.convert import field_public
from review_ui.deps import Db, Writer
from review_ui.openapi_responses import API_BODY, documented
from review_ui.params import DossierId, FieldName
from review_ui.review import FieldConflict, get_dossier, other_values, save_field
from review_ui.schemas import (
    ConflictPublic,
    ErrorPublic,
    FieldPublic,
    FieldUpdate,
    FieldValidate,
    ValidationPublic,
)
from review_ui.validation import validate

log = logging.getLogger(__name__)

router = APIRouter(prefix="/api", tags=["api"], responses=documented(*API_BODY, html=False))


@router.post("/fields/validate", response_model=ValidationPublic, responses=documented(404, html=False))
def validate_value(db: Db, user: Writer, body: FieldValidate) -> ValidationPublic:
    """Check a value with the pipeline's validator for that field (what the editing screen calls live);
    with ``dossier_id``, the pipeline's cross-field checks against the dossier's other values too."""
    require(user, "review")
    others = None
    if body.dossier_id:
        get_dossier(db, user, body.dossier_id)
        others = other_values(db, body.dossier_id, body.field)
    verdict = validate(body.field, body.value, others)
    return ValidationPublic(
        field=body.field,
        ok=verdict.ok,
        value=verdict.value,
        messages=list(verdict.messages),
        warnings=list(verdict.warnings),
    )


@router.put(
    "/dossiers/{dossier_id}/fields/{name}",
    response_model=FieldPublic,
    responses={
        **documented(404, html=False),
        409: {
            "model": ConflictPublic | ErrorPublic,
            "description": "Stale version (with the current value), or the dossier is no longer under review",
        },
    },
)
def put_field(
    *, db: Db, user: Writer, dossier_id: DossierId, name: FieldName, body: FieldUpdate
) -> FieldPublic | JSONResponse:
    """Save a reviewed value at the version it was read; a stale version gets 409 with the current value,
    and so does (without it) a dossier that is no longer under review (approved or published)."""
    try:
        row = save_field(
            db,
            user,
            dossier_id,
            name,
            value=body.value,
            expected_version=body.version,
            screen="api",
            confirm=body.confirm,
        )
    except FieldConflict as e:
        conflict = ConflictPublic(detail=e.message, current=field_public(e.current))
        return JSONResponse(conflict.model_dump(mode="json"), status_code=409)
    return field_public(row)
