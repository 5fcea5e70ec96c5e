"""Identifier labels whose words OCR ran into one word (shapes read on training forms)."""

from __future__ import annotations

from extract.labels import find_labels, page_tokens, read_fields
from sohoa.doctypes import DocTypeSpec
from sohoa.model import Page
from tests.extract.pages import line_of, page_of

CHAR_W, H = 19, 34


def _page(rows: list[list[tuple[int, str]]]) -> Page:
    """A form page whose OCR lines are ``rows`` of (x, text), one line every 80 px."""
    lines = [line_of([(x, 400 + 80 * n, x + CHAR_W * len(t), 400 + 80 * n + H, t) for x, t in row])
             for n, row in enumerate(rows)]
    return page_of(lines, page_type="declaration_form_tt79")


def test_run_together_labels_are_found_with_their_values(spec: DocTypeSpec) -> None:
    page = _page([
        [(200, "Sốmáy:"), (400, "JC92E-1571833")],  # "Số máy" read as one word
        [(200, "SOkhungRLHJF4202RY549320")],  # label and value in one word
        [(200, "Sốmáy2:"), (400, "KC26E-0141633")],  # the second engine's label is not the first's
        [(200, "Địa"), (300, "chỉ:"), (420, "Xã"), (500, "Biên"), (620, "Giới,"), (760, "Tây"), (860, "Ninh")],
    ])
    reads = read_fields(page, spec, page.page_type)
    assert [r.raw for r in reads["engine_number"]] == ["JC92E-1571833"]
    assert [r.raw for r in reads["chassis_number"]] == ["RLHJF4202RY549320"]
    hits = find_labels(page_tokens(page), spec, page.page_type)
    assert not any(h.field == "plate_number" for h in hits)  # "Biên Giới" is no "Biển số"


def test_a_damaged_run_together_label_is_found_within_one_slip(spec: DocTypeSpec) -> None:
    page = _page([[(200, "5may"), (330, "JF58E-0777032")], [(200, "SGmay::"), (380, "JA39E-2650002")]])
    reads = read_fields(page, spec, page.page_type)
    assert [r.raw for r in reads["engine_number"]] == ["JF58E-0777032", "JA39E-2650002"]
