"""The crop re-read language of each field: declared in the spec, validated, and honoured by the crop reader."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont
from pydantic import ValidationError

from extract.names import marks
from extract.record import CropRequest
from sohoa.doctypes import DocTypeSpec, FieldSpec
from sohoa.model import BBox
from sohoa.pipeline import CropReader

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
NAME, COLOUR = "Nguyễn Thị Hồng Nhung", "Xanh lá cây đậm"


def test_the_spec_reads_free_text_fields_in_vietnamese(spec: DocTypeSpec) -> None:
    for name in ("owner_name", "brand", "model", "color", "vehicle_type"):
        assert spec.fields[name].crop_lang == "vie", name
    assert spec.fields["owner_address"].crop_lang is None  # its box wraps: not re-read


def test_the_spec_erases_leader_dots_before_re_reading_dates_and_years(spec: DocTypeSpec) -> None:
    for name in ("owner_birth_date", "registration_date", "year_of_manufacture"):
        assert spec.fields[name].erase_dots is True, name


@pytest.mark.parametrize("lang", ["vie; rm", "", "vie+", "Vie", "vie eng", "../vie"])
def test_a_malformed_crop_lang_is_rejected(lang: str) -> None:
    with pytest.raises(ValidationError, match="crop_lang"):
        FieldSpec(name="owner_name", labels=("Họ tên",), normalizer="name", crop_lang=lang)


@pytest.mark.parametrize("lang", ["vie", "vie+eng", "chi_sim"])
def test_well_formed_crop_langs_are_accepted(lang: str) -> None:
    assert FieldSpec(name="owner_name", labels=("Họ tên",), normalizer="name", crop_lang=lang).crop_lang == lang


@pytest.fixture(scope="module")
def printed() -> tuple[np.ndarray, BBox, BBox]:
    """A grey image with a name on the first line and a colour on the second, and their boxes."""
    if not FONT.exists():
        pytest.skip(f"font {FONT} not installed")
    font = ImageFont.truetype(str(FONT), 48)
    img = Image.new("L", (1000, 200), 255)
    draw = ImageDraw.Draw(img)
    draw.text((20, 20), NAME, font=font, fill=0)
    draw.text((20, 120), COLOUR, font=font, fill=0)
    return np.array(img), BBox(x0=10, y0=5, x1=990, y1=95), BBox(x0=10, y0=105, x1=990, y1=195)


def marks_of(text: str) -> int:
    """How many Vietnamese marks the words of ``text`` carry."""
    return sum(marks(w) for w in text.split())


def _request(image: np.ndarray, box: BBox, lang: str) -> CropRequest:
    return CropRequest(image=image, bbox=box, whitelist=None, psm=7, box=box, lang=lang)


def test_many_reads_each_request_in_its_own_language_in_request_order(
        printed: tuple[np.ndarray, BBox, BBox]) -> None:
    image, name_box, colour_box = printed
    requests = [_request(image, name_box, "vie"), _request(image, name_box, "eng"),
                _request(image, colour_box, "vie"), _request(image, colour_box, "eng")]
    answers = CropReader().many(requests)
    assert len(answers) == 4
    (vie_name, c1), (eng_name, c2), (vie_colour, c3), (eng_colour, c4) = answers
    assert unicodedata.normalize("NFC", vie_name) == NAME
    assert unicodedata.normalize("NFC", vie_colour) == COLOUR
    assert all(0.0 < c <= 1.0 for c in (c1, c2, c3, c4))
    # English has no Vietnamese marks: the same crops read in eng lose some of them
    assert marks_of(eng_name) < marks_of(NAME)
    assert marks_of(eng_colour) < marks_of(COLOUR)


def test_many_with_no_requests_reads_nothing() -> None:
    assert CropReader().many([]) == []
