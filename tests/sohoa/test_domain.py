"""Domain facts: VIN check digit and model year, CCCD structure, plate grammar, provinces."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sohoa.domain import cccd, plates, provinces, vin
from sohoa.domain.text import fold


# --- VIN -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "digit"),
    [
        ("1M8GDM9AXKP042788", "X"),  # the textbook example of ISO 3779's check digit
        ("11111111111111111", "1"),
        ("1HGCM82633A004352", "3"),  # Honda Accord VIN as printed on the car
        ("JH4KA7561PC008269", "1"),
    ],
)
def test_check_digit_of_known_vins(text: str, digit: str) -> None:
    assert vin.check_digit(text) == digit
    assert vin.is_valid_vin(text)


def test_wrong_check_digit_is_not_valid() -> None:
    assert not vin.is_valid_vin("1HGCM82643A004352")


@pytest.mark.parametrize(
    "bad", ["1HGCM82633A00435", "1HGCM82633A0043521", "1HGCM8263OA004352", "IHGCM82633A004352"]
)
def test_vin_shape(bad: str) -> None:
    assert not vin.is_vin_shaped(bad)
    with pytest.raises(ValueError):
        vin.check_digit(bad)


def test_model_year_cycle() -> None:
    assert vin.model_year_char(2010) == "A"
    assert vin.model_year_char(2020) == "L"
    assert vin.model_year_char(2024) == "R"
    assert vin.model_year_char(2025) == "S"
    assert vin.model_year_char(2030) == "Y"
    assert vin.model_year_char(2031) == "1"
    assert 2025 in vin.model_years("S")
    assert vin.model_years("I") == () and vin.model_years("0") == () and vin.model_years("") == ()


@given(st.integers(1980, 2069))
def test_model_year_round_trip(year: int) -> None:
    assert year in vin.model_years(vin.model_year_char(year))


def test_wmi_makers() -> None:
    assert vin.maker_for_wmi("RLHJC5210KY000001") == "Honda Vietnam"
    assert vin.brand_for_wmi("RLC") == "YAMAHA"
    assert vin.brand_for_wmi("RP8") == "PIAGGIO"
    assert vin.maker_for_wmi("ZZZ") is None
    assert vin.canonical_brand("vespa") == "PIAGGIO"


@given(st.text(alphabet=vin.VIN_ALPHABET, min_size=17, max_size=17))
def test_with_check_digit_makes_valid(text: str) -> None:
    assert vin.is_valid_vin(vin.with_check_digit(text))


# --- CCCD ------------------------------------------------------------------------------------
def test_parse_cccd() -> None:
    info = cccd.parse_cccd("001190012345")
    assert info == cccd.CccdInfo("001", 1990, True, "012345")
    assert cccd.parse_cccd("079203000123") == cccd.CccdInfo("079", 2003, False, "000123")


@pytest.mark.parametrize(
    "bad", ["00119001234", "0011900123456", "999190012345", "003190012345", "12345678a012"]
)
def test_parse_cccd_rejects(bad: str) -> None:
    # 003 is no province code (Hà Giang is 002, Cao Bằng 004)
    assert cccd.parse_cccd(bad) is None


@given(
    st.sampled_from(sorted(cccd.OLD_PROVINCE_CODES)),
    st.integers(1900, 2099),
    st.booleans(),
    st.integers(0, 999_999),
)
def test_cccd_round_trip(code: str, year: int, female: bool, serial: int) -> None:
    info = cccd.parse_cccd(cccd.make_cccd(code, year, female, serial))
    assert info is not None
    assert (info.province_code, info.birth_year, info.female) == (code, year, female)


def test_century_sex_digit() -> None:
    assert cccd.century_sex_digit(1985, False) == 0
    assert cccd.century_sex_digit(1985, True) == 1
    assert cccd.century_sex_digit(2001, False) == 2
    assert cccd.century_sex_digit(2001, True) == 3
    assert cccd.century_sex_digit(2100, True) == 5


def test_province_code_counts() -> None:
    assert len(cccd.OLD_PROVINCE_CODES) == 63
    assert len(cccd.NEW_PROVINCE_CODES) == 34
    assert cccd.is_cmnd("012345678") and not cccd.is_cmnd("0123456789")


# --- provinces and plates --------------------------------------------------------------------
def test_provinces_absorb_plate_codes() -> None:
    assert len(provinces.PROVINCES) == 34
    hcm = provinces.BY_CODE["079"]
    assert set(hcm.plate_codes) >= {"41", "50", "59", "61", "72"}
    assert provinces.province_for_plate("88") is not None
    assert provinces.province_for_plate("88").name == "Phú Thọ"  # type: ignore[union-attr]
    assert provinces.province_for_code("027").name == "Bắc Ninh"  # type: ignore[union-attr]
    assert provinces.province_for_code("024").name == "Bắc Ninh"  # type: ignore[union-attr]
    assert provinces.province_for_plate("13") is None


@pytest.mark.parametrize(
    ("printed", "canonical", "kind"),
    [
        ("29A-123.45", "29A-123.45", "car"),
        ("29A 12345", "29A-123.45", "car"),
        ("29A-1234", "29A-1234", "car"),
        ("51LD-123.45", "51LD-123.45", "special"),
        ("29-B1 123.45", "29-B1 123.45", "motorcycle"),
        ("29B1-12345", "29-B1 123.45", "motorcycle"),
        ("29-HA 002.33", "29-HA 002.33", "motorcycle"),
        ("29-MĐ1 013.53", "29-MĐ1 013.53", "motorcycle"),
        ("29-mđ1 013.53", "29-MĐ1 013.53", "motorcycle"),
        ("59-X1 2345", "59-X1 2345", "motorcycle"),
        ("T29-12345", "T29-123.45", "temporary"),
        ("41-291-NG-01", "41-291-NG-01", "foreign"),
    ],
)
def test_plate_grammar(printed: str, canonical: str, kind: str) -> None:
    info = plates.parse_plate(printed)
    assert info is not None and info.kind == kind
    assert plates.format_plate(info) == canonical
    assert plates.canonical_plate(canonical) == canonical


@pytest.mark.parametrize(
    "bad", ["29A-000.00", "13A-123.45", "29I-123.45", "29A-123", "29A-1234567", "ABC", ""]
)
def test_plate_rejects(bad: str) -> None:
    assert plates.parse_plate(bad) is None


def test_two_letter_series_needs_a_hint() -> None:
    assert plates.canonical_plate("30AA12345", "car") == "30AA-123.45"
    assert plates.canonical_plate("30AA12345", "motorcycle") == "30-AA 123.45"
    assert plates.canonical_plate("30AA-12345", "motorcycle") == "30AA-123.45"  # the print wins
    assert plates.parse_plate("29A-123.45").province.code == "001"  # type: ignore[union-attr]


@given(st.text(max_size=40))
def test_plate_parse_never_raises(text: str) -> None:
    info = plates.parse_plate(text)
    if info is not None:
        canonical = plates.format_plate(info)
        assert plates.canonical_plate(canonical) == canonical


def test_fold() -> None:
    assert fold("Số  KHUNG") == "so khung"
    assert fold("Đăng ký") == "dang ky"
