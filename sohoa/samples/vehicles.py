"""Fake vehicles: catalogue, VINs and old frame numbers, engine numbers, plates.

The facts (VIN check digit, model-year character, makers' WMIs, plate locality
codes of each province) come from ``sohoa.domain``; this module only draws
plausible values from them. Model codes, capacities and year ranges below are
illustrative, in the shapes seen on real papers (``shared/domain.md`` §4, §6).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Literal

import numpy as np

from sohoa.domain.plates import SERIES_LETTERS, SPECIAL_SERIES
from sohoa.domain.provinces import BY_CODE, OLD_BY_CODE
from sohoa.domain.vin import WMI, model_year_char, with_check_digit

log = logging.getLogger(__name__)

VehicleClass = Literal["motorcycle", "car"]

VIN_CHARS = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"


@dataclass(frozen=True)
class ModelSpec:
    """One vehicle model as printed on papers, with the codes its numbers carry."""

    cls: VehicleClass
    wmi: str  # World Manufacturer Identifier (a key of sohoa.domain.vin.WMI)
    model: str  # "Số loại" as printed, upper case
    vds: str  # VIN positions 4-8 (5 characters)
    engine_code: str  # prefix of the engine number
    capacity: str  # "Dung tích" as printed
    vehicle_type: str
    years: tuple[int, int]  # first and last year of manufacture
    weight: float = 1.0
    engine_style: Literal["honda", "yamaha", "plain", "dash"] = "plain"

    @property
    def brand(self) -> str:
        """Brand printed on papers, from the maker's WMI."""
        return WMI[self.wmi][1]


MOTO = "Xe mô tô hai bánh"
CATALOGUE: tuple[ModelSpec, ...] = (
    ModelSpec("motorcycle", "RLH", "WAVE ALPHA", "JA390", "JA39E", "109,1 cm3", MOTO, (2006, 2025), 6, "honda"),
    ModelSpec("motorcycle", "RLH", "FUTURE", "JC920", "JC92E", "124,9 cm3", MOTO, (2010, 2025), 3, "honda"),
    ModelSpec("motorcycle", "RLH", "VISION", "JF580", "JF58E", "108,2 cm3", MOTO, (2014, 2025), 4, "honda"),
    ModelSpec("motorcycle", "RLH", "LEAD", "JF450", "JF45E", "124,8 cm3", MOTO, (2013, 2025), 3, "honda"),
    ModelSpec("motorcycle", "RLH", "AIR BLADE", "JF630", "JF63E", "124,8 cm3", MOTO, (2012, 2025), 3, "honda"),
    ModelSpec("motorcycle", "RLH", "SH125I", "JF420", "JF42E", "124,8 cm3", MOTO, (2012, 2025), 1, "honda"),
    ModelSpec("motorcycle", "RLH", "WINNER X", "KC260", "KC26E", "149,2 cm3", MOTO, (2019, 2025), 1, "honda"),
    ModelSpec("motorcycle", "RLH", "SUPER DREAM", "HA080", "HA08E", "97,1 cm3", MOTO, (1998, 2012), 2, "honda"),
    ModelSpec("motorcycle", "RLC", "SIRIUS", "S5C63", "5C63", "110,3 cm3", MOTO, (2006, 2025), 4, "yamaha"),
    ModelSpec("motorcycle", "RLC", "EXCITER", "SG550", "G3D4E", "149,7 cm3", MOTO, (2011, 2025), 2, "yamaha"),
    ModelSpec("motorcycle", "RLC", "JANUS", "S2PN1", "E3P5E", "124,9 cm3", MOTO, (2016, 2025), 2, "yamaha"),
    ModelSpec("motorcycle", "RLC", "GRANDE", "SBM10", "E3R4E", "124,8 cm3", MOTO, (2014, 2025), 1, "yamaha"),
    ModelSpec("motorcycle", "RLC", "JUPITER", "S1PB1", "1PB1", "113,7 cm3", MOTO, (2001, 2020), 1, "yamaha"),
    ModelSpec("motorcycle", "RP8", "VESPA PRIMAVERA", "M8310", "M831M", "124,5 cm3", MOTO, (2013, 2025), 1),
    ModelSpec("motorcycle", "RP8", "LIBERTY", "M7310", "M738M", "124,5 cm3", MOTO, (2009, 2025), 1),
    ModelSpec("car", "RL4", "VIOS", "B3NF3", "2NR", "1496 cm3", "Ô tô con", (2005, 2025), 3, "dash"),
    ModelSpec("car", "RL4", "INNOVA", "BA3FS", "1TR", "1998 cm3", "Ô tô con", (2006, 2025), 2, "dash"),
    ModelSpec("car", "RL4", "ZACE", "KF800", "7K", "1781 cm3", "Ô tô con", (1998, 2005), 1, "dash"),
    ModelSpec("car", "RL0", "RANGER", "LSFEH", "P5AT", "2198 cm3", "Ô tô tải (pick up cabin kép)", (2009, 2025), 2),
    ModelSpec("car", "RL0", "EVEREST", "LSFEG", "YD4A", "1996 cm3", "Ô tô con", (2008, 2025), 1),
    ModelSpec("car", "RLA", "XPANDER", "NC1WL", "4A91", "1499 cm3", "Ô tô con", (2018, 2025), 2),
    ModelSpec("car", "RLA", "ATTRAGE", "A03AG", "3A92", "1193 cm3", "Ô tô con", (2014, 2025), 1),
    ModelSpec("car", "RLH", "CITY", "GM6G5", "L15Z", "1497 cm3", "Ô tô con", (2013, 2025), 2, "dash"),
    ModelSpec("car", "RLM", "C200", "W2050", "M264", "1991 cm3", "Ô tô con", (2015, 2025), 1),
    ModelSpec("car", "RLE", "D-MAX", "TFR86", "RZ4E", "1898 cm3", "Ô tô tải (pick up cabin kép)", (2012, 2025), 1),
    ModelSpec("car", "RLE", "QKR", "NKR77", "4JH1", "2999 cm3", "Ô tô tải", (2010, 2025), 1),
    ModelSpec("car", "RLL", "FADIL", "LA1B2", "A14XE", "1399 cm3", "Ô tô con", (2019, 2022), 1),
)

COLORS = (
    "Đen",
    "Trắng",
    "Đỏ",
    "Xanh",
    "Bạc",
    "Xám",
    "Vàng",
    "Đỏ - Đen",
    "Bạc Đen",
    "Trắng - Xanh",
    "Đen - Xám",
    "Xanh - Đen",
    "Đỏ đen",
    "Trắng Đen",
    "Nâu",
    "Cam - Đen",
)

#: vehicles older than this carry short frame numbers, not VINs
FIRST_VIN_YEAR = 2006


@dataclass(frozen=True)
class Vehicle:
    """A fake vehicle with everything its papers print."""

    spec: ModelSpec
    year: int
    chassis: str
    engine: str
    color: str
    is_vin: bool

    @property
    def card_chassis(self) -> str:
        """The chassis as some cards print it: a motorcycle VIN without its first 5 characters."""
        return self.chassis[5:] if self.is_vin and self.spec.cls == "motorcycle" else self.chassis


def _digits(rng: np.random.Generator, n: int) -> str:
    return "".join(str(int(d)) for d in rng.integers(0, 10, size=n))


def pick_spec(rng: np.random.Generator, cls: VehicleClass, latest_year: int) -> ModelSpec:
    """A catalogue model of ``cls`` already made by ``latest_year``."""
    specs = [s for s in CATALOGUE if s.cls == cls and s.years[0] <= latest_year]
    weights = np.array([s.weight for s in specs])
    return specs[int(rng.choice(len(specs), p=weights / weights.sum()))]


def make_vin(rng: np.random.Generator, spec: ModelSpec, year: int) -> str:
    """A VIN: maker WMI, model VDS, check digit, model-year character, plant, 6-digit serial."""
    plant = "Y" if spec.wmi in ("RLC", "RLH") and spec.cls == "motorcycle" else VIN_CHARS[int(rng.integers(23))]
    draft = f"{spec.wmi}{spec.vds}0{model_year_char(year)}{plant}{_digits(rng, 6)}"
    return with_check_digit(draft)


def old_frame_number(rng: np.random.Generator, spec: ModelSpec) -> str:
    """A pre-VIN frame number: model frame code and a 6-7 digit serial (``KF80-1234567``)."""
    code = spec.vds.rstrip("0")[:4] if spec.vds[-1] == "0" else spec.vds[:4]
    serial = _digits(rng, 7 if rng.random() < 0.6 else 6)
    return f"{code}-{serial}" if rng.random() < 0.7 else f"{code}{serial}"


def engine_number(rng: np.random.Generator, spec: ModelSpec, vin_serial: str | None) -> str:
    """An engine number in the shape the maker prints (``JA39E-1234567``, ``5C63645910``)."""
    if spec.engine_style == "honda":
        return f"{spec.engine_code}-{_digits(rng, 7)}"
    if spec.engine_style == "yamaha":
        return f"{spec.engine_code}{vin_serial or _digits(rng, 6)}"
    if spec.engine_style == "dash":
        return f"{spec.engine_code}-{_digits(rng, 7)}"
    return f"{spec.engine_code}{_digits(rng, 6)}"


def vehicle(rng: np.random.Generator, cls: VehicleClass, registered: dt.date) -> Vehicle:
    """A vehicle of ``cls`` made no later than the year it is registered."""
    spec = pick_spec(rng, cls, registered.year)
    last = min(spec.years[1], registered.year)
    first = spec.years[0]
    # most registrations are of new vehicles; archives hold older ones too
    year = (
        last - int(min(rng.exponential(3.0), last - first))
        if rng.random() < 0.8
        else int(rng.integers(first, last + 1))
    )
    is_vin = year >= FIRST_VIN_YEAR
    chassis = make_vin(rng, spec, year) if is_vin else old_frame_number(rng, spec)
    serial = chassis[-6:] if is_vin and rng.random() < 0.5 else None
    return Vehicle(
        spec=spec,
        year=year,
        chassis=chassis,
        engine=engine_number(rng, spec, serial),
        color=COLORS[int(rng.integers(len(COLORS)))],
        is_vin=is_vin,
    )


# -------------------------------------------------------------- plates


def plate_code(rng: np.random.Generator, old_province_code: str) -> str:
    """A 2-digit plate locality code of a pre-2025 province (``"079"`` → one of 41, 50-59)."""
    codes = OLD_BY_CODE[old_province_code].plate_codes
    return codes[int(rng.integers(len(codes)))]


def province_plate_code(rng: np.random.Generator, province_code: str) -> str:
    """A plate locality code of a current province (any code of the provinces it absorbed)."""
    codes = BY_CODE[province_code].plate_codes
    return codes[int(rng.integers(len(codes)))]


def _order(rng: np.random.Generator, five: bool) -> str:
    n = int(rng.integers(1, 100_000 if five else 10_000))
    return f"{n // 100:03d}.{n % 100:02d}" if five else f"{n:04d}"


def _two_letters(rng: np.random.Generator) -> str:
    """A two-letter civilian series (never one of the special series such as LD or KT)."""
    while True:
        pair = "".join(SERIES_LETTERS[int(i)] for i in rng.integers(len(SERIES_LETTERS), size=2))
        if pair not in SPECIAL_SERIES:
            return pair


def plate(rng: np.random.Generator, cls: VehicleClass, locality: str, *, five: bool, two_letter: bool) -> str:
    """A civilian plate in canonical form: ``29A-123.45``/``29A-1234``; ``29-B1 123.45``/``29-AA 1234``."""
    letter = SERIES_LETTERS[int(rng.integers(len(SERIES_LETTERS)))]
    if cls == "car":
        series = _two_letters(rng) if two_letter else letter
        return f"{locality}{series}-{_order(rng, five)}"
    series = _two_letters(rng) if two_letter else f"{letter}{int(rng.integers(1, 10))}"
    return f"{locality}-{series} {_order(rng, five)}"
