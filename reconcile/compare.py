"""Field-by-field comparison of a paper record with one electronic row, per field type.

Each comparator returns ``(reason, notes)``: ``reason`` is ``None`` when the values agree
(possibly with notes such as "same without diacritics"), otherwise the kind of difference
a clerk acts on ("possible misread", "different value", "moved: different commune", ...).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from reconcile import address
from reconcile.keys import (
    CHASSIS_TAIL,
    confusable_only,
    digits_key,
    identifier_key,
    near_miss,
    plain_key,
    text_key,
)

log = logging.getLogger(__name__)

MISREAD = "possible misread"
Outcome = tuple[str | None, tuple[str, ...]]

REGISTRY = "registry"
POPULATION = "population"
SOURCES = (REGISTRY, POPULATION)


@dataclass(frozen=True)
class Difference:
    """One field that differs: both values as stored (NFC) and why they differ."""

    field: str
    paper: str
    electronic: str
    reason: str

    def as_dict(self) -> dict[str, str]:
        return {
            "field": self.field,
            "paper": self.paper,
            "electronic": self.electronic,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class Comparison:
    """The outcome of a record against one source."""

    source: str
    verdict: str  # match | mismatch | missing | ambiguous
    differences: tuple[Difference, ...] = ()
    notes: tuple[str, ...] = ()
    matched_by: str | None = None
    candidates: int = 0


def _keys_outcome(a: str, b: str) -> Outcome:
    if a == b:
        return None, ()
    if near_miss(a, b) or confusable_only(a, b):
        return MISREAD, ()
    return "different value", ()


def compare_identifier(paper: str, electronic: str) -> Outcome:
    """Plates, engine numbers: letters and digits only, upper case; one-character slips are misreads."""
    return _keys_outcome(identifier_key(paper), identifier_key(electronic))


def compare_id_number(paper: str, electronic: str) -> Outcome:
    """ID numbers: digits only."""
    return _keys_outcome(digits_key(paper), digits_key(electronic))


def compare_chassis(paper: str, electronic: str) -> Outcome:
    """Chassis numbers; where one side omits the VIN prefix, compared by suffix."""
    a, b = identifier_key(paper), identifier_key(electronic)
    short, long_ = sorted((a, b), key=len)
    if len(short) >= CHASSIS_TAIL and len(short) < len(long_) and len(long_) - len(short) > 1:
        tail = long_[-len(short) :]
        note = ("chassis compared by suffix (VIN prefix omitted)",)
        reason, _ = _keys_outcome(short, tail)
        return reason, note
    return _keys_outcome(a, b)


def compare_name(paper: str, electronic: str) -> Outcome:
    """Names in NFC, case-folded.

    Equal only without diacritics is a match with the note "same without diacritics" when one side
    was typed without any marks; when both carry marks and they differ (``ÂN``/``AN`` in otherwise
    marked names) a diacritic-aware comparison tells them apart: a possible misread.
    """
    ka, kb = text_key(paper), text_key(electronic)
    if ka == kb:
        return None, ()
    a, b = plain_key(paper), plain_key(electronic)
    if a == b:
        if a in (ka, kb):
            return None, ("same without diacritics",)
        return MISREAD, ("diacritics differ",)
    return (MISREAD if near_miss(a, b) else "different name"), ()


def compare_date(paper: str, electronic: str) -> Outcome:
    """ISO dates exactly; a paper form that prints only the year is compared by year."""
    a, b = paper.strip(), electronic.strip()
    if a == b:
        return None, ()
    if len(a) == 4 and b[:4] == a:
        return None, ("only the year on paper",)
    return "different date", ()


def compare_text(paper: str, electronic: str) -> Outcome:
    """Brand, colour: NFC case-folded; equal without diacritics is a match with a note."""
    if text_key(paper) == text_key(electronic):
        return None, ()
    if plain_key(paper) == plain_key(electronic):
        return None, ("same without diacritics",)
    return "different value", ()


def compare_model(paper: str, electronic: str) -> Outcome:
    """Model codes: case-folded, spaces folded."""
    return compare_text(paper.replace(" ", ""), electronic.replace(" ", ""))


def compare_address(paper: str, electronic: str) -> Outcome:
    """Addresses in current units: "moved" differs, "renamed by the 2025 reform" does not."""
    if text_key(paper) == text_key(electronic):
        return None, ()
    return address.compare(address.parse(paper), address.parse(electronic))


Comparator = Callable[[str, str], Outcome]

#: (record field, electronic column, comparator) per source, in the order shown to clerks
FIELD_PAIRS: dict[str, tuple[tuple[str, str, Comparator], ...]] = {
    REGISTRY: (
        ("chassis_number", "chassis_number", compare_chassis),
        ("engine_number", "engine_number", compare_identifier),
        ("plate_number", "plate_number", compare_identifier),
        ("owner_name", "owner_name", compare_name),
        ("owner_id_number", "owner_id_number", compare_id_number),
        ("owner_address", "owner_address", compare_address),
        ("brand", "brand", compare_text),
        ("model", "model", compare_model),
        ("color", "color", compare_text),
    ),
    POPULATION: (
        ("owner_id_number", "id_number", compare_id_number),
        ("owner_name", "full_name", compare_name),
        ("owner_birth_date", "birth_date", compare_date),
        ("owner_address", "address", compare_address),
    ),
}


def compare_row(source: str, record: Mapping[str, str | None], row: Mapping[str, Any]) -> Comparison:
    """Compare a record (field -> canonical value) with one electronic row of ``source``."""
    diffs: list[Difference] = []
    notes: list[str] = []
    for name, column, comparator in FIELD_PAIRS[source]:
        paper, electronic = record.get(name), row.get(column)
        if not paper or not electronic:
            if electronic and not paper:
                notes.append(f"{name}: not read on paper")
            continue
        if paper == electronic:  # the common case: identical canonical values
            continue
        reason, field_notes = comparator(paper, electronic)
        notes.extend(f"{name}: {n}" for n in field_notes)
        if reason:
            diffs.append(Difference(name, paper, str(electronic), reason))
    verdict = "mismatch" if diffs else "match"
    return Comparison(source, verdict, tuple(diffs), tuple(notes))


def overall_status(comparisons: Mapping[str, Comparison]) -> str:
    """One status a clerk can act on.

    ``verify`` (real differences to check in the field), ``duplicate`` (several electronic rows),
    ``missing`` (not in an electronic source), ``check_reading`` (only possible misreads: look at
    the scan again), ``ok`` (everything agrees).
    """
    verdicts = {c.verdict for c in comparisons.values()}
    reasons = {d.reason for c in comparisons.values() for d in c.differences}
    if reasons - {MISREAD}:
        return "verify"
    if "ambiguous" in verdicts:
        return "duplicate"
    if "missing" in verdicts:
        return "missing"
    if reasons:
        return "check_reading"
    return "ok"
