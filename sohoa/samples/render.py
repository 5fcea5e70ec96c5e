"""Rendering Vietnamese text onto page images with system fonts of full diacritic coverage.

Fonts come from Debian packages (``fonts-dejavu-core``; Noto and Liberation where
installed); nothing is bundled. All text is NFC before it is drawn, so combining
marks never float apart from their letters.
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Literal

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from sohoa.errors import ToolMissing

log = logging.getLogger(__name__)

FONT_DIRS = (
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/truetype/noto"),
    Path("/usr/share/fonts/truetype/liberation2"),
    Path("/usr/share/fonts/truetype/liberation"),
)

Family = Literal["dejavu", "noto", "liberation", "mono", "typewriter"]

#: file names per (family, serif, bold, italic); first existing wins
_FILES: dict[tuple[str, bool, bool, bool], tuple[str, ...]] = {
    ("dejavu", False, False, False): ("DejaVuSans.ttf",),
    ("dejavu", False, True, False): ("DejaVuSans-Bold.ttf",),
    ("dejavu", False, False, True): ("DejaVuSans-Oblique.ttf",),
    ("dejavu", False, True, True): ("DejaVuSans-BoldOblique.ttf",),
    ("dejavu", True, False, False): ("DejaVuSerif.ttf",),
    ("dejavu", True, True, False): ("DejaVuSerif-Bold.ttf",),
    ("dejavu", True, False, True): ("DejaVuSerif-Italic.ttf",),
    ("dejavu", True, True, True): ("DejaVuSerif-BoldItalic.ttf",),
    ("noto", False, False, False): ("NotoSans-Regular.ttf",),
    ("noto", False, True, False): ("NotoSans-Bold.ttf",),
    ("noto", False, False, True): ("NotoSans-Italic.ttf",),
    ("noto", False, True, True): ("NotoSans-BoldItalic.ttf",),
    ("noto", True, False, False): ("NotoSerif-Regular.ttf",),
    ("noto", True, True, False): ("NotoSerif-Bold.ttf",),
    ("noto", True, False, True): ("NotoSerif-Italic.ttf",),
    ("noto", True, True, True): ("NotoSerif-BoldItalic.ttf",),
    ("liberation", False, False, False): ("LiberationSans-Regular.ttf",),
    ("liberation", False, True, False): ("LiberationSans-Bold.ttf",),
    ("liberation", False, False, True): ("LiberationSans-Italic.ttf",),
    ("liberation", False, True, True): ("LiberationSans-BoldItalic.ttf",),
    ("liberation", True, False, False): ("LiberationSerif-Regular.ttf",),
    ("liberation", True, True, False): ("LiberationSerif-Bold.ttf",),
    ("liberation", True, False, True): ("LiberationSerif-Italic.ttf",),
    ("liberation", True, True, True): ("LiberationSerif-BoldItalic.ttf",),
    ("typewriter", False, False, False): ("LiberationMono-Regular.ttf", "DejaVuSansMono.ttf"),
    ("typewriter", False, True, False): ("LiberationMono-Bold.ttf", "DejaVuSansMono-Bold.ttf"),
    ("typewriter", False, False, True): ("LiberationMono-Italic.ttf", "DejaVuSansMono-Oblique.ttf"),
    ("typewriter", False, True, True): ("LiberationMono-BoldItalic.ttf", "DejaVuSansMono-BoldOblique.ttf"),
    ("mono", False, False, False): ("DejaVuSansMono.ttf", "LiberationMono-Regular.ttf"),
    ("mono", False, True, False): ("DejaVuSansMono-Bold.ttf", "LiberationMono-Bold.ttf"),
    ("mono", False, False, True): ("DejaVuSansMono-Oblique.ttf", "LiberationMono-Italic.ttf"),
    ("mono", False, True, True): ("DejaVuSansMono-BoldOblique.ttf", "LiberationMono-BoldItalic.ttf"),
}

A4_MM = (210.0, 297.0)


def _find(names: Sequence[str]) -> Path | None:
    for name in names:
        for folder in FONT_DIRS:
            path = folder / name
            if path.is_file():
                return path
    return None


def font_path(*, bold: bool = False, serif: bool = False, italic: bool = False, family: Family = "dejavu") -> Path:
    """Path of the font file for a style; falls back to DejaVu, then fails clearly."""
    mono_serif = False if family in ("mono", "typewriter") else serif
    path = _find(_FILES[(family, mono_serif, bold, italic)])
    if path is None and family != "dejavu":
        path = _find(_FILES[("dejavu", mono_serif, bold, italic)])
    if path is None:
        raise ToolMissing(
            f"no font with Vietnamese coverage found for family={family} serif={serif} bold={bold}; "
            "install the Debian package fonts-dejavu-core (apt-get install fonts-dejavu-core)"
        )
    return path


def available_families() -> tuple[Family, ...]:
    """The font families installed on this machine (DejaVu is required, others optional)."""
    found: list[Family] = []
    families: tuple[Family, ...] = ("dejavu", "noto", "liberation", "mono", "typewriter")
    for fam in families:
        if _find(_FILES[(fam, False, False, False)]) is not None:
            found.append(fam)
    return tuple(found)


@lru_cache(maxsize=256)
def font(
    size: int,
    bold: bool = False,
    serif: bool = False,
    *,
    italic: bool = False,
    family: Family = "dejavu",
) -> ImageFont.FreeTypeFont:
    """A TrueType font of ``size`` pixels with full Vietnamese coverage.

    Raises ``ToolMissing`` naming the Debian package ``fonts-dejavu-core`` when no
    suitable font is installed.
    """
    path = font_path(bold=bold, serif=serif, italic=italic, family=family)
    return ImageFont.truetype(str(path), size=max(1, int(size)))


def points_to_px(size_pt: float, dpi: int) -> int:
    """A type size in points as pixels at ``dpi``."""
    return max(1, round(size_pt * dpi / 72.0))


def a4_size(dpi: int) -> tuple[int, int]:
    """(width, height) in pixels of an A4 page at ``dpi``."""
    return round(A4_MM[0] / 25.4 * dpi), round(A4_MM[1] / 25.4 * dpi)


def nfc(text: str) -> str:
    """``text`` in Unicode NFC."""
    return unicodedata.normalize("NFC", text)


def wrap(text: str, fnt: ImageFont.FreeTypeFont, width: float) -> list[str]:
    """Split ``text`` into lines no wider than ``width`` pixels (on spaces)."""
    words = text.split(" ")
    lines: list[str] = []
    current = ""
    for word in words:
        candidate = f"{current} {word}" if current else word
        if current and fnt.getlength(candidate) > width:
            lines.append(current)
            current = word
        else:
            current = candidate
    lines.append(current)
    return lines


def text_page(
    lines: Sequence[str],
    *,
    dpi: int = 200,
    size_pt: float = 12,
    serif: bool = False,
    family: Family = "dejavu",
    line_spacing: float = 1.5,
) -> np.ndarray:
    """An A4 greyscale page (uint8, white paper, black ink) of NFC ``lines``.

    Lines too wide for the page's 2 cm margins are wrapped on spaces; text that
    runs past the bottom margin is dropped with a DEBUG message.
    """
    width, height = a4_size(dpi)
    margin = round(20 / 25.4 * dpi)
    fnt = font(points_to_px(size_pt, dpi), serif=serif, family=family)
    step = round(points_to_px(size_pt, dpi) * line_spacing)
    img = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(img)
    y = margin
    for raw in lines:
        for part in wrap(nfc(raw), fnt, width - 2 * margin):
            if y + step > height - margin:
                log.debug("text_page: text past the bottom margin dropped")
                return np.asarray(img, dtype=np.uint8).copy()
            draw.text((margin, y), part, font=fnt, fill=0)
            y += step
    return np.asarray(img, dtype=np.uint8).copy()
