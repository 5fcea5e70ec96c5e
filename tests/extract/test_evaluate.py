"""The eval table's arithmetic, the confidence model's fit, and the value-ink locator on drawn images."""

from __future__ import annotations

import cv2
import numpy as np

from extract import confidence
from extract.crops import value_box, without_dots
from extract.evaluate import FieldOutcome, as_dict, identifiers_right, report, stats
from sohoa.model import BBox


def _o(dossier: str, field: str, right: bool, review: bool, quality: str = "clean") -> FieldOutcome:
    return FieldOutcome(dossier, quality, field, right, review, 0.5)


def test_stats_precision_automation_and_caught() -> None:
    rows = [
        _o("a", "plate_number", True, False),  # accepted, right
        _o("a", "owner_name", False, True),  # wrong, caught by review
        _o("b", "plate_number", False, False),  # wrong and accepted: the worst case
        _o("b", "owner_name", True, True),  # right but sent to review
    ]
    s = stats(rows)
    assert (s.fields, s.right, s.accepted, s.accepted_right, s.wrong_caught) == (4, 2, 2, 1, 1)
    assert s.accuracy == 0.5 and s.automation == 0.5 and s.precision == 0.5
    text = report([*rows, _o("c", "plate_number", True, False, "poor")])
    assert "Clean and fair scans (2)" in text and "All dossiers (3)" in text
    assert as_dict(rows)["all"]["wrong_caught"] == 1  # type: ignore[index]


def test_identifiers_right_counts_whole_dossiers() -> None:
    fields = ("plate_number", "chassis_number", "engine_number", "owner_id_number")
    rows = [_o("a", f, True, False) for f in fields] + [_o("b", f, f != "engine_number", False) for f in fields]
    assert identifiers_right(rows) == (1, 2)


def test_fit_separates_good_from_bad_evidence() -> None:
    good = confidence.Evidence("plate_number", True, 0.95, True, crop_agree=True, agree=1)
    bad = confidence.Evidence("plate_number", True, 0.4, False, soft_doubts=1, disagree=1)
    rows = [(good, True)] * 40 + [(bad, False)] * 40 + [(good, False)] * 1 + [(bad, True)] * 2
    cal = confidence.fit(rows)
    assert cal.probability(good) > 0.9 > 0.2 > cal.probability(bad)
    assert cal.probability(confidence.Evidence("plate_number", False, 0.0, False)) == 0.0


def test_value_box_finds_the_writing_not_the_leader_dots() -> None:
    img = np.full((120, 900), 255, np.uint8)
    for x in range(20, 880, 12):  # a dotted leader line
        cv2.circle(img, (x, 80), 2, 0, -1)
    cv2.putText(img, "29A-12345", (200, 70), cv2.FONT_HERSHEY_SIMPLEX, 1.2, 0, 3)
    box = value_box(img, BBox(x0=0, y0=40, x1=900, y1=100), 34)
    assert box is not None and 170 <= box.x0 <= 200 and 380 <= box.x1 <= 420
    clean = without_dots(img, BBox(x0=0, y0=0, x1=900, y1=120), 34)
    assert clean[80, 20] == 255 and clean.min() == 0  # the dots are gone, the letters stay


def test_value_box_on_blank_region_is_none() -> None:
    assert value_box(np.full((50, 50), 255, np.uint8), BBox(x0=5, y0=5, x1=45, y1=45), 20) is None
