"""Poppler (pdftoppm through pdf2image): the one module that runs it.

Checks poppler's version once, renders one page per call (never the whole
document), bounds each call with a timeout, logs the tool's complaints at DEBUG
and turns its failures into our own errors.
"""

from __future__ import annotations

import logging
import re
import subprocess
from functools import lru_cache
from pathlib import Path

from pdf2image import convert_from_path
from pdf2image.exceptions import (
    PDFInfoNotInstalledError,
    PDFPageCountError,
    PDFPopplerTimeoutError,
    PDFSyntaxError,
    PopplerNotInstalledError,
)
from PIL import Image

from sohoa.errors import InputRejected, ToolError, ToolMissing

log = logging.getLogger(__name__)

MIN_VERSION = (0, 86)
RENDER_TIMEOUT_S = 120


@lru_cache(maxsize=1)
def poppler_version() -> tuple[int, ...]:
    """Poppler's version as a tuple; ``ToolMissing`` when absent or older than 0.86."""
    try:
        done = subprocess.run(["pdftoppm", "-v"], capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise ToolMissing("poppler's pdftoppm is not installed (Debian: poppler-utils)") from e
    log.debug("pdftoppm -v: %s", done.stderr.strip() or done.stdout.strip())
    match = re.search(r"version (\d+)\.(\d+)(?:\.(\d+))?", done.stderr + done.stdout)
    if match is None:
        raise ToolMissing("cannot tell poppler's version from `pdftoppm -v`")
    version = tuple(int(g) for g in match.groups() if g is not None)
    if version < MIN_VERSION:
        raise ToolMissing(f"poppler {'.'.join(map(str, version))} is too old (need 0.86 or newer)")
    return version


def render_page(path: Path, page: int, dpi: int, timeout: int = RENDER_TIMEOUT_S) -> Image.Image:
    """Render page ``page`` (1-based) of a PDF at ``dpi`` as an RGB image, one page only."""
    poppler_version()
    try:
        images = convert_from_path(
            path, dpi=dpi, first_page=page, last_page=page, thread_count=1, timeout=timeout, fmt="ppm"
        )
    except PDFPopplerTimeoutError as e:
        raise ToolError(f"pdftoppm timed out after {timeout} s on page {page}", path=str(path)) from e
    except (PopplerNotInstalledError, PDFInfoNotInstalledError) as e:
        raise ToolMissing("poppler-utils is not installed") from e
    except (PDFPageCountError, PDFSyntaxError) as e:
        log.debug("poppler on page %d: %s", page, e)
        raise InputRejected(f"page {page}: poppler cannot render it", path=str(path)) from e
    if len(images) != 1:
        raise InputRejected(f"page {page}: poppler rendered {len(images)} images", path=str(path))
    return images[0]
