"""OCR pages built word by word for the label tests (positions as read on generated scans)."""

from __future__ import annotations

from collections.abc import Sequence

from sohoa.model import BBox, Block, Line, Page, Word


def line_of(words: Sequence[tuple[int, int, int, int, str]]) -> Line:
    """One OCR line of (x0, y0, x1, y1, text) words, each read at confidence 0.9."""
    ws = tuple(Word(text=t, bbox=BBox(x0=x0, y0=y0, x1=x1, y1=y1), confidence=0.9) for x0, y0, x1, y1, t in words)
    box = ws[0].bbox
    for w in ws[1:]:
        box = box.union(w.bbox)
    return Line(bbox=box, words=ws)


def page_of(lines: Sequence[Line], *, page_type: str, index: int = 1, width: int = 2480, height: int = 3508,
            dpi: int = 300) -> Page:
    """A page of one block holding ``lines``."""
    box = lines[0].bbox
    for ln in lines[1:]:
        box = box.union(ln.bbox)
    return Page(dossier_id="t", index=index, width=width, height=height, dpi=dpi, sha256="0" * 64,
                blocks=(Block(bbox=box, lines=tuple(lines)),), page_type=page_type)
