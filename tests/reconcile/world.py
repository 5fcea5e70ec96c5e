"""A generated world: paper records, registry rows and population rows with one known discrepancy each.

Every case names the verdict each source must give, the overall status, and the reasons and notes
the comparison must report. People and vehicles are generated from a seed; the discrepancy of each
case is applied on top, so nothing but that one difference separates paper from electronic data.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass, field
from typing import Any

SURNAMES = ("NGUYỄN", "TRẦN", "LÊ", "PHẠM", "HOÀNG", "PHAN", "VŨ", "ĐẶNG", "BÙI", "ĐỖ")
MIDDLE = ("VĂN", "THỊ", "ĐỨC", "MINH", "HỮU", "NGỌC")
GIVEN = ("AN", "BÌNH", "CƯỜNG", "DŨNG", "HÀ", "HẰNG", "KHÁNH", "LINH", "ĐẠT", "TUẤN", "YẾN")
STREETS = ("Hàng Bạc", "Hàng Đào", "Lê Lợi", "Trần Hưng Đạo", "Nguyễn Du")
VIN_CHARS = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
#: (current address tail, the same place written before the 2025 reform)
PLACES = (
    ("Phường Hoàn Kiếm, Thành phố Hà Nội", "Phường Hàng Bạc, Quận Hoàn Kiếm, Thành phố Hà Nội"),
    ("Phường Sài Gòn, Thành phố Hồ Chí Minh", "Phường Bến Nghé, Quận 1, Thành phố Hồ Chí Minh"),
)
OTHER_COMMUNE = "Phường Ba Đình, Thành phố Hà Nội"


@dataclass
class Case:
    """One dossier with its electronic rows and what reconciliation must say about it."""

    dossier_id: str
    kind: str
    record: dict[str, str | None]
    registry: list[dict[str, Any]]
    population: list[dict[str, Any]]
    expect: dict[str, str]  # registry / population verdict, overall
    reasons: dict[str, str] = field(default_factory=dict)  # field -> reason that must be reported
    notes: tuple[str, ...] = ()  # substrings that must appear in the notes


@dataclass
class World:
    cases: list[Case]

    @property
    def records(self) -> dict[str, dict[str, str | None]]:
        return {c.dossier_id: c.record for c in self.cases}

    @property
    def registry_rows(self) -> list[dict[str, Any]]:
        return [r for c in self.cases for r in c.registry]

    @property
    def population_rows(self) -> list[dict[str, Any]]:
        return [r for c in self.cases for r in c.population]

    def case(self, kind: str) -> Case:
        return next(c for c in self.cases if c.kind == kind)


def _person(rng: random.Random, n: int) -> dict[str, str]:
    year = rng.randint(1955, 2004)
    sex = rng.randint(0, 1)
    century = 0 if year < 2000 else 2
    id_number = f"001{century + sex}{year % 100:02d}{n:06d}"
    street = f"{rng.randint(1, 200)} {rng.choice(STREETS)}"
    return {
        "name": f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}",
        "id": id_number,
        "birth": f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        "address": f"{street}, {PLACES[0][0]}",
        "old_address": f"{street}, {PLACES[0][1]}",
    }


def _vehicle(rng: random.Random, n: int) -> dict[str, str]:
    vin = "RLH" + "".join(rng.choice(VIN_CHARS) for _ in range(8)) + f"{n:06d}"
    return {
        "chassis": vin,
        "engine": f"JC52E-{n:07d}",
        "plate": f"29-B1 {n // 100 % 1000:03d}.{n % 100:02d}",
        "brand": "HONDA",
        "model": "WAVE ALPHA",
        "color": "Đỏ - Đen",
    }


def _record(p: dict[str, str], v: dict[str, str]) -> dict[str, str | None]:
    return {
        "plate_number": v["plate"],
        "chassis_number": v["chassis"],
        "engine_number": v["engine"],
        "owner_name": p["name"],
        "owner_id_number": p["id"],
        "owner_birth_date": p["birth"],
        "owner_address": p["address"],
        "brand": v["brand"],
        "model": v["model"],
        "color": v["color"],
        "vehicle_type": "Xe mô tô hai bánh",
        "year_of_manufacture": "2019",
    }


def _registry(p: dict[str, str], v: dict[str, str]) -> dict[str, Any]:
    return {
        "plate_number": v["plate"],
        "chassis_number": v["chassis"],
        "engine_number": v["engine"],
        "owner_name": p["name"],
        "owner_id_number": p["id"],
        "brand": v["brand"],
        "model": v["model"],
        "color": v["color"],
        "owner_address": p["address"],
    }


def _population(p: dict[str, str]) -> dict[str, Any]:
    return {"id_number": p["id"], "full_name": p["name"], "birth_date": p["birth"], "address": p["address"]}


def _misread(text: str, rng: random.Random) -> str:
    """Swap one character of an identifier for its OCR twin."""
    twins = {"0": "O", "1": "I", "5": "S", "8": "B", "2": "Z", "6": "G", "S": "5", "B": "8"}
    positions = [i for i, ch in enumerate(text) if ch in twins and i >= 3]
    i = rng.choice(positions)
    return text[:i] + twins[text[i]] + text[i + 1 :]


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def build_world(seed: int = 7) -> World:
    """One case per kind of discrepancy (and a clean match), generated from ``seed``."""
    rng = random.Random(seed)
    cases: list[Case] = []

    def new(kind: str, n: int) -> tuple[str, dict[str, str], dict[str, str]]:
        return f"d-{n:04d}-{kind}", _person(rng, n), _vehicle(rng, n)

    d, p, v = new("match", 1)
    cases.append(
        Case(
            d,
            "match",
            _record(p, v),
            [_registry(p, v)],
            [_population(p)],
            {"registry": "match", "population": "match", "overall": "ok"},
        )
    )

    d, p, v = new("typo_chassis", 2)
    rec = _record(p, v) | {"chassis_number": _misread(v["chassis"], rng)}
    cases.append(
        Case(
            d,
            "typo_chassis",
            rec,
            [_registry(p, v)],
            [_population(p)],
            {"registry": "mismatch", "population": "match", "overall": "check_reading"},
            reasons={"chassis_number": "possible misread"},
        )
    )

    d, p, v = new("other_owner", 3)
    other = _person(rng, 903)
    cases.append(
        Case(
            d,
            "other_owner",
            _record(p, v),
            [_registry(other, v)],
            [_population(p)],
            {"registry": "mismatch", "population": "match", "overall": "verify"},
            reasons={"owner_name": "different name", "owner_id_number": "different value"},
        )
    )

    d, p, v = new("no_diacritics", 4)
    p["name"] = "ĐỖ ĐỨC ĐẠT"
    plain = p | {"name": _plain(p["name"])}
    cases.append(
        Case(
            d,
            "no_diacritics",
            _record(p, v),
            [_registry(plain, v)],
            [_population(plain)],
            {"registry": "match", "population": "match", "overall": "ok"},
            notes=("owner_name: same without diacritics",),
        )
    )

    d, p, v = new("old_address", 5)
    paper = p | {"address": p["old_address"]}
    cases.append(
        Case(
            d,
            "old_address",
            _record(paper, v),
            [_registry(p, v)],
            [_population(p)],
            {"registry": "match", "population": "match", "overall": "ok"},
            notes=("owner_address: renamed by the 2025 reform",),
        )
    )

    d, p, v = new("old_address_hcm", 6)
    street = p["address"].split(",")[0]
    paper = p | {"address": f"{street}, {PLACES[1][1]}"}
    current = p | {"address": f"{street}, {PLACES[1][0]}"}
    cases.append(
        Case(
            d,
            "old_address_hcm",
            _record(paper, v),
            [_registry(current, v)],
            [_population(current)],
            {"registry": "match", "population": "match", "overall": "ok"},
            notes=("owner_address: renamed by the 2025 reform",),
        )
    )

    d, p, v = new("moved", 7)
    moved = p | {"address": f"{p['address'].split(',')[0]}, {OTHER_COMMUNE}"}
    cases.append(
        Case(
            d,
            "moved",
            _record(p, v),
            [_registry(p, v)],
            [_population(moved)],
            {"registry": "match", "population": "mismatch", "overall": "verify"},
            reasons={"owner_address": "moved: different commune"},
        )
    )

    d, p, v = new("missing", 8)
    cases.append(
        Case(
            d,
            "missing",
            _record(p, v),
            [],
            [],
            {"registry": "missing", "population": "missing", "overall": "missing"},
        )
    )

    d, p, v = new("duplicate", 9)
    twin = _registry(p, v) | {"plate_number": "29-B1 999.99"}
    cases.append(
        Case(
            d,
            "duplicate",
            _record(p, v),
            [_registry(p, v), twin],
            [_population(p)],
            {"registry": "ambiguous", "population": "match", "overall": "duplicate"},
            notes=("found 2 rows by chassis",),
        )
    )

    d, p, v = new("chassis_suffix", 10)
    short = _record(p, v) | {"chassis_number": v["chassis"][5:]}
    cases.append(
        Case(
            d,
            "chassis_suffix",
            short,
            [_registry(p, v)],
            [_population(p)],
            {"registry": "match", "population": "match", "overall": "ok"},
            notes=("chassis compared by suffix",),
        )
    )

    d, p, v = new("plate_only", 11)
    unread = _record(p, v) | {"chassis_number": None, "engine_number": None}
    cases.append(
        Case(
            d,
            "plate_only",
            unread,
            [_registry(p, v)],
            [_population(p)],
            {"registry": "match", "population": "match", "overall": "ok"},
            notes=("chassis_number: not read on paper",),
        )
    )

    d, p, v = new("birth_year_only", 12)
    cases.append(
        Case(
            d,
            "birth_year_only",
            _record(p, v) | {"owner_birth_date": p["birth"][:4]},
            [_registry(p, v)],
            [_population(p)],
            {"registry": "match", "population": "match", "overall": "ok"},
            notes=("only the year on paper",),
        )
    )

    d, p, v = new("other_birth_date", 13)
    cases.append(
        Case(
            d,
            "other_birth_date",
            _record(p, v),
            [_registry(p, v)],
            [_population(p | {"birth": "1950-01-01"})],
            {"registry": "match", "population": "mismatch", "overall": "verify"},
            reasons={"owner_birth_date": "different date"},
        )
    )

    d, p, v = new("misread_plate_no_person", 14)
    rec = _record(p, v) | {"plate_number": v["plate"].replace("B1", "81")}
    cases.append(
        Case(
            d,
            "misread_plate_no_person",
            rec,
            [_registry(p, v)],
            [],
            {"registry": "mismatch", "population": "missing", "overall": "missing"},
            reasons={"plate_number": "possible misread"},
        )
    )

    d, p, v = new("other_province", 15)
    far = p | {"address": f"{p['address'].split(',')[0]}, {PLACES[1][0]}"}
    cases.append(
        Case(
            d,
            "other_province",
            _record(p, v),
            [_registry(far, v)],
            [_population(p)],
            {"registry": "mismatch", "population": "match", "overall": "verify"},
            reasons={"owner_address": "moved: different province"},
        )
    )
    return World(cases)
