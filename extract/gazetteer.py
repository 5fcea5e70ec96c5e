"""Official spellings of administrative units (before and after the 2025 reform), for addresses.

OCR often drops or changes the diacritics of an address ("Thanh phố", "Huyện Chau Đức");
an address part that folds to exactly one official unit name ("Huyện Châu Đức") takes
that spelling, or, where names fold alike across the country, to exactly one unit name
of the province the address ends with. Names come from the maintained packages ``vietnamadminunits`` (63-province
data: provinces, districts, wards) and ``vietnam-provinces`` (34 provinces, 3,321 communes).
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from typing import TypeVar

from rapidfuzz.distance import Levenshtein

from sohoa.domain.text import fold_words as key

log = logging.getLogger(__name__)

#: the kind words that open a hamlet or street part of an address
PLACE_WORDS = ("Tổ dân phố", "Khu phố", "Ấp", "Xóm", "Thôn", "Bản", "Số", "Khu", "Tổ", "Làng", "Buôn", "Phum",
               "Sóc", "Ngõ", "Ngách", "Hẻm", "Đường", "Khóm")


def _add(table: dict[str, set[str]], name: str) -> None:
    if name:
        table.setdefault(key(name), set()).add(name)


K = TypeVar("K")

_PROVINCE_PREFIX = re.compile(r"^(thanh pho|tinh|tp)\s+")


def province_key(name: str) -> str:
    """A province's name folded, without "Tỉnh"/"Thành phố" ("Tỉnh Hà Giang" → "ha giang")."""
    return _PROVINCE_PREFIX.sub("", key(name))


@lru_cache(maxsize=1)
def _official_names() -> tuple[tuple[str, str, bool], ...]:
    """(province key, official name, is a province) of every unit in both data packages, read once."""
    rows: list[tuple[str, str, bool]] = []
    try:
        from vietnam_provinces import Province, Ward
        from vietnamadminunits.database import query

        for row in query("SELECT DISTINCT province, district, ward FROM admin_units_legacy"):
            pk = province_key(row["province"] or "")
            rows += [(pk, row["province"] or "", True)]
            rows += [(pk, row[col], False) for col in ("district", "ward") if row[col]]
        provinces = {p.code: p.name for p in Province.iter_all()}
        rows += [(province_key(name), name, True) for name in provinces.values()]
        rows += [(province_key(provinces.get(w.province_code, "")), w.name, False) for w in Ward.iter_all()]
    except (ImportError, OSError) as e:  # the data packages are dependencies; degrade, don't fail
        log.warning("administrative-unit names unavailable: %s", e)
    return tuple(rows)


def _unique(table: dict[K, set[str]]) -> dict[K, str]:
    return {k: next(iter(v)) for k, v in table.items() if len(v) == 1}


@lru_cache(maxsize=1)
def unit_names() -> dict[str, str]:
    """Folded unit name (with its kind word: "xa kim hy") → the one official spelling."""
    table: dict[str, set[str]] = {}
    for _, name, _ in _official_names():
        _add(table, name)
    return _unique(table)


@lru_cache(maxsize=1)
def unit_names_by_province() -> dict[tuple[str, str], str]:
    """(province key, folded unit name) → the one official spelling of that name in that province.

    "Xã Thanh Phong" and "Xã Thạnh Phong" fold alike, so the country-wide table cannot
    choose; in Thanh Hóa only one of them exists.
    """
    table: dict[tuple[str, str], set[str]] = {}
    for pk, name, is_province in _official_names():
        if not is_province:
            table.setdefault((pk, key(name)), set()).add(name)
    return _unique(table)


@lru_cache(maxsize=1)
def official_spellings() -> frozenset[str]:
    """Every official unit and province name, marks kept, case folded."""
    spellings = {v.casefold() for v in unit_names().values()}
    spellings |= {v.casefold() for v in unit_names_by_province().values()}
    return frozenset(spellings)


def _place_word(part: str) -> str:
    """The part with its opening kind word spelled right ("Ap 6" → "Ấp 6"); a kind word of three
    words may also be one letter off ("Tổ dân phế Đông" → "Tổ dân phố Đông"; "Khu Phú Mỹ" stays)."""
    folded = key(part)
    words = part.split()
    for word in sorted(PLACE_WORDS, key=len, reverse=True):
        k, n = key(word), len(word.split())
        near = n > 2 and len(words) > n and Levenshtein.distance(key(" ".join(words[:n])), k) <= 1
        if folded == k or folded.startswith(k + " ") or near:
            return " ".join([word, *words[n:]])
    return part


def _cased_like(official: str, printed: str) -> str:
    """``official`` in ``printed``'s case: all capitals when printed so, else the official
    spelling with the opening kind word's case as printed ("phường" may stay lower case);
    a name word's case is the official one ("Tỉnh lai Châu" is a misread "Tỉnh Lai Châu")."""
    o_words, p_words = official.split(), printed.split()
    if printed.isupper() and len(printed) > 1:
        return official.upper()
    if len(o_words) != len(p_words) or not p_words[0].islower():
        return official
    return " ".join([o_words[0].lower(), *o_words[1:]])


def restore(address: str) -> tuple[str, int]:
    """The address with unit names in their official spelling; (text, parts changed)."""
    names = unit_names()
    in_province = unit_names_by_province()
    parts = [p.strip() for p in address.split(",")]
    province = province_key(parts[-1]) if parts else ""
    out: list[str] = []
    changed = 0
    for i, part in enumerate(parts):
        official = names.get(key(part)) or in_province.get((province, key(part)))
        fixed = _cased_like(official, part) if official else part
        if fixed == part and i == 0:
            fixed = _place_word(part)
        changed += fixed != part
        out.append(fixed)
    return ", ".join(p for p in out if p), changed
