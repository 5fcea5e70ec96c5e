"""Field normalizers and validators: real-world shapes, grammar-only corrections, and properties."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extract import address, dates, engine, idnumber, names, plate, vehicle, vin
from extract.normalizers import NORMALIZERS, normalize
from sohoa.domain.vin import with_check_digit

HONDA_VIN = "RLHJC5217KY000001"  # check digit 7 computed by ISO 3779 (see tests/sohoa/test_domain.py)
YAMAHA_VIN = with_check_digit("RLCS5C630CY645859")


# --- plates ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("29A-123.45", "29A-123.45"),  # car, 5-digit order
        ("29A-1234", "29A-1234"),  # car, old 4-digit order
        ("30 A 123.45", "30A-123.45"),
        ("29-B1 123.45", "29-B1 123.45"),  # motorcycle
        ("59-X1 2345", "59-X1 2345"),  # motorcycle, 4 digits
        ("29 - MĐ1 013.53", "29-MĐ1 013.53"),  # electric
        ("Z9A-l23.45", "29A-123.45"),  # Z and l where digits must stand
        ("29-8I 123.45", "29-B1 123.45"),  # 8 where the series letter stands, I where 1-9 stands
        ("29-MD1 013.53", "29-MĐ1 013.53"),  # the stroke of Đ lost
    ],
)
def test_plate(raw: str, value: str) -> None:
    assert plate.normalize(raw).value == value


@pytest.mark.parametrize("raw", ["29A-000.00", "13A-123.45", "ABCDEFG", "", "29"])
def test_plate_rejected(raw: str) -> None:
    assert plate.normalize(raw).value is None


def test_plate_two_letter_series_is_ambiguous_without_class() -> None:
    got = plate.normalize("30AA12345")
    assert got.doubt and "ambiguous" in " ".join(got.reasons)
    assert plate.normalize("30AA12345", "car").value == "30AA-123.45"
    assert plate.normalize("30AA12345", "motorcycle").value == "30-AA 123.45"


def test_plate_correction_is_reported() -> None:
    got = plate.normalize("Z9A-123.45")
    assert got.corrections == 1 and got.reasons


# --- chassis ---------------------------------------------------------------------------------
def test_valid_vins_pass() -> None:
    for v in (HONDA_VIN, YAMAHA_VIN, "1M8GDM9AXKP042788"):
        got = vin.normalize(v)
        assert got.value == v and got.ok and not got.reasons


def test_vin_ioq_become_digits() -> None:
    got = vin.normalize("RLHJC52I7KYOOOOO1")
    assert got.value == HONDA_VIN and got.corrections == 6


def test_vin_o_is_read_by_the_check_digit_when_only_one_reading_passes() -> None:
    truth = with_check_digit("RLHHD0802AY427719")  # the rubbing's stamped D read as O
    got = vin.normalize(truth.replace("D", "O", 1))
    assert got.value == truth and not got.doubt and got.corrections == 1 and "O→D" in got.reasons[0]
    ones = vin.normalize("RLHJC52I7KYOOOOO1")  # several O→0/D readings pass: a person decides
    assert ones.value == HONDA_VIN and ones.doubt and "more than one way" in ones.reasons[1]


@pytest.mark.parametrize("read", ["4" + YAMAHA_VIN, YAMAHA_VIN + "7"])
def test_vin_with_a_smudge_at_one_edge_is_cut_and_doubted(read: str) -> None:
    got = vin.normalize(read)  # "4RLHJF4505NY923506": the rubbing's ragged end read as a character
    assert got.value == YAMAHA_VIN and got.doubt and "edge cut" in got.reasons[0]
    inner = YAMAHA_VIN[:8] + "Z" + YAMAHA_VIN[8:]  # a character too many inside: no cut makes it valid
    assert vin.normalize(inner).value == inner and vin.normalize(inner).doubt


def test_vin_wrong_check_digit_is_doubted_not_fixed() -> None:
    bad = HONDA_VIN[:8] + "3" + HONDA_VIN[9:]
    got = vin.normalize(bad)
    assert got.value == bad and got.doubt and "check digit" in got.reasons[0]


def test_vin_bad_model_year_character() -> None:
    v = with_check_digit(HONDA_VIN[:9] + "U" + HONDA_VIN[10:])  # U is never a model-year character
    assert vin.normalize(v).doubt


@pytest.mark.parametrize("frame", ["C630CY645859", "JC52E-1234567", "KF08-123456", "DH110E123456"])
def test_old_frame_numbers_are_kept_not_forced(frame: str) -> None:
    got = vin.normalize(frame)
    assert got.value == frame and not got.doubt and "not a 17-character VIN" in got.reasons[0]


def test_vin_near_miss_length_is_doubted() -> None:
    assert vin.normalize(HONDA_VIN[:-1]).doubt
    assert vin.normalize("ABC").value is None


def test_vin_suffix_names_the_same_vehicle() -> None:
    assert vin.same_vehicle(YAMAHA_VIN, YAMAHA_VIN[5:])
    assert not vin.same_vehicle(YAMAHA_VIN, "C630CY645850")
    assert not vin.same_vehicle(YAMAHA_VIN, "645859")  # too short to say


# --- engine ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("raw", "value", "doubt"),
    [
        ("5C63645910", "5C63645910", False),
        ("jc52e-1234567", "JC52E-1234567", False),
        ("JC52E-12345G7", "JC52E-1234567", False),  # the serial after the hyphen is digits
        ("JC52E - 1234567", "JC52E-1234567", False),
        ("HELLO WORLD", "HELLOWORLD", True),
        # 6-digit serials run on from the model code as printed (Ford, Piaggio, Yamaha shapes)
        ("P5AT417560", "P5AT417560", False),
        ("M831M344197", "M831M344197", False),
        ("RZ4E379686", "RZ4E379686", False),
        # a 7-digit serial is printed after a hyphen: without one it was probably lost
        ("JA39E8812093", "JA39E8812093", True),
        ("1TR2206219", "1TR2206219", True),
        ("L15Z6068495", "L15Z6068495", True),
    ],
)
def test_engine(raw: str, value: str, doubt: bool) -> None:
    got = engine.normalize(raw)
    assert got.value == value and got.doubt is doubt


@pytest.mark.parametrize(
    ("raw", "brand", "value", "doubt"),
    [
        ("JF58E-0370574", "HONDA", "JF58E-0370574", False),
        ("JFB8E-0370574", "HONDA", "JFB8E-0370574", True),  # a letter where Honda's code has a digit
        ("JFS58E-0370574", "HONDA", "JFS58E-0370574", True),  # a character read twice
        ("HAO8E-3986155", "HONDA", "HA08E-3986155", False),  # O at a digit's place is a zero
        ("L15Z-7172267", "HONDA", "L15Z-7172267", False),  # a car engine's code: not checked
        ("JFB8E-0370574", "YAMAHA", "JFB8E-0370574", False),  # no shape known for the maker
        ("JFB8E-0370574", None, "JFB8E-0370574", False),
    ],
)
def test_engine_model_code_follows_the_makers_shape(raw: str, brand: str | None, value: str, doubt: bool) -> None:
    got = engine.normalize(raw, brand)
    assert got.value == value and got.doubt is doubt
    assert bool(got.corrections) is (raw != value)


# --- ID numbers ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("raw", "value", "doubt"),
    [
        ("001190012345", "001190012345", False),  # CCCD, Hà Nội, woman born 1990
        ("001 190 012 345", "001190012345", False),
        ("0O119OO12345", "001190012345", False),  # O where only digits stand
        ("123456789", "123456789", False),  # old 9-digit CMND
        ("999190012345", "999190012345", True),  # no such province code
    ],
)
def test_id_number(raw: str, value: str, doubt: bool) -> None:
    got = idnumber.normalize(raw)
    assert got.value == value and got.doubt is doubt


@pytest.mark.parametrize("raw", ["12345", "0011900123456", "ABCXYZ", ""])
def test_id_number_rejected(raw: str) -> None:
    assert idnumber.normalize(raw).value is None


# --- dates -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("05/03/2020", "2020-03-05"),
        ("5-3-2020", "2020-03-05"),
        ("05.03.2020", "2020-03-05"),
        ("ngày 05 tháng 03 năm 2020", "2020-03-05"),
        ("O5/O3/2O2O", "2020-03-05"),
        ("05032020", "2020-03-05"),
    ],
)
def test_dates(raw: str, value: str) -> None:
    assert dates.normalize(raw).value == value


@pytest.mark.parametrize("raw", ["31/02/2020", "2020", "hello", "05/03/1850"])
def test_dates_rejected(raw: str) -> None:
    assert dates.normalize(raw).value is None


def test_birth_date_may_be_a_year() -> None:
    assert dates.normalize_birth("1985").value == "1985"
    assert dates.normalize_birth("21/03/1958").value == "1958-03-21"


# --- names, addresses, vehicle ---------------------------------------------------------------
def test_names() -> None:
    assert names.normalize("Nguyễn  văn An").value == "NGUYỄN VĂN AN"
    assert names.normalize("Nguyễn Văn An").value == names.normalize("NGUYỄN VĂN AN").value
    assert names.normalize("Nguyễn Văn 4n").doubt
    assert names.normalize("An").value is None


def test_surname_with_lost_or_changed_marks_is_restored_from_the_list() -> None:
    restored = names.normalize("NGUYÊN MỸ HỒNG ANH")
    assert restored.value == "NGUYỄN MỸ HỒNG ANH" and restored.corrections == 1
    assert any("surname" in r for r in restored.reasons)
    assert names.normalize("DANG VĂN PHONG").value == "ĐẶNG VĂN PHONG"
    assert names.normalize("NGUYỄN VĂN AN").corrections == 0  # listed as read: untouched
    assert names.normalize("ĐHAM HOÀI HOA").value == "ĐHAM HOÀI HOA"  # unknown: never guessed


def test_richest_keeps_the_fullest_marks_word_by_word() -> None:
    assert names.richest(["NGUYÊN DUY TRUNG", "NGUYỄN DUY TRUNG"]) == "NGUYỄN DUY TRUNG"
    assert names.richest(["TRẦN HOAI THUY", "TRAN HOÀI THỦY"]) == "TRẦN HOÀI THỦY"
    assert names.richest(["Số 278 Trân Phú", "Số 278 Trần Phú"]) == "Số 278 Trần Phú"
    assert names.richest(["HUỲNH CÔNG GIANG", "HUỲNH CỘNG GIANG", "HUỲNH CÔNG GIANG"]) == "HUỲNH CÔNG GIANG"
    assert names.richest(["Xóm 14, Xã Thanh Phước, Vĩnh Long", "Xóm 14, Xã Thạnh Phước, Vĩnh Long",
                          "Xóm 14, Xã Thạnh Phước,"]) == "Xóm 14, Xã Thạnh Phước, Vĩnh Long"


def test_name_is_nfc() -> None:
    decomposed = "Nguye\u0302\u0303n Va\u0306n An"
    assert names.normalize(decomposed).value == "NGUYỄN VĂN AN"


def test_addresses() -> None:
    got = address.normalize("…. Số 12, phường Ba Đình ,Hà Nội ....")
    assert got.value == "Số 12, phường Ba Đình, Hà Nội" and got.ok
    assert (
        address.normalize("Xóm 12,.Xã.Phú-Lương, Tỉnh Thái Nguyên").value
        == "Xóm 12, Xã Phú Lương, Tỉnh Thái Nguyên"
    )
    assert address.province_of("ấp 2, xã Long Hải, tỉnh Bà Rịa - Vũng Tàu").code == "079"  # type: ignore[union-attr]
    assert address.province_of("phường Bến Nghé, TP. Hồ Chí Minh").code == "079"  # type: ignore[union-attr]
    assert address.normalize("thôn 3, xã Đông").doubt  # no province


def test_vehicle_fields() -> None:
    assert vehicle.normalize_brand("H0NDA").value == "HONDA"
    assert vehicle.normalize_brand("Zongshen X").doubt
    assert vehicle.normalize_colour("Do - Den").value == "Đỏ - Đen"
    assert vehicle.normalize_colour("Đỏ đen").value == "Đỏ đen"
    assert vehicle.normalize_vehicle_type("Xe mo to hai banh").value == "Xe mô tô hai bánh"
    assert vehicle.normalize_capacity("109,1 cm3").value == "109,1 cm3"
    assert vehicle.normalize_capacity("1O9.1").value == "109.1 cm3"
    assert vehicle.normalize_year("2O19").value == "2019"
    assert vehicle.normalize_year("19").value is None


@pytest.mark.parametrize(("raw", "capacity"), [
    ("149,,7", "149,7 cm3"),   # a doubled comma
    ("108., 2", "108,2 cm3"),  # a comma read as a point and a comma, then a space
    ("97 . 1", "97.1 cm3"),
])
def test_a_capacitys_decimal_separator_is_one_however_ocr_spaced_or_doubled_it(raw: str, capacity: str) -> None:
    got = vehicle.normalize_capacity(raw)
    assert got.value == capacity and got.corrections == 1 and got.ok
    assert vehicle.normalize_model("wave  alpha").value == "WAVE ALPHA"


# --- properties ------------------------------------------------------------------------------
@settings(max_examples=150, deadline=None)
@given(name=st.sampled_from(sorted(NORMALIZERS)), text=st.text(max_size=60))
def test_no_normalizer_raises_on_arbitrary_text(name: str, text: str) -> None:
    got = normalize(name, text)
    assert got.value is None or isinstance(got.value, str)


IDEMPOTENT = sorted(set(NORMALIZERS) - {"birth_date", "date"})  # dates go ISO, a different shape


@settings(max_examples=150, deadline=None)
@given(
    name=st.sampled_from(IDEMPOTENT),
    text=st.text(alphabet="0123456789ABCDEFGHKLMNOPSTUVXYZĐđáàảãạ -./,:…", max_size=40),
)
def test_normalizers_are_idempotent(name: str, text: str) -> None:
    once = normalize(name, text).value
    if once is not None:
        assert normalize(name, once).value == once


@settings(max_examples=100, deadline=None)
@given(st.dates())
def test_dates_round_trip(day) -> None:  # type: ignore[no-untyped-def]
    got = dates.normalize(day.strftime("%d/%m/%Y")).value
    assert got == (day.isoformat() if 1900 <= day.year <= 2100 else None)


@settings(max_examples=300, deadline=None)
@given(
    name=st.sampled_from(sorted(NORMALIZERS)),
    text=st.text(alphabet="0123456789.,:-/ OoIlSBDĐZGcm3ngàyth", max_size=30),
)
def test_no_normalizer_raises_on_ocr_like_text(name: str, text: str) -> None:
    """Digits, look-alike letters and leader dots, the text OCR makes of a dotted form line."""
    got = normalize(name, text)
    assert got.value is None or isinstance(got.value, str)


def test_address_unit_names_take_their_official_spelling() -> None:
    got = address.normalize("Ap Nam, Xã Sơn Bình, Huyện Chau Đức, Tinh Bà Ria - Vũng Tàu")
    assert got.value == "Ấp Nam, Xã Sơn Bình, Huyện Châu Đức, Tỉnh Bà Rịa - Vũng Tàu"
    assert got.corrections == 3 and got.ok
    assert address.normalize("Số 12, phường Ba Đình, Hà Nội").value == "Số 12, phường Ba Đình, Hà Nội"
    assert address.normalize("Thôn 9, Xã Zzyzx, Hà Nội").value == "Thôn 9, Xã Zzyzx, Hà Nội"  # unknown: kept


def test_a_cmnd_note_informs_the_reviewer_but_is_no_doubt_in_the_evidence() -> None:
    from extract.record import Candidate, _evidence, reconcile
    from sohoa.doctypes import load_doctype

    spec = load_doctype("vehicle_registration").fields["owner_id_number"]

    def soft_doubts(raw: str) -> tuple[int, tuple[str, ...]]:
        checked = idnumber.normalize(raw)
        rec = reconcile("owner_id_number", [Candidate("owner_id_number", 1, raw, checked, None, 0.95, "page")])
        return _evidence(spec, rec, [], 1, {}).soft_doubts, checked.reasons

    assert soft_doubts("140727849") == (0, ("ID number: 9-digit CMND (no structure to check)",))
    doubts, reasons = soft_doubts("999203012345")  # 999 is no province code
    assert doubts == 1 and reasons == ("ID number: first three digits are no province code",)
