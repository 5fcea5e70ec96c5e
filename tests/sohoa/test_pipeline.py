"""The pipeline end to end on real files with the real Tesseract, on the embedded default."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import time
import unicodedata
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from sohoa.cli import main
from sohoa.pipeline import Pipeline
from sohoa.samples.faults import skew
from sohoa.samples.render import text_page
from sohoa.settings import Settings
from storage.factory import object_store_from_settings, repository_from_settings

LINES = ["GIẤY KHAI ĐĂNG KÝ XE", "Tên chủ xe: NGUYỄN VĂN ĐỨC", "Số khung: RLHJC5212KY000123"]


def _pdf(path: Path, pages: int = 2, angle: float = 0.0) -> Path:
    images = [Image.fromarray(skew(text_page([*LINES, f"Trang {i}"], dpi=150), angle)) for i in range(pages)]
    images[0].save(path, save_all=True, append_images=images[1:], resolution=150)
    return path


def _pipeline(settings: Settings, workers: int = 1) -> Pipeline:
    return Pipeline(settings, object_store_from_settings(settings), repository_from_settings(settings),
                    workers=workers)


@pytest.fixture
def batch(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    _pdf(folder / "a.pdf", pages=2, angle=3.0)
    (folder / "empty.pdf").write_bytes(b"")
    (folder / "fake.pdf").write_bytes(b"<html><body>not a scan</body></html>")
    return folder


def test_batch_processes_good_files_and_rejects_bad_ones(batch: Path, _isolated_data_dir: Path) -> None:
    settings = Settings()
    result = _pipeline(settings).run([batch])
    by_source = {Path(o.source).name: o for o in result.outcomes}
    assert by_source["a.pdf"].status == "processed" and by_source["a.pdf"].pages == 2
    assert by_source["empty.pdf"].status == "rejected" and "empty" in (by_source["empty.pdf"].reason or "")
    assert by_source["fake.pdf"].status == "rejected" and "HTML" in (by_source["fake.pdf"].reason or "")
    assert not result.ok

    repo = repository_from_settings(settings)
    dossier = repo.load_dossier(by_source["a.pdf"].dossier_id or "", store=object_store_from_settings(settings))
    assert [p.index for p in dossier.pages] == [1, 2]
    assert all(abs(p.skew - 3.0) < 0.5 for p in dossier.pages)
    assert "NGUYỄN" in dossier.pages[0].text  # words kept with their diacritics, NFC
    store = object_store_from_settings(settings)
    keys = set(store.list(dossier.dossier_id))
    assert {f"{dossier.dossier_id}/0001_prepared.png", f"{dossier.dossier_id}/0002_ocr.json",
            f"{dossier.dossier_id}/searchable.pdf", f"{dossier.dossier_id}/source.pdf"} <= keys


def test_searchable_pdf_has_page_images_under_their_text_layers(batch: Path) -> None:
    settings = Settings()
    result = _pipeline(settings).run([batch / "a.pdf"])
    dossier_id = result.outcomes[0].dossier_id or ""
    store = object_store_from_settings(settings)
    reader = PdfReader(io.BytesIO(store.get_bytes(f"{dossier_id}/searchable.pdf")))
    assert len(reader.pages) == 2
    for page in reader.pages:
        assert len(page.images) == 1  # the scan, once (not Tesseract's copy and ours)
        assert "NGUYỄN" in unicodedata.normalize("NFC", page.extract_text())
        width_pt = float(page.mediabox.width)
        image = page.images[0].image
        assert abs(width_pt - image.width * 72 / 150) < 2  # image laid at the page's DPI


def test_same_file_twice_makes_one_dossier(batch: Path) -> None:
    settings = Settings()
    first = _pipeline(settings).run([batch / "a.pdf"])
    second = _pipeline(settings).run([batch / "a.pdf"])
    assert [o.status for o in first.outcomes] == ["processed"]
    assert [o.status for o in second.outcomes] == ["skipped"]
    assert first.outcomes[0].dossier_id == second.outcomes[0].dossier_id
    assert len(repository_from_settings(settings).list_dossiers()) == 1


def test_cli_run_exit_status_and_export(batch: Path, tmp_path: Path) -> None:
    assert main(["run", str(batch / "a.pdf"), "--workers", "1"]) == 0
    assert main(["run", str(batch), "--workers", "1"]) == 1  # two rejected inputs
    out = tmp_path / "records.jsonl"
    assert main(["export", "--format", "jsonl", "-o", str(out)]) == 0
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    statuses = sorted(r["status"] for r in records)
    assert statuses == ["processed", "rejected", "rejected"]
    processed = next(r for r in records if r["status"] == "processed")
    assert processed["pages"] == 2
    assert set(processed["fields"]) >= {"plate_number", "chassis_number", "owner_name", "registration_date"}
    assert all(set(f) >= {"value", "confidence", "needs_review", "page", "bbox", "reasons"}
               for f in processed["fields"].values())
    rejected = [r for r in records if r["status"] == "rejected"]
    assert all(r["reason"] for r in rejected)


def test_killed_run_leaves_whole_dossiers_or_nothing(tmp_path: Path) -> None:
    """SIGKILL mid-batch, then re-run: every dossier stored exactly once and complete."""
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(3):
        _pdf(folder / f"d{i}.pdf", pages=2, angle=float(i))
    data = tmp_path / "data"
    env = {**os.environ, "SOHOA_DATA_DIR": str(data), "SOHOA_WORKERS": "1"}
    cmd = [sys.executable, "-m", "sohoa", "run", str(folder)]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not list((data / "objects").rglob("0001_ocr.json")):
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    rerun = subprocess.run(cmd, check=False, env=env, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    settings = Settings(data_dir=data)
    infos = repository_from_settings(settings).list_dossiers()
    assert len(infos) == 3 and len({i.sha256 for i in infos}) == 3
    store = object_store_from_settings(settings)
    for info in infos:
        dossier = repository_from_settings(settings).load_dossier(info.dossier_id, store=store)
        assert len(dossier.pages) == 2
        assert store.exists(f"{info.dossier_id}/record.json")


@pytest.mark.parametrize(
    ("address", "commune", "province"),
    [
        ("Thôn 6, Xã Hưng Đạo, Thành phố Hà Nội", "Xã Hưng Đạo", "Thành phố Hà Nội"),
        # written before the 2025 reform: district level named, counted under today's units
        ("xóm 2, xã Quảng Tân, huyện Quảng Xương, tỉnh Thanh Hóa", "Xã Lưu Vệ", "Tỉnh Thanh Hóa"),
        (None, None, None),
    ],
)
def test_dossier_is_placed_in_its_current_commune(address: str | None, commune: str | None,
                                                  province: str | None) -> None:
    from sohoa.model import FieldValue
    from sohoa.pipeline import dossier_place

    assert dossier_place({"owner_address": FieldValue(value=address)}) == (commune, province)
