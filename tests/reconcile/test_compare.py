"""Field comparison per type, matching keys and 2025 address conversion."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reconcile import address
from reconcile.compare import (
    MISREAD,
    compare_address,
    compare_chassis,
    compare_date,
    compare_id_number,
    compare_identifier,
    compare_model,
    compare_name,
    compare_text,
)
from reconcile.keys import confusable_only, digits_key, identifier_key, near_miss, plain_key, text_key


def test_identifier_keys_follow_the_data_dictionary() -> None:
    assert identifier_key("29-B1 123.45") == "29B112345"
    assert identifier_key("29-MĐ1 013.53") == "29MD101353"
    assert identifier_key(" jc52e-1234567 ") == "JC52E1234567"
    assert digits_key("001 090 012 345") == "001090012345"


def test_plain_key_maps_d_with_stroke_which_nfd_keeps() -> None:
    assert plain_key("ĐỖ ĐỨC ĐẠT") == "do duc dat"
    assert plain_key("Nguyễn  Văn   An") == "nguyen van an"


@pytest.mark.parametrize(
    ("a", "b", "near"),
    [
        ("RLHJC5210KY123456", "RLHJC5210KY12345G", True),  # substitution
        ("RLHJC5210KY123456", "RLHJC5210KY12346", True),  # deletion
        ("RLHJC5210KY123456", "RLHJC5210KY1234567", True),  # insertion
        ("RLHJC5210KY123456", "RLHJC5210KY123465", False),  # transposition: two edits
        ("ABC", "ABC", False),
    ],
)
def test_near_miss_is_one_edit(a: str, b: str, near: bool) -> None:
    assert near_miss(a, b) is near


def test_confusable_pairs_beyond_one_edit_are_misreads() -> None:
    assert confusable_only("RLH0SB", "RLHOS8")
    assert not confusable_only("RLH0SB", "RLHOSX")
    assert compare_identifier("JC52E-1O345G7", "JC52E-1034567") == (MISREAD, ())


def test_identifiers_exact_misread_or_different() -> None:
    assert compare_identifier("29-B1 123.45", "29B1-12345") == (None, ())
    assert compare_identifier("29-81 123.45", "29-B1 123.45")[0] == MISREAD
    assert compare_identifier("30A-999.99", "29-B1 123.45")[0] == "different value"
    assert compare_id_number("001090012345", "001 090 012 345") == (None, ())
    assert compare_id_number("001090012346", "001090012345")[0] == MISREAD
    assert compare_id_number("079090099999", "001090012345")[0] == "different value"


def test_chassis_by_suffix_where_the_card_omits_the_vin_prefix() -> None:
    reason, notes = compare_chassis("C630CY645859", "RLCS5C630CY645859")
    assert reason is None and "suffix" in notes[0]
    assert compare_chassis("C630CY645B59", "RLCS5C630CY645859")[0] == MISREAD
    assert compare_chassis("X999CY645859", "RLCS5C630CY645859")[0] == "different value"
    assert compare_chassis("RLCS5C630CY645859", "RLCS5C630CY645859") == (None, ())


def test_names_without_diacritics_match_with_a_note() -> None:
    assert compare_name("NGUYỄN VĂN AN", "Nguyễn Văn An") == (None, ())
    assert compare_name("NGUYỄN VĂN AN", "NGUYEN VAN AN") == (None, ("same without diacritics",))
    assert compare_name("ĐỖ ĐỨC ĐẠT", "DO DUC DAT") == (None, ("same without diacritics",))
    assert compare_name("NGUYỄN VĂN AN", "TRẦN THỊ BÌNH")[0] == "different name"
    assert compare_name("NGUYỄN VĂN AN", "NGUYỄN VĂN AH")[0] == MISREAD
    # both typed with marks, marks differ: a diacritic-aware comparison tells them apart
    assert compare_name("NGUYỄN VĂN ÂN", "NGUYỄN VĂN AN") == (MISREAD, ("diacritics differ",))


def test_decomposed_input_is_the_same_name() -> None:
    nfd = unicodedata.normalize("NFD", "NGUYỄN VĂN AN")
    assert compare_name("NGUYỄN VĂN AN", nfd) == (None, ())


def test_dates_text_and_models() -> None:
    assert compare_date("1990-05-12", "1990-05-12") == (None, ())
    assert compare_date("1990", "1990-05-12") == (None, ("only the year on paper",))
    assert compare_date("1990-05-21", "1990-05-12")[0] == "different date"
    assert compare_text("Đỏ - Đen", "đỏ - đen") == (None, ())
    assert compare_text("Đỏ - Đen", "Do - Den") == (None, ("same without diacritics",))
    assert compare_text("Đỏ", "Trắng")[0] == "different value"
    assert compare_model("WAVE ALPHA", "WaveAlpha") == (None, ())


OLD = "12 Hàng Bạc, Phường Hàng Bạc, Quận Hoàn Kiếm, Thành phố Hà Nội"
NEW = "12 Hàng Bạc, Phường Hoàn Kiếm, Thành phố Hà Nội"


def test_address_parsed_into_street_commune_province() -> None:
    old, new = address.parse(OLD), address.parse(NEW)
    assert old.legacy and not new.legacy
    assert old.street == new.street == "12 Hàng Bạc"
    assert old.ward == new.ward == "Phường Hoàn Kiếm"
    assert old.province == "Thành phố Hà Nội" and old.ward_codes == new.ward_codes


def test_renamed_by_the_reform_is_not_moved() -> None:
    assert compare_address(OLD, NEW) == (None, ("renamed by the 2025 reform",))
    hcm_old, hcm_new = "Phường Bến Nghé, Quận 1, TP Hồ Chí Minh", "Phường Sài Gòn, TP Hồ Chí Minh"
    assert compare_address(hcm_old, hcm_new)[0] is None


def test_an_old_commune_divided_by_the_reform_matches_any_of_its_successors() -> None:
    old = "Số 5 ngõ 3, Xã Tân Lập, Huyện Đan Phượng, Hà Nội"
    assert len(address.parse(old).ward_codes) >= 2
    assert compare_address(old, "Số 5 ngõ 3, Xã Ô Diên, Thành phố Hà Nội")[0] is None


def test_moved_and_different_street() -> None:
    assert compare_address(NEW, "12 Hàng Bạc, Phường Ba Đình, Thành phố Hà Nội")[0] == "moved: different commune"
    assert compare_address(NEW, "12 Lê Lợi, Phường Sài Gòn, TP Hồ Chí Minh")[0] == "moved: different province"
    assert compare_address(NEW, "14 Hàng Bạc, Phường Hoàn Kiếm, Thành phố Hà Nội")[0] == (
        "different street or house number"
    )
    assert compare_address(NEW, "12 Hang Bac, Phuong Hoan Kiem, Ha Noi") == (
        None,
        ("street same without diacritics",),
    )


def test_unrecognised_addresses_fall_back_to_text() -> None:
    assert compare_address("Thôn Một, Nơi Nào Đó", "thôn một, nơi nào đó") == (None, ())
    assert compare_address("Thôn Một, Nơi Nào Đó", "Thôn Hai, Nơi Khác")[0] == (
        "different address (address not recognised)"
    )


@given(st.text())
def test_keys_are_idempotent_and_never_raise(text: str) -> None:
    assert identifier_key(identifier_key(text)) == identifier_key(text)
    assert digits_key(digits_key(text)) == digits_key(text)
    assert text_key(text_key(text)) == text_key(text)
    assert plain_key(plain_key(text)) == plain_key(text)


@given(st.text(max_size=40), st.text(max_size=40))
def test_comparators_never_raise_and_are_reflexive(a: str, b: str) -> None:
    for comparator in (
        compare_identifier,
        compare_id_number,
        compare_chassis,
        compare_name,
        compare_text,
        compare_model,
        compare_date,
    ):
        comparator(a, b)
        assert comparator(a, a)[0] is None


@settings(max_examples=40, deadline=None)
@given(st.text(alphabet="abcđĐ ,.-0123456789PhườngXãQuậnHuyệnTỉnh", max_size=60), st.text(max_size=30))
def test_address_comparison_never_raises(a: str, b: str) -> None:
    compare_address(a, b)
    assert compare_address(a, a)[0] is None
