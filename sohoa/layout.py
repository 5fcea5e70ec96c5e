"""The page layout the extractors read, as layoutparser's ``Layout`` (the shared contract).

:func:`to_layout` gives one ``TextBlock`` per word (``type="word"``), per line
(``type="line"``) or per block (``type`` = the block's kind, e.g. ``"text"``), each
with its ``Rectangle``, text and score (mean word confidence in [0, 1]). Words and
lines carry ``parent``: the id of their line / block, so :func:`from_layout` can
rebuild the blocks → lines → words tree from a word-level layout.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Literal

import layoutparser as lp

from sohoa.model import BBox, Block, BlockKind, Line, Word

log = logging.getLogger(__name__)

Level = Literal["word", "line", "block"]


def _rect(box: BBox) -> lp.Rectangle:
    return lp.Rectangle(box.x0, box.y0, box.x1, box.y1)


def _score(words: Sequence[Word]) -> float:
    return sum(w.confidence for w in words) / len(words) if words else 0.0


def _line_id(b: int, li: int) -> str:
    return f"b{b}l{li}"


def to_layout(blocks: Sequence[Block], level: Level = "word") -> lp.Layout:
    """The blocks as a layoutparser ``Layout`` of ``TextBlock``s at ``level`` (in reading order)."""
    items: list[lp.TextBlock] = []
    for b, block in enumerate(blocks):
        block_words = [w for line in block.lines for w in line.words]
        if level == "block":
            items.append(lp.TextBlock(_rect(block.bbox), text=block.text, id=f"b{b}", type=block.kind.value,
                                      score=_score(block_words)))
            continue
        for li, line in enumerate(block.lines):
            if level == "line":
                items.append(lp.TextBlock(_rect(line.bbox), text=line.text, id=_line_id(b, li), type="line",
                                          parent=f"b{b}", score=_score(line.words)))
                continue
            for wi, word in enumerate(line.words):
                items.append(lp.TextBlock(_rect(word.bbox), text=word.text, id=f"{_line_id(b, li)}w{wi}",
                                          type="word", parent=_line_id(b, li), score=word.confidence))
    return lp.Layout(items)


def _bbox(element: lp.TextBlock) -> BBox:
    x0, y0, x1, y1 = element.coordinates
    return BBox.of((round(x0), round(y0), round(x1), round(y1)))


def _word(element: lp.TextBlock) -> Word:
    score = 0.0 if element.score is None else min(1.0, max(0.0, float(element.score)))
    return Word(text=element.text or "", bbox=_bbox(element), confidence=score)


def _union(boxes: Sequence[BBox]) -> BBox:
    box = boxes[0]
    for other in boxes[1:]:
        box = box.union(other)
    return box


def from_layout(layout: lp.Layout) -> tuple[Block, ...]:
    """Blocks → lines → words from a word-level layout (as :func:`to_layout` builds it).

    Words are grouped into lines by ``parent`` (``"b<block>l<line>"``); a word
    without a parent becomes a line of its own. Order of first appearance is kept.
    """
    lines: dict[str, list[Word]] = {}
    for n, element in enumerate(layout):
        if not (element.text or "").strip():
            continue
        parent = str(element.parent) if element.parent is not None else f"b{n}l0"
        lines.setdefault(parent, []).append(_word(element))
    blocks: dict[str, list[Line]] = {}
    for line_id, words in lines.items():
        block_id = line_id.split("l", 1)[0]
        blocks.setdefault(block_id, []).append(Line(bbox=_union([w.bbox for w in words]), words=tuple(words)))
    return tuple(Block(bbox=_union([ln.bbox for ln in ls]), kind=BlockKind.TEXT, lines=tuple(ls))
                 for ls in blocks.values())
