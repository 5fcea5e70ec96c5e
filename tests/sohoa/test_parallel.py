"""The local parallel run (a process pool over pages) gives exactly the serial run's records."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from sohoa.model import Dossier
from sohoa.pipeline import Pipeline
from sohoa.settings import Settings
from storage.factory import object_store_from_settings, repository_from_settings
from tests.sohoa.queue_support import make_dossiers

pytestmark = pytest.mark.timeout(300)


def run_batch(inputs: Path, data_dir: Path, workers: int) -> dict[str, Dossier]:
    settings = Settings(data_dir=data_dir, workers=workers)
    store = object_store_from_settings(settings)
    result = Pipeline(settings, store, repository_from_settings(settings), workers=workers).run([inputs])
    assert result.ok, [o for o in result.outcomes if o.status != "processed"]
    assert result.count("processed") == 2
    records = {}
    for outcome in result.outcomes:
        assert outcome.dossier_id is not None
        raw = store.get_bytes(f"{outcome.dossier_id}/record.json")
        records[outcome.dossier_id] = Dossier.model_validate_json(raw)
    return records


def test_two_workers_store_the_same_records_and_pages_as_one(tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    make_dossiers(inputs, 1, prefix="single")
    folder = inputs / "folder-dossier"
    folder.mkdir()
    for i, page in enumerate(make_dossiers(tmp_path / "pages", 2, prefix="page", suffix=".png")):
        shutil.move(page, folder / f"{i + 1:02d}.png")  # one dossier of two pages

    serial = run_batch(inputs, tmp_path / "serial", workers=1)
    parallel = run_batch(inputs, tmp_path / "parallel", workers=2)

    assert serial.keys() == parallel.keys()
    assert sum(len(d.pages) for d in serial.values()) == 3
    for dossier_id, record in serial.items():
        assert parallel[dossier_id] == record  # pages (rotation, skew, quality, keys) and every field
    for dossier_id, record in serial.items():
        for page in record.pages:
            key = f"{dossier_id}/{page.index:04d}_ocr.json"
            a = (tmp_path / "serial" / "objects" / key).read_bytes()
            b = (tmp_path / "parallel" / "objects" / key).read_bytes()
            assert a == b  # the words, boxes and confidences read on each page
