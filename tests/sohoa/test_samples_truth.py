"""Generated people and vehicles obey the domain facts the validators check.

Drafts (the values of a dossier before rendering) are cheap, so these tests
check hundreds of them against ``sohoa.domain``: VIN check digit, model year and
maker; CCCD against birth year, sex and province; plate grammar and locality
against the owner's province; addresses against the post-2025 units.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from pathlib import Path

import pytest
from pydantic import ValidationError

from sohoa.domain.cccd import OLD_PROVINCE_CODES, is_cmnd, parse_cccd
from sohoa.domain.plates import canonical_plate
from sohoa.domain.provinces import BY_CODE, NEW_FOR_OLD
from sohoa.domain.vin import brand_for_wmi, canonical_brand, is_valid_vin, model_year_char
from sohoa.samples import people
from sohoa.samples.generator import REFORM, SampleOptions, draft, record
from sohoa.samples.truth import FIELD_NAMES, RecordTruth

DRAFTS = [draft(seed, i) for seed in (1, 2) for i in range(150)]
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def test_record_has_every_field_of_the_data_dictionary(shared_dir: Path) -> None:
    assert set(RecordTruth.model_fields) == set(FIELD_NAMES)
    text = (shared_dir / "fields.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| (\w+) \|", text, re.M)) - {"field"}
    assert documented == set(FIELD_NAMES)
    for d in DRAFTS:
        values = record(d).as_dict()
        assert all(values[name] for name in FIELD_NAMES), values
        assert all(unicodedata.is_normalized("NFC", v) for v in values.values())
        assert ISO_DATE.match(values["owner_birth_date"]) and ISO_DATE.match(values["registration_date"])
        assert values["owner_name"] == values["owner_name"].upper()
        assert values["brand"] == values["brand"].upper() and values["model"] == values["model"].upper()


def test_vins_are_valid_and_match_year_and_maker() -> None:
    vins = [d for d in DRAFTS if d.vehicle.is_vin]
    assert len(vins) > 0.7 * len(DRAFTS)
    for d in vins:
        vin = d.vehicle.chassis
        assert is_valid_vin(vin), vin
        assert vin[9] == model_year_char(d.vehicle.year)
        assert brand_for_wmi(vin) == canonical_brand(d.vehicle.spec.brand)


def test_old_vehicles_carry_short_frame_numbers() -> None:
    old = [d for d in DRAFTS if not d.vehicle.is_vin]
    assert old, "some archived vehicles predate VINs"
    for d in old:
        assert d.vehicle.year < 2006
        assert 8 <= len(d.vehicle.chassis) <= 13 and not is_valid_vin(d.vehicle.chassis)


def test_engine_numbers_have_plausible_shapes() -> None:
    loose = re.compile(r"^[A-Z0-9]{2,6}E?-?\d{5,7}$")  # shared/domain.md §4
    for d in DRAFTS:
        assert loose.match(d.vehicle.engine), d.vehicle.engine


def test_cccd_numbers_match_birth_year_sex_and_province() -> None:
    cccd = [d for d in DRAFTS if d.owner.id_kind == "cccd"]
    assert len(cccd) > 0.8 * len(DRAFTS)
    for d in cccd:
        info = parse_cccd(d.owner.id_number)
        assert info is not None, d.owner.id_number
        assert info.birth_year == d.owner.birth_date.year
        assert info.female == (d.owner.sex == "female")
        assert info.province_code in OLD_PROVINCE_CODES
        assert info.province_code == f"{d.owner.birth_province_code:03d}"
    for d in DRAFTS:
        if d.owner.id_kind == "cmnd":
            assert is_cmnd(d.owner.id_number) and d.registered < dt.date(2025, 1, 1)
            assert d.id_issued < dt.date(2021, 7, 1)  # the CMND was issued until mid-2021
        else:
            assert d.id_issued >= dt.date(2016, 1, 1)  # CCCD cards exist since 2016
        if d.registered < dt.date(2016, 1, 1):
            assert d.owner.id_kind == "cmnd"
        assert d.owner.birth_date < d.id_issued < d.registered


def test_cccd_province_is_mostly_the_owners_province() -> None:
    same = sum(
        NEW_FOR_OLD[f"{d.owner.birth_province_code:03d}"].code == f"{d.owner.address.province_code:03d}" for d in DRAFTS
    )
    assert same > 0.6 * len(DRAFTS)


def test_plates_are_canonical_and_local_to_the_owners_province() -> None:
    kinds = set()
    for d in DRAFTS:
        cls = d.vehicle.spec.cls
        assert canonical_plate(d.plate, cls) == d.plate, d.plate
        province = BY_CODE[f"{d.owner.address.province_code:03d}"]
        locality = d.plate[:2]
        assert locality in province.plate_codes
        if d.owner.address.old_province_code is not None:  # registered before the reform: old province's code
            assert NEW_FOR_OLD[f"{d.owner.address.old_province_code:03d}"] == province
        digits = len(re.sub(r"\D", "", d.plate.split("-", 1)[1] if cls == "car" else d.plate.split(" ")[1]))
        kinds.add((cls, digits))
        if d.old_plate:
            assert canonical_plate(d.old_plate, cls) == d.old_plate
    assert {("car", 5), ("motorcycle", 5), ("motorcycle", 4)} <= kinds


def test_addresses_follow_the_reform() -> None:
    units = people.new_units()
    for d in DRAFTS:
        a = d.owner.address
        communes = {u.commune for u in units[a.province_code]}
        assert a.commune in communes  # the current commune, whichever era the address was written in
        if d.registered >= REFORM:
            assert a.era == "post2025" and a.text.endswith(f"{a.commune}, {a.province}")
            assert "Huyện" not in a.text and "Quận" not in a.text
        else:  # written before the reform: old ward and district, converted to today's commune
            assert a.era == "pre2025"
            assert a.old_district and a.old_district in a.text and a.old_commune in a.text
    eras = {d.owner.address.era for d in DRAFTS}
    assert eras == {"post2025", "pre2025"}
    assert sum(d.owner.address.era == "post2025" for d in DRAFTS) > 0.55 * len(DRAFTS)


def test_dates_and_layouts_are_consistent() -> None:
    layouts = {d.layout for d in DRAFTS}
    assert layouts == {"legacy_pre2020", "tt58_2020_mau01", "tt79_2024_dkx10"}
    for d in DRAFTS:
        if d.layout == "tt79_2024_dkx10":
            assert d.registered >= dt.date(2025, 1, 1)
        elif d.layout == "tt58_2020_mau01":
            assert dt.date(2020, 8, 1) <= d.registered < dt.date(2025, 1, 1)
        else:
            assert d.registered < dt.date(2020, 8, 1)
        assert d.vehicle.year <= d.registered.year
        age = (d.registered - d.owner.birth_date).days / 365.25
        assert 18 <= age <= 76


def test_names_are_vietnamese_and_follow_surname_frequencies() -> None:
    surnames = [d.owner.name.split()[0] for d in DRAFTS]
    assert surnames.count("NGUYỄN") / len(surnames) == pytest.approx(0.38, abs=0.08)
    assert all(len(d.owner.name.split()) >= 3 for d in DRAFTS)


def test_drafts_are_deterministic_per_seed_and_index() -> None:
    assert draft(1, 7) == DRAFTS[7]
    assert draft(3, 7) != DRAFTS[7]


def test_options_fix_level_format_and_dpi_without_changing_the_dossier() -> None:
    base = DRAFTS[5]
    fixed = draft(1, 5, SampleOptions(quality="poor", format="tiff", dpi=300))
    assert (fixed.quality, fixed.fmt, fixed.dpi) == ("poor", "tiff", 300)
    assert fixed.owner == base.owner and fixed.vehicle == base.vehicle and fixed.plate == base.plate
    with pytest.raises(ValidationError):
        SampleOptions(dpi=50)
