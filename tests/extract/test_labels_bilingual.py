"""Bilingual ID-card rows ("Ngày sinh / Date of birth: …") whose English half OCR damaged,
with the card's next row about one line height below (shapes read on poor training scans)."""

from __future__ import annotations

from extract.labels import read_fields
from sohoa.doctypes import DocTypeSpec
from sohoa.model import Line, Page
from tests.extract.pages import line_of, page_of

H = 41  # box height of a word on a 200 DPI card: rows stand ~1 height apart


def _line(y: int, words: list[tuple[int, int, str]]) -> Line:
    return line_of([(x0, y, x1, y + H, t) for x0, x1, t in words])


def _card(lines: list[Line]) -> Page:
    return page_of(lines, page_type="id_card", index=4, width=1654, height=1169, dpi=200)


def test_a_damaged_english_label_half_is_not_taken_for_the_value(spec: DocTypeSpec) -> None:
    page = _card([
        _line(457, [(486, 530, "Ngây"), (536, 575, "sinh"), (581, 587, "/"), (598, 633, "Date"),
                    (639, 657, "of"), (666, 704, "bạt:"), (712, 823, "07/03/1965")]),
        # the next row, 33 px lower: its label "Quốc tịch" must not end the row above
        _line(490, [(486, 530, "Giới"), (536, 561, "tính"), (567, 600, "Nam"), (692, 740, "Quốc"),
                    (746, 799, "tịch"), (805, 860, "Việt"), (866, 910, "Nam")]),
    ])
    reads = read_fields(page, spec, page.page_type)
    assert [r.raw for r in reads["owner_birth_date"]] == ["07/03/1965"]


def test_a_value_that_opens_with_a_slash_but_has_no_label_colon_is_kept(spec: DocTypeSpec) -> None:
    page = _card([_line(457, [(486, 530, "Ngày"), (536, 575, "sinh"), (598, 720, "/07/03/1965")])])
    reads = read_fields(page, spec, page.page_type)
    assert [r.raw for r in reads["owner_birth_date"]] == ["/07/03/1965"]


def test_a_damaged_value_that_opens_with_a_slash_is_not_taken_for_a_label(spec: DocTypeSpec) -> None:
    page = _card([_line(457, [(180, 230, "Nhãn"), (236, 278, "hiệu:"), (290, 420, "/JÑ@O@NDA..."),
                              (430, 440, "Ề"), (760, 840, "Sðloại:"), (852, 930, "VISIQN")])])
    reads = read_fields(page, spec, "declaration_form_tt79")
    assert reads["brand"][0].raw.startswith("/JÑ@O@NDA")
