"""The ground truth written beside each generated dossier (``<stem>.truth.json``).

Field names are exactly those of ``shared/fields.md``; values are canonical and
NFC. Each page records what the simulated scanner did to it (skew, rotation,
resolution, quality level) and the text of each field as printed on that page.
"""

from __future__ import annotations

import logging
from typing import Literal

from pydantic import Field

from sohoa.model import Frozen, NFCStr

log = logging.getLogger(__name__)

FIELD_NAMES: tuple[str, ...] = (
    "plate_number",
    "chassis_number",
    "engine_number",
    "owner_name",
    "owner_id_number",
    "owner_birth_date",
    "owner_address",
    "brand",
    "model",
    "color",
    "vehicle_type",
    "engine_capacity",
    "year_of_manufacture",
    "registration_date",
)

PageType = Literal["declaration_form", "registration_certificate", "rubbing", "id_card"]
Layout = Literal["legacy_pre2020", "tt58_2020_mau01", "tt79_2024_dkx10"]
Quality = Literal["clean", "fair", "poor"]
OutputFormat = Literal["pdf", "tiff", "png", "jpeg"]


class RecordTruth(Frozen):
    """Every field of ``shared/fields.md`` with its canonical value."""

    plate_number: NFCStr
    chassis_number: NFCStr
    engine_number: NFCStr
    owner_name: NFCStr
    owner_id_number: NFCStr
    owner_birth_date: NFCStr = Field(description="ISO YYYY-MM-DD (the ID card prints the full date)")
    owner_address: NFCStr
    brand: NFCStr
    model: NFCStr
    color: NFCStr
    vehicle_type: NFCStr
    engine_capacity: NFCStr
    year_of_manufacture: NFCStr
    registration_date: NFCStr

    def as_dict(self) -> dict[str, str]:
        """The fields in data-dictionary order."""
        return {name: getattr(self, name) for name in FIELD_NAMES}


class PageTruth(Frozen):
    """One page of a generated dossier and what the scan did to it."""

    index: int = Field(ge=1, description="1-based page number in the dossier")
    page_type: PageType
    skew: float = Field(description="true skew in degrees, + = page turned counter-clockwise")
    rotation: int = Field(description="clockwise degrees the page was turned in the scan (0/90/180/270)")
    upright_rotation: int = Field(description="clockwise degrees that make it upright (as Page.rotation)")
    dpi: int = Field(ge=1)
    width: int = Field(ge=1)
    height: int = Field(ge=1)
    quality: Quality
    stamped: bool = False
    punched: bool = Field(default=False, description="binder holes in the left margin")
    shadow: bool = Field(default=False, description="dark band along one edge (scanner lid)")
    blur_sigma: float = 0.0
    noise_sigma: float = 0.0
    contrast: float = 1.0
    jpeg_quality: int | None = None
    printed: dict[str, NFCStr] = Field(
        default_factory=dict, description="field -> text exactly as printed on this page"
    )


class DossierTruth(Frozen):
    """The ground truth of one generated dossier."""

    dossier_id: str
    source: NFCStr = Field(description="file or folder name of the dossier, relative to the output folder")
    format: OutputFormat
    layout: Layout = Field(description="era and layout of the declaration form")
    procedure: Literal["first", "transfer"] = "first"
    quality: Quality
    vehicle_class: Literal["motorcycle", "car"]
    fields: RecordTruth
    commune: NFCStr = Field(description="current (post-2025) commune or ward of the owner's address")
    province: NFCStr = Field(description="current (post-2025) province of the owner's address")
    province_code: str = Field(description="3-digit code of the current province (CCCD/NSO code)")
    address_era: Literal["post2025", "pre2025"]
    old_district: NFCStr | None = None
    old_commune: NFCStr | None = None
    old_province: NFCStr | None = None
    owner_sex: Literal["male", "female"]
    birth_province_code: str = Field(description="3-digit province code of birth registration")
    vin: bool = Field(description="chassis_number is a 17-character VIN (else an old frame number)")
    old_plate_number: NFCStr | None = None
    pages: tuple[PageTruth, ...]
