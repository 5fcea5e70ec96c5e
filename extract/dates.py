"""Dates printed ``dd/mm/yyyy`` (also ``-`` or ``.``, or ``ngày … tháng … năm …``) → ISO.

Every part of a date is digits, so OCR confusions there are fixed. The birth date
may be only a year (the 2020 form prints "Năm sinh").
"""

from __future__ import annotations

import datetime as dt
import logging
import re

from extract.checked import Checked, reject
from extract.confusions import DIGITS, fit, upper_compact
from sohoa.domain.text import fold

log = logging.getLogger(__name__)

MIN_YEAR, MAX_YEAR = 1900, 2100
_WORDS = re.compile(r"\b(ngay|thang|nam|sinh|date|of|birth)\b")


#: ``dd?mm?yyyy`` in ten characters: whatever stands at the two separator places is a separator
#: ("22104/2023", "22!04I2023": the slash read as 1, !, I); no date has ten digits
_TEN = re.compile(r"^(\S{2})\S(\S{2})\S(\S{4})$")


def _parts(raw: str) -> tuple[list[str], int] | None:
    text = _WORDS.sub(" ", fold(raw))
    compact = "".join(text.split())
    corrections = 0
    if (m := _TEN.match(compact)) and not re.search(r"[/\-.]", m.group(1) + m.group(2) + m.group(3)):
        corrections = sum(compact[i] not in "/-." for i in (2, 5))
        text = "/".join(m.groups())
    parts: list[str] = []
    for piece in re.split(r"[\s/\-.,:]+", text):
        token = upper_compact(piece)
        if not token:
            continue
        fitted = fit(token, (DIGITS,) * len(token))
        if fitted is None:
            return None
        parts.append(fitted[0])
        corrections += fitted[1]
    return parts, corrections


def _date(parts: list[str]) -> dt.date | None:
    if len(parts) == 1 and len(parts[0]) == 8:
        parts = [parts[0][:2], parts[0][2:4], parts[0][4:]]
    if len(parts) != 3 or len(parts[2]) != 4 or not (1 <= len(parts[0]) <= 2 and 1 <= len(parts[1]) <= 2):
        return None
    try:
        return dt.date(int(parts[2]), int(parts[1]), int(parts[0]))
    except ValueError:
        return None


#: a date printed in full, then something that is not part of it ("28/08/1995 ˆ m": a smudge)
_DATE_THEN = re.compile(r"^\W*(\d{1,2}[/\-.]\d{1,2}[/\-.]\d{4})(?=\s)\s+(.*)$")


def _parts_or_trailed(raw: str) -> tuple[list[str], int, bool] | None:
    """The date's parts and corrections; failing that, those of a clean date with marks after it
    (the third item says they were cut)."""
    got = _parts(raw)
    if got is not None and got[0]:
        return (*got, False)
    m = _DATE_THEN.match(fold(raw))
    if m is None or re.search(r"\d", m.group(2)):
        return None  # digits after the date may belong to it: nothing is cut
    got = _parts(m.group(1))
    return (*got, True) if got else None


def normalize(raw: str, *, year_only_ok: bool = False) -> Checked:
    """ISO ``YYYY-MM-DD`` (or ``YYYY`` when ``year_only_ok`` and only a year is printed)."""
    got = _parts_or_trailed(raw)
    if got is None:
        return reject("no date read")
    parts, corrections, cut = got
    reasons = [f"date: {corrections} character(s) read as digits or separators"] if corrections else []
    reasons += ["date: marks after the date were left out"] if cut else []
    corrections += cut  # a cut counts as a correction: the calibration weighs it like one
    if year_only_ok and len(parts) == 1 and len(parts[0]) == 4:
        year = int(parts[0])
        if MIN_YEAR <= year <= MAX_YEAR:
            return Checked(parts[0], tuple(reasons), corrections)
        return reject("date: year out of range")
    day = _date(parts)
    if day is None:
        return reject("date: not a valid dd/mm/yyyy date")
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        return reject("date: year out of range")
    return Checked(day.isoformat(), tuple(reasons), corrections)


def normalize_birth(raw: str) -> Checked:
    """A birth date: full date, or year only (kept, but sent to review: the ID card has the date)."""
    got = normalize(raw, year_only_ok=True)
    if got.value is not None and len(got.value) == 4:
        why = (*got.reasons, "birth date: only the year is printed here")
        return Checked(got.value, why, got.corrections, doubt=True)
    return got


def year_of(value: str | None) -> int | None:
    """The year of an ISO date or year string."""
    if value and re.match(r"^\d{4}", value):
        return int(value[:4])
    return None
