"""Pydantic schemas of the JSON API: separate Create/Update (input) and Public (output) shapes."""

from __future__ import annotations

import datetime as dt
import logging

from pydantic import BaseModel, ConfigDict, Field

from sohoa.model import NFCStr

log = logging.getLogger(__name__)

FieldName = Field(pattern=r"^[a-z_]{1,64}$")


class Input(BaseModel):
    """Base of request bodies: unknown keys are refused."""

    model_config = ConfigDict(extra="forbid")


class FieldValidate(Input):
    """A value to check live against its field's validator."""

    field: str = Field(pattern=r"^[a-z_]{1,64}$")
    value: NFCStr = Field(max_length=500)
    dossier_id: str | None = Field(
        default=None,
        max_length=64,
        description="check against this dossier's other fields too (cross-field checks)",
    )


class ValidationPublic(BaseModel):
    """The validator's answer."""

    field: str
    ok: bool
    value: str | None
    messages: list[str]
    warnings: list[str] = Field(default_factory=list, description="cross-field findings (do not block saving)")


class FieldUpdate(Input):
    """A reviewer's value for a field, with the version it was read at (optimistic locking)."""

    value: NFCStr | None = Field(default=None, max_length=500)
    version: int = Field(ge=1, le=2**31 - 1)
    confirm: bool = Field(default=False, description="save although the validator objects")


class FieldPublic(BaseModel):
    """One field as the reviewer sees it."""

    name: str
    value: str | None
    confidence: float
    needs_review: bool
    reviewed: bool
    page: int | None
    bbox: list[int] | None
    reasons: list[str]
    version: int


class ConflictPublic(BaseModel):
    """A refused stale write, with what is stored now."""

    error: str = "conflict"
    detail: str
    current: FieldPublic


class ErrorPublic(BaseModel):
    """Any error of the API."""

    error: str
    detail: str


class IssuePublic(BaseModel):
    """One thing wrong with a request: where (``loc``) and what (the submitted value is never echoed)."""

    loc: list[str | int]
    msg: str
    type: str


class InvalidPublic(BaseModel):
    """A refused request (422): the issues found by the schema, or the reason as one sentence."""

    error: str
    detail: str | list[IssuePublic]


class PagePublic(BaseModel):
    """A page of a dossier."""

    index: int
    width: int
    height: int
    page_type: str | None
    rescan_advised: bool
    rescan_reason: str | None


class DossierSummary(BaseModel):
    """A queue entry."""

    dossier_id: str
    status: str
    commune: str | None
    flagged: int
    failed: int
    mismatches: int
    flagged_fields: list[str]


class QueuePublic(BaseModel):
    """A page of the queue with the counts at the top."""

    counts: dict[str, int]
    items: list[DossierSummary]


class DossierPublic(BaseModel):
    """A dossier with its pages and fields."""

    dossier_id: str
    source: str
    status: str
    commune: str | None
    province: str | None
    version: int
    pages: list[PagePublic]
    fields: list[FieldPublic]
    reconciliation: dict[str, object] = Field(default_factory=dict)


class ApproveCreate(Input):
    """Approve a dossier (nothing in the body but an optional comment-free confirmation)."""

    confirm: bool = True


class RescanCreate(Input):
    """Ask for a page to be rescanned."""

    reason: NFCStr = Field(min_length=1, max_length=500)


class RescanPublic(BaseModel):
    """A recorded rescan request."""

    dossier_id: str
    page: int
    reason: str


class AuditPublic(BaseModel):
    """One audit row."""

    at: dt.datetime
    user: str
    action: str
    screen: str
    field: str | None
    old: str | None
    new: str | None


class RecordPublic(BaseModel):
    """An approved record as the registry system reads it."""

    dossier_id: str
    source: str
    status: str
    commune: str | None
    province: str | None
    fields: dict[str, str | None]


class RecordsPublic(BaseModel):
    """A page of approved records; pass ``next_after`` as ``after`` for the next page."""

    items: list[RecordPublic]
    next_after: str | None


class MePublic(BaseModel):
    """Who the caller is."""

    name: str
    role: str
    communes: list[str]
    province: str | None
    read_only: bool
