"""The document model: frozen, NFC, and lossless through JSON."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from sohoa.model import BBox, Block, Dossier, FieldValue, Line, Page, Reading, Word

boxes = st.builds(
    lambda x, y, w, h: BBox(x0=x, y0=y, x1=x + w, y1=y + h),
    st.integers(0, 5000), st.integers(0, 5000), st.integers(0, 500), st.integers(0, 500),
)
words = st.builds(Word, text=st.text(min_size=1, max_size=12), bbox=boxes, confidence=st.floats(0, 1))
lines = st.builds(Line, bbox=boxes, words=st.lists(words, max_size=4).map(tuple))
blocks = st.builds(Block, bbox=boxes, lines=st.lists(lines, max_size=3).map(tuple))


def _page(blocks: tuple[Block, ...] = ()) -> Page:
    return Page(dossier_id="d-0123456789abcdef", index=1, width=2480, height=3508, dpi=300,
                sha256="ab" * 32, blocks=blocks)


@given(st.lists(blocks, max_size=3).map(tuple), st.text(max_size=20))
def test_dossier_round_trips_through_json(blocks: tuple[Block, ...], value: str) -> None:
    dossier = Dossier(
        dossier_id="d-0123456789abcdef", source="hồ sơ 1.pdf", sha256="ab" * 32, pages=(_page(blocks),),
        fields={"owner_name": FieldValue(value=value, confidence=0.5, page=1, bbox=BBox.of([1, 2, 3, 4]),
                                         readings=(Reading(raw=value, value=value, page=1),))},
    )
    assert Dossier.model_validate_json(dossier.model_dump_json()) == dossier


def test_text_is_stored_in_nfc() -> None:
    decomposed = unicodedata.normalize("NFD", "NGUYỄN VĂN ĐỨC")
    word = Word(text=decomposed, bbox=BBox.of([0, 0, 1, 1]), confidence=0.9)
    assert word.text == unicodedata.normalize("NFC", decomposed)
    assert word.text != decomposed
    field = FieldValue(value=decomposed)
    assert unicodedata.is_normalized("NFC", field.value or "")


def test_values_are_frozen() -> None:
    page = _page()
    with pytest.raises(ValidationError):
        page.index = 2  # type: ignore[misc]


def test_confidence_is_bounded() -> None:
    with pytest.raises(ValidationError):
        Word(text="x", bbox=BBox.of([0, 0, 1, 1]), confidence=1.5)


def test_page_exposes_words_in_reading_order() -> None:
    w = [Word(text=t, bbox=BBox.of([i, 0, i + 1, 1]), confidence=1.0) for i, t in enumerate("abc")]
    page = _page((Block(bbox=BBox.of([0, 0, 3, 1]), lines=(Line(bbox=BBox.of([0, 0, 3, 1]), words=tuple(w)),)),))
    assert [x.text for x in page.words] == ["a", "b", "c"]
    assert page.text == "a b c"
