"""The machine-readable zone (MRZ) of a chip ID card: three lines of 30 characters (ICAO 9303, TD1).

The back of a Vietnamese chip CCCD carries, in OCR-B::

    IDVNM2048852557001204885255<<0     document code, state, document number + check, the CCCD, check
    0405029M2905628VNM<<<<<<<<<<<4     birth date YYMMDD + check, sex, expiry + check, nationality, check
    NGUYEN<<QUANG<KHANH<<<<<<<<<<<     the name without marks

Each number carries a check digit (weights 7, 3, 1; letters count 10-35, ``<`` 0), so
a reading whose check digits pass is a second, independent reading of the birth date
and the ID number, often legible where a stamp or the photo hides the printed lines.
OCR of the zone is mended by its grammar only: in a position that holds a digit, O is
0, I is 1 and so on; nothing is accepted unless its check digit passes.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass

from sohoa.domain.cccd import parse_cccd
from sohoa.model import BBox, Page

log = logging.getLogger(__name__)

LINE = 30
#: the youngest age a card is issued at: without the CCCD's century digit, a birth year "25" is 1925
YOUNGEST_HOLDER = 14
_WEIGHTS = (7, 3, 1)
#: what OCR makes of a digit in the zone's OCR-B (a digit position only)
_AS_DIGIT = str.maketrans({"O": "0", "D": "0", "Q": "0", "U": "0", "I": "1", "L": "1", "T": "1", "Z": "2",
                           "S": "5", "B": "8", "G": "6"})
_ASCII_DIGITS = re.compile(r"[0-9]+")
#: what OCR makes of the filler
_FILLER = re.compile(r"[«‹≤<]|(?<=<)[KkCc(](?=<)")


@dataclass(frozen=True)
class MrzReading:
    """What the zone says, each item present only when its check digit passed."""

    id_number: str | None  # the 12-digit CCCD (line 1's optional data, covered by the line's check)
    birth_date: str | None  # ISO; the century from the CCCD's century digit, else the nearest past
    text: str  # the lines as read, for the reviewer


def check_digit(data: str) -> str:
    """The ICAO 9303 check digit of ``data`` (digits, A-Z and the filler ``<``)."""
    total = 0
    for i, c in enumerate(data):
        value = int(c) if "0" <= c <= "9" else (ord(c) - 55 if "A" <= c <= "Z" else 0)
        total += value * _WEIGHTS[i % 3]
    return str(total % 10)


def _zone_line(text: str) -> str:
    """A line of the zone as the grammar expects it: no spaces, fillers as ``<``, upper case."""
    return _FILLER.sub("<", re.sub(r"\s+", "", text)).upper()


def find_lines(lines: Sequence[str]) -> int | None:
    """Where the zone's first line is among a page's text lines (None when the page has no zone)."""
    zone = [_zone_line(t) for t in lines]
    for i, line in enumerate(zone[:-1]):
        start = line.find("VNM")
        if 2 <= start <= 3 and "<" in line and len(line) >= LINE - 2:
            return i
    return None


def _digits(text: str) -> str:
    return text.translate(_AS_DIGIT)


def _checked(field: str, check: str) -> str | None:
    """``field`` read as digits when its check digit passes, else None."""
    digits = _digits(field)
    return digits if _ASCII_DIGITS.fullmatch(digits) and check_digit(digits) == _digits(check) else None


def read_id(line1: str) -> str | None:
    """The CCCD of line 1: the document number (its last 9 digits) and the whole line must check."""
    if len(line1) < LINE:
        return None
    document = _checked(line1[5:14], line1[14])
    body = _digits(line1[5:29])
    if document is None or check_digit(body) != _digits(line1[29]):
        return None
    number = body[10:22]
    return number if _ASCII_DIGITS.fullmatch(number) and number.endswith(document) else None


def read_birth(line2: str, id_number: str | None, today: dt.date | None = None) -> str | None:
    """The birth date of line 2 in ISO form, or None when its check digit fails or it is no date."""
    yymmdd = _checked(line2[:6], line2[6:7] or "?")
    if yymmdd is None:
        return None
    info = parse_cccd(id_number) if id_number else None
    today = today or dt.date.today()
    yy = int(yymmdd[:2])
    century = (info.birth_year // 100) * 100 if info is not None and info.birth_year % 100 == yy else (
        2000 if 2000 + yy <= today.year - YOUNGEST_HOLDER else 1900)
    try:
        return dt.date(century + yy, int(yymmdd[2:4]), int(yymmdd[4:6])).isoformat()
    except ValueError:
        return None


def read_zone(lines: Sequence[str]) -> MrzReading | None:
    """The checked items of the zone on a page whose text lines are ``lines`` (None without a zone)."""
    at = find_lines(lines)
    if at is None:
        return None
    line1, line2 = _zone_line(lines[at]), _zone_line(lines[at + 1])
    line1 = line1[line1.find("VNM") - 2 :]
    id_number = read_id(line1)
    birth = read_birth(line2, id_number)
    log.debug("MRZ: id %s, birth date %s", "checked" if id_number else "not checked",
              "checked" if birth else "not checked")
    return MrzReading(id_number, birth, f"{line1}\n{line2}")


@dataclass(frozen=True)
class ZoneOnPage:
    """The zone read on a page: what it says, where it is and how confidently OCR read it."""

    reading: MrzReading
    bbox: BBox
    confidence: float


def read_page(page: Page) -> ZoneOnPage | None:
    """The zone of ``page`` (None when it has none)."""
    lines = [line for block in page.blocks for line in block.lines]
    at = find_lines([line.text for line in lines])
    if at is None:
        return None
    reading = read_zone([lines[at].text, lines[at + 1].text])
    if reading is None:
        return None
    two = lines[at : at + 2]
    words = [w for line in two for w in line.words]
    box = BBox(x0=min(x.bbox.x0 for x in two), y0=min(x.bbox.y0 for x in two),
               x1=max(x.bbox.x1 for x in two), y1=max(x.bbox.y1 for x in two))
    return ZoneOnPage(reading, box, sum(w.confidence for w in words) / max(1, len(words)))
