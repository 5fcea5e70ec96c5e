"""Models and colours canonicalized against their vocabularies, as written on the form."""

from __future__ import annotations

import pytest

from extract.checked import Checked
from extract.record import Candidate, reconcile
from extract.vehicle import MODELS, normalize_colour, normalize_model, normalize_vehicle_type
from sohoa.doctypes import DocTypeSpec


def reading(field: str, page: int, value: str, ocr: float) -> Candidate:
    """A page's well-formed reading of ``field``."""
    return Candidate(field, page, value, Checked(value), None, ocr, "page")


@pytest.mark.parametrize(("read", "model"), [("TNNOVA", "INNOVA"), ("SH1251", "SH125I"), ("PUTURE", "FUTURE"),
                                             ("3ANUS", "JANUS"), ("vision", "VISION")])
def test_a_model_one_letter_off_one_known_model_takes_its_spelling(read: str, model: str) -> None:
    got = normalize_model(read)
    assert got.value == model and not got.doubt
    assert got.corrections == (read.upper() != model)


def test_a_known_model_is_kept_and_an_unknown_one_is_a_soft_doubt() -> None:
    assert normalize_model("AIR BLADE").reasons == ()
    assert normalize_model("CX-8").value == "CX-8"  # one letter from CX-5, but listed itself
    unknown = normalize_model("NEWMODEL X")
    assert unknown.value == "NEWMODEL X" and not unknown.doubt
    assert unknown.reasons == ("model: not a known model name",)
    assert all(m == m.upper() and "  " not in m for m in MODELS)


@pytest.mark.parametrize(("read", "colour"), [
    ("- Đỏ - Đen", "Đỏ - Đen"),    # a leader's dash before the colour
    ("Cam - Đen -", "Cam - Đen"),
    ("trắng Đen", "Trắng Đen"),    # a first word read in lower case
    ("ĐEN", "Đen"),                # one colour printed in capitals on the certificate
    ("Đỏ đen", "Đỏ đen"),          # as written otherwise
    ("ĐỎ - ĐEN", "ĐỎ - ĐEN"),      # several colours in capitals: which case the form used is unknown
])
def test_colours_are_written_as_on_the_form(read: str, colour: str) -> None:
    assert normalize_colour(read).value == colour


def test_a_word_that_is_no_colour_is_doubted() -> None:
    got = normalize_colour("Đỏ Xyz")
    assert got.doubt and got.reasons == ("colour: word not in the colour list",)


def test_pages_agreeing_on_a_colour_keep_the_forms_case() -> None:
    # the certificate (capitals) reads more confidently than the form, yet the form's spelling is the value
    rec = reconcile("color", [reading("color", 2, "ĐỎ - ĐEN", 0.97), reading("color", 1, "Đỏ - Đen", 0.80)])
    assert rec.chosen is not None and rec.chosen.value == "Đỏ - Đen" and rec.agree == 1
    alone = reconcile("color", [reading("color", 2, "ĐỎ - ĐEN", 0.97)])
    assert alone.chosen is not None and alone.chosen.value == "ĐỎ - ĐEN"


@pytest.mark.parametrize(("read", "colour"), [
    ("Trắng - xanh", "Trắng - Xanh"),  # each colour after a dash opens with a capital
    ("Cam - - Đen", "Cam - Đen"),      # a doubled dash
    ("Đỏ ˆˆ ˆ", "Đỏ"),                 # spacing accents OCR left beside the word
])
def test_colour_punctuation_and_capitals(read: str, colour: str) -> None:
    got = normalize_colour(read)
    assert got.value == colour and not got.doubt


@pytest.mark.parametrize(("read", "colour"), [
    ("XâRh, ĐẸn", "Xanh - Đen"),     # the dash read as a comma
    ("Cam ~ Đen", "Cam - Đen"),      # ... as a tilde
    ("Xanh + Đen", "Xanh - Đen"),    # ... as a plus
    ("Trắng — Xanh", "Trắng - Xanh"),  # ... as a long dash
    ("Bạc ĐEN", "Bạc Đen"),          # a word in capitals beside one in sentence case
    ("ĐỎ đen", "Đỏ đen"),
    ("ĐỎ - Đen", "Đỏ - Đen"),
])
def test_a_misread_dash_and_mixed_capitals_are_mended(read: str, colour: str) -> None:
    got = normalize_colour(read)
    assert got.value == colour and not got.doubt and got.corrections == 1


def test_pages_differing_only_by_a_lost_dash_agree_and_keep_the_dash() -> None:
    rec = reconcile("color", [reading("color", 1, "Trắng Xanh", 0.94), reading("color", 2, "Trắng - Xanh", 0.93)])
    assert rec.chosen is not None and rec.chosen.value == "Trắng - Xanh"
    assert rec.agree == 1 and rec.disagree == 0
    smudge = reconcile("color", [reading("color", 2, "Trắng Đen", 0.87), reading("color", 1, "Trắng - Đen", 0.24)])
    assert smudge.chosen is not None and smudge.chosen.value == "Trắng Đen"  # a poor page's dash is a smudge
    other = reconcile("color", [reading("color", 1, "Trắng Xanh", 0.94), reading("color", 2, "Trắng - Đen", 0.93)])
    assert other.disagree == 1  # different colours still disagree


def test_a_vehicle_type_with_parentheses_is_known_and_one_cut_short_is_a_soft_doubt() -> None:
    whole = normalize_vehicle_type("Ô tô tải (pick up cabin kép)")
    assert whole.value == "Ô tô tải (pick up cabin kép)" and whole.reasons == ()
    assert normalize_vehicle_type("Ô tô. tải. VAN").value == "Ô tô tải VAN"  # punctuation OCR sprinkled
    cut = normalize_vehicle_type("Ô tô tải (pick Èp")  # the card wrapped the line
    assert cut.ok and cut.reasons == ("vehicle type: cut short (a parenthesis left open)",)


def test_capacities_differing_by_comma_or_point_agree_and_keep_the_comma() -> None:
    def readings(comma_ocr: float) -> list[Candidate]:
        return [reading("engine_capacity", 1, "108.2 cm3", 0.95), reading("engine_capacity", 2, "108,2 cm3", comma_ocr)]

    rec = reconcile("engine_capacity", readings(0.90))
    assert rec.chosen is not None and rec.chosen.value == "108,2 cm3" and rec.agree == 1
    poor = reconcile("engine_capacity", readings(0.3)).chosen
    assert poor is not None and poor.value == "108.2 cm3"  # a comma on a poorly read page may be a speck


def test_a_seven_word_vehicle_type_is_read_whole_beside_its_label(spec: DocTypeSpec) -> None:
    from extract.labels import read_fields
    from sohoa.model import BBox, Block, Line, Page, Word

    x, words = 400, []
    for t in ["Loại", "xe", "(Type):", "Ô", "tô", "tải", "(pick", "up", "cabin", "kép)"]:
        words.append(Word(text=t, bbox=BBox(x0=x, y0=1263, x1=x + 19 * len(t), y1=1295), confidence=0.93))
        x += 19 * len(t) + 25
    line = Line(bbox=words[0].bbox.union(words[-1].bbox), words=tuple(words))
    page = Page(dossier_id="t", index=1, width=2480, height=3508, dpi=300, sha256="0" * 64,
                blocks=(Block(bbox=line.bbox, lines=(line,)),), page_type="registration_certificate")
    [read] = read_fields(page, spec, page.page_type)["vehicle_type"]
    assert normalize_vehicle_type(read.raw).value == "Ô tô tải (pick up cabin kép)"
