"""The ingest stage end to end: source in, checked pages with their model out."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

import ingest.stage
from ingest.fingerprint import dossier_id_for, sha256_file, sha256_pixels, sha256_source
from ingest.sources import Source, discover
from ingest.stage import load_dossier
from sohoa.context import StageContext
from sohoa.errors import InputRejected
from sohoa.model import Page
from tests.ingest import badfiles
from tests.ingest.pagegen import save_pdf, text_page


def test_pdf_dossier_pages_carry_the_model(tmp_path: Path, ctx: StageContext) -> None:
    pages = [text_page(150, label="trang 1"), text_page(150, blur_sigma=2.5), text_page(150, label="trang 3")]
    pdf = save_pdf(tmp_path / "ho-so.pdf", pages, 150)

    works = list(load_dossier(Source(pdf, "pdf", pdf.name), ctx))

    assert [w.page.index for w in works] == [1, 2, 3]
    for work in works:
        page = work.page
        assert page.dossier_id == dossier_id_for(sha256_file(pdf))
        assert (page.height, page.width) == work.image.shape[:2] == (1754, 1240)
        assert page.dpi == 150
        assert page.sha256 == sha256_pixels(work.image)
        assert page.stages == ("ingest",)
        assert page.quality is not None and page.quality.dpi == 150
        assert Page.model_validate_json(page.model_dump_json()) == page
    assert [w.page.quality.rescan_advised for w in works if w.page.quality] == [False, True, False]


def test_same_file_twice_gives_the_same_dossier_and_pages(tmp_path: Path, ctx: StageContext) -> None:
    pdf = save_pdf(tmp_path / "a.pdf", [text_page(60)], 60)
    copy = Path(shutil.copy(pdf, tmp_path / "b.pdf"))
    first = [w.page for w in load_dossier(Source(pdf, "pdf", "a.pdf"), ctx)]
    second = [w.page for w in load_dossier(Source(copy, "pdf", "b.pdf"), ctx)]
    assert first == second


def test_folder_dossier_in_natural_order(tmp_path: Path, ctx: StageContext) -> None:
    folder = tmp_path / "ho-so-9"
    folder.mkdir()
    images = {n: text_page(60, label=f"trang {n}") for n in (1, 2, 11)}
    for n, image in images.items():
        Image.fromarray(image).save(folder / f"scan_{n}.png", dpi=(60, 60))
    (source,) = discover([folder])[0]

    works = list(load_dossier(source, ctx))

    assert [w.page.index for w in works] == [1, 2, 3]
    assert all(np.array_equal(w.image, images[n]) for w, n in zip(works, (1, 2, 11), strict=True))
    assert {w.page.dossier_id for w in works} == {dossier_id_for(sha256_source(source))}
    assert {w.page.dpi for w in works} == {60}


def test_bad_input_is_rejected_before_rasterizing(
    tmp_path: Path, ctx: StageContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = badfiles.encrypted_pdf(tmp_path)

    def boom(*args: object, **kwargs: object) -> None:
        raise AssertionError("rasterizing started before the checks")

    monkeypatch.setattr(ingest.stage, "iter_pages", boom)
    with pytest.raises(InputRejected, match="encrypted PDF"):
        next(load_dossier(Source(path, "pdf", path.name), ctx))
