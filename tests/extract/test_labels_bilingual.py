"""Bilingual ID-card rows ("Ngày sinh / Date of birth: …") whose English half OCR damaged,
with the card's next row about one line height below (shapes read on poor training scans)."""

from __future__ import annotations

from extract.labels import read_fields
from sohoa.doctypes import DocTypeSpec
from sohoa.model import BBox, Block, Line, Page, Word

H = 41  # box height of a word on a 200 DPI card: rows stand ~1 height apart


def _line(y: int, words: list[tuple[int, int, str]]) -> Line:
    ws = tuple(Word(text=t, bbox=BBox(x0=x0, y0=y, x1=x1, y1=y + H), confidence=0.9) for x0, x1, t in words)
    box = ws[0].bbox
    for w in ws[1:]:
        box = box.union(w.bbox)
    return Line(bbox=box, words=ws)


def _card(lines: list[Line]) -> Page:
    box = lines[0].bbox
    for ln in lines[1:]:
        box = box.union(ln.bbox)
    return Page(dossier_id="t", index=4, width=1654, height=1169, dpi=200, sha256="0" * 64,
                blocks=(Block(bbox=box, lines=tuple(lines)),), page_type="id_card")


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
