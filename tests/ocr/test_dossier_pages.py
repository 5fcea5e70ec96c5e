"""The preparation stages on the page types of a generated dossier (``sohoa.samples``): the
declaration form with values off its dotted lines, certificate and ID-card photocopies on grey
toner, the pencil rubbing. Each page is also turned by a further known amount."""

from __future__ import annotations

import numpy as np
import pytest

from ocr.deskew import measure_skew
from ocr.orientation import find_rotation, turn
from sohoa.context import StageContext
from sohoa.samples.generator import build

EXTRA_TURNS = (180, 90, 270, 0)  # one more turn per page, so every orientation is met


@pytest.fixture(scope="module")
def dossier() -> tuple[object, list[np.ndarray]]:
    return build(7, 0, "fair")


def test_every_page_type_comes_out_upright_and_level(dossier: tuple, ctx: StageContext) -> None:
    truth, images = dossier
    errors = []
    for page, image, extra in zip(truth.pages, images, EXTRA_TURNS, strict=False):
        scan = turn(image, extra)
        needed = (page.upright_rotation - extra) % 360
        found = find_rotation(scan, page.dpi, ctx)
        assert found == needed, f"{page.page_type}: turned {found}°, needed {needed}°"
        skew = measure_skew(turn(scan, found), page.dpi)
        if page.page_type != "rubbing":  # a rubbing has a few large characters; measured, not asserted
            assert skew is not None, page.page_type
        if skew is not None:
            errors.append((page.page_type, round(abs(skew - page.skew), 2)))
    print("skew errors per page type:", errors)
    assert all(err <= 0.5 for _, err in errors)
