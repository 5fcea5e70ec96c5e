"""The layout the extractors read: layoutparser TextBlocks built from our blocks, and back."""

from __future__ import annotations

from pathlib import Path

import layoutparser as lp
import pytest

from ocr.layout import from_layout, to_layout
from ocr.tesseract import recognize
from sohoa.model import BBox, Block, Line, Word
from tests.ocr.conftest import load_gray


def _word(text: str, x: int, y: int, conf: float) -> Word:
    return Word(text=text, bbox=BBox(x0=x, y0=y, x1=x + 10 * len(text), y1=y + 20), confidence=conf)


@pytest.fixture
def blocks() -> tuple[Block, ...]:
    words = (_word("Số", 10, 10, 0.9), _word("khung:", 50, 10, 0.8), _word("RLHJF58", 120, 10, 0.7))
    label = Line(bbox=BBox(x0=10, y0=10, x1=190, y1=30), words=words)
    second = Line(bbox=BBox(x0=10, y0=40, x1=60, y1=60), words=(_word("Hường", 10, 40, 0.95),))
    other = Line(bbox=BBox(x0=300, y0=10, x1=330, y1=30), words=(_word("Mẫu", 300, 10, 0.6),))
    # boxes of lines and blocks are the unions of their words', as Tesseract's TSV gives them
    return (Block(bbox=BBox(x0=10, y0=10, x1=190, y1=60), lines=(label, second)),
            Block(bbox=BBox(x0=300, y0=10, x1=330, y1=30), lines=(other,)))


def test_word_level_layout_has_rectangles_text_type_and_score(blocks: tuple[Block, ...]) -> None:
    layout = to_layout(blocks)
    assert isinstance(layout, lp.Layout) and len(layout) == 5
    first = layout[0]
    assert isinstance(first, lp.TextBlock) and isinstance(first.block, lp.Rectangle)
    assert (first.text, first.type, first.score) == ("Số", "word", 0.9)
    assert first.coordinates == (10, 10, 30, 30)
    first_line = layout.filter_by(lp.Rectangle(0, 0, 200, 35), center=True)
    assert [b.text for b in first_line] == ["Số", "khung:", "RLHJF58"]


def test_line_and_block_levels(blocks: tuple[Block, ...]) -> None:
    lines = to_layout(blocks, level="line")
    assert [b.text for b in lines] == ["Số khung: RLHJF58", "Hường", "Mẫu"]
    assert lines[0].score == pytest.approx(0.8)
    assert lines[1].parent == "b0"
    top = to_layout(blocks, level="block")
    assert [b.type for b in top] == ["text", "text"]
    assert top[0].text == "Số khung: RLHJF58\nHường"


def test_round_trip_through_the_layout(blocks: tuple[Block, ...]) -> None:
    assert from_layout(to_layout(blocks)) == blocks


def test_round_trip_of_a_real_page(scans: Path) -> None:
    result = recognize(load_gray(scans / "eurotext.tif"), lang="vie+eng", dpi=300, timeout=60)
    assert from_layout(to_layout(result.blocks)) == result.blocks


def test_foreign_layout_without_parents_becomes_one_line_per_element() -> None:
    layout = lp.Layout([lp.TextBlock(lp.Rectangle(1.4, 2.6, 40, 20), text="Biển", score=0.5),
                        lp.TextBlock(lp.Rectangle(50, 2, 90, 20), text="  "),
                        lp.TextBlock(lp.Rectangle(100, 2, 190, 20), text="29-Y3")])
    rebuilt = from_layout(layout)
    assert [b.text for b in rebuilt] == ["Biển", "29-Y3"]
    assert rebuilt[0].lines[0].words[0].bbox == BBox(x0=1, y0=3, x1=40, y1=20)
    assert rebuilt[1].lines[0].words[0].confidence == 0.0
