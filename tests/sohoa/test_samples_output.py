"""Generated dossiers on disk: readable formats, truthful page records, determinism, the CLI."""

from __future__ import annotations

import hashlib
import json
import math
import unicodedata
from pathlib import Path

import cv2
import numpy as np
import pypdf
import pytest
from click.testing import CliRunner
from PIL import Image

from sohoa.cli import main
from sohoa.cli.samples import samples
from sohoa.errors import StorageError, UsageError
from sohoa.samples.faults import PROFILES, rotate90
from sohoa.samples.generator import build, draft, generate, record
from sohoa.samples.render import a4_size
from sohoa.samples.truth import DossierTruth
from sohoa.samples.writer import write_dossier


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[DossierTruth]]:
    out = tmp_path_factory.mktemp("samples")
    return out, generate(out, 3, seed=20261124)


def _digest(path: Path) -> str:
    files = sorted(path.rglob("*")) if path.is_dir() else [path]
    h = hashlib.sha256()
    for f in files:
        if f.is_file():
            h.update(f.name.encode() + f.read_bytes())
    return h.hexdigest()


def _page_sizes(path: Path) -> list[tuple[int, int]]:
    if path.suffix == ".pdf":
        reader = pypdf.PdfReader(path)
        return [p.images[0].image.size for p in reader.pages]
    if path.suffix == ".tif":
        with Image.open(path) as im:
            sizes = []
            for i in range(im.n_frames):
                im.seek(i)
                sizes.append(im.size)
            return sizes
    return [Image.open(p).size for p in sorted(path.iterdir())]


def test_batch_has_a_dossier_and_truth_per_index(batch: tuple[Path, list[DossierTruth]]) -> None:
    out, truths = batch
    assert len(truths) == 3
    for t in truths:
        assert (out / t.source).exists()
        raw = (out / f"{t.dossier_id}.truth.json").read_text(encoding="utf-8")
        assert unicodedata.is_normalized("NFC", raw)
        assert DossierTruth.model_validate_json(raw) == t
        assert "\\u" not in raw  # Vietnamese stored as UTF-8 text, not escapes
        assert sorted(p.page_type for p in t.pages) == [
            "declaration_form", "id_card", "registration_certificate", "rubbing",
        ]  # fmt: skip
    assert not list(out.glob(".*")), "no temporary files left behind"


def test_pages_on_disk_match_their_truth(batch: tuple[Path, list[DossierTruth]]) -> None:
    out, truths = batch
    for t in truths:
        sizes = _page_sizes(out / t.source)
        assert sizes == [(p.width, p.height) for p in t.pages]
        profile = PROFILES[t.quality]
        for p in t.pages:
            assert abs(p.skew) <= profile.max_skew and p.rotation in (0, 90, 180, 270)
            assert p.dpi in profile.dpis
            # an A4 page at its DPI on a canvas grown by the skew (and maybe turned sideways)
            a4_w, a4_h = a4_size(p.dpi)
            cos, sin = abs(math.cos(math.radians(p.skew))), abs(math.sin(math.radians(p.skew)))
            w, h = (p.width, p.height) if p.rotation in (0, 180) else (p.height, p.width)
            assert abs(w - (a4_w * cos + a4_h * sin)) <= 2 and abs(h - (a4_w * sin + a4_h * cos)) <= 2


def test_pdf_pages_carry_their_resolution(batch: tuple[Path, list[DossierTruth]]) -> None:
    out, truths = batch
    pdfs = [t for t in truths if t.format == "pdf"]
    assert pdfs, "most dossiers are PDFs"
    for t in pdfs:
        reader = pypdf.PdfReader(out / t.source)
        for page, truth in zip(reader.pages, t.pages, strict=True):
            assert float(page.mediabox.width) == pytest.approx(truth.width * 72 / truth.dpi, abs=0.5)


@pytest.mark.parametrize("fmt", ["pdf", "tiff", "png", "jpeg"])
def test_every_output_format_is_readable(tmp_path: Path, fmt: str) -> None:
    pages = [np.full((300, 200), 255, np.uint8), np.zeros((200, 300, 3), np.uint8)]
    name = write_dossier(tmp_path, "d", pages, 150, fmt)  # type: ignore[arg-type]
    assert _page_sizes(tmp_path / name) == [(200, 300), (300, 200)]
    if fmt in ("tiff", "png", "jpeg"):
        first = tmp_path / name if fmt == "tiff" else next(iter(sorted((tmp_path / name).iterdir())))
        with Image.open(first) as im:
            assert round(im.info["dpi"][0]) == 150


def test_generation_is_deterministic(tmp_path: Path, batch: tuple[Path, list[DossierTruth]]) -> None:
    out, truths = batch
    again = generate(tmp_path, 2, seed=20261124)
    assert again == truths[:2]  # the first k of a larger batch equal a batch of k
    for t in again:
        assert _digest(tmp_path / t.source) == _digest(out / t.source)
        assert (tmp_path / f"{t.dossier_id}.truth.json").read_bytes() == (
            out / f"{t.dossier_id}.truth.json"
        ).read_bytes()
    assert record(draft(7, 0)) != truths[0].fields  # another seed, other dossiers


def _projection_skew(img: np.ndarray, limit: float) -> float:
    """Skew (+ = counter-clockwise) that best straightens text rows, by projection-profile search."""
    grey = img if img.ndim == 2 else cv2.cvtColor(img, cv2.COLOR_RGB2GRAY)
    small = cv2.resize(grey, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
    ink = (small < 150).astype(np.float32)
    h, w = ink.shape

    def score(angle: float) -> float:
        m = cv2.getRotationMatrix2D((w / 2, h / 2), -angle, 1.0)
        return float(np.var(cv2.warpAffine(ink, m, (w, h)).sum(axis=1)))

    coarse = max(np.arange(-limit - 1, limit + 1, 0.2), key=score)
    return float(max(np.arange(coarse - 0.2, coarse + 0.2, 0.02), key=score))


def test_recorded_skew_and_rotation_are_what_the_page_shows() -> None:
    truth, images = build(5, 3, "fair")
    for page, img in zip(truth.pages, images, strict=True):
        if page.page_type != "declaration_form":
            continue
        upright = rotate90(img, page.upright_rotation)
        assert upright.shape[0] > upright.shape[1]  # portrait again
        assert _projection_skew(upright, 5.0) == pytest.approx(page.skew, abs=0.2)


def test_cli_writes_samples_and_reports_bad_usage(tmp_path: Path) -> None:
    args = [str(tmp_path), "--n", "1", "--seed", "3", "--quality", "clean", "--format", "tiff", "--dpi", "150"]
    result = CliRunner().invoke(samples, args)
    assert result.exit_code == 0, result.output
    truth = json.loads((tmp_path / "hoso-3-00000.truth.json").read_text(encoding="utf-8"))
    assert truth["quality"] == "clean" and len(truth["pages"]) == 4
    assert truth["format"] == "tiff" and {p["dpi"] for p in truth["pages"]} == {150}
    with Image.open(tmp_path / "hoso-3-00000.tif") as im:
        assert im.n_frames == 4 and round(im.info["dpi"][0]) == 150
    with pytest.raises(UsageError, match="dpi"):
        generate(tmp_path, 1, seed=3, dpi=20)
    with pytest.raises(SystemExit) as e:
        main(["samples", str(tmp_path), "--n", "-1"])
    assert e.value.code == 2
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(SystemExit) as e:
        main(["samples", str(blocker / "out"), "--n", "1", "--no-progress"])
    assert e.value.code == 1  # StorageError: a clear message, not a traceback
    with pytest.raises(StorageError, match="cannot write sample dossiers"):
        generate(blocker / "out", 1, seed=1)
    help_text = CliRunner().invoke(samples, ["--help"]).output
    assert "--seed" in help_text and "--quality" in help_text
