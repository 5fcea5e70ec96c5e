"""The one adapter between the review UI and the pipeline's field validators (extract/).

Editing a field must be judged by the same validators the pipeline used. ``validate(field, value)``
looks them up in this order:

1. a registry ``extract.validators.validate(field, value)`` if extract/ exposes one;
2. the per-field normalizer modules of extract/ (``extract.vin``, ``extract.plate`` ...), each
   returning ``extract.checked.Checked`` (value, reasons, doubt) or a ``(value, reasons)`` pair;
3. the rules of ``shared/fields.md`` written out below, only for fields extract/ does not cover yet.

Whatever answers is turned into a ``Verdict``. No personal data is logged here.
"""

from __future__ import annotations

import datetime as dt
import importlib
import logging
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Verdict:
    """A validator's answer: the canonical value (None if unreadable), whether it passes, and why not."""

    ok: bool
    value: str | None
    messages: tuple[str, ...] = ()
    source: str = "builtin"


#: field -> candidate (module, function) pairs in extract/
EXTRACT_FUNCS: dict[str, tuple[tuple[str, str], ...]] = {
    "chassis_number": (("extract.vin", "normalize_chassis"), ("extract.vin", "normalize"),
                       ("extract.vin", "check_chassis")),
    "plate_number": (("extract.plate", "normalize_plate"), ("extract.plate", "normalize")),
    "engine_number": (("extract.engine", "normalize_engine"), ("extract.engine", "normalize")),
    "owner_id_number": (("extract.id_number", "normalize_id_number"), ("extract.id_number", "normalize"),
                        ("extract.cccd", "normalize")),
    "owner_birth_date": (("extract.dates", "normalize_birth_date"), ("extract.dates", "normalize_date")),
    "registration_date": (("extract.dates", "normalize_date"),),
}


def _lookup(module: str, func: str) -> Callable[..., Any] | None:
    try:
        mod = importlib.import_module(module)
    except ImportError:
        return None
    fn = getattr(mod, func, None)
    return fn if callable(fn) else None


def _from_result(result: Any, source: str) -> Verdict:
    if isinstance(result, Verdict):
        return result
    value = getattr(result, "value", None)
    reasons = getattr(result, "reasons", None)
    if reasons is None and isinstance(result, tuple) and len(result) == 2:
        value, reasons = result
    reasons = tuple(str(r) for r in (reasons or ()))
    doubt = bool(getattr(result, "doubt", bool(reasons)))
    return Verdict(ok=value is not None and not doubt, value=value, messages=reasons, source=source)


def validate(field: str, value: str) -> Verdict:
    """Judge ``value`` as field ``field`` with the pipeline's validators."""
    value = unicodedata.normalize("NFC", value).strip()
    if not value:
        return Verdict(ok=False, value=None, messages=("empty value",))
    registry = _lookup("extract.validators", "validate")
    if registry is not None:
        return _from_result(registry(field, value), "extract.validators")
    for module, func in EXTRACT_FUNCS.get(field, ()):
        fn = _lookup(module, func)
        if fn is not None:
            return _from_result(fn(value), f"{module}.{func}")
    return BUILTIN.get(field, _text)(value)


# -- the rules of shared/fields.md, for fields extract/ does not validate yet ------------------------

_VIN_ALPHABET = re.compile(r"^[A-HJ-NPR-Z0-9]{17}$")
_VIN_VALUES = {**{str(d): d for d in range(10)},
               **dict(zip("ABCDEFGH", range(1, 9), strict=True)), **dict(zip("JKLMN", range(1, 6), strict=True)),
               "P": 7, "R": 9, **dict(zip("STUVWXYZ", range(2, 10), strict=True))}
_VIN_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)


def vin_check_digit(vin: str) -> str:
    """The ISO 3779 check digit a 17-character VIN should carry in position 9."""
    total = sum(_VIN_VALUES[c] * w for c, w in zip(vin, _VIN_WEIGHTS, strict=True)) % 11
    return "X" if total == 10 else str(total)


def _chassis(value: str) -> Verdict:
    v = re.sub(r"[\s.-]", "", value).upper()
    if not re.fullmatch(r"[A-Z0-9]{5,20}", v):
        return Verdict(False, None, ("chassis number: letters and digits only, 5-20 characters",))
    if len(v) != 17:
        return Verdict(True, v, ("not a 17-character VIN (older frame number): check against the rubbing",))
    if not _VIN_ALPHABET.match(v):
        return Verdict(False, v, ("VIN may not contain I, O or Q",))
    expected = vin_check_digit(v)
    if v[8] != expected:
        return Verdict(False, v, (f"VIN check digit is {v[8]}, expected {expected}",))
    return Verdict(True, v)


_PLATE = re.compile(
    r"^(?:\d{2}[A-Z]{1,2}-\d{3}\.\d{2}|\d{2}[A-Z]{1,2}-\d{4}|\d{2}-[A-ZĐ]{1,2}\d?\s\d{3}\.\d{2}|"
    r"\d{2}-[A-ZĐ]{1,2}\d?\s\d{4})$")


def _plate(value: str) -> Verdict:
    v = re.sub(r"\s+", " ", value.upper())
    if not _PLATE.match(v):
        return Verdict(False, v, ("plate does not follow the grammar (e.g. 29A-123.45, 29-B1 123.45)",))
    return Verdict(True, v)


def _id_number(value: str) -> Verdict:
    v = re.sub(r"\s", "", value)
    if not re.fullmatch(r"\d{12}|\d{9}", v):
        return Verdict(False, v if v.isdigit() else None, ("ID number must be 12 digits (CCCD) or 9 (CMND)",))
    return Verdict(True, v)


def _date(value: str) -> Verdict:
    m = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", value)
    iso = f"{m.group(3)}-{int(m.group(2)):02d}-{int(m.group(1)):02d}" if m else value
    try:
        dt.date.fromisoformat(iso)
    except ValueError:
        if re.fullmatch(r"(19|20)\d\d", value):
            return Verdict(True, value)
        return Verdict(False, None, ("date must be dd/mm/yyyy or YYYY-MM-DD",))
    return Verdict(True, iso)


def _year(value: str) -> Verdict:
    if not re.fullmatch(r"(19|20)\d\d", value) or int(value) > dt.date.today().year:
        return Verdict(False, None, ("year of manufacture must be a past year YYYY",))
    return Verdict(True, value)


def _upper(value: str) -> Verdict:
    return Verdict(True, re.sub(r"\s+", " ", value).upper())


def _text(value: str) -> Verdict:
    return Verdict(True, re.sub(r"\s+", " ", value))


BUILTIN: dict[str, Callable[[str], Verdict]] = {
    "chassis_number": _chassis, "plate_number": _plate, "owner_id_number": _id_number,
    "owner_birth_date": _date, "registration_date": _date, "year_of_manufacture": _year,
    "owner_name": _upper, "brand": _upper, "model": _upper, "engine_number": _upper,
}
