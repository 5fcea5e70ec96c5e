"""Dates whose separators OCR misread (the slash read as 1, ! or I) are read whole."""

from __future__ import annotations

import pytest

from extract.dates import normalize, normalize_birth


@pytest.mark.parametrize(("raw", "fixed"), [
    ("22104/2023", 1),  # the first slash read as 1
    ("22!04I2023", 2),  # read as ! and I
    ("2210412023", 2),  # both read as 1: ten digits are no date, so the grammar's separators are separators
    ("22/04I2023", 1),
])
def test_misread_separators_of_a_ten_character_date_are_corrected(raw: str, fixed: int) -> None:
    got = normalize(raw)
    assert got.value == "2023-04-22"
    assert got.corrections == fixed > 0
    assert any("separator" in r for r in got.reasons)
    assert not got.doubt


@pytest.mark.parametrize("raw", ["22/04/2023", "22-04-2023", "22.04.2023", "22 / 04 / 2023"])
def test_a_well_formed_date_needs_no_correction(raw: str) -> None:
    got = normalize(raw)
    assert got.value == "2023-04-22"
    assert got.corrections == 0
    assert got.reasons == ()


@pytest.mark.parametrize("raw", ["ngày 22 tháng 04 năm 2023", "Ngày 22 tháng 4 năm 2023", "ngay 22 thang 04 nam 2023"])
def test_a_date_written_in_words_is_read(raw: str) -> None:
    got = normalize(raw)
    assert got.value == "2023-04-22"
    assert got.corrections == 0


@pytest.mark.parametrize("raw", ["31/02/2023", "22/94/2823", "31104/2023", "1234567890"])
def test_impossible_dates_are_rejected(raw: str) -> None:
    got = normalize(raw)
    assert got.value is None
    assert got.doubt
    assert got.reasons


def test_a_year_out_of_range_is_rejected() -> None:
    assert normalize("22/04/1850").value is None
    assert normalize("22/04/2823").value is None


def test_a_birth_year_alone_is_kept_but_doubted() -> None:
    got = normalize_birth("1985")
    assert got.value == "1985"
    assert got.doubt
    assert normalize("1985").value is None  # a plain date field wants the whole date


@pytest.mark.parametrize("raw", ["28/08/1995 ˆ m", "28/08/1995 m..", "28.08.1995 ~x"])
def test_marks_after_a_clean_date_are_left_out_and_counted(raw: str) -> None:
    got = normalize_birth(raw)
    assert got.value == "1995-08-28"
    assert got.corrections == 1
    assert "date: marks after the date were left out" in got.reasons


@pytest.mark.parametrize("raw", ["28/08/1995 5", "28/08/1995 12a", "2B/08/1995 x"])
def test_nothing_is_cut_where_digits_follow_or_the_date_itself_is_damaged(raw: str) -> None:
    assert normalize_birth(raw).value is None
