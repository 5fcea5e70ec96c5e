"""The 34 provinces of July 2025, their codes, and the 63 older provinces they absorbed.

A province code is the 3-digit NSO code that also prefixes a CCCD number. Plate
locality codes are 2-digit; after the merger a province keeps every plate code of
the provinces it absorbed. Source: ``shared/domain.md`` §3.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class OldProvince:
    """A pre-2025 province: CCCD code, name, plate locality codes."""

    code: str
    name: str
    plate_codes: tuple[str, ...]


@dataclass(frozen=True)
class Province:
    """A post-2025 province: its code, name and the old provinces it absorbed."""

    code: str
    name: str
    absorbed: tuple[OldProvince, ...]

    @property
    def plate_codes(self) -> tuple[str, ...]:
        """Every plate locality code of the province (its own and the absorbed ones)."""
        return tuple(c for old in self.absorbed for c in old.plate_codes)

    @property
    def old_codes(self) -> tuple[str, ...]:
        """The CCCD codes of the old provinces it absorbed (itself included when it existed)."""
        return tuple(old.code for old in self.absorbed)


def _o(code: str, name: str, *plates: str) -> OldProvince:
    return OldProvince(code, name, tuple(plates))


def _rng(a: int, b: int) -> tuple[str, ...]:
    return tuple(f"{n:02d}" for n in range(a, b + 1))


PROVINCES: tuple[Province, ...] = (
    Province("001", "Hà Nội", (_o("001", "Hà Nội", "29", "30", "31", "32", "33", "40"),)),
    Province("004", "Cao Bằng", (_o("004", "Cao Bằng", "11"),)),
    Province("008", "Tuyên Quang", (_o("002", "Hà Giang", "23"), _o("008", "Tuyên Quang", "22"))),
    Province("011", "Điện Biên", (_o("011", "Điện Biên", "27"),)),
    Province("012", "Lai Châu", (_o("012", "Lai Châu", "25"),)),
    Province("014", "Sơn La", (_o("014", "Sơn La", "26"),)),
    Province("015", "Lào Cai", (_o("010", "Lào Cai", "24"), _o("015", "Yên Bái", "21"))),
    Province("019", "Thái Nguyên", (_o("006", "Bắc Kạn", "97"), _o("019", "Thái Nguyên", "20"))),
    Province("020", "Lạng Sơn", (_o("020", "Lạng Sơn", "12"),)),
    Province("022", "Quảng Ninh", (_o("022", "Quảng Ninh", "14"),)),
    Province("024", "Bắc Ninh", (_o("024", "Bắc Giang", "98"), _o("027", "Bắc Ninh", "99"))),
    Province(
        "025", "Phú Thọ",
        (_o("017", "Hòa Bình", "28"), _o("025", "Phú Thọ", "19"), _o("026", "Vĩnh Phúc", "88")),
    ),
    Province("031", "Hải Phòng", (_o("030", "Hải Dương", "34"), _o("031", "Hải Phòng", "15", "16"))),
    Province("033", "Hưng Yên", (_o("033", "Hưng Yên", "89"), _o("034", "Thái Bình", "17"))),
    Province(
        "037", "Ninh Bình",
        (_o("035", "Hà Nam", "90"), _o("036", "Nam Định", "18"), _o("037", "Ninh Bình", "35")),
    ),
    Province("038", "Thanh Hóa", (_o("038", "Thanh Hóa", "36"),)),
    Province("040", "Nghệ An", (_o("040", "Nghệ An", "37"),)),
    Province("042", "Hà Tĩnh", (_o("042", "Hà Tĩnh", "38"),)),
    Province("044", "Quảng Trị", (_o("044", "Quảng Bình", "73"), _o("045", "Quảng Trị", "74"))),
    Province("046", "Huế", (_o("046", "Thừa Thiên Huế", "75"),)),
    Province("048", "Đà Nẵng", (_o("048", "Đà Nẵng", "43"), _o("049", "Quảng Nam", "92"))),
    Province("051", "Quảng Ngãi", (_o("051", "Quảng Ngãi", "76"), _o("062", "Kon Tum", "82"))),
    Province("052", "Gia Lai", (_o("052", "Bình Định", "77"), _o("064", "Gia Lai", "81"))),
    Province("056", "Khánh Hòa", (_o("056", "Khánh Hòa", "79"), _o("058", "Ninh Thuận", "85"))),
    Province("066", "Đắk Lắk", (_o("054", "Phú Yên", "78"), _o("066", "Đắk Lắk", "47"))),
    Province(
        "068", "Lâm Đồng",
        (_o("060", "Bình Thuận", "86"), _o("067", "Đắk Nông", "48"), _o("068", "Lâm Đồng", "49")),
    ),
    Province("075", "Đồng Nai", (_o("070", "Bình Phước", "93"), _o("075", "Đồng Nai", "39", "60"))),
    Province(
        "079", "TP Hồ Chí Minh",
        (
            _o("074", "Bình Dương", "61"),
            _o("077", "Bà Rịa - Vũng Tàu", "72"),
            _o("079", "TP Hồ Chí Minh", "41", *_rng(50, 59)),
        ),
    ),
    Province("080", "Tây Ninh", (_o("072", "Tây Ninh", "70"), _o("080", "Long An", "62"))),
    Province("082", "Đồng Tháp", (_o("082", "Tiền Giang", "63"), _o("087", "Đồng Tháp", "66"))),
    Province(
        "086", "Vĩnh Long",
        (_o("083", "Bến Tre", "71"), _o("084", "Trà Vinh", "84"), _o("086", "Vĩnh Long", "64")),
    ),
    Province("091", "An Giang", (_o("089", "An Giang", "67"), _o("091", "Kiên Giang", "68"))),
    Province(
        "092", "Cần Thơ",
        (_o("092", "Cần Thơ", "65"), _o("093", "Hậu Giang", "95"), _o("094", "Sóc Trăng", "83")),
    ),
    Province("096", "Cà Mau", (_o("095", "Bạc Liêu", "94"), _o("096", "Cà Mau", "69"))),
)

#: new 3-digit code -> province
BY_CODE: dict[str, Province] = {p.code: p for p in PROVINCES}
#: old (pre-2025) 3-digit CCCD code -> old province
OLD_BY_CODE: dict[str, OldProvince] = {o.code: o for p in PROVINCES for o in p.absorbed}
#: old 3-digit code -> the new province that absorbed it
NEW_FOR_OLD: dict[str, Province] = {o.code: p for p in PROVINCES for o in p.absorbed}
#: plate locality code -> new province
PROVINCE_FOR_PLATE: dict[str, Province] = {c: p for p in PROVINCES for c in p.plate_codes}
#: plate locality code -> old province
OLD_PROVINCE_FOR_PLATE: dict[str, OldProvince] = {
    c: o for p in PROVINCES for o in p.absorbed for c in o.plate_codes
}


def province_for_code(code: str) -> Province | None:
    """The current province for a 3-digit code, old or new (``"027"`` → Bắc Ninh)."""
    return BY_CODE.get(code) or NEW_FOR_OLD.get(code)


def province_for_plate(locality: str) -> Province | None:
    """The current province whose plates carry this 2-digit locality code (``"88"`` → Phú Thọ)."""
    return PROVINCE_FOR_PLATE.get(locality)
