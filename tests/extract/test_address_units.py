"""Address unit names run together by OCR, noise after the province, official casing, merged readings."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from extract.address import normalize, split_units
from extract.gazetteer import restore
from extract.names import richest

# ---------------------------------------------------------------- commas restored


def test_a_comma_lost_before_a_bare_province_is_restored() -> None:
    assert split_units("Thôn Nam, Xã Nhôn Mai Nghệ An") == "Thôn Nam, Xã Nhôn Mai, Nghệ An"
    assert normalize("Thôn Nam, Xã Nhôn Mai Nghệ An").value == "Thôn Nam, Xã Nhôn Mai, Nghệ An"


def test_a_comma_lost_between_a_street_and_its_ward_is_restored() -> None:
    raw = "Số 286 Nguyễn Huệ Phường 6, Thành phố Đà Lạt, Tỉnh Lâm Đồng"
    want = "Số 286 Nguyễn Huệ, Phường 6, Thành phố Đà Lạt, Tỉnh Lâm Đồng"
    assert split_units(raw) == want
    got = normalize(raw)
    assert got.value == want
    assert not got.doubt  # the province is named


# ---------------------------------------------------------------- noise after the province


def test_a_short_noise_word_after_the_province_is_dropped() -> None:
    raw = "Số 1 Tràng Tiền, Phường Hoàn Kiếm, Thành phố Hà Nội h"
    want = "Số 1 Tràng Tiền, Phường Hoàn Kiếm, Thành phố Hà Nội"
    assert split_units(raw) == want
    assert normalize(raw).value == want


def test_two_noise_tokens_after_a_bare_province_are_dropped_by_normalize() -> None:
    assert normalize("Xã Vĩnh Gia, An Giang ‹ về").value == "Xã Vĩnh Gia, An Giang"
    assert normalize("Xã Mỹ Hòa, Tỉnh An Giang ‹ về").value == "Xã Mỹ Hòa, Tỉnh An Giang"


def test_split_units_drops_both_noise_tokens_after_the_province() -> None:
    assert split_units("Xã Vĩnh Gia, An Giang ‹ về") == "Xã Vĩnh Gia, An Giang"


# ---------------------------------------------------------------- left alone


@pytest.mark.parametrize("address", [
    "Xóm Hòa Bình, Xã Vĩnh Gia, An Giang",  # a hamlet named like a province is not cut: bare provinces end only
    "Thành phố Hồ Chí Minh",
    "Phường Thái Bình, Hưng Yên",  # "Phường" is never split from "Thái Bình"
    "Số 12 Nguyễn Huệ, Phường Phú Hội, Thành phố Huế",
    "Số 5 Nguyễn Huệ Huế",  # one word is never a bare province: "Huệ"/"Huế" stays
    "Số 5, Phường Láng Hạ, Thành phố Hà Nội",
])
def test_addresses_that_read_right_are_unchanged(address: str) -> None:
    assert split_units(address) == address
    assert normalize(address).value == address


def test_a_street_named_nguyen_hue_is_not_cut_as_hue() -> None:
    assert split_units("Số 12 Nguyễn Huệ") == "Số 12 Nguyễn Huệ"
    assert split_units("Số 12 Nguyễn Huệ, Thành phố Huế") == "Số 12 Nguyễn Huệ, Thành phố Huế"


@pytest.mark.parametrize("unit", ["Phường Láng Hạ", "Xã Tự Do", "Xã Ba Vì", "Thị trấn Chợ Rã"])
def test_a_last_unit_with_a_short_last_word_is_kept_whole(unit: str) -> None:
    assert split_units(f"Thôn 1, {unit}") == f"Thôn 1, {unit}"


@pytest.mark.parametrize("city", ["TP Hồ Chí Minh", "TP Hà Nội", "TP. Hồ Chí Minh"])
def test_the_abbreviation_tp_is_not_split_from_its_city(city: str) -> None:
    assert split_units(f"Số 1, Phường Bến Nghé, {city}") == f"Số 1, Phường Bến Nghé, {city}"


# ---------------------------------------------------------------- official casing (gazetteer.restore)


def test_a_name_word_misread_in_lower_case_takes_the_official_case() -> None:
    assert restore("Tỉnh lai Châu") == ("Tỉnh Lai Châu", 1)
    assert restore("Xã Mường Tè, Tỉnh lai Châu") == ("Xã Mường Tè, Tỉnh Lai Châu", 1)


def test_a_lower_case_kind_word_keeps_its_lower_case() -> None:
    assert restore("Số 3, phường Tân Hòa, Tỉnh Lai Châu") == ("Số 3, phường Tân Hòa, Tỉnh Lai Châu", 0)
    # respelled (marks restored) but the kind word stays as printed
    assert restore("Số 1, phường hoan kiem, Thành phố Hà Nội") == ("Số 1, phường Hoàn Kiếm, Thành phố Hà Nội", 1)
    assert restore("Phuong Hoan Kiem") == ("Phường Hoàn Kiếm", 1)


def test_a_part_in_capitals_stays_in_capitals() -> None:
    assert restore("THÀNH PHỐ HÀ NỘI") == ("THÀNH PHỐ HÀ NỘI", 0)
    assert restore("PHUONG HOAN KIEM") == ("PHƯỜNG HOÀN KIẾM", 1)
    assert restore("XÃ KIM HY, TỈNH BẮC KẠN") == ("XÃ KIM HỶ, TỈNH BẮC KẠN", 1)


# ---------------------------------------------------------------- merged readings (names.richest)


FULL = "Số 286 Nguyễn Huệ, Phường 6, Thành phố Đà Lạt, Tỉnh Lâm Đồng"


@pytest.mark.parametrize("spellings", [
    ["Số 286 Nguyễn Huệ", FULL],
    [FULL, "Số 286 Nguyễn Huệ"],
    ["So 286 Nguyen Hue", FULL, "Số 286 Nguyễn Huệ"],
])
def test_a_reading_cut_short_keeps_the_full_readings_commas(spellings: list[str]) -> None:
    assert richest(spellings) == FULL


def test_richest_prefers_the_marked_spelling_where_pages_split_evenly() -> None:
    assert richest(["Xa Kim Hy", "Xã Kim Hỷ"]) == "Xã Kim Hỷ"


# ---------------------------------------------------------------- properties


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_split_units_never_raises_on_arbitrary_text(text: str) -> None:
    assert isinstance(split_units(text), str)


_WORDS = st.sampled_from(["Xã", "Phường", "Thành", "phố", "Hà", "Nội", "An", "Giang", "Nghệ", "Huệ", "h", "‹",
                          "về", ",", "Số", "12", "Tỉnh", "Lâm", "Đồng", "Nhôn", "Mai", "Thôn", "Nam", "6"])


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), st.lists(_WORDS, max_size=10).map(" ".join)))
@example("Xã Vĩnh Gia, An Giang ‹ về")
@example("Thành Xã Thành Hà")
def test_split_units_is_idempotent(text: str) -> None:
    once = split_units(text)
    assert split_units(once) == once


# ---------------------------------------------------------------- unit names within the province


def test_a_unit_name_that_folds_like_others_takes_the_spelling_of_its_province() -> None:
    # "Xã Thanh Phong" and "Xã Thạnh Phong" both exist, so only the province can choose
    got = normalize("Thôn 10, Xã Thanh Phòng, Thanh Hóa")
    assert got.value == "Thôn 10, Xã Thanh Phong, Thanh Hóa" and got.corrections == 1
    old = normalize("Khu phố An Thịnh, Xã Thanh Vận, Huyện Quản Bạ, Tỉnh Hà Giang")  # pre-2025 province
    assert old.value == "Khu phố An Thịnh, Xã Thanh Vân, Huyện Quản Bạ, Tỉnh Hà Giang"


def test_a_unit_name_in_no_official_list_is_a_soft_doubt() -> None:
    got = normalize("Bản Hòa Bình, Xã la BLứ, Huyện Chư Pưnh, Tỉnh Gia Lai")
    assert got.value == "Bản Hòa Bình, Xã la BLứ, Huyện Chư Pưnh, Tỉnh Gia Lai" and not got.doubt
    assert "address: a unit name is not spelled as any in the official lists" in got.reasons
    for fine in ("Số 5, Phường Bến Nghé, Thành phố Hồ Chí Minh", "Số 5, phường Tân Hòa, TP Hồ Chí Minh"):
        assert normalize(fine).reasons == ()


@pytest.mark.parametrize("address", [
    "Khu phố 3, Xã Vĩnh Thịnh, Huy Vĩnh Thạnh, Tỉnh Bình Định",  # "Huyện" misread
    "Tổ dân phố 12, Xã Phú Hồ, Thành Huế",  # "Thành phố" lost a word
])
def test_a_part_after_the_units_without_its_kind_word_is_a_soft_doubt(address: str) -> None:
    got = normalize(address)
    assert got.value == address and not got.doubt
    assert "address: a unit name is not spelled as any in the official lists" in got.reasons


@pytest.mark.parametrize("address", [
    "Số 12, ngõ 34, phố Huế, Phường Hàng Bài, Hà Nội",  # parts before the units name no kind either
    "Số 22 ngõ 120 Phan Đình Phùng, Phường Nha Trang, Khánh Hòa",  # a bare province ends it
])
def test_street_parts_and_a_bare_last_province_are_no_doubt(address: str) -> None:
    assert normalize(address).reasons == ()


def test_pages_merged_word_by_word_never_take_a_mark_that_breaks_a_syllable() -> None:
    from extract.checked import Checked
    from extract.record import Candidate, reconcile

    def cand(page: int, value: str) -> Candidate:
        return Candidate("owner_address", page, value, Checked(value), None, 0.9, "page")

    # "Hưệ" has more marks than "Huệ", but no Vietnamese syllable spells ư before ê
    rec = reconcile("owner_address", [cand(1, "Số 94 ngõ 49 Nguyễn Hưệ, Phường Bình Hưng Hòa"),
                                      cand(2, "Số 94 ngõ 49 Nguyễn Huệ, Phường Bình Hưng Hòa")])
    assert rec.chosen is not None and rec.chosen.value == "Số 94 ngõ 49 Nguyễn Huệ, Phường Bình Hưng Hòa"


@pytest.mark.parametrize(("read", "street"), [
    ("Số 114 Phản Đình Phùng, Phường Tân Phước Khánh, Tỉnh Bình Dương", "Số 114 Phan Đình Phùng"),
    ("Số 187 Hùng Vượng, Phường 4, Thành phố Vũng Tàu", "Số 187 Hùng Vương"),
    ("SỐ 5 LÊ LƠI, Phường Bến Nghé, Thành phố Hồ Chí Minh", "Số 5 LÊ LỢI"),  # capitals stay capitals
])
def test_a_well_known_street_misread_by_a_mark_is_restored(read: str, street: str) -> None:
    got = normalize(read)
    assert got.value is not None and got.value.split(",")[0] == street
    assert "address: a well-known street name's marks restored" in got.reasons and got.corrections >= 1


@pytest.mark.parametrize("address", [
    "Số 9 Phan Đình Phùng, Phường Nha Trang, Khánh Hòa",  # listed and right
    "Số 9 Phan Văn Trị, Phường Nha Trang, Khánh Hòa",  # not listed: left alone
    "Thôn Phạn Đình, Xã Cảm Nhân, Lào Cai",  # no listed name folds like these words
])
def test_streets_spelled_right_or_unlisted_are_left_alone(address: str) -> None:
    got = normalize(address)
    assert got.value == address and not any("street name" in r for r in got.reasons)


@pytest.mark.parametrize(("read", "address"), [
    ("Tổ dân phế Trung, Xã Thượng Trưng, Huyện Vĩnh Tường, Tỉnh Vĩnh Phúc",
     "Tổ dân phố Trung, Xã Thượng Trưng, Huyện Vĩnh Tường, Tỉnh Vĩnh Phúc"),  # a kind word one letter off
    ("$ố 19 ngõ 197 Hai Bà Trưng, Phường An Thắng, Thành phố Đà Nẵng",
     "Số 19 ngõ 197 Hai Bà Trưng, Phường An Thắng, Thành phố Đà Nẵng"),  # S read as a dollar
    ("Khu Phú Mỹ, Xã Vĩnh Thịnh, Tỉnh Bình Định", "Khu Phú Mỹ, Xã Vĩnh Thịnh, Tỉnh Bình Định"),  # a name, kept
])
def test_the_opening_kind_word_is_mended_only_where_unambiguous(read: str, address: str) -> None:
    assert normalize(read).value == address
