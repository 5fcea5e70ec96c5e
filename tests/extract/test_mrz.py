"""The chip card's machine-readable zone (extract/mrz.py): check digits, OCR damage, real Tesseract."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from extract.mrz import check_digit, read_birth, read_page, read_zone
from extract.record import extract_with_evidence
from sohoa.doctypes import DocTypeSpec
from sohoa.model import Page
from sohoa.samples.canvas import Canvas, Style
from sohoa.samples.cards import IdCardData, mrz

CARD = IdCardData("cccd", "001204885255", "NGUYỄN QUANG KHÁNH", dt.date(2004, 5, 2), "male", "Hà Nội",
                  "Hà Nội", dt.date(2022, 9, 3))
LINES = mrz(CARD, dt.date(2029, 5, 2))


@pytest.mark.parametrize(("data", "digit"), [
    ("L898902C3", "6"), ("740812", "2"), ("120415", "9"),  # the specimen of ICAO Doc 9303
    ("204885255", "7"), ("040502", "9"),
])
def test_check_digits_of_the_icao_specimen_and_a_cccd(data: str, digit: str) -> None:
    assert check_digit(data) == digit


def test_a_clean_zone_gives_the_id_number_and_the_birth_date() -> None:
    got = read_zone(list(LINES))
    assert got is not None and got.id_number == "001204885255" and got.birth_date == "2004-05-02"


def test_ocr_damage_is_mended_by_the_grammar_and_a_wrong_digit_is_refused() -> None:
    line1, line2, _ = LINES
    damaged = read_zone(["TD" + line1[2:].replace("0", "O", 2), line2.replace("<<", "« ", 1)])
    assert damaged is not None and damaged.id_number == "001204885255" and damaged.birth_date == "2004-05-02"
    wrong = read_zone([line1[:16] + "6" + line1[17:], line2[:3] + "6" + line2[4:]])  # one digit misread in each
    assert wrong is not None and wrong.id_number is None and wrong.birth_date is None


def test_the_century_comes_from_the_cccd_else_from_the_holders_age() -> None:
    line2 = f"250301{check_digit('250301')}M3503015VNM<<<<<<<<<<<0"
    assert read_birth(line2, "001025000001", dt.date(2026, 11, 24)) == "1925-03-01"  # century digit 0: 1900s
    assert read_birth(line2, "001225000001", dt.date(2026, 11, 24)) == "2025-03-01"  # 2: 2000s
    assert read_birth(line2, None, dt.date(2026, 11, 24)) == "1925-03-01"  # no card is issued at one year old


def test_a_page_without_a_zone_has_none() -> None:
    assert read_zone(["CĂN CƯỚC CÔNG DÂN", "Số / No.: 001204885255"]) is None


@given(st.lists(st.text(max_size=40), max_size=5))
def test_no_text_makes_the_reader_raise(lines: list[str]) -> None:
    read_zone(lines)


@given(st.text(alphabet="0123456789²³¹٣<OIS", min_size=24, max_size=24), st.text(max_size=31))
def test_no_zone_shaped_text_makes_the_reader_raise(body: str, line2: str) -> None:
    got = read_zone([f"IDVNM{body}<", line2])  # digits of other scripts are never read as numbers
    assert got is None or got.id_number is None or got.id_number.isascii()


@pytest.mark.slow
def test_the_zone_printed_on_a_card_is_read_by_tesseract_and_gives_the_records_values(spec: DocTypeSpec) -> None:
    from ocr.tesseract import recognize

    canvas = Canvas(dpi=300)
    canvas.text(20, 20, "CĂN CƯỚC CÔNG DÂN", Style(14, bold=True, family="liberation", serif=False))
    canvas.text(20, 28, "Citizen Identity Card", Style(11, family="liberation", serif=False))
    for i, line in enumerate(LINES):
        canvas.text(20, 40 + 5 * i, line, Style(10, family="typewriter", serif=False))
    image = np.asarray(canvas.image.convert("L"))
    result = recognize(image, lang="vie+eng", dpi=300, timeout=60)
    page = Page(dossier_id="d", index=1, width=image.shape[1], height=image.shape[0], dpi=300, sha256="0" * 64,
                blocks=result.blocks)
    zone = read_page(page)
    assert zone is not None and zone.reading.birth_date == "2004-05-02"
    assert zone.reading.id_number == "001204885255"
    assert zone.bbox.y0 < canvas.px(40) < zone.bbox.y1 and 0 < zone.confidence <= 1

    fields, _ = extract_with_evidence([page], spec=spec)  # no printed "Ngày sinh" or "Số": the zone alone
    assert fields["owner_birth_date"].value == "2004-05-02" and fields["owner_birth_date"].page == 1
    assert fields["owner_id_number"].value == "001204885255"
