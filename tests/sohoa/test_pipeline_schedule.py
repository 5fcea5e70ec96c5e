"""The parallel run's scheduling: records are made in the pool while later dossiers are read.

Real files, real Tesseract; a crashing page stage (forked into the pool workers) stands in
for a page that fails.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.fingerprint import dossier_id_for, sha256_file
from sohoa import pipeline
from sohoa.context import StageContext
from sohoa.errors import ToolError
from sohoa.model import Dossier, PageWork
from sohoa.pipeline import Pipeline
from sohoa.settings import Settings
from storage.factory import object_store_from_settings, repository_from_settings
from tests.sohoa.queue_support import make_dossiers

pytestmark = pytest.mark.timeout(300)


def _run(
    inputs: Path, data_dir: Path, workers: int, window: int = 2
) -> tuple[pipeline.BatchResult, dict[str, Dossier]]:
    settings = Settings(data_dir=data_dir, workers=workers)
    store = object_store_from_settings(settings)
    p = Pipeline(settings, store, repository_from_settings(settings), workers=workers)
    p.window = window
    result = p.run([inputs])
    records = {o.dossier_id: Dossier.model_validate_json(store.get_bytes(f"{o.dossier_id}/record.json"))
               for o in result.outcomes if o.status == "processed" and o.dossier_id}
    return result, records


def test_many_dossiers_through_a_narrow_window_match_the_serial_run(tmp_path: Path) -> None:
    """Five dossiers, one read at a time: each is committed once, oldest first, as the serial run makes it."""
    paths = make_dossiers(tmp_path / "in", 5)
    serial, serial_records = _run(tmp_path / "in", tmp_path / "serial", workers=1)
    parallel, parallel_records = _run(tmp_path / "in", tmp_path / "parallel", workers=2, window=1)
    assert [o.status for o in parallel.outcomes] == ["processed"] * 5
    assert [o.source for o in parallel.outcomes] == [o.source for o in serial.outcomes]
    assert [o.source for o in parallel.outcomes] == [f"in/{p.name}" for p in paths]
    assert parallel_records == serial_records


def test_a_failing_page_fails_its_dossier_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A page that fails in a worker fails its dossier; the dossiers before and after it are stored."""
    paths = make_dossiers(tmp_path / "in", 4)
    doomed = dossier_id_for(sha256_file(paths[1]))
    real_stages = pipeline.page_stages()

    def crash_on_doomed(work: PageWork, ctx: StageContext) -> PageWork:
        if work.page.dossier_id == doomed:
            raise ToolError("tesseract crashed (fake)")
        return work

    # set before the pool forks its workers, which inherit it
    monkeypatch.setattr(pipeline, "page_stages", lambda: (crash_on_doomed, *real_stages))
    result, records = _run(tmp_path / "in", tmp_path / "data", workers=2, window=1)
    statuses = {Path(o.source).name: o.status for o in result.outcomes}
    assert statuses == {paths[0].name: "processed", paths[1].name: "failed",
                        paths[2].name: "processed", paths[3].name: "processed"}
    assert doomed not in records and len(records) == 3
    failed = next(o for o in result.outcomes if o.status == "failed")
    assert failed.reason is not None and "fake" in failed.reason


def test_full_scratch_space_fails_its_dossier_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Scratch space that fills up while a dossier's pages are handed over fails that dossier with a
    storage error naming the reason; the other dossiers are stored."""
    import errno

    import numpy as np

    paths = make_dossiers(tmp_path / "in", 3)
    doomed = dossier_id_for(sha256_file(paths[1]))
    real_save = np.save

    def save_or_fill_up(file: Path, arr: np.ndarray, allow_pickle: bool = False) -> None:
        if Path(file).name.startswith(doomed):
            raise OSError(errno.ENOSPC, "No space left on device")
        real_save(file, arr, allow_pickle=allow_pickle)

    monkeypatch.setattr(pipeline.np, "save", save_or_fill_up)
    result, records = _run(tmp_path / "in", tmp_path / "data", workers=2, window=1)
    statuses = {Path(o.source).name: o.status for o in result.outcomes}
    assert statuses == {paths[0].name: "processed", paths[1].name: "failed", paths[2].name: "processed"}
    failed = next(o for o in result.outcomes if o.status == "failed")
    assert failed.reason is not None and "No space left" in failed.reason
    assert doomed not in records and len(records) == 2
