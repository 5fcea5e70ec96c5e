"""Golden Page JSON → fields, page classification, reconciliation across pages, cross-field checks."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from extract.classify import classify_text
from extract.crossfield import cross_check
from extract.labels import find_labels, page_tokens
from extract.normalizers import NORMALIZERS
from extract.record import extract_record
from sohoa.doctypes import DocTypeSpec, parse_doctype
from sohoa.errors import ConfigError, ToolError
from sohoa.model import BBox, Page
from sohoa.samples.truth import FIELD_NAMES
from tests.extract.conftest import golden_fields, golden_pages


@pytest.mark.parametrize("name", ["mau01", "certificate_id"])
def test_golden_pages_give_the_expected_fields(name: str, spec: DocTypeSpec) -> None:
    fields = extract_record(golden_pages(name), spec=spec)
    expected = golden_fields(name)
    assert set(fields) == set(spec.fields)
    got = {k: fields[k].value for k in expected}
    assert got == expected
    for fv in fields.values():
        assert 0.0 <= fv.confidence <= 1.0 and fv.page is not None and fv.bbox is not None


def test_golden_classification(spec: DocTypeSpec) -> None:
    mau01 = golden_pages("mau01")[0]
    cert, idc = golden_pages("certificate_id")
    assert classify_text(mau01.text, spec) == "declaration_form_tt58"
    assert classify_text(cert.text, spec) == "registration_certificate"
    assert classify_text(idc.text, spec) == "id_card"
    assert classify_text("lorem ipsum dolor", spec) is None


def test_ocr_damaged_keywords_still_classify(spec: DocTypeSpec) -> None:
    text = "CONG HOA XA HOI\nGlAY KHAl ĐANG KY XE\nMau ĐKX1O\nMã đinh danh: ....\nMàu bỉen"
    assert classify_text(text, spec) == "declaration_form_tt79"


def test_corrections_and_provenance_are_reported(spec: DocTypeSpec) -> None:
    fields = extract_record(golden_pages("mau01"), spec=spec)
    chassis = fields["chassis_number"]
    assert any("I/O/Q" in r for r in chassis.reasons)
    assert chassis.readings and chassis.readings[0].raw == "RLHJC5217KYOOOOO1"
    # the procedure officer's ID row and "Số máy 2" were not taken for the owner's
    assert fields["owner_id_number"].bbox is not None and fields["owner_id_number"].bbox.y0 < 700


def test_damaged_label_is_found_but_short_label_in_a_value_is_not(spec: DocTypeSpec) -> None:
    hits = find_labels(page_tokens(golden_pages("mau01")[0]), spec, "declaration_form_tt58")
    labels = {(h.field, h.label) for h in hits}
    assert any(f == "chassis_number" for f, _ in labels)  # "Sô khunq (Chassis N0)"
    idc = golden_pages("certificate_id")[1]
    idhits = [h for h in find_labels(page_tokens(idc), spec, "id_card") if h.field == "owner_id_number"]
    assert len(idhits) == 1  # "Số / No." at the line start; not "Số" inside an address


def test_field_found_nowhere_is_null_and_flagged(spec: DocTypeSpec) -> None:
    cert = golden_pages("certificate_id")[0]
    fields = extract_record([cert], spec=spec)
    birth = fields["owner_birth_date"]
    assert birth.value is None and birth.needs_review and birth.confidence == 0.0
    assert "not found on any page" in birth.reasons


def _copy_with_word(page: Page, old: str, new: str) -> Page:
    blocks = []
    for b in page.blocks:
        lines = []
        for ln in b.lines:
            words = tuple(w.model_copy(update={"text": new}) if w.text == old else w for w in ln.words)
            lines.append(ln.model_copy(update={"words": words}))
        blocks.append(b.model_copy(update={"lines": tuple(lines)}))
    return page.model_copy(update={"blocks": tuple(blocks)})


def test_pages_that_agree_raise_confidence_and_disagreement_keeps_both(spec: DocTypeSpec) -> None:
    cert, idc = golden_pages("certificate_id")
    both = extract_record([cert, idc], spec=spec)["owner_name"]
    alone = extract_record([cert], spec=spec)["owner_name"]
    assert both.confidence > alone.confidence
    assert len(both.readings) == 2
    other = _copy_with_word(idc, "VĂN", "THỊ").model_copy(update={"index": 2})
    torn = extract_record([cert, other], spec=spec)["owner_name"]
    assert torn.needs_review and torn.confidence < both.confidence
    assert {r.value for r in torn.readings} == {"NGUYỄN VĂN AN", "NGUYỄN THỊ AN"}
    assert any("disagree" in r for r in torn.reasons)


def test_pages_agreeing_on_letters_keep_the_fullest_marks(spec: DocTypeSpec) -> None:
    cert, idc = golden_pages("certificate_id")
    marked = _copy_with_word(idc, "AN", "ÂN")
    for pages in ([cert, marked.model_copy(update={"index": 2})], [marked.model_copy(update={"index": 1}),
                                                                  cert.model_copy(update={"index": 2})]):
        name = extract_record(pages, spec=spec)["owner_name"]
        assert name.value == "NGUYỄN VĂN ÂN"  # whichever page ranks first
        assert {r.value for r in name.readings} == {"NGUYỄN VĂN AN", "NGUYỄN VĂN ÂN"}


def test_only_a_rival_as_supported_and_as_confident_contests_a_value() -> None:
    from extract.checked import Checked
    from extract.record import Candidate, reconcile

    def cand(page: int, value: str, ocr: float) -> Candidate:
        return Candidate("plate_number", page, value, Checked(value), None, ocr, "page")

    tie = reconcile("plate_number", [cand(1, "29A-123.45", 0.95), cand(2, "29A-128.45", 0.93)])
    assert tie.disagree == 1 and tie.contested
    weak = reconcile("plate_number", [cand(1, "29A-123.45", 0.95), cand(2, "29A-128.45", 0.40)])
    assert weak.disagree == 1 and not weak.contested and weak.rival == 0.40
    outvoted = reconcile("plate_number", [cand(1, "29A-123.45", 0.9), cand(2, "29A-123.45", 0.9),
                                          cand(3, "29A-128.45", 0.95)])
    assert outvoted.chosen is not None and outvoted.chosen.value == "29A-123.45" and not outvoted.contested


def test_cross_field_checks() -> None:
    good = {
        "owner_id_number": "001190012345",
        "owner_birth_date": "1990-04-01",
        "chassis_number": "RLHJC5217KY000001",
        "year_of_manufacture": "2019",
        "brand": "HONDA",
        "plate_number": "29-B1 123.45",
        "owner_address": "phường Ngọc Hà, Hà Nội",
    }
    assert cross_check(good) == []
    bad = {
        **good,
        "owner_birth_date": "1991",
        "year_of_manufacture": "2012",
        "brand": "YAMAHA",
        "owner_address": "phường 1, TP Hồ Chí Minh",
    }
    reasons = {f.fields: f for f in cross_check(bad)}
    assert set(reasons) == {
        ("owner_id_number", "owner_birth_date"),
        ("chassis_number", "year_of_manufacture"),
        ("chassis_number", "brand"),
        ("plate_number", "owner_address"),
    }
    assert not reasons[("plate_number", "owner_address")].hard  # fine after a transfer


def test_failed_cross_check_sends_both_fields_to_review(spec: DocTypeSpec) -> None:
    page = _copy_with_word(golden_pages("mau01")[0], "1990", "1991")
    fields = extract_record([page], spec=spec)
    for name in ("owner_id_number", "owner_birth_date"):
        assert fields[name].needs_review
        assert any("birth year" in r for r in fields[name].reasons)


class RecordingReader:
    """A crop reader that answers from a table and records what it was asked (no OCR)."""

    def __init__(self, answers: dict[str, str]) -> None:
        self.answers = answers
        self.calls: list[tuple[tuple[int, ...], str | None, int, str]] = []

    def __call__(self, image: np.ndarray, bbox: BBox, whitelist: str | None, psm: int,
                 lang: str = "eng") -> tuple[str, float]:
        self.calls.append((image.shape, whitelist, psm, lang))
        for key, text in self.answers.items():
            if whitelist and key in whitelist:
                return text, 0.97
        return "", 0.0


def test_crop_reread_agreement_and_whitelists(spec: DocTypeSpec) -> None:
    pages = golden_pages("mau01")
    image = np.full((3508, 2480), 255, np.uint8)
    reader = RecordingReader({"Đ": "29-B1 123.45"})  # only the plate's whitelist holds Đ
    fields = extract_record(pages, spec=spec, reread=reader, images={1: image})
    assert reader.calls
    # identifiers are re-read whitelisted in English, free text only in the language its spec names
    assert all(lang == "eng" for _, w, _, lang in reader.calls if w is not None)
    assert all(lang == "vie" for _, w, _, lang in reader.calls if w is None)
    assert {f.name for f in spec.fields.values() if f.whitelist is None and f.crop_lang is None} == {"owner_address"}
    assert fields["plate_number"].value == "29-B1 123.45"
    plain = extract_record(pages, spec=spec)
    assert fields["plate_number"].confidence >= plain["plate_number"].confidence


def test_crop_reader_failure_is_not_fatal(spec: DocTypeSpec) -> None:
    def crashing(image: np.ndarray, bbox: BBox, whitelist: str | None, psm: int,
                 lang: str = "eng") -> tuple[str, float]:
        raise ToolError("tesseract crashed")

    pages = golden_pages("mau01")
    fields = extract_record(pages, spec=spec, reread=crashing, images={1: np.zeros((10, 10), np.uint8)})
    assert fields["plate_number"].value == "29-B1 123.45"


class BatchingReader(RecordingReader):
    """As RecordingReader, with ``many``: answers all crops of a dossier in one call.

    ``poison`` names crops the engine dies on (as Tesseract 5.3 can on a sliver): a batch
    holding one fails as a whole.
    """

    def __init__(self, answers: dict[str, str], poison: Callable[[Any], bool] | None = None) -> None:
        super().__init__(answers)
        self.batches: list[int] = []
        self.poison = poison

    def many(self, requests: list[Any]) -> list[tuple[str, float]]:
        self.batches.append(len(requests))
        if self.poison is not None and any(self.poison(r) for r in requests):
            raise ToolError("tesseract crashed on the batch")
        return [self(r.image, r.bbox, r.whitelist, r.psm, r.lang) for r in requests]


def test_crop_rereads_are_batched(spec: DocTypeSpec) -> None:
    pages = golden_pages("mau01")
    image = np.full((3508, 2480), 255, np.uint8)
    one_by_one = RecordingReader({"Đ": "29-B1 123.45"})
    expected = extract_record(pages, spec=spec, reread=one_by_one, images={1: image})
    batched = BatchingReader({"Đ": "29-B1 123.45"})
    assert extract_record(pages, spec=spec, reread=batched, images={1: image}) == expected
    assert batched.batches == [len(one_by_one.calls)] and len(batched.calls) == len(one_by_one.calls)


def test_a_crop_that_crashes_the_engine_loses_only_itself(spec: DocTypeSpec) -> None:
    pages = golden_pages("mau01")
    image = np.full((3508, 2480), 255, np.uint8)
    plate_crop = lambda r: "Đ" in (r.whitelist or "")  # noqa: E731  (the only crop with an answer)
    poisoned = BatchingReader({"Đ": "29-B1 123.45"}, poison=plate_crop)
    fields = extract_record(pages, spec=spec, reread=poisoned, images={1: image})
    # as if that one crop had been read as nothing: every other crop was still read, in halves
    nothing = extract_record(pages, spec=spec, reread=RecordingReader({}), images={1: image})
    assert fields == nothing and fields["plate_number"].value == "29-B1 123.45"  # the page's own reading
    total = poisoned.batches[0]
    assert total > 2 and len(poisoned.batches) > 2 and max(poisoned.batches[1:]) < total
    assert len(poisoned.calls) == total - 1  # all but the poisoned crop answered
    always = BatchingReader({"Đ": "29-B1 123.45"}, poison=lambda r: True)
    assert extract_record(pages, spec=spec, reread=always, images={1: image}) == nothing


def test_crop_batches_are_bounded_in_pixels(spec: DocTypeSpec, monkeypatch: pytest.MonkeyPatch) -> None:
    import extract.record as record

    pages = golden_pages("mau01")
    image = np.full((3508, 2480), 255, np.uint8)
    whole = BatchingReader({"Đ": "29-B1 123.45"})
    expected = extract_record(pages, spec=spec, reread=whole, images={1: image})
    monkeypatch.setattr(record, "PREFETCH_PIXELS", 1)  # every crop is a batch of its own
    split = BatchingReader({"Đ": "29-B1 123.45"})
    assert extract_record(pages, spec=spec, reread=split, images={1: image}) == expected
    assert split.batches == [1] * whole.batches[0] and whole.batches[0] > 1


def test_a_fields_own_review_threshold_in_the_doctype_sends_it_to_review(spec: DocTypeSpec) -> None:
    pages = golden_pages("mau01")
    plain = extract_record(pages, spec=spec)
    accepted = [n for n, fv in plain.items() if not fv.needs_review]
    assert accepted
    name = accepted[0]
    strict_field = spec.fields[name].model_copy(update={"review_threshold": 1.0})
    strict = spec.model_copy(update={"fields": {**spec.fields, name: strict_field}})
    fields = extract_record(pages, spec=strict)
    assert fields[name].needs_review and fields[name].value == plain[name].value
    assert all(fields[n].needs_review == plain[n].needs_review for n in plain if n != name)
    with pytest.raises(ConfigError):
        parse_doctype('name = "x"\n[page_types.a]\ngroup = "a"\n[fields.f]\nlabels = ["F"]\n'
                      'normalizer = "plate"\npage_types = ["a"]\nreview_threshold = 1.5\n')


def test_doctype_spec_is_checked() -> None:
    with pytest.raises(ConfigError):
        parse_doctype(
            'name = "x"\n[page_types.a]\ngroup = "a"\n[fields.f]\nlabels = ["F"]\n'
            'normalizer = "plate"\npage_types = ["b"]\n'
        )
    with pytest.raises(ConfigError):
        parse_doctype("not toml = = =")


def test_every_field_of_the_dictionary_has_a_known_normalizer(spec: DocTypeSpec) -> None:
    assert tuple(spec.fields) == FIELD_NAMES
    assert all(f.normalizer in NORMALIZERS for f in spec.fields.values())


def test_a_vins_misread_maker_code_is_pieced_from_the_brand_read_on_the_page(spec: DocTypeSpec) -> None:
    form = golden_pages("mau01")[0]
    assert extract_record([form], spec=spec)["brand"].value == "HONDA"
    misread = _copy_with_word(form, "RLHJC5217KYOOOOO1", "RLAJC5217KY000001")  # RLA: Mitsubishi's code
    chassis = extract_record([misread], spec=spec)["chassis_number"]
    assert chassis.value == "RLHJC5217KY000001" and chassis.needs_review  # read after the brand, and doubted
    assert any("maker code of the brand HONDA" in r for r in chassis.reasons)
    assert [r.raw for r in chassis.readings] == ["RLAJC5217KY000001"]  # the reviewer sees what was read
