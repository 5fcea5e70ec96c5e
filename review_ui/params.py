"""Path parameters with their constraints (a malformed id is a 422, never a database error)."""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import Path

log = logging.getLogger(__name__)

DossierId = Annotated[str, Path(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$", description="dossier id")]
FieldName = Annotated[str, Path(pattern=r"^[a-z_]{1,64}$", description="field name (shared/fields.md)")]
PageNo = Annotated[int, Path(ge=1, le=100_000, description="1-based page number")]
