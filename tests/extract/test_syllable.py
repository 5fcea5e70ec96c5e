"""Vietnamese syllable well-formedness: real words pass, typical OCR damage fails."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from extract.syllable import ill_formed, is_syllable

_TEXT = ("Nguyễn Văn Quốc Việt Giang gì giếng Thị Hương Phường Xã Thành phố Hà Nội Khuyến Quỳnh Nghĩa Đức "
         "Hoàng Tuấn Hưng Thuận Huyện Châu Ấp Thôn Ngõ Đường Khương Trung Nguyệt Thuỷ Thủy Huệ Quyết Oanh "
         "Khoa Tiến Tuyết Xuân Yến Lâm Tổ dân Ngách Khoảng Nghiêng Chuyện Quyền Oăm")
WORDS = _TEXT.split()


@pytest.mark.parametrize("word", WORDS)
def test_real_words_are_syllables(word: str) -> None:
    assert is_syllable(word)
    assert is_syllable(word.upper())
    assert is_syllable(unicodedata.normalize("NFD", word))


@pytest.mark.parametrize("word", [
    "Quôc",     # "Quốc" without its tone: a stop-closed rhyme needs sắc or nặng
    "Viêt",     # "Việt" likewise
    "Đừc",      # huyền on a rhyme closed by c
    "Thànhh",   # no such rhyme
    "Nguyễễn",  # two tones
    "Phưòng",   # "ươ" read as "ưo": no such rhyme
    "Hn",       # no vowel
    "Nguyen1",  # a digit
])
def test_ocr_damage_is_not_a_syllable(word: str) -> None:
    assert not is_syllable(word)


def test_ill_formed_lists_only_the_bad_words() -> None:
    assert ill_formed("Số 12 ngõ 5 Phố Quôc Tử Giám, Phường Viêt Hưng") == ["Quôc", "Viêt"]
    assert ill_formed("NGUYỄN THỊ THU HƯƠNG") == []


@given(st.text(max_size=40))
def test_never_raises(text: str) -> None:
    assert isinstance(ill_formed(text), list)
