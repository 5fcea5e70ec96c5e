"""Exact duplicate pages are dropped, the first kept, and the log says which without personal data."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pytest

from ingest.dedupe import unique_pages
from ingest.fingerprint import sha256_pixels
from ingest.rasterize import RasterPage
from ingest.sources import Source
from ingest.stage import load_dossier
from sohoa.context import StageContext
from tests.ingest.pagegen import save_pdf, text_page


def _page(index: int, image: np.ndarray) -> RasterPage:
    return RasterPage(index=index, image=image, dpi=100, sha256=sha256_pixels(image))


def test_duplicates_dropped_keeping_first_occurrence(caplog: pytest.LogCaptureFixture) -> None:
    a, b, c = (np.full((5, 5), v, np.uint8) for v in (0, 128, 255))
    pages = [_page(1, a), _page(2, b), _page(3, a.copy()), _page(4, c), _page(5, b.copy())]
    with caplog.at_level(logging.INFO, logger="ingest.dedupe"):
        kept = list(unique_pages(pages))
    assert [p.index for p in kept] == [1, 2, 4]
    assert [r.getMessage() for r in caplog.records] == [
        "page 3 is an exact duplicate of page 1; dropped",
        "page 5 is an exact duplicate of page 2; dropped",
    ]


def test_nearly_equal_pages_are_kept() -> None:
    a = np.full((5, 5), 200, np.uint8)
    b = a.copy()
    b[2, 2] = 201
    assert [p.index for p in unique_pages([_page(1, a), _page(2, b)])] == [1, 2]


def test_dossier_with_a_page_scanned_twice_is_renumbered(
    tmp_path: Path, ctx: StageContext, caplog: pytest.LogCaptureFixture
) -> None:
    owner_page = text_page(60, label="Chủ xe: Trần Văn Bình")
    pages = [text_page(60, label="trang 1"), owner_page, owner_page, text_page(60, label="trang 4")]
    pdf = save_pdf(tmp_path / "ho-so.pdf", pages, 60)
    with caplog.at_level(logging.INFO):
        works = list(load_dossier(Source(pdf, "pdf", pdf.name), ctx))
    assert [w.page.index for w in works] == [1, 2, 3]
    assert len({w.page.sha256 for w in works}) == 3
    assert "page 3 is an exact duplicate of page 2; dropped" in caplog.text
    assert "Bình" not in caplog.text and "Trần" not in caplog.text
