"""The Tesseract module: version and language checks, one pass for words + hOCR + searchable PDF,
limits, and every failure of the tool turned into our ToolError (fake crashing engines)."""

from __future__ import annotations

import io
import logging
import os
import shutil
import stat
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytesseract
import pytest
from pypdf import PdfReader

from ocr import tesseract
from ocr.tesseract import check_tesseract, detect_orientation, read_crop, read_crops, recognize
from sohoa.errors import ToolError, ToolMissing
from sohoa.model import BBox
from tests.ocr.conftest import load_gray
from tests.ocr.pages import SANS, draw_page

REAL = shutil.which("tesseract") or "tesseract"
VERSION_AND_LANGS = """
if [ "$1" = "--version" ]; then echo "tesseract {version}"; exit 0; fi
if [ "$1" = "--list-langs" ]; then printf 'List of available languages (3):\\neng\\nosd\\nvie\\n'; exit 0; fi
"""


def _script(folder: Path, name: str, body: str, version: str = "5.3.0") -> str:
    path = folder / name
    path.write_text("#!/bin/sh\n" + VERSION_AND_LANGS.format(version=version) + body + "\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return str(path)


@pytest.fixture
def use_cmd(monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    """Point pytesseract's tesseract_cmd (which our module runs) at another program for one test."""
    def point(cmd: str) -> None:
        monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", cmd)
    yield point
    tesseract._installed.cache_clear()


@pytest.fixture(scope="module")
def photo(scans: Path) -> np.ndarray:
    return load_gray(scans / "phototest.tif")


def test_version_and_languages_are_checked() -> None:
    assert check_tesseract("vie+eng") >= (4, 1)
    with pytest.raises(ToolMissing, match="tesseract-ocr-xyz"):
        check_tesseract("vie+xyz")


def test_one_pass_gives_words_hocr_and_a_searchable_pdf(photo: np.ndarray, tmp_path: Path, use_cmd) -> None:
    log_file = tmp_path / "calls.log"
    use_cmd(_script(tmp_path, "counting-tesseract",
                    f'echo "$OMP_THREAD_LIMIT $*" >> {log_file}\nexec {REAL} "$@"'))
    result = recognize(photo, lang="eng", dpi=200, timeout=60)
    calls = [c for c in log_file.read_text().splitlines() if "--version" not in c and "--list-langs" not in c]
    assert len(calls) == 1, calls  # words, hOCR and PDF from ONE Tesseract process
    assert calls[0].startswith("1 ")  # OMP_THREAD_LIMIT=1
    words = [w.text for b in result.blocks for line in b.lines for w in line.words]
    assert "quick" in words and "format." in words
    assert 0.8 < result.mean_confidence <= 1.0
    assert all(0.0 <= w.confidence <= 1.0 for b in result.blocks for line in b.lines for w in line.words)
    assert "ocrx_word" in result.hocr
    pdf = PdfReader(io.BytesIO(result.pdf))
    assert len(pdf.pages) == 1
    assert "quick brown dog" in pdf.pages[0].extract_text()


def test_words_boxes_and_lines_follow_the_page(photo: np.ndarray) -> None:
    result = recognize(photo, lang="eng", dpi=200, timeout=60)
    lines = [line for b in result.blocks for line in b.lines]
    assert lines[0].text.startswith("This is a lot of 12 point text")
    tops = [line.bbox.y0 for line in lines[:3]]
    assert tops == sorted(tops)
    for line in lines:
        for word in line.words:
            assert line.bbox.x0 <= word.bbox.x0 < word.bbox.x1 <= line.bbox.x1
            assert word.bbox.x0 >= 0 and word.bbox.x1 <= photo.shape[1]


def test_read_crop_with_whitelist_reads_an_identifier() -> None:
    page = draw_page("Số khung: RLHJF5810KY123456", dpi=150, font=SANS, margin_inches=0.5)
    ink = np.argwhere(page < 128)
    y0, y1 = int(ink[:, 0].min()), int(ink[:, 0].max())
    # the value starts after the label: find the widest white gap in the line and take what follows
    cols = np.flatnonzero((page[y0:y1 + 1] < 128).any(axis=0))
    gaps = np.diff(cols)
    start = int(cols[int(np.argmax(gaps)) + 1])
    text, conf = read_crop(page, BBox(x0=start, y0=y0, x1=int(cols.max()) + 1, y1=y1 + 1),
                           whitelist="ABCDEFGHJKLMNPRSTUVWXYZ0123456789")
    assert text == "RLHJF5810KY123456"
    assert 0.5 < conf <= 1.0


def test_batched_crop_reads_answer_each_box_as_a_single_read_does() -> None:
    values = ["RLHJF5810KY123456", "JF58E0556296", "29A12345", ""]
    pages = [draw_page(v or " ", dpi=150, font=SANS, margin_inches=0.5) for v in values]
    boxes = [(p, BBox(x0=0, y0=0, x1=p.shape[1], y1=p.shape[0])) for p in pages]
    wl = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
    batched = read_crops(boxes, whitelist=wl, psm=6)
    assert batched == [read_crop(p, b, whitelist=wl, psm=6) for p, b in boxes]
    assert [t for t, _ in batched] == values  # an empty box keeps its place
    assert read_crops([], whitelist=wl) == []


HOCR_TWO_PAGES = """<?xml version="1.0" encoding="UTF-8"?>
<html xmlns="http://www.w3.org/1999/xhtml"><body>
  <div class='ocr_page' id='page_1' title='image "in0000.tif"; bbox 0 0 449 84; ppageno 0'>
   <span class='ocr_line' id='line_1_1' title="bbox 22 22 427 63">
    <span class='ocrx_word' id='word_1_1' title='bbox 22 22 427 63; x_wconf 0'>
     <span class='ocrx_cinfo' title='x_bboxes 22 23 46 62; x_conf 98.78'>J</span>
     <span class='ocrx_cinfo' title='x_bboxes 54 23 80 62; x_conf 77.85'>-</span>
     <span class='ocrx_cinfo' title='x_bboxes 85 23 112 63; x_conf 99.01'>5</span>
    </span>
    <span class='ocrx_word' id='word_1_2' title='bbox 130 22 200 63; x_wconf 91'>A&amp;B</span>
   </span>
  </div>
  <div class='ocr_page' id='page_3' title='image "in0002.tif"; bbox 0 0 300 60; ppageno 2'>
    <span class='ocrx_word' id='word_3_1' title='bbox 5 5 50 40; x_wconf 64'>
     <span class='ocrx_cinfo' title='x_bboxes 5 5 50 40; x_conf 88'>Đ</span></span>
  </div>
</body></html>"""


def test_hocr_words_given_confidence_0_take_their_least_sure_characters() -> None:
    pages = tesseract.hocr_words(HOCR_TWO_PAGES)
    assert sorted(pages) == [0, 2]  # by ppageno: an image with nothing read has no words
    first = pages[0]
    assert [w.text for w in first] == ["J-5", "A&B"]
    assert first[0].confidence == pytest.approx(0.7785)  # not the 0 Tesseract gives the word
    assert first[1].confidence == pytest.approx(0.91)  # no character boxes: the word's own confidence
    assert first[0].bbox == BBox(x0=22, y0=22, x1=427, y1=63)
    assert [(w.text, w.confidence) for w in pages[2]] == [("Đ", pytest.approx(0.64))]  # the word's own


def test_osd_reports_the_rotation_to_apply(scans: Path) -> None:
    rotation, confidence = detect_orientation(load_gray(scans / "phototest-rotated-L.png"), 30, dpi=200)
    assert rotation == 90 and confidence > 1.0


def test_crashing_engine_gives_tool_error(photo: np.ndarray, tmp_path: Path, use_cmd) -> None:
    use_cmd(_script(tmp_path, "crashing-tesseract", 'echo "Error: segmentation fault in LSTM" >&2\nexit 1'))
    with pytest.raises(ToolError, match="status 1: Error: segmentation fault") as caught:
        recognize(photo, lang="vie+eng", dpi=200, timeout=30)
    assert not isinstance(caught.value, ToolMissing)
    with pytest.raises(ToolError):
        read_crop(photo, BBox(x0=0, y0=0, x1=100, y1=40))
    with pytest.raises(ToolError):
        detect_orientation(photo, 30)


def test_hanging_engine_is_stopped_by_the_timeout(photo: np.ndarray, tmp_path: Path, use_cmd) -> None:
    pid_file = tmp_path / "child.pid"
    use_cmd(_script(tmp_path, "hanging-tesseract", f"sleep 30 &\necho $! > {pid_file}\nwait"))
    started = time.monotonic()
    with pytest.raises(ToolError, match="timed out after 1 s") as caught:
        recognize(photo, lang="eng", dpi=200, timeout=1)
    assert time.monotonic() - started < 10
    assert caught.value.__cause__ is not None
    child = int(pid_file.read_text())
    time.sleep(0.2)
    assert not _alive(child), "the engine's own children must be stopped with it"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"


def test_engine_writing_nothing_gives_tool_error(photo: np.ndarray, tmp_path: Path, use_cmd) -> None:
    use_cmd(_script(tmp_path, "silent-tesseract", "exit 0"))
    with pytest.raises(ToolError, match="no tsv output"):
        recognize(photo, lang="eng", dpi=200, timeout=10)


def test_tool_stderr_is_logged_at_debug(photo: np.ndarray, tmp_path: Path, use_cmd,
                                        caplog: pytest.LogCaptureFixture) -> None:
    chatty = f'echo "Estimating resolution as 199" >&2\nexec {REAL} "$@"'
    use_cmd(_script(tmp_path, "chatty-tesseract", chatty))
    with caplog.at_level(logging.DEBUG, logger="ocr.tesseract"):
        recognize(photo, lang="eng", dpi=200, timeout=60)
    assert any("Estimating resolution as 199" in r.getMessage() and r.levelno == logging.DEBUG
               for r in caplog.records)


def test_old_engine_is_refused(tmp_path: Path, use_cmd) -> None:
    use_cmd(_script(tmp_path, "old-tesseract", "exit 0", version="3.05.02"))
    with pytest.raises(ToolMissing, match=r"3\.5 is too old"):
        check_tesseract("eng")


def test_engine_of_unknown_version_is_refused(tmp_path: Path, use_cmd) -> None:
    odd = tmp_path / "odd-tesseract"
    odd.write_text('#!/bin/sh\necho "hello"\n')
    odd.chmod(0o755)
    use_cmd(str(odd))
    with pytest.raises(ToolMissing, match="cannot tell the version"):
        check_tesseract("eng")


def test_missing_engine_is_tool_missing(tmp_path: Path, use_cmd) -> None:
    use_cmd(str(tmp_path / "no-such-tesseract"))
    with pytest.raises(ToolMissing, match="cannot be started"):
        check_tesseract("eng")
