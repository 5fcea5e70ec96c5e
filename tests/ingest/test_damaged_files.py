"""Damaged files of every format end as pages or as one of our errors, never a crash.

Hypothesis flips bytes in and truncates small valid scans; whatever comes out, the
ingest stage must either yield well-formed pages or raise ``InputRejected`` (or
another ``SohoaError``), so the batch can record it and go on.
"""

from __future__ import annotations

import tempfile
import warnings
from functools import cache
from pathlib import Path

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from ingest.sources import Source
from ingest.stage import load_dossier
from sohoa.context import StageContext
from sohoa.errors import SohoaError
from sohoa.settings import Settings
from tests.ingest.pagegen import save_pdf, save_tiff, text_page

FORMATS = {"pdf": ".pdf", "tiff": ".tif", "png": ".png", "jpeg": ".jpg"}


@cache
def _valid(fmt: str) -> bytes:
    """A small valid two-page (PDF, TIFF) or one-page (PNG, JPEG) scan."""
    pages = [text_page(30, label="trang 1"), text_page(30, label="trang 2")]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"x{FORMATS[fmt]}"
        if fmt == "pdf":
            save_pdf(path, pages, 30)
        elif fmt == "tiff":
            save_tiff(path, pages, 30, compression="tiff_lzw")
        else:
            Image.fromarray(pages[0]).save(path)
        return path.read_bytes()


@st.composite
def damaged(draw: st.DrawFn) -> tuple[str, bytes]:
    fmt = draw(st.sampled_from(sorted(FORMATS)))
    data = bytearray(_valid(fmt))
    for _ in range(draw(st.integers(0, 6))):
        data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
    cut = draw(st.one_of(st.none(), st.integers(0, len(data))))
    return fmt, bytes(data if cut is None else data[:cut])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=damaged())
def test_damaged_scan_gives_pages_or_our_error(case: tuple[str, bytes]) -> None:
    fmt, data = case
    ctx = StageContext.from_settings(Settings(raster_dpi=72))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"damaged{FORMATS[fmt]}"
        path.write_bytes(data)
        kind = {"pdf": "pdf", "tiff": "tiff"}.get(fmt, "image")
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # PIL and pypdf warn about what they repair
                works = list(load_dossier(Source(path, kind, path.name), ctx))  # type: ignore[arg-type]
        except SohoaError as e:
            assert e.message and "\n" not in e.message
            return
    for work in works:
        assert work.image.dtype == np.uint8 and work.image.ndim in (2, 3)
        assert (work.page.height, work.page.width) == work.image.shape[:2]
