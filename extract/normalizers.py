"""The normalizer registry: the name a field spec gives (``"plate"``) → the function."""

from __future__ import annotations

import logging
from collections.abc import Callable

from extract import address, dates, engine, idnumber, names, plate, vehicle, vin
from extract.checked import Checked

log = logging.getLogger(__name__)

Normalizer = Callable[[str], Checked]

NORMALIZERS: dict[str, Normalizer] = {
    "plate": plate.normalize,
    "chassis": vin.normalize,
    "engine": engine.normalize,
    "idnumber": idnumber.normalize,
    "birth_date": dates.normalize_birth,
    "date": dates.normalize,
    "name": names.normalize,
    "address": address.normalize,
    "brand": vehicle.normalize_brand,
    "model": vehicle.normalize_model,
    "color": vehicle.normalize_colour,
    "vehicle_type": vehicle.normalize_vehicle_type,
    "capacity": vehicle.normalize_capacity,
    "year": vehicle.normalize_year,
}


def normalizer(name: str) -> Normalizer:
    """The normalizer a spec names (KeyError for an unknown name, caught when specs load in tests)."""
    return NORMALIZERS[name]


def normalize(name: str, raw: str) -> Checked:
    """Run the named normalizer on ``raw``; never raises on arbitrary text."""
    return NORMALIZERS[name](raw)
