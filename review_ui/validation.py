"""The one adapter between the review UI and the pipeline's field validators (extract/).

Editing a field is judged by exactly what the pipeline used: the document type's field spec
(``sohoa.doctypes``) names the field's normalizer, and ``extract.normalizers.normalize(name, raw)``
runs it, returning ``extract.checked.Checked`` (canonical value, reasons, doubt). With the record's
other values, the pipeline's cross-field checks (``extract.crossfield.cross_check``: CCCD against
birth date, VIN year and maker against the vehicle, plate against address) are added as warnings
that concern this field. If extract/ one day exposes ``extract.validators.validate(field, value)``,
that registry is used first. No value is logged here.
"""

from __future__ import annotations

import importlib
import logging
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from extract.normalizers import normalize
from sohoa.doctypes import load_doctype

log = logging.getLogger(__name__)

DOC_TYPE = "vehicle_registration"


@dataclass(frozen=True)
class Verdict:
    """A validator's answer: the canonical value (None if unreadable), whether it passes, and why not.

    ``warnings`` are cross-field findings: shown and recorded, but they do not block a save.
    """

    ok: bool
    value: str | None
    messages: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    source: str = "text"


def _lookup(module: str, func: str) -> Callable[..., Any] | None:
    try:
        mod = importlib.import_module(module)
    except ImportError:
        return None
    fn = getattr(mod, func, None)
    return fn if callable(fn) else None


def _from_checked(result: Any, source: str) -> Verdict:
    if isinstance(result, Verdict):
        return result
    value = getattr(result, "value", None)
    reasons = getattr(result, "reasons", None)
    if reasons is None and isinstance(result, tuple) and len(result) == 2:
        value, reasons = result
    reasons = tuple(str(r) for r in (reasons or ()))
    doubt = bool(getattr(result, "doubt", bool(reasons)))
    return Verdict(ok=value is not None and not doubt, value=value, messages=reasons, source=source)


def normalizer_name(field: str, doc_type: str = DOC_TYPE) -> str | None:
    """The normalizer the document type's spec names for ``field`` (None for an unknown field)."""
    spec = load_doctype(doc_type).fields.get(field)
    return spec.normalizer if spec else None


def validate(
    field: str, value: str, others: Mapping[str, str | None] | None = None, doc_type: str = DOC_TYPE
) -> Verdict:
    """Judge ``value`` as ``field`` with the pipeline's normalizer (cross-field checks with ``others``)."""
    value = unicodedata.normalize("NFC", value).strip()
    if not value:
        return Verdict(ok=False, value=None, messages=("empty value",))
    registry = _lookup("extract.validators", "validate")
    if registry is not None:
        verdict = _from_checked(registry(field, value), "extract.validators")
    else:
        verdict = _normalize(field, value, doc_type)
    if others is None or verdict.value is None:
        return verdict
    return _with_cross_checks(field, verdict, others)


def _normalize(field: str, value: str, doc_type: str) -> Verdict:
    name = normalizer_name(field, doc_type)
    if name is None:
        return Verdict(ok=True, value=re.sub(r"\s+", " ", value), source="text")
    return _from_checked(normalize(name, value), f"extract.normalizers:{name}")


def _with_cross_checks(field: str, verdict: Verdict, others: Mapping[str, str | None]) -> Verdict:
    cross_check = _lookup("extract.crossfield", "cross_check")
    if cross_check is None:
        return verdict
    failures = cross_check({**others, field: verdict.value})
    warnings = tuple(str(f.reason) for f in failures if field in f.fields)
    return Verdict(verdict.ok, verdict.value, verdict.messages, warnings, verdict.source)
