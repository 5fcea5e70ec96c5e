"""``sohoa calibrate OUTCOMES...``: fit the model on eval outcomes and print thresholds chosen out of fold.

The outcome files are written here as ``sohoa eval --outcomes`` writes them, from rows
of a known structure: 60 dossiers x 3 fields, field b wrong with a high confidence
in every tenth dossier (so b alone needs a threshold above the floor).
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from extract import confidence
from extract.confidence import Evidence
from extract.thresholds import Row, choose, out_of_fold
from sohoa.cli import cli, main
from tests.extract.threshold_rows import FIELDS, training_rows

THRESHOLD = re.compile(r"^\[fields\.(\w+)\] review_threshold = (\d\.\d{3})$", re.MULTILINE)
SUMMARY = re.compile(r"(\d+) field values of (\d+) dossiers; out of fold: "
                     r"automation (\d+\.\d)%, precision (\d+\.\d\d)%")


def outcome_line(r: Row) -> str:
    """One line as ``sohoa eval --outcomes`` writes it (FieldOutcome fields, then the evidence)."""
    line = {"dossier": r.dossier, "quality": "clean", "field": r.evidence.field, "right": r.right,
            "review": r.evidence.ocr < 0.9, "confidence": r.evidence.ocr,
            "value": "X" if r.right else "Y", "expected": "X", "evidence": dataclasses.asdict(r.evidence)}
    return json.dumps(line, ensure_ascii=False)


def write(path: Path, rows: list[Row]) -> Path:
    path.write_text("".join(outcome_line(r) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def rows() -> list[Row]:
    return training_rows()


@pytest.fixture
def outcomes(tmp_path: Path, rows: list[Row]) -> Path:
    return write(tmp_path / "train.jsonl", rows)


@pytest.fixture
def fresh_load() -> Iterator[None]:
    confidence.load.cache_clear()
    yield
    confidence.load.cache_clear()


def test_prints_the_out_of_fold_figures_and_one_threshold_per_field(outcomes: Path, rows: list[Row]) -> None:
    result = CliRunner().invoke(cli, ["calibrate", str(outcomes), "--target", "0.99"])
    assert result.exit_code == 0, result.output
    summary = SUMMARY.search(result.output)
    assert summary is not None, result.output
    assert summary.group(1, 2) == ("180", "60")
    assert float(summary.group(4)) >= 99.0
    assert 50.0 < float(summary.group(3)) < 100.0
    printed = dict(THRESHOLD.findall(result.output))
    assert sorted(printed) == list(FIELDS)
    assert len(THRESHOLD.findall(result.output)) == len(FIELDS)
    expected = choose(rows, out_of_fold(rows), target=0.99, floor=0.9)
    assert printed == {f: f"{v:.3f}" for f, v in expected.items()}
    assert printed["a"] == printed["c"] == "0.900"
    assert float(printed["b"]) > 0.9


def test_rows_of_several_files_are_calibrated_together(tmp_path: Path, rows: list[Row]) -> None:
    first = write(tmp_path / "seed9.jsonl", [r for r in rows if r.dossier < "d30"])
    second = write(tmp_path / "seed10.jsonl", [r for r in rows if r.dossier >= "d30"])
    result = CliRunner().invoke(cli, ["calibrate", str(first), str(second), "--target", "0.99"])
    assert result.exit_code == 0, result.output
    summary = SUMMARY.search(result.output)
    assert summary is not None and summary.group(1, 2) == ("180", "60")


def test_floor_option_bounds_every_threshold(outcomes: Path) -> None:
    result = CliRunner().invoke(cli, ["calibrate", str(outcomes), "--floor", "0.95"])
    assert result.exit_code == 0, result.output
    assert all(float(v) >= 0.95 for _, v in THRESHOLD.findall(result.output))


def test_output_writes_a_calibration_extract_confidence_loads(
    outcomes: Path, tmp_path: Path, rows: list[Row], monkeypatch: pytest.MonkeyPatch, fresh_load: None
) -> None:
    target = tmp_path / "calibration.json"
    result = CliRunner().invoke(cli, ["calibrate", str(outcomes), "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert f"written to {target}" in result.output
    raw = json.loads(target.read_text(encoding="utf-8"))
    assert tuple(raw["features"]) == confidence.FEATURES
    monkeypatch.setattr(confidence, "CALIBRATION", target)
    cal = confidence.load()
    assert cal is not confidence.DEFAULT
    assert len(cal.weights) == len(confidence.FEATURES)
    assert set(cal.field_bias) == set(FIELDS)
    assert cal.samples == len(rows)
    assert cal == confidence.fit([(r.evidence, r.right) for r in rows])  # fitted on all rows, not a fold
    right = Evidence("a", True, 0.97, True, agree=2, expected_pages=2)
    wrong = Evidence("a", True, 0.35, True, agree=0, expected_pages=2)
    assert cal.probability(right) > 0.9 > cal.probability(wrong)


def test_without_output_nothing_is_written(outcomes: Path, tmp_path: Path) -> None:
    before = sorted(tmp_path.iterdir())
    result = CliRunner().invoke(cli, ["calibrate", str(outcomes)])
    assert result.exit_code == 0, result.output
    assert "written to" not in result.output
    assert sorted(tmp_path.iterdir()) == before


def test_evidence_keys_it_does_not_know_are_ignored(tmp_path: Path, rows: list[Row]) -> None:
    path = tmp_path / "newer.jsonl"
    lines = []
    for r in rows:
        raw = json.loads(outcome_line(r))
        raw["evidence"]["a_feature_of_tomorrow"] = 1
        lines.append(json.dumps(raw))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["calibrate", str(path)])
    assert result.exit_code == 0, result.output
    assert len(THRESHOLD.findall(result.output)) == len(FIELDS)


@pytest.mark.parametrize("bad", [
    "{not json",
    json.dumps({"dossier": "d99", "quality": "clean", "field": "a"}),  # no right, no evidence
    json.dumps({"dossier": "d99", "right": True, "evidence": {"found": True, "ocr": 0.9, "valid": True}}),
    json.dumps({"dossier": "d99", "right": True, "evidence": ["a", True]}),  # evidence not an object
    json.dumps({"dossier": "d99", "right": True, "evidence": None}),
    json.dumps({"dossier": "d99", "right": True,  # a number given as a string
                "evidence": {"field": "a", "found": True, "ocr": "0.9", "valid": True}}),
    json.dumps({"dossier": "d99", "right": "false",  # would be read as a right value
                "evidence": {"field": "a", "found": True, "ocr": 0.9, "valid": True}}),
])
def test_a_malformed_line_is_a_usage_error_naming_file_and_line(
    tmp_path: Path, rows: list[Row], capsys: pytest.CaptureFixture[str], bad: str
) -> None:
    path = tmp_path / "broken.jsonl"
    good = [outcome_line(r) for r in rows[:4]]
    path.write_text("\n".join([*good[:2], bad, *good[2:]]) + "\n", encoding="utf-8")
    with pytest.raises(SystemExit) as exit_info:
        main(["calibrate", str(path)])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "broken.jsonl line 3" in err


def test_an_empty_outcome_file_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "empty.jsonl"
    path.write_text("", encoding="utf-8")
    with pytest.raises(SystemExit) as exit_info:
        main(["calibrate", str(path)])
    assert exit_info.value.code == 2
    assert "no outcome lines" in capsys.readouterr().err


@pytest.mark.parametrize("target", ["0.49", "1.01", "2", "-0.9"])
def test_a_target_outside_half_to_one_is_refused(outcomes: Path, target: str,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["calibrate", str(outcomes), "--target", target])
    assert exit_info.value.code == 2
    captured = capsys.readouterr()
    assert "--target" in captured.err
    assert "review_threshold" not in captured.out


@pytest.mark.parametrize("target", ["0.5", "1.0"])
def test_the_ends_of_the_target_range_are_accepted(outcomes: Path, target: str) -> None:
    result = CliRunner().invoke(cli, ["calibrate", str(outcomes), "--target", target])
    assert result.exit_code == 0, result.output
    assert len(THRESHOLD.findall(result.output)) == len(FIELDS)


def test_a_missing_outcome_file_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["calibrate", str(tmp_path / "nowhere.jsonl")])
    assert exit_info.value.code == 2
