"""Fake vehicle owners: Vietnamese names, birth dates, ID numbers and addresses.

Names are drawn from surname frequencies (``shared/domain.md``) and short lists of
common middle and given names written here; no list of real people is used.
Addresses come from the official administrative units shipped by the PyPI
packages ``vietnam-provinces`` (34 provinces and their communes after the July
2025 reform) and ``vietnamadminunits`` (the 63 pre-2025 provinces with districts
and wards, and the old-to-new conversion).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import numpy as np
from vietnam_provinces import Province, Ward
from vietnamadminunits import convert_address
from vietnamadminunits.converter.converter_2025 import DICT_PROVINCE
from vietnamadminunits.database import query

from sohoa.model import nfc

log = logging.getLogger(__name__)

Sex = Literal["male", "female"]

SURNAMES: tuple[tuple[str, float], ...] = (
    ("Nguyễn", 38.4),
    ("Trần", 11.0),
    ("Lê", 9.5),
    ("Phạm", 7.1),
    ("Hoàng", 2.9),
    ("Huỳnh", 2.2),
    ("Phan", 4.5),
    ("Vũ", 2.0),
    ("Võ", 1.9),
    ("Đặng", 2.1),
    ("Bùi", 2.0),
    ("Đỗ", 1.4),
    ("Hồ", 1.3),
    ("Ngô", 1.3),
    ("Dương", 1.0),
    ("Lý", 0.5),
    ("Đinh", 0.8),
    ("Trịnh", 0.7),
    ("Mai", 0.5),
    ("Đoàn", 0.5),
    ("Lương", 0.4),
    ("Cao", 0.4),
    ("Tạ", 0.3),
    ("Lâm", 0.3),
    ("Chu", 0.2),
    ("Quách", 0.2),
)

MIDDLE: dict[Sex, tuple[str, ...]] = {
    "male": (
        "Văn",
        "Văn",
        "Văn",
        "Đức",
        "Minh",
        "Quang",
        "Hữu",
        "Công",
        "Thanh",
        "Xuân",
        "Trọng",
        "Đình",
        "Ngọc",
        "Tuấn",
        "Thế",
        "Duy",
    ),
    "female": (
        "Thị",
        "Thị",
        "Thị",
        "Ngọc",
        "Thu",
        "Thanh",
        "Minh",
        "Kim",
        "Hồng",
        "Thùy",
        "Phương",
        "Bích",
        "Mỹ",
        "Hoài",
    ),
}

GIVEN: dict[Sex, tuple[str, ...]] = {
    "male": (
        "An",
        "Anh",
        "Bình",
        "Cường",
        "Dũng",
        "Đạt",
        "Đức",
        "Giang",
        "Hải",
        "Hiếu",
        "Hoàng",
        "Hùng",
        "Huy",
        "Khánh",
        "Khoa",
        "Kiên",
        "Long",
        "Lực",
        "Minh",
        "Nam",
        "Nghĩa",
        "Phong",
        "Phúc",
        "Quân",
        "Quang",
        "Sơn",
        "Tài",
        "Thắng",
        "Thành",
        "Thịnh",
        "Tiến",
        "Toàn",
        "Trung",
        "Tuấn",
        "Tùng",
        "Việt",
        "Vinh",
        "Vũ",
        "Lộc",
        "Hưng",
        "Lượng",
        "Khải",
    ),
    "female": (
        "Anh",
        "Chi",
        "Dung",
        "Giang",
        "Hà",
        "Hạnh",
        "Hằng",
        "Hiền",
        "Hoa",
        "Hương",
        "Huyền",
        "Lan",
        "Linh",
        "Loan",
        "Mai",
        "Ngân",
        "Ngọc",
        "Nhung",
        "Oanh",
        "Phương",
        "Quỳnh",
        "Thảo",
        "Thủy",
        "Trang",
        "Trâm",
        "Uyên",
        "Vân",
        "Yến",
        "Nguyệt",
        "Xuân",
        "Diệp",
        "Ánh",
    ),
}

STREETS = (
    "Trần Hưng Đạo",
    "Lê Lợi",
    "Nguyễn Trãi",
    "Hai Bà Trưng",
    "Quang Trung",
    "Lý Thường Kiệt",
    "Hùng Vương",
    "Điện Biên Phủ",
    "Lê Duẩn",
    "Nguyễn Huệ",
    "Phan Đình Phùng",
    "Bà Triệu",
    "Trần Phú",
    "Ngô Quyền",
    "Lê Lai",
    "Nguyễn Du",
    "Hoàng Văn Thụ",
    "Phan Chu Trinh",
    "Lạc Long Quân",
    "Cách Mạng Tháng Tám",
)

RURAL = ("Thôn", "Xóm", "Ấp", "Bản", "Tổ dân phố", "Khu phố")
RURAL_NAMES = ("Đông", "Tây", "Nam", "Bắc", "Trung", "Hòa Bình", "Tân Lập", "Đồng Tâm", "Phú Lợi", "An Thịnh")


@dataclass(frozen=True)
class Unit:
    """One commune-level unit with its province (and district, for pre-2025 units)."""

    commune: str
    province: str
    province_code: int  # NSO code: post-2025 code for new units, pre-2025 code for legacy units
    province_key: str
    district: str | None = None


@dataclass(frozen=True)
class Address:
    """A printed address and the current units it lies in."""

    text: str
    era: Literal["post2025", "pre2025"]
    commune: str  # current (post-2025) commune
    province: str  # current province
    province_code: int  # current province code
    old_codes: tuple[int, ...]  # pre-2025 province codes merged into the current province
    old_commune: str | None = None
    old_district: str | None = None
    old_province: str | None = None
    old_province_code: int | None = None


@dataclass(frozen=True)
class Person:
    """A fake vehicle owner."""

    name: str  # upper case, NFC, as canonical
    sex: Sex
    birth_date: dt.date
    id_number: str
    id_kind: Literal["cccd", "cmnd"]
    birth_province_code: int
    address: Address
    origin: str  # quê quán, a place in the birth province


def _pick(rng: np.random.Generator, items: tuple[str, ...] | list[str]) -> str:
    return items[int(rng.integers(len(items)))]


def full_name(rng: np.random.Generator, sex: Sex) -> str:
    """A Vietnamese name, surname + middle + given, in upper case NFC."""
    names = [s for s, _ in SURNAMES]
    weights = np.array([w for _, w in SURNAMES])
    surname = names[int(rng.choice(len(names), p=weights / weights.sum()))]
    parts = [surname, _pick(rng, MIDDLE[sex])]
    if rng.random() < 0.12:  # a second middle name
        parts.append(_pick(rng, MIDDLE[sex][3:]))
    given = _pick(rng, GIVEN[sex])
    while given in parts:
        given = _pick(rng, GIVEN[sex])
    parts.append(given)
    return nfc(" ".join(parts).upper())


# -------------------------------------------------------------- administrative units


@lru_cache(maxsize=1)
def new_units() -> dict[int, list[Unit]]:
    """Post-2025 communes by province code (34 provinces), from ``vietnam-provinces``."""
    keys = {
        int(r["provinceCode"]): r["provinceKey"]
        for r in query("SELECT DISTINCT provinceCode, provinceKey FROM admin_units")
    }
    units: dict[int, list[Unit]] = {}
    provinces = {int(p.code): p for p in Province.iter_all()}
    for ward in Ward.iter_all():
        prov = provinces[int(ward.province_code)]
        units.setdefault(int(prov.code), []).append(
            Unit(
                commune=nfc(ward.name),
                province=nfc(prov.name),
                province_code=int(prov.code),
                province_key=keys.get(int(prov.code), ""),
            )
        )
    return units


@lru_cache(maxsize=1)
def legacy_units() -> dict[int, list[Unit]]:
    """Pre-2025 wards with their districts by old province code (63 provinces)."""
    rows = query("SELECT province, district, ward, provinceCode, provinceKey FROM admin_units_legacy")
    units: dict[int, list[Unit]] = {}
    for r in rows:
        if not r["ward"] or not r["district"]:
            continue
        code = int(r["provinceCode"])
        units.setdefault(code, []).append(
            Unit(
                commune=nfc(r["ward"]),
                district=nfc(r["district"]),
                province=nfc(r["province"]),
                province_code=code,
                province_key=r["provinceKey"],
            )
        )
    return units


@lru_cache(maxsize=1)
def old_codes_by_new() -> dict[int, tuple[int, ...]]:
    """For each current province code, the pre-2025 province codes merged into it."""
    old_key_to_code = {units[0].province_key: code for code, units in legacy_units().items()}
    result: dict[int, tuple[int, ...]] = {}
    for code, units in new_units().items():
        old_keys = DICT_PROVINCE.get(units[0].province_key, [])
        result[code] = tuple(sorted(old_key_to_code[k] for k in old_keys if k in old_key_to_code))
    return result


def old_province_codes() -> tuple[int, ...]:
    """The 63 pre-2025 province codes (the CCCD prefixes of numbers already issued)."""
    return tuple(sorted(legacy_units()))


def new_province_codes() -> tuple[int, ...]:
    """The 34 current province codes."""
    return tuple(sorted(new_units()))


def pick_province(rng: np.random.Generator) -> int:
    """A current province code, Hà Nội and TP Hồ Chí Minh weighted as the big archives."""
    codes = new_province_codes()
    weights = np.array([8.0 if c in (1, 79) else 1.0 for c in codes])
    return int(codes[int(rng.choice(len(codes), p=weights / weights.sum()))])


def _street(rng: np.random.Generator, urban: bool) -> str:
    if urban:
        number = int(rng.integers(1, 300))
        if rng.random() < 0.35:
            return f"Số {number} ngõ {int(rng.integers(2, 200))} {_pick(rng, STREETS)}"
        return f"Số {number} {_pick(rng, STREETS)}" if rng.random() < 0.5 else f"{number} {_pick(rng, STREETS)}"
    kind = _pick(rng, RURAL)
    place = str(int(rng.integers(1, 15))) if rng.random() < 0.5 else _pick(rng, RURAL_NAMES)
    return f"{kind} {place}"


def new_address(rng: np.random.Generator, province_code: int) -> Address:
    """An address written after the July 2025 reform: street, commune, province."""
    unit = new_units()[province_code][int(rng.integers(len(new_units()[province_code])))]
    urban = unit.commune.startswith("Phường")
    text = nfc(f"{_street(rng, urban)}, {unit.commune}, {unit.province}")
    return Address(
        text=text,
        era="post2025",
        commune=unit.commune,
        province=unit.province,
        province_code=province_code,
        old_codes=old_codes_by_new()[province_code],
    )


def old_address(rng: np.random.Generator, province_code: int, *, attempts: int = 20) -> Address:
    """An address written before the reform (old ward, district, province) in today's province.

    The current commune is found with ``vietnamadminunits.convert_address``; old
    wards it cannot place are skipped, and after ``attempts`` misses a post-reform
    address is returned instead.
    """
    olds = old_codes_by_new()[province_code]
    for _ in range(attempts):
        old_code = olds[int(rng.integers(len(olds)))]
        unit = legacy_units()[old_code][int(rng.integers(len(legacy_units()[old_code])))]
        current = _convert(unit, province_code)
        if current is None:
            continue
        urban = unit.commune.startswith("Phường") or unit.commune.startswith("Thị trấn")
        return Address(
            text=nfc(f"{_street(rng, urban)}, {unit.commune}, {unit.district}, {unit.province}"),
            era="pre2025",
            commune=current.commune,
            province=current.province,
            province_code=province_code,
            old_codes=olds,
            old_commune=unit.commune,
            old_district=unit.district,
            old_province=unit.province,
            old_province_code=old_code,
        )
    log.debug("no convertible old ward found; using a post-2025 address")
    return new_address(rng, province_code)


def _convert(unit: Unit, province_code: int) -> Unit | None:
    """The current unit an old ward became, or None when the converter cannot place it."""
    try:
        new = convert_address(f"{unit.commune}, {unit.district}, {unit.province}")
    except Exception as e:  # the converter raises plain exceptions on units it cannot place
        log.debug("old ward not convertible (%s)", type(e).__name__)
        return None
    return _current_unit(new.ward_code, province_code)


def _current_unit(ward_code: str | None, province_code: int) -> Unit | None:
    """The post-2025 unit of a ward code, named as ``vietnam-provinces`` names it."""
    if not ward_code:
        return None
    by_code = _new_ward_names()
    name = by_code.get(int(ward_code))
    if name is None or name[1] != province_code:
        return None
    unit = new_units()[province_code][0]
    return Unit(commune=name[0], province=unit.province, province_code=province_code, province_key=unit.province_key)


@lru_cache(maxsize=1)
def _new_ward_names() -> dict[int, tuple[str, int]]:
    return {int(w.code): (nfc(w.name), int(w.province_code)) for w in Ward.iter_all()}


def origin_place(rng: np.random.Generator, old_code: int) -> str:
    """A quê quán (place of origin) as printed on an ID card: commune, district, old province."""
    unit = legacy_units()[old_code][int(rng.integers(len(legacy_units()[old_code])))]
    return nfc(f"{unit.commune}, {unit.district}, {unit.province}")


# -------------------------------------------------------------- identity numbers


def cccd_number(rng: np.random.Generator, province_code: int, sex: Sex, birth_year: int) -> str:
    """A 12-digit CCCD: province of birth registration, century+sex digit, birth year, serial."""
    century = birth_year // 100 - 19
    if century < 0:
        raise ValueError(f"CCCD numbers encode births from 1900 on, got {birth_year}")
    sex_digit = 2 * century + (1 if sex == "female" else 0)
    return f"{province_code:03d}{sex_digit}{birth_year % 100:02d}{int(rng.integers(0, 1_000_000)):06d}"


def cmnd_number(rng: np.random.Generator) -> str:
    """A 9-digit old identity card (CMND) number."""
    return f"{int(rng.integers(0, 4))}{int(rng.integers(0, 100_000_000)):08d}"


def birth_date(rng: np.random.Generator, on: dt.date, min_age: int = 18, max_age: int = 75) -> dt.date:
    """A birth date making the owner ``min_age``..``max_age`` years old on ``on``."""
    earliest = on.replace(year=on.year - max_age, day=1)
    latest = on.replace(year=on.year - min_age, day=1)
    return earliest + dt.timedelta(days=int(rng.integers(0, (latest - earliest).days)))


def person(rng: np.random.Generator, *, on: dt.date, pre2025_address: bool, cmnd_share: float = 0.0) -> Person:
    """A fake owner living in a drawn province, registering a vehicle on ``on``."""
    sex: Sex = "male" if rng.random() < 0.62 else "female"
    born = birth_date(rng, on)
    code = pick_province(rng)
    address = old_address(rng, code) if pre2025_address else new_address(rng, code)
    olds = address.old_codes
    birth_code = olds[int(rng.integers(len(olds)))] if rng.random() < 0.75 else int(rng.choice(old_province_codes()))
    if address.old_province_code is not None and rng.random() < 0.6:
        birth_code = address.old_province_code
    use_cmnd = bool(rng.random() < cmnd_share)
    id_number = cmnd_number(rng) if use_cmnd else cccd_number(rng, birth_code, sex, born.year)
    return Person(
        name=full_name(rng, sex),
        sex=sex,
        birth_date=born,
        id_number=id_number,
        id_kind="cmnd" if use_cmnd else "cccd",
        birth_province_code=birth_code,
        address=address,
        origin=origin_place(rng, birth_code),
    )
