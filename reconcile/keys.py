"""Matching keys: identifiers and names normalized as ``shared/fields.md`` says they are compared.

Keys are for matching only: the original values are stored and shown unchanged (NFC).
"""

from __future__ import annotations

import logging
import re
import unicodedata

log = logging.getLogger(__name__)

_NOT_ALNUM = re.compile(r"[^A-Z0-9]")
_NOT_DIGIT = re.compile(r"\D")
_SPACES = re.compile(r"\s+")

#: length of the chassis tail kept for suffix matching (a card may omit the VIN prefix)
CHASSIS_TAIL = 8

#: pairs an OCR engine confuses in identifier fields (shared/fields.md, domain.md)
CONFUSABLE: frozenset[frozenset[str]] = frozenset(
    frozenset(pair) for pair in ("O0", "D0", "Q0", "OD", "OQ", "I1", "L1", "IL", "71", "S5", "B8", "Z2", "G6", "UV")
)


def identifier_key(value: str | None) -> str:
    """Letters and digits only, upper case; ``Đ`` folds to ``D`` (plates such as ``MĐ1``)."""
    if not value:
        return ""
    text = unicodedata.normalize("NFC", value).upper().replace("Đ", "D")
    return _NOT_ALNUM.sub("", text)


def digits_key(value: str | None) -> str:
    """Digits only (ID numbers)."""
    return _NOT_DIGIT.sub("", value) if value else ""


def chassis_tail(key: str) -> str:
    """The last ``CHASSIS_TAIL`` characters of a chassis key, or "" when it is shorter."""
    return key[-CHASSIS_TAIL:] if len(key) >= CHASSIS_TAIL else ""


def text_key(value: str | None) -> str:
    """NFC, case-folded, single spaces (names, colours, brands, models)."""
    if not value:
        return ""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", value).casefold()).strip()


def plain_key(value: str | None) -> str:
    """:func:`text_key` without diacritics; ``đ`` (which NFD does not decompose) maps to ``d``."""
    decomposed = unicodedata.normalize("NFD", text_key(value).replace("đ", "d"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def is_confusable(a: str, b: str) -> bool:
    """True when two characters are an OCR-confusable pair."""
    return frozenset((a, b)) in CONFUSABLE


def near_miss(a: str, b: str) -> bool:
    """True when ``a`` and ``b`` (different keys) are one edit apart.

    One substitution, insertion or deletion: what a misread of one character gives.
    """
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    i = 0
    while i < len(short) and short[i] == long_[i]:
        i += 1
    return short[i:] == long_[i + 1 :]


def confusable_only(a: str, b: str) -> bool:
    """True when equal-length keys differ only in OCR-confusable pairs (any number of them)."""
    if len(a) != len(b) or a == b:
        return False
    return all(x == y or is_confusable(x, y) for x, y in zip(a, b, strict=True))
