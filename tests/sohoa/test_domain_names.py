"""Name syllables (sohoa/domain/names.py) and their use on owner names (extract/names.py).

A name word read with one mark changed ("HẰNG" -> "HÃNG") is a well-formed syllable
nobody is named: outside the stock it is a soft reason to look again, never a change
of the value nor a doubt; voted between pages, the known spelling wins.
"""

from __future__ import annotations

import unicodedata

import pytest

from extract.names import normalize, richest
from sohoa.domain.names import NAME_SYLLABLES, is_misread_name_syllable, is_name_syllable

KNOWN = ("Nguyễn", "Thị", "Hằng", "Minh", "Nhung", "Dũng", "Phương", "Trần", "Lê", "Đức", "Văn", "Quỳnh")
MISREAD = ("HÃNG", "MỊNH", "NHŨNG")
OUTSIDE = "name: a word outside the common name syllables (a mark may be misread)"


@pytest.mark.parametrize("word", KNOWN)
def test_common_name_words_are_known_in_any_case(word: str) -> None:
    for form in (word, word.upper(), word.lower()):
        assert is_name_syllable(form), form


@pytest.mark.parametrize("word", [w for w in KNOWN if unicodedata.normalize("NFD", w) != w])
def test_common_name_words_with_marks_are_known_decomposed(word: str) -> None:
    for form in (word, word.upper(), word.lower()):
        assert is_name_syllable(unicodedata.normalize("NFD", form)), form


def test_the_stock_is_upper_case_nfc() -> None:
    assert "HẰNG" in NAME_SYLLABLES
    assert all(w == unicodedata.normalize("NFC", w).upper() for w in NAME_SYLLABLES)
    assert len(NAME_SYLLABLES) > 300


@pytest.mark.parametrize("word", MISREAD)
def test_a_mark_misread_is_not_a_known_name_syllable(word: str) -> None:
    assert not is_name_syllable(word)
    assert not is_name_syllable(word.lower())
    assert not is_name_syllable(unicodedata.normalize("NFD", word))


def test_a_word_is_not_known_by_its_letters_alone() -> None:
    assert is_name_syllable("HẰNG") and not is_name_syllable("HÁNG")
    assert not is_name_syllable("")
    assert not is_name_syllable("NGUYỄN VĂN")  # one syllable at a time


@pytest.mark.parametrize("name", ["NGUYỄN THỊ HÃNG", "TRẦN VĂN MỊNH", "LÊ THỊ NHŨNG"])
def test_normalize_doubts_a_mark_misread_on_a_name_syllable(name: str) -> None:
    checked = normalize(name)
    assert checked.value == name  # never changed
    assert checked.doubt is True  # a known syllable with other marks: review, whatever the confidence
    assert checked.reasons == ("name: a word is a name syllable with its marks misread",)


@pytest.mark.parametrize("name", ["NGUYỄN VĂN KHOÁI", "LÊ THỊ BƯỚM"])
def test_normalize_gives_a_soft_reason_for_a_word_outside_the_stock(name: str) -> None:
    checked = normalize(name)
    assert checked.value == name and checked.doubt is False  # rare names exist
    assert OUTSIDE in checked.reasons


@pytest.mark.parametrize("name", ["NGUYỄN THỊ HẰNG", "TRẦN VĂN MINH", "LÊ THỊ NHUNG"])
def test_normalize_gives_no_reason_when_every_word_is_known(name: str) -> None:
    checked = normalize(name)
    assert checked.value == name
    assert checked.reasons == ()
    assert checked.doubt is False


def test_le_thi_dung_has_no_doubt() -> None:
    checked = normalize("LÊ THỊ DUNG")
    assert checked.value == "LÊ THỊ DUNG"
    assert checked.doubt is False
    assert checked.reasons == ()


def test_normalize_reads_lower_case_and_nfd_as_the_canonical_name() -> None:
    checked = normalize(unicodedata.normalize("NFD", "nguyễn thị hằng"))
    assert checked.value == "NGUYỄN THỊ HẰNG"
    assert checked.reasons == ()


def test_richest_prefers_the_known_spelling_over_the_majority() -> None:
    spellings = ["NGUYỄN THỊ HÃNG", "NGUYỄN THỊ HÃNG", "NGUYỄN THỊ HẰNG"]
    assert richest(spellings, is_name_syllable) == "NGUYỄN THỊ HẰNG"


def test_richest_without_known_lets_the_majority_win() -> None:
    spellings = ["NGUYỄN THỊ HÃNG", "NGUYỄN THỊ HÃNG", "NGUYỄN THỊ HẰNG"]
    assert richest(spellings) == "NGUYỄN THỊ HÃNG"


def test_richest_with_known_prefers_minh_to_a_doubled_minh_misread() -> None:
    assert richest(["TRẦN VĂN MINH", "TRẦN VĂN MỊNH", "TRẦN VĂN MỊNH"], is_name_syllable) == "TRẦN VĂN MINH"


def test_richest_with_known_still_votes_between_known_spellings() -> None:
    assert is_name_syllable("HÀ") and is_name_syllable("HẠ")
    assert richest(["LÊ THỊ HÀ", "LÊ THỊ HẠ", "LÊ THỊ HẠ"], is_name_syllable) == "LÊ THỊ HẠ"
    assert richest(["LÊ THỊ HÀ", "LÊ THỊ HÀ", "LÊ THỊ HẠ"], is_name_syllable) == "LÊ THỊ HÀ"


@pytest.mark.parametrize(("word", "misread"), [
    ("HÃNG", True),   # HẰNG with its breve and grave read as a tilde
    ("Ấn", False),    # a name syllable itself
    ("HẰNG", False),
    ("XYZ", False),   # folds like no name syllable: merely outside the stock
])
def test_a_word_folding_like_a_name_syllable_but_not_one_is_a_misread(word: str, misread: bool) -> None:
    assert is_misread_name_syllable(word) is misread


def test_a_name_with_a_misread_syllable_is_doubted() -> None:
    got = normalize("NGUYỄN THỊ HÃNG")
    assert got.doubt and got.value == "NGUYỄN THỊ HÃNG"  # sent to review, never changed
    assert got.reasons == ("name: a word is a name syllable with its marks misread",)
    assert not normalize("PHAN THỊ HẰNG").doubt
