"""The CER used to measure OCR: edits over reference length, NFC, whitespace-insensitive."""

from __future__ import annotations

import unicodedata

import pytest

from ocr.metrics import cer, levenshtein


@pytest.mark.parametrize(("a", "b", "distance"), [
    ("", "", 0), ("abc", "", 3), ("", "abc", 3), ("kitten", "sitting", 3), ("flaw", "lawn", 2),
    ("Nguyễn", "Nguyen", 1), ("29-Y3", "29-Y3", 0),
])
def test_levenshtein(a: str, b: str, distance: int) -> None:
    assert levenshtein(a, b) == distance
    assert levenshtein(b, a) == distance


def test_cer_counts_a_lost_diacritic_as_an_error() -> None:
    assert cer("Hường", "Hương") == pytest.approx(1 / 5)
    assert cer("Đạo", "Dao") == pytest.approx(2 / 3)


def test_cer_ignores_layout_whitespace_and_normalization_form() -> None:
    ref = "Số khung:\nRLHJF5810KY123456"
    assert cer(ref, "Số   khung: RLHJF5810KY123456\n") == 0.0
    assert cer(ref, unicodedata.normalize("NFD", ref)) == 0.0


def test_cer_of_empty_texts() -> None:
    assert cer("", "") == 0.0
    assert cer("", "x") == 1.0
    assert cer("abcd", "") == 1.0
