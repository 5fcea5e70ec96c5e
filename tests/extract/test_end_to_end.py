"""End to end with the real Tesseract: generated dossiers → ingest → prepare/read → extract.

One clean sample dossier (seed 901) are written as `sohoa samples` writes them and read
through the same path as `sohoa eval`. The four identifiers must come out right before
review, and no auto-accepted field may be wrong (the precision promise); `sohoa eval`
prints its table for the same folder.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from extract.classify import classify
from extract.record import extract_with_evidence
from sohoa.cli import cli, main
from sohoa.cli.eval import run_dossier
from sohoa.doctypes import DocTypeSpec
from sohoa.pipeline import CropReader
from sohoa.samples.generator import generate
from sohoa.samples.truth import DossierTruth
from storage.objectstore import LocalObjectStore

pytestmark = pytest.mark.slow

IDENTIFIERS = ("plate_number", "chassis_number", "engine_number", "owner_id_number")


@pytest.fixture(scope="module")
def samples(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[DossierTruth]]:
    out = tmp_path_factory.mktemp("samples")
    return out, generate(out, 1, 901, "clean")


def test_generated_dossiers_are_extracted(
    samples: tuple[Path, list[DossierTruth]], spec: DocTypeSpec, tmp_path: Path
) -> None:
    folder, truths = samples
    store = LocalObjectStore(tmp_path / "store")
    for truth in truths:
        pages, images = run_dossier(folder / truth.source, store)
        fields, _ = extract_with_evidence(pages, spec=spec, reread=CropReader(), images=images)
        expected = truth.fields.as_dict()
        for name in IDENTIFIERS:
            assert fields[name].value == expected[name], name
        accepted_wrong = [n for n, fv in fields.items() if not fv.needs_review and fv.value != expected[n]]
        assert accepted_wrong == []
        groups = [spec.group_of(classify(p, spec).page_type) for p in pages]
        assert groups[:2] == ["declaration_form", "registration_certificate"]
        assert all(fv.page is not None for fv in fields.values() if fv.value is not None)


def test_eval_command_prints_the_table(samples: tuple[Path, list[DossierTruth]], tmp_path: Path) -> None:
    folder, _ = samples
    result = CliRunner().invoke(
        cli, ["eval", str(folder), "--limit", "1", "--no-progress", "--json", str(tmp_path / "eval.json")]
    )
    assert result.exit_code == 0, result.output
    assert (
        "precision" in result.output and "plate_number" in result.output and "Clean and fair" in result.output
    )
    assert (tmp_path / "eval.json").is_file()
    serial = CliRunner().invoke(cli, ["eval", str(folder), "--limit", "1", "--no-progress", "--workers", "1",
                                      "--json", str(tmp_path / "serial.json")])
    assert serial.exit_code == 0, serial.output
    assert (tmp_path / "serial.json").read_text() == (tmp_path / "eval.json").read_text()  # pool == in-process


def test_eval_command_on_a_folder_without_truth_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["eval", str(tmp_path), "--no-progress"])
    assert exit_info.value.code == 2
