"""The one module that runs Tesseract.

Every call starts one ``tesseract`` process (the binary named by
``pytesseract.pytesseract.tesseract_cmd``, so one setting points all of sohoa at
another build) with ``OMP_THREAD_LIMIT=1`` and a timeout, logs the tool's stderr
at DEBUG, and turns every failure into :class:`sohoa.errors.ToolError` raised
``from`` the cause. The version (>= 4.1) and the requested languages are checked
once per process, at first use.

A page is read in ONE pass that writes the TSV word boxes, the hOCR and the
searchable PDF (page image plus invisible text layer) together.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import signal
import subprocess
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path

import cv2
import numpy as np
import pytesseract
from PIL import Image

from ocr.raster import to_gray
from sohoa.errors import ToolError, ToolMissing
from sohoa.model import BBox, Block, Line, Word, nfc

log = logging.getLogger(__name__)

MIN_VERSION = (4, 1)
_VERSION_RE = re.compile(r"tesseract\s+v?(\d+)\.(\d+)", re.IGNORECASE)
_OSD_ROTATE_RE = re.compile(r"Rotate:\s*(\d+)")
_OSD_CONF_RE = re.compile(r"Orientation confidence:\s*([\d.]+)")


@dataclass(frozen=True)
class OcrResult:
    """What one Tesseract pass over a page yields."""

    blocks: tuple[Block, ...]
    pdf: bytes
    hocr: str
    mean_confidence: float


def tesseract_cmd() -> str:
    """The Tesseract binary in use (pytesseract's setting, ``tesseract`` by default)."""
    return str(pytesseract.pytesseract.tesseract_cmd)


def _env() -> dict[str, str]:
    return {**os.environ, "OMP_THREAD_LIMIT": "1"}


def _exec(args: Sequence[str], timeout: float) -> subprocess.CompletedProcess[bytes]:
    """Run the Tesseract binary with ``args``; raise ToolError on any failure.

    The process runs in its own session so that a timeout stops it and anything it started.
    """
    cmd = [tesseract_cmd(), *args]
    try:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_env(),
                                start_new_session=True)
    except OSError as e:
        raise ToolMissing(f"tesseract cannot be started ({cmd[0]}): {e.strerror or e}") from e
    try:
        stdout, stderr = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired as e:
        _kill_group(proc)
        raise ToolError(f"tesseract timed out after {timeout:g} s") from e
    if stderr:
        log.debug("tesseract stderr: %s", stderr.decode("utf-8", "replace").strip())
    if proc.returncode != 0:
        tail = stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no message"]
        raise ToolError(f"tesseract exited with status {proc.returncode}: {tail[0][:200]}")
    return subprocess.CompletedProcess(cmd, proc.returncode, stdout, stderr)


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    """Stop a timed-out engine and its children (its own process group), then reap it."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.communicate()


@lru_cache(maxsize=8)
def _installed(cmd: str) -> tuple[tuple[int, int], frozenset[str]]:
    out = _exec(["--version"], timeout=30)
    text = (out.stdout + out.stderr).decode("utf-8", "replace")
    match = _VERSION_RE.search(text)
    if not match:
        raise ToolMissing(f"cannot tell the version of {cmd} from: {text[:80]!r}")
    langs = _exec(["--list-langs"], timeout=30).stdout.decode("utf-8", "replace").splitlines()
    return (int(match.group(1)), int(match.group(2))), frozenset(x.strip() for x in langs[1:] if x.strip())


def check_tesseract(languages: str) -> tuple[int, int]:
    """Check Tesseract is >= 4.1 and has every language of ``languages`` ("vie+eng"); return the version.

    Raises :class:`ToolMissing` naming what to install otherwise. Cached per binary.
    """
    try:
        version, installed = _installed(tesseract_cmd())
    except ToolMissing:
        raise
    except ToolError as e:
        raise ToolMissing(f"tesseract is not usable: {e.message}") from e
    if version < MIN_VERSION:
        raise ToolMissing(f"tesseract {version[0]}.{version[1]} is too old; 4.1 or newer is needed")
    missing = [lang for lang in languages.split("+") if lang and lang not in installed]
    if missing:
        names = ", ".join(f"tesseract-ocr-{m}" for m in missing)
        raise ToolMissing(f"tesseract language data missing: {'+'.join(missing)} (install {names})")
    return version


def _write_image(image: np.ndarray, path: Path, dpi: int) -> None:
    """Hand ``image`` to Tesseract as an uncompressed TIFF with its resolution.

    Uncompressed: a scanned page's noise makes PNG compression cost ~0.4 s a page (and
    Tesseract the same again to inflate it), for a file that only lives until it is read.
    """
    if image.dtype == np.uint8 and image.ndim == 3 and image.shape[2] == 3:
        image = cv2.cvtColor(image, cv2.COLOR_BGR2RGB)
    elif image.dtype != np.uint8 or image.ndim != 2:
        image = to_gray(image)
    Image.fromarray(image).save(path, format="TIFF", dpi=(dpi, dpi))


def _run_on_image(
    image: np.ndarray, args: Sequence[str], outputs: Sequence[str], *, dpi: int, timeout: float
) -> dict[str, bytes]:
    """Write ``image``, run Tesseract once with ``args`` and return each output file's bytes by suffix."""
    with tempfile.TemporaryDirectory(prefix="sohoa-tess-") as tmp:
        src, base = Path(tmp) / "in.tif", Path(tmp) / "out"
        _write_image(image, src, dpi)
        _exec([str(src), str(base), "--dpi", str(dpi), *args], timeout)
        result = {}
        for suffix in outputs:
            path = base.with_suffix(f".{suffix}")
            if not path.is_file():
                raise ToolError(f"tesseract wrote no {suffix} output")
            result[suffix] = path.read_bytes()
        return result


def recognize(image: np.ndarray, *, lang: str, dpi: int, timeout: float, psm: int = 3,
              text_only_pdf: bool = False) -> OcrResult:
    """Read a whole page in one Tesseract pass: words with boxes, hOCR and the searchable PDF.

    ``image`` is greyscale or BGR uint8; confidences are scaled to [0, 1]. With
    ``text_only_pdf`` the PDF holds only the invisible text layer (the page image is
    laid under it by the caller): Tesseract's own image embedding costs about as much
    as the recognition itself.
    """
    check_tesseract(lang)
    extra = ["-c", "textonly_pdf=1"] if text_only_pdf else []
    out = _run_on_image(
        image, ["-l", lang, "--psm", str(psm), *extra, "tsv", "hocr", "pdf"], ("tsv", "hocr", "pdf"),
        dpi=dpi, timeout=timeout,
    )
    blocks = blocks_from_tsv(out["tsv"].decode("utf-8", "replace"))
    words = [w for b in blocks for line in b.lines for w in line.words]
    mean = float(np.mean([w.confidence for w in words])) if words else 0.0
    return OcrResult(blocks=blocks, pdf=out["pdf"], hocr=out["hocr"].decode("utf-8", "replace"),
                     mean_confidence=mean)


def _tsv_words(tsv: str) -> list[tuple[tuple[int, int, int, int], Word]]:
    """Parse Tesseract's TSV into ((page, block, paragraph, line), word) pairs, dropping empty and conf -1 rows."""
    rows = []
    for raw in tsv.splitlines()[1:]:
        cols = raw.split("\t")
        if len(cols) < 12 or cols[0] != "5":
            continue
        text, conf = nfc(cols[11].strip()), float(cols[10])
        if not text or conf < 0:
            continue
        x, y, w, h = (int(c) for c in cols[6:10])
        word = Word(text=text, bbox=BBox(x0=x, y0=y, x1=x + w, y1=y + h), confidence=min(conf, 100.0) / 100)
        rows.append(((int(cols[1]), int(cols[2]), int(cols[3]), int(cols[4])), word))
    return rows


def _union(boxes: Sequence[BBox]) -> BBox:
    box = boxes[0]
    for other in boxes[1:]:
        box = box.union(other)
    return box


def blocks_from_tsv(tsv: str) -> tuple[Block, ...]:
    """Build blocks → lines → words (reading order as Tesseract gives it) from TSV text."""
    lines: dict[tuple[int, int, int, int], list[Word]] = {}
    for key, word in _tsv_words(tsv):
        lines.setdefault(key, []).append(word)
    by_block: dict[int, list[Line]] = {}
    for (_page, block, _par, _line), words in lines.items():
        line = Line(bbox=_union([w.bbox for w in words]), words=tuple(words))
        by_block.setdefault(block, []).append(line)
    return tuple(Block(bbox=_union([ln.bbox for ln in ls]), lines=tuple(ls)) for ls in by_block.values())


def _crop(image: np.ndarray, bbox: BBox, pad: int) -> np.ndarray:
    h, w = image.shape[:2]
    x0, y0 = max(0, bbox.x0 - pad), max(0, bbox.y0 - pad)
    x1, y1 = min(w, bbox.x1 + pad), min(h, bbox.y1 + pad)
    if x1 <= x0 or y1 <= y0:
        raise ToolError(f"crop box {bbox.as_list()} is outside the {w}x{h} image")
    return image[y0:y1, x0:x1]


def _upscale_for_reading(crop: np.ndarray, target_height: int = 64) -> np.ndarray:
    """Enlarge a small crop so a line of text is about ``target_height`` px tall (x-height ~40 px)."""
    factor = target_height / max(1, crop.shape[0])
    if factor <= 1.05:
        return crop
    factor = min(factor, 6.0)
    return cv2.resize(crop, None, fx=factor, fy=factor, interpolation=cv2.INTER_CUBIC)


def _crop_for_reading(image: np.ndarray, bbox: BBox, pad: int) -> np.ndarray:
    """The box, enlarged when small, inside a white margin (it helps Tesseract find the edge glyphs)."""
    crop = _upscale_for_reading(_crop(image, bbox, pad))
    pad_px = 10
    border = (255, 255, 255) if crop.ndim == 3 else 255
    return cv2.copyMakeBorder(crop, pad_px, pad_px, pad_px, pad_px, cv2.BORDER_CONSTANT, value=border)


def _crop_args(lang: str, whitelist: str | None, psm: int) -> list[str]:
    args = ["-l", lang, "--psm", str(psm)]
    if whitelist:
        args += ["-c", f"tessedit_char_whitelist={whitelist}", "-c", "hocr_char_boxes=1"]
    return args


def _crop_output(whitelist: str | None) -> str:
    """What a crop read writes: hOCR with character confidences under a whitelist (see :func:`hocr_words`)."""
    return "hocr" if whitelist else "tsv"


def _joined(words: Sequence[Word]) -> tuple[str, float]:
    if not words:
        return "", 0.0
    return " ".join(w.text for w in words), float(np.mean([w.confidence for w in words]))


def _words_per_image(images: Iterable[np.ndarray], dpi: int, args: list[str], timeout: float,
                     output: str = "tsv") -> list[list[Word]]:
    """Read many images in one Tesseract run (listed in a text file: the pages of one document); words per image.

    The images are written one at a time as they come, so a lazy iterable never holds them all.
    ``output`` "hocr" (with ``hocr_char_boxes`` in ``args``) gives words their characters'
    confidences (see :func:`hocr_words`).
    """
    with tempfile.TemporaryDirectory(prefix="sohoa-batch-") as tmp:
        names = []
        for i, image in enumerate(images):
            path = Path(tmp) / f"in{i:04d}.tif"
            _write_image(image, path, dpi)
            names.append(str(path))
        listing, base = Path(tmp) / "images.txt", Path(tmp) / "out"
        listing.write_text("\n".join(names) + "\n", encoding="utf-8")
        _exec([str(listing), str(base), "--dpi", str(dpi), *args, output], timeout)
        text = base.with_suffix(f".{output}").read_text(encoding="utf-8", errors="replace")
    per_page = _words_by_page(text, output)
    return [per_page.get(i, []) for i in range(len(names))]


def _words_by_page(text: str, output: str) -> dict[int, list[Word]]:
    """The words of Tesseract's ``output`` ("tsv" or "hocr") by page index from 0."""
    if output == "hocr":
        return hocr_words(text)
    per_page: dict[int, list[Word]] = {}
    for (page, *_), word in _tsv_words(text):
        per_page.setdefault(page - 1, []).append(word)
    return per_page


class _HocrWords(HTMLParser):
    """Collects the words of Tesseract's hOCR by page index (``ppageno``), with their characters' confidences."""

    def __init__(self) -> None:
        super().__init__()
        #: per page: (text parts, word confidence, character confidences, title) of each word
        self.pages: dict[int, list[tuple[list[str], float, list[float], str]]] = {}
        self._page = 0
        self._depth = 0  # open elements inside the current word (0: not in a word)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        kind, title = named.get("class"), named.get("title") or ""
        if self._depth:
            self._depth += 1
            if kind == "ocrx_cinfo":
                self.pages[self._page][-1][2].append(float(_title_value(title, "x_conf") or 0))
        elif kind == "ocr_page":
            self._page = int(_title_value(title, "ppageno") or 0)
            self.pages.setdefault(self._page, [])
        elif kind == "ocrx_word":
            self.pages.setdefault(self._page, []).append(([], float(_title_value(title, "x_wconf") or 0), [], title))
            self._depth = 1

    def handle_endtag(self, tag: str) -> None:
        self._depth = max(0, self._depth - 1)

    def handle_data(self, data: str) -> None:
        if self._depth:
            self.pages[self._page][-1][0].append(data.strip())


def _title_value(title: str, key: str) -> str | None:
    """One property of an hOCR ``title`` (``"bbox 1 2 3 4; x_wconf 91"`` → ``"91"`` for x_wconf)."""
    for part in title.split(";"):
        name, _, value = part.strip().partition(" ")
        if name == key:
            return value.strip()
    return None


def hocr_words(hocr: str) -> dict[int, list[Word]]:
    """The words of an hOCR document by page index, with Tesseract's word confidences.

    With a character whitelist Tesseract's LSTM gives a word confidence 0 whenever the
    unconstrained best guess for one of its characters was not allowed, however sure the
    allowed characters are (tesseract-ocr/tesseract#3856): a rubbing read as
    ``JF58E-2264287`` with every character at 98-99 % is reported at 0. Such a word
    takes its least sure character's confidence (``hocr_char_boxes``) instead; other
    words keep the word confidence (on another scale: characters run higher).
    """
    parser = _HocrWords()
    parser.feed(hocr)
    out: dict[int, list[Word]] = {}
    for page, words in parser.pages.items():
        out[page] = []
        for parts, wconf, chars, title in words:
            text = nfc("".join(parts))
            x0, y0, x1, y1 = (int(v) for v in (_title_value(title, "bbox") or "0 0 0 0").split())
            if text:
                conf = min(chars) if chars and wconf <= 0 else wconf
                out[page].append(Word(text=text, bbox=BBox(x0=x0, y0=y0, x1=x1, y1=y1),
                                      confidence=min(max(conf, 0.0), 100.0) / 100))
    return out


def read_crops(
    boxes: Sequence[tuple[np.ndarray, BBox]],
    *,
    lang: str = "eng",
    whitelist: str | None = None,
    psm: int = 7,
    timeout: float = 60,
    pad: int = 4,
) -> list[tuple[str, float]]:
    """Re-read many boxes with the same options in one Tesseract run; as :func:`read_crop` for each.

    The crops are written as images and listed in a text file, which Tesseract reads as
    the pages of one document, so the language model is loaded once, not once per box.
    """
    if not boxes:
        return []
    check_tesseract(lang)
    crops = (_crop_for_reading(image, bbox, pad) for image, bbox in boxes)
    per_page = _words_per_image(crops, 300, _crop_args(lang, whitelist, psm), timeout, output=_crop_output(whitelist))
    return [_joined(words) for words in per_page]


def read_crop(
    image: np.ndarray,
    bbox: BBox,
    *,
    lang: str = "eng",
    whitelist: str | None = None,
    psm: int = 7,
    timeout: float = 30,
    pad: int = 4,
) -> tuple[str, float]:
    """Re-read one field's box: return its text (NFC, words joined by spaces) and mean confidence in [0, 1].

    Small crops are upscaled; ``whitelist`` limits the characters Tesseract may answer
    (for identifiers), ``psm`` 7 reads the crop as one line.
    """
    check_tesseract(lang)
    crop = _crop_for_reading(image, bbox, pad)
    output = _crop_output(whitelist)
    out = _run_on_image(crop, [*_crop_args(lang, whitelist, psm), output], (output,), dpi=300, timeout=timeout)
    return _joined(_words_by_page(out[output].decode("utf-8", "replace"), output).get(0, []))


def detect_orientation(image: np.ndarray, timeout: float, *, dpi: int = 150) -> tuple[int, float]:
    """Tesseract's orientation and script detection (``--psm 0``).

    Returns (clockwise degrees to rotate to make the page upright, confidence).
    Raises ToolError when OSD fails (too little text); callers fall back.
    """
    check_tesseract("osd")
    with tempfile.TemporaryDirectory(prefix="sohoa-osd-") as tmp:
        src = Path(tmp) / "in.tif"
        _write_image(image, src, dpi)
        proc = _exec([str(src), "stdout", "--dpi", str(dpi), "--psm", "0", "-l", "osd"], timeout)
    text = proc.stdout.decode("utf-8", "replace")
    rotate, conf = _OSD_ROTATE_RE.search(text), _OSD_CONF_RE.search(text)
    if not rotate or not conf:
        raise ToolError("tesseract orientation detection found too little text")
    return int(rotate.group(1)) % 360, float(conf.group(1))


def word_confidence(
    image: np.ndarray, *, lang: str, dpi: int, timeout: float, psm: int = 3
) -> tuple[float, int]:
    """Read ``image`` for its words only: (mean word confidence in [0, 1], number of words).

    Used to compare candidate orientations; no hOCR or PDF is written.
    """
    check_tesseract(lang)
    out = _run_on_image(image, ["-l", lang, "--psm", str(psm), "tsv"], ("tsv",), dpi=dpi, timeout=timeout)
    words = [w for _, w in _tsv_words(out["tsv"].decode("utf-8", "replace"))]
    if not words:
        return 0.0, 0
    return float(np.mean([w.confidence for w in words])), len(words)


def word_confidences(
    images: Sequence[np.ndarray], *, lang: str, dpi: int, timeout: float, psm: int = 3
) -> list[tuple[float, int]]:
    """As :func:`word_confidence` for each image, in one Tesseract run (the language model loads once).

    The images are written and listed in a text file, which Tesseract reads as the pages of one document.
    """
    if not images:
        return []
    check_tesseract(lang)
    per_page = _words_per_image(images, dpi, ["-l", lang, "--psm", str(psm)], timeout)
    confs = [[w.confidence for w in words] for words in per_page]
    return [(float(np.mean(c)), len(c)) if c else (0.0, 0) for c in confs]
