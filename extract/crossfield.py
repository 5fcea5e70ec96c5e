"""Cross-field checks: fields of one record that must agree with each other.

- the CCCD's century/sex digit and year digits against the birth date;
- the VIN's model-year character against the year of manufacture;
- the VIN's maker (WMI) against the brand;
- the plate's locality against the owner's province (soft: it holds only for a
  first registration in the owner's province, so it lowers confidence without
  sending the field to review by itself).

Each failure names the fields it concerns and a reason shown to the reviewer.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass

from extract import address as address_mod
from extract.dates import year_of
from sohoa.domain import cccd, plates, vin
from sohoa.domain.vin import canonical_brand

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CheckFailure:
    """A cross-field check that failed."""

    fields: tuple[str, ...]
    reason: str
    hard: bool = True


def check_id_vs_birth(id_number: str | None, birth: str | None) -> CheckFailure | None:
    """A CCCD's birth year must be the birth date's year."""
    info = cccd.parse_cccd(id_number) if id_number else None
    year = year_of(birth)
    if info is None or year is None or info.birth_year == year:
        return None
    return CheckFailure(("owner_id_number", "owner_birth_date"),
                        "ID number's birth year does not match the birth date")


def check_vin_year(chassis: str | None, year: str | None) -> CheckFailure | None:
    """A VIN's model year is the year of manufacture or the year after (one year either way)."""
    made = year_of(year)
    if chassis is None or made is None or not vin.is_valid_vin(chassis):
        return None
    years = vin.model_years(chassis[9])
    if not years or any(abs(y - made) <= 1 for y in years):
        return None
    return CheckFailure(("chassis_number", "year_of_manufacture"),
                        "VIN model year does not match the year of manufacture")


def check_vin_brand(chassis: str | None, brand: str | None) -> CheckFailure | None:
    """A VIN's maker (WMI) must be the brand's maker, where the WMI is known."""
    if chassis is None or brand is None or not vin.is_vin_shaped(chassis):
        return None
    maker_brand = vin.brand_for_wmi(chassis)
    if maker_brand is None or canonical_brand(brand) == canonical_brand(maker_brand):
        return None
    return CheckFailure(("chassis_number", "brand"), "VIN maker code does not match the brand")


def check_plate_vs_address(plate: str | None, address: str | None) -> CheckFailure | None:
    """For a first registration the plate's locality is the owner's province (soft check)."""
    info = plates.parse_plate(plate) if plate else None
    if info is None or info.province is None or address is None:
        return None
    prov = address_mod.province_of(address)
    if prov is None or prov.code == info.province.code:
        return None
    return CheckFailure(("plate_number", "owner_address"),
                        "plate locality is not the owner's province (fine only if not a first registration)",
                        hard=False)


def cross_check(values: Mapping[str, str | None]) -> list[CheckFailure]:
    """Every failed cross-field check of a record's values."""
    found = [
        check_id_vs_birth(values.get("owner_id_number"), values.get("owner_birth_date")),
        check_vin_year(values.get("chassis_number"), values.get("year_of_manufacture")),
        check_vin_brand(values.get("chassis_number"), values.get("brand")),
        check_plate_vs_address(values.get("plate_number"), values.get("owner_address")),
    ]
    return [f for f in found if f is not None]
