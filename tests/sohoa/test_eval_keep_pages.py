"""``sohoa eval --keep-pages DIR``: read pages are kept and the next run scores them without the scans.

One clean dossier is written by ``sohoa samples`` and read once with the real
Tesseract; the second run over the same keep folder must give the same outcomes
while reading no scan (``run_dossier`` raises if it is called).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import sohoa.cli.eval as eval_mod
from sohoa.cli import cli
from sohoa.cli.eval import evaluate_dir
from sohoa.samples.truth import DossierTruth

pytestmark = pytest.mark.slow


class ScansRead(RuntimeError):
    """Raised by the patched run_dossier: a scan was read again."""


def _no_scan(path: Path, store: Any) -> Any:
    raise ScansRead(f"scan read again: {path}")


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("samples")
    result = CliRunner().invoke(cli, ["samples", str(out), "-n", "1", "--seed", "901", "--quality", "clean",
                                      "--format", "pdf", "--dpi", "150", "--no-progress"])
    assert result.exit_code == 0, result.output
    assert len(list(out.glob("*.truth.json"))) == 1
    return out


@pytest.fixture(scope="module")
def first_run(folder: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Any], list[Any]]:
    keep = tmp_path_factory.mktemp("keep")
    outcomes, rows = evaluate_dir(folder, None, False, 1, keep)
    return keep, outcomes, rows


def test_the_first_run_keeps_the_read_pages(first_run: tuple[Path, list[Any], list[Any]]) -> None:
    keep, outcomes, _ = first_run
    assert outcomes
    assert list(keep.rglob("eval-pages.json"))


def test_the_second_run_reuses_the_pages_without_reading_the_scans(
    folder: Path, first_run: tuple[Path, list[Any], list[Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    keep, outcomes, rows = first_run
    monkeypatch.setattr(eval_mod, "run_dossier", _no_scan)
    again, again_rows = evaluate_dir(folder, None, False, 1, keep)
    assert again == outcomes
    assert again_rows == rows


def test_the_patch_would_catch_a_scan_read(folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # guard of the test above: with a fresh keep folder the same patched run must read the scan, and fail
    monkeypatch.setattr(eval_mod, "run_dossier", _no_scan)
    with pytest.raises(ScansRead):
        evaluate_dir(folder, None, False, 1, tmp_path / "fresh")


def test_outcomes_carry_the_value_and_the_truth(folder: Path, first_run: tuple[Path, list[Any], list[Any]]) -> None:
    _, outcomes, _ = first_run
    (truth_file,) = folder.glob("*.truth.json")
    truth = DossierTruth.model_validate_json(truth_file.read_text(encoding="utf-8"))
    expected = truth.fields.as_dict()
    assert [o.field for o in outcomes] == list(expected)
    for o in outcomes:
        assert o.dossier == truth.dossier_id
        assert o.expected == expected[o.field]
        assert o.right == (o.value == o.expected)
    assert sum(o.value is not None for o in outcomes) >= len(outcomes) // 2
    assert any(o.right and o.value for o in outcomes)
