"""Fixtures of the OCR tests: a stage context, the real scans with gold text, page builders."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from sohoa.context import StageContext
from sohoa.model import Page, PageWork

MakeWork = Callable[..., PageWork]


@pytest.fixture(scope="session")
def ctx() -> StageContext:
    """The stage context of a default run (vie+eng)."""
    return StageContext(languages="vie+eng", tesseract_timeout=120)


@pytest.fixture(scope="session")
def scans(shared_dir: Path) -> Path:
    """The real scans with gold text (Apache-2.0, from tesseract-ocr/test)."""
    folder = shared_dir / "data" / "tesseract-test"
    if not (folder / "phototest.tif").is_file():
        pytest.skip(f"the shared real scans are not present in {folder}")
    return folder


def load_gray(path: Path) -> np.ndarray:
    """A scan as a greyscale uint8 array."""
    with Image.open(path) as image:
        return np.asarray(image.convert("L")).copy()


def make_work(image: np.ndarray, dpi: int = 150, index: int = 1) -> PageWork:
    """A freshly ingested page holding ``image``."""
    h, w = image.shape[:2]
    page = Page(dossier_id="d-test", index=index, width=w, height=h, dpi=dpi, sha256="0" * 64)
    return PageWork(page=page, image=image)


@pytest.fixture
def work() -> MakeWork:
    """Build a ``PageWork`` from an image (``work(image, dpi=150)``)."""
    return make_work
