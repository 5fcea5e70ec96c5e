"""The list of well-known street names (sohoa/domain/streets.py) is clean data."""

from __future__ import annotations

import unicodedata

from extract.syllable import is_syllable
from sohoa.domain.streets import STREETS, streets_by_key
from sohoa.domain.text import fold


def test_every_street_is_nfc_title_case_and_made_of_well_formed_syllables() -> None:
    for name in STREETS:
        assert unicodedata.normalize("NFC", name) == name
        assert all(w[0].isupper() and is_syllable(w) for w in name.split()), name


def test_the_lookup_holds_every_name_that_no_other_folds_like() -> None:
    table = streets_by_key()
    assert table[tuple(fold("Hùng Vương").split())] == "Hùng Vương"
    assert len(table) == len({tuple(fold(n).split()) for n in STREETS})  # no two listed names fold alike
