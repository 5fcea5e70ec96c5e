"""Values that look like the stop label "Nguyên quán" once folded are not cut by it; the real label still cuts."""

from __future__ import annotations

import pytest

from extract.labels import find_labels, page_tokens, read_fields
from sohoa.doctypes import DocTypeSpec
from sohoa.model import BBox, Block, Line, Page, Word

CHAR_W, H, SPACE = 19, 34, 25


def _page(rows: list[str], page_type: str = "declaration_form_tt79") -> Page:
    """A form page with one OCR line per text in ``rows`` (words laid out left to right, a line every 80 px)."""
    lines = []
    for n, text in enumerate(rows):
        y, x, words = 400 + 80 * n, 200, []
        for t in text.split():
            words.append(Word(text=t, bbox=BBox(x0=x, y0=y, x1=x + CHAR_W * len(t), y1=y + H), confidence=0.9))
            x += CHAR_W * len(t) + SPACE
        box = words[0].bbox
        for w in words[1:]:
            box = box.union(w.bbox)
        lines.append(Line(bbox=box, words=tuple(words)))
    box = lines[0].bbox
    for ln in lines[1:]:
        box = box.union(ln.bbox)
    return Page(dossier_id="t", index=1, width=2480, height=3508, dpi=300, sha256="0" * 64,
                blocks=(Block(bbox=box, lines=tuple(lines)),), page_type=page_type)


def _raws(page: Page, spec: DocTypeSpec, field: str) -> list[str]:
    return [r.raw for r in read_fields(page, spec, page.page_type)[field]]


def _stop_hits(page: Page, spec: DocTypeSpec) -> list[str]:
    return [h.label for h in find_labels(page_tokens(page), spec, page.page_type) if h.field is None]


@pytest.mark.parametrize("name", ["NGUYỄN XUÂN VŨ", "NGUYỄN TUẤN ĐỨC", "NGUYỄN QUANG TRUNG", "NGUYEN XUAN VU"])
@pytest.mark.parametrize("page_type", ["declaration_form_tt79", "id_card"])
def test_a_name_in_capitals_near_nguyen_quan_is_read_whole(spec: DocTypeSpec, name: str, page_type: str) -> None:
    page = _page([f"Họ và tên: {name}"], page_type)
    assert _raws(page, spec, "owner_name") == [name]
    assert "Nguyên quán" not in _stop_hits(page, spec)


def test_a_name_in_title_case_near_nguyen_quan_is_read_whole(spec: DocTypeSpec) -> None:
    page = _page(["Họ và tên: Nguyễn Quang Trung"])
    assert _raws(page, spec, "owner_name") == ["Nguyễn Quang Trung"]


def test_a_title_case_name_with_other_marks_is_read_whole(spec: DocTypeSpec) -> None:
    page = _page(["Họ và tên: Nguyễn Xuân Vũ"])  # "nguyễn xuân" is 72.7 from "nguyên quán": under 75
    assert _raws(page, spec, "owner_name") == ["Nguyễn Xuân Vũ"]


def test_a_street_named_nguyen_quang_is_not_cut(spec: DocTypeSpec) -> None:
    page = _page(["Địa chỉ: Số 12 Nguyễn Quang Bích, Phường Láng Hạ, Thành phố Hà Nội"])
    raws = _raws(page, spec, "owner_address")
    assert raws == ["Số 12 Nguyễn Quang Bích, Phường Láng Hạ, Thành phố Hà Nội"]


def test_a_street_in_capitals_named_nguyen_quang_is_not_cut(spec: DocTypeSpec) -> None:
    page = _page(["Địa chỉ: Số 12 NGUYỄN QUANG BÍCH"])
    assert _raws(page, spec, "owner_address") == ["Số 12 NGUYỄN QUANG BÍCH"]
    assert "Nguyên quán" not in _stop_hits(page, spec)


@pytest.mark.parametrize("label", ["Nguyên quán:", "Nguyen quan:"])
@pytest.mark.parametrize("name", ["TRẦN VĂN AN", "Trần Văn An"])
def test_a_genuine_nguyen_quan_label_stops_the_name(spec: DocTypeSpec, label: str, name: str) -> None:
    page = _page([f"Họ và tên: {name} {label} Hà Nam"])
    assert _raws(page, spec, "owner_name") == [name]
    assert "Nguyên quán" in _stop_hits(page, spec)


def test_a_damaged_nguyen_quan_label_is_a_fuzzy_stop(spec: DocTypeSpec) -> None:
    page = _page(["Họ và tên: TRẦN VĂN AN Nguyên guán: Hà Nam"])  # q read as g: a near match, not exact
    assert _raws(page, spec, "owner_name") == ["TRẦN VĂN AN"]
    assert "Nguyên quán" in _stop_hits(page, spec)


def test_a_label_with_a_dropped_letter_stops_the_name(spec: DocTypeSpec) -> None:
    page = _page(["Họ và tên: TRẦN VĂN AN Ngyên quán: Hà Nam"])
    assert _raws(page, spec, "owner_name") == ["TRẦN VĂN AN"]


@pytest.mark.parametrize("page_type", ["declaration_form_tt79", "id_card"])
def test_given_names_in_capitals_spelling_a_stop_label_without_its_marks_are_read_whole(
    spec: DocTypeSpec, page_type: str
) -> None:
    page = _page(["Họ và tên: TRẦN QUANG TRỌNG TÀI"], page_type)  # "Trọng tải" (payload) once folded
    assert _raws(page, spec, "owner_name") == ["TRẦN QUANG TRỌNG TÀI"]
    assert "Trọng tải" not in _stop_hits(page, spec)
    label = _page(["Họ và tên: TRẦN VĂN AN Trọng tải: 500 kg"])  # the label itself still stops the name
    assert _raws(label, spec, "owner_name") == ["TRẦN VĂN AN"]
