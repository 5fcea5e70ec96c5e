"""The rubbing page (bản cà số khung / số máy): values under labels, and the strips re-read by the real Tesseract."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from extract.classify import classify
from extract.crops import rubbing_letters, rubbing_strip
from extract.labels import read_fields
from extract.normalizers import normalize
from extract.record import (
    RUBBING_WHITELIST,
    Candidate,
    extract_record,
    j_as_other_pages_read_it,
    pieced_vins,
    reconcile,
)
from sohoa.doctypes import DocTypeSpec
from sohoa.model import BBox
from sohoa.samples.canvas import Canvas
from sohoa.samples.rubbing import rubbing_page
from tests.extract.conftest import golden_pages


def test_value_under_a_label_ending_in_a_bracket_is_read(spec: DocTypeSpec) -> None:
    """``Số khung (Chassis N0):`` left ``):`` as the label's "rest", which hid the rubbing under it."""
    page = classify(golden_pages("rubbing")[0], spec)
    assert page.page_type == "rubbing"
    reads = read_fields(page, spec, page.page_type)
    chassis, engine = reads["chassis_number"][0], reads["engine_number"][0]
    assert chassis.below and chassis.raw == "RLHJE450XRY556309"  # the page OCR's (misread) strip
    assert engine.below and engine.raw.startswith("JF25E")
    assert chassis.bbox is not None and chassis.bbox.y0 > chassis.label.bbox.y1


def _sheet(engine: str, chassis: str, seed: int) -> tuple[np.ndarray, Canvas]:
    canvas = Canvas(dpi=300)
    rubbing_page(canvas, engine, chassis, np.random.default_rng(seed))
    return np.asarray(canvas.image), canvas


def _label(canvas: Canvas, baseline_mm: float) -> BBox:
    """Where the label printed on ``baseline_mm`` stands (12 pt bold, from 20 mm)."""
    return BBox(x0=canvas.px(20), y0=canvas.px(baseline_mm - 3.5), x1=canvas.px(75), y1=canvas.px(baseline_mm + 0.8))


def test_no_strip_under_a_label_on_white_paper() -> None:
    white = np.full((800, 1200), 250, np.uint8)
    assert rubbing_strip(white, BBox(x0=50, y0=50, x1=300, y1=90), 40) is None


@pytest.mark.parametrize(("engine", "chassis", "seed"), [
    ("JF45E-0359807", "RLHJF450XRY536309", 11),
    ("5C63965481", "RLCS5C633RY628524", 12),
])
def test_rubbing_strips_are_found_and_read(engine: str, chassis: str, seed: int) -> None:
    from ocr.tesseract import read_crop

    image, canvas = _sheet(engine, chassis, seed)
    first = rubbing_strip(image, _label(canvas, 45.0), 40)
    assert first is not None and first.y0 > canvas.px(45)
    second = rubbing_strip(image, BBox(x0=first.x0, y0=first.y1 + 20, x1=first.x0 + 400, y1=first.y1 + 60), 40)
    assert second is not None and second.y0 > first.y1
    for box, text, kind in ((first, engine, "engine"), (second, chassis, "chassis")):
        letters = rubbing_letters(image, box)
        assert letters.dtype == np.uint8 and 20 <= letters.shape[0] <= 80
        assert float(np.mean(letters)) > 150  # dark letters on white, not light on graphite
        raw, conf = read_crop(letters, BBox(x0=0, y0=0, x1=letters.shape[1], y1=letters.shape[0]),
                              whitelist=RUBBING_WHITELIST, psm=7)
        assert normalize(kind, raw).value == text
        assert conf > 0.3  # Tesseract's own word confidence for these whitelisted reads is 0


def test_o_and_q_read_on_a_rubbing_are_the_stamped_zero(spec: DocTypeSpec) -> None:
    from tests.extract.test_record import RecordingReader

    pages = golden_pages("rubbing")
    white = np.full((pages[0].height, pages[0].width), 255, np.uint8)  # no strip: the label's region is re-read
    reader = RecordingReader({"I": "HAQ8E-6156542"})  # only the engine's whitelist holds I
    fields = extract_record(pages, spec=spec, reread=reader, images={1: white})
    assert fields["engine_number"].value == "HA08E-6156542"
    assert "HAQ8E-6156542" in {r.raw for r in fields["engine_number"].readings}


def _cand(page: int, value: str, ocr: float = 0.9) -> Candidate:
    return Candidate("chassis_number", page, value, normalize("chassis", value), None, ocr, "page")


def test_a_misread_vin_is_pieced_with_the_certificates_suffix_only_when_the_check_digit_passes() -> None:
    form = _cand(1, "RLHHA9862AY427719", 0.4)  # the end misread; check digit fails
    card = _cand(2, "0802AY427719")  # the card prints the VIN's end only
    rec = reconcile("chassis_number", [form, card])
    assert rec.chosen is not None and rec.chosen.value == "RLHHA0802AY427719"
    assert rec.chosen.checked.doubt and "pieced" in rec.chosen.checked.reasons[0]
    assert rec.agree == 1 and rec.chosen.page == 1
    other = _cand(2, "0813AY427719")  # no combination of the two readings is a valid VIN: nothing pieced
    assert [c.value for c in pieced_vins([form, other])] == ["RLHHA9862AY427719", "0813AY427719"]
    valid = _cand(1, "RLCS5C63XCY645859")  # a valid VIN is never changed
    assert pieced_vins([valid, card])[0] is valid


def test_a_vin_is_pieced_from_the_characters_most_pages_read_and_the_brands_maker_code() -> None:
    # the form misread the maker code (RLG is nobody's) and position 8; the card read the end well
    form, card = _cand(1, "RLGS2PN4XSY643737", 0.3), _cand(2, "PN1XSY643737")
    assert [c.value for c in pieced_vins([form, card])] == ["RLGS2PN4XSY643737", "PN1XSY643737"]
    pieced = pieced_vins([form, card], brand="Yamaha")[0]
    assert pieced.value == "RLCS2PN1XSY643737" and pieced.checked.doubt
    assert "maker code of the brand Yamaha" in pieced.checked.reasons[0]
    # a rubbing read as well as the card: both of its characters are tried where they disagree
    rubbing = _cand(3, "RLCS2PN1XSY6437Z7")
    assert [c.value for c in pieced_vins([form, card, rubbing])][2] == "RLCS2PN1XSY643737"  # the best-read VIN
    # a weakly read character is never taken over a well-read one, even to pass the check digit
    smudged = _cand(2, "PN1XSY643787", 0.9), _cand(3, "RLCS2PN1XSY64373Z", 0.1)  # its 3 would pass
    assert pieced_vins([_cand(1, "RLCS2PN1XSY643787", 0.9), *smudged])[0].value == "RLCS2PN1XSY643787"


def _ink_row(text: str) -> np.ndarray:
    """White-on-black letters (255 = ink) 40 px tall at a fixed pitch, as the top-hat leaves a rubbing."""
    import cv2

    ink = np.zeros((66, 60 + 34 * len(text)), np.uint8)
    for i, ch in enumerate(text):
        cv2.putText(ink, ch, (30 + 34 * i, 49), cv2.FONT_HERSHEY_SIMPLEX, 1.45, 255, 5)
    return ink


def _letter_count(black_on_white: np.ndarray) -> int:
    import cv2

    n, _, stats, _ = cv2.connectedComponentsWithStats((black_on_white < 128).astype(np.uint8), connectivity=8)
    return sum(1 for i in range(1, n) if stats[i, 3] >= 25)


def test_a_letter_joined_to_the_strips_light_margin_is_cut_loose_but_a_solid_bar_is_not_a_letter() -> None:
    from extract.crops import _letters_only

    ink = _ink_row("536309")
    assert _letter_count(_letters_only(ink)) == 6
    joined = ink.copy()
    joined[50:62, 203:240] = 255  # the last "9" runs into the pale band under the letters
    assert _letter_count(_letters_only(joined)) == 6
    barred = ink.copy()
    barred[19:51, 5:22] = 255  # a solid bar of margin one pitch left of the first letter
    barred[51:62, 5:30] = 255
    assert _letter_count(_letters_only(barred)) == 6


def test_two_pages_agreeing_on_an_engine_number_of_a_doubted_shape_beat_one_odd_reading() -> None:
    """Isuzu's 4JH1049623 looks like a lost hyphen (doubted); the rubbing lost its last digit."""
    form, card = (Candidate("engine_number", p, "4JH1049623", normalize("engine", "4JH1049623"), None, 0.9, "page")
                  for p in (1, 2))
    rub = Candidate("engine_number", 3, "4JH104962", normalize("engine", "4JH104962"), None, 0.0, "crop")
    assert form.checked.doubt and rub.checked.ok
    rec = reconcile("engine_number", [form, card, rub])
    assert rec.chosen is not None and rec.chosen.value == "4JH1049623" and rec.agree == 1


def test_a_hyphen_inside_a_vin_is_dropped_and_the_valid_reading_is_chosen() -> None:
    form = _cand(1, "RLHJF-4202RY549320")  # a stroke of the leader line read into the VIN
    assert form.value == "RLHJF4202RY549320" and "hyphen" in form.checked.reasons[0]
    rec = reconcile("chassis_number", [form, _cand(2, "4202RY549320"), _cand(3, "RLHJF4202RY549320", 0.3)])
    assert rec.chosen is not None and rec.chosen.value == "RLHJF4202RY549320" and rec.agree == 2
    assert normalize("chassis", "KF8-767655").value == "KF8-767655"  # an old frame number keeps its hyphen


def test_a_crop_that_saw_the_letter_the_page_only_had_from_the_grammar_wins() -> None:
    from extract.record import _settle

    own = _cand(1, "RLHIF5808RY01 6398", 0.8)  # no I in a VIN: 1 by the grammar, though J weighs the same
    crop = replace(_cand(1, "RLHJF5808RY016398", 0.0), source="crop")
    assert own.value == "RLH1F5808RY016398" and own.checked.ok and crop.checked.ok
    assert _settle(own, crop) is crop and _settle(crop, own) is crop
    plain = _cand(1, "RLH1F5808RY016398", 0.8)  # read as 1 outright: confidence decides as before
    assert _settle(plain, crop) is plain


def test_a_vins_i_or_1_is_read_as_j_only_where_other_pages_read_j() -> None:
    form = _cand(1, "RLHIF450XDY430872")  # the grammar alone makes it RLH1F...
    rubbing = _cand(3, "RLHJF45OX0Y430872")  # misread elsewhere, but J at the I's place
    assert form.value == "RLH1F450XDY430872"
    rec = reconcile("chassis_number", [form, rubbing])
    assert rec.chosen is not None and rec.chosen.value == "RLHJF450XDY430872"
    assert any("1→J where other pages read J" in r for r in rec.chosen.checked.reasons)
    ones = _cand(3, "RLH1F450X0Y430872")  # the other page read 1: it stays 1
    assert j_as_other_pages_read_it([form, ones])[0].value == "RLH1F450XDY430872"
    # a valid VIN read with 1 for the plant's J: the check digit passes either way, two pages say J
    valid = _cand(2, "RL0LSFEG0M1478714")
    others = [_cand(1, "RL0LSFEG0MJ476714"), _cand(3, "FEG0MJ478714")]
    assert j_as_other_pages_read_it([valid, *others])[0].value == "RL0LSFEG0MJ478714"
    tie = [valid, _cand(1, "RL0LSFEG0MJ476714"), _cand(3, "FEG0M1478714")]  # one each way: it stays
    assert j_as_other_pages_read_it(tie)[0].value == "RL0LSFEG0M1478714"
    # a J is never made a 1, however many pages misread it so
    right = _cand(1, "RLHJA3903GY837326")
    assert j_as_other_pages_read_it([right, _cand(2, "RLH1A3903GY837326"), _cand(3, "RLHIA3903GY837326")])[0] is right


def test_a_strip_that_cannot_be_cut_out_falls_back_to_the_value_box(spec: DocTypeSpec,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """An OpenCV error on an odd strip costs only the strip: the value's own box is re-read instead."""
    import cv2

    import extract.record as record
    from tests.extract.test_record import RecordingReader

    def broken(image: np.ndarray, box: BBox) -> np.ndarray:
        raise cv2.error("odd strip")

    monkeypatch.setattr(record, "rubbing_strip", lambda image, label, h: BBox(x0=10, y0=10, x1=400, y1=90))
    monkeypatch.setattr(record, "rubbing_letters", broken)
    pages = golden_pages("rubbing")
    white = np.full((pages[0].height, pages[0].width), 255, np.uint8)
    reader = RecordingReader({"I": "HA08E-6156542"})
    fields = extract_record(pages, spec=spec, reread=reader, images={1: white})
    assert fields["engine_number"].value == "HA08E-6156542"
    assert reader.calls and RUBBING_WHITELIST not in {w for _, w, _, _ in reader.calls}


def _plate(page: int, value: str, ocr: float, **crop: bool) -> Candidate:
    return Candidate("plate_number", page, value, normalize("plate", value), None, ocr, "page", **crop)


def test_of_two_pages_that_disagree_the_reading_its_crop_confirmed_wins() -> None:
    disputed = _plate(1, "28-U2 638.72", 0.89, crop_disagree=True)
    confirmed = _plate(2, "26-U2 638.72", 0.84, crop_agree=True)
    rec = reconcile("plate_number", [disputed, confirmed])
    assert rec.chosen is not None and rec.chosen.value == "26-U2 638.72" and rec.disagree == 1
    # both confirmed: the one the grammar did not have to correct
    corrected = _plate(1, "51:6Y 647 7", 0.92, crop_agree=True)
    assert corrected.checked.corrections == 1
    rec = reconcile("plate_number", [corrected, _plate(2, "51-GY 647.77", 0.90, crop_agree=True)])
    assert rec.chosen is not None and rec.chosen.value == "51-GY 647.77"
    # nothing to tell them apart but the engine's confidence
    rec = reconcile("plate_number", [_plate(1, "71-F5 8196", 0.91), _plate(2, "71-F5 8106", 0.90)])
    assert rec.chosen is not None and rec.chosen.value == "71-F5 8196"


def _engine(page: int, value: str, ocr: float, **crop: bool) -> Candidate:
    return Candidate("engine_number", page, value, normalize("engine", value), None, ocr, "page", **crop)


def test_of_three_engine_numbers_read_three_ways_the_one_nearest_the_others_wins() -> None:
    readings = [_engine(1, "GF58E-2264287", 0.39), _engine(2, "JFB58E-2264287", 0.69), _engine(3, "JF58E-2264287", 0.1)]
    rec = reconcile("engine_number", readings)
    assert rec.chosen is not None and rec.chosen.value == "JF58E-2264287" and rec.disagree == 2
    # two readings are as near each other: the better read wins
    rec = reconcile("engine_number", readings[1:])
    assert rec.chosen is not None and rec.chosen.value == "JFB58E-2264287"


def test_a_vin_read_a_character_too_long_lends_only_its_start_to_the_certificates_end() -> None:
    form = _cand(1, "RLHJFES304PY075720", 0.84)  # the 6 read as "ES": everything after it shifted
    card = _cand(2, "6304PY075720")
    assert [c.value for c in pieced_vins([form, card])] == ["RLHJF6304PY075720", "6304PY075720"]
    # a mangled 15-character reading that starts with no maker code is placed nowhere
    mangled = _cand(3, "LHJF6303SY60728", 0.9)
    assert pieced_vins([_cand(1, "RLHJF63903SY607287", 0.05), _cand(2, "6303SY607287"), mangled])[0].value == (
        "RLHJF6303SY607287")


def test_an_engine_numbers_hyphen_comes_only_from_a_well_read_reading() -> None:
    plain = [_engine(1, "4A91079336", 0.91, crop_agree=True), _engine(3, "4A91079336", 0.90)]
    smudged = _engine(2, "4A910-79336", 0.86, crop_disagree=True)  # a smudge read as a hyphen
    rec = reconcile("engine_number", [*plain, smudged])
    assert rec.chosen is not None and rec.chosen.value == "4A91079336" and rec.agree == 2
    printed = _engine(2, "JA39E-1196071", 0.86)  # OCR loses a printed hyphen, never the other way
    rec = reconcile("engine_number", [_engine(1, "JA39E1196071", 0.91), printed])
    assert rec.chosen is not None and rec.chosen.value == "JA39E-1196071"
