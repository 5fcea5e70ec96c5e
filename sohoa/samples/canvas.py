"""A drawing surface in millimetres for paper forms, cards and rubbings.

A ``Canvas`` is an A4 sheet (greyscale or colour) at a given DPI. Coordinates are
millimetres from the top-left corner, so one layout renders at any resolution.
Inks are named (black, blue, grey, red) and become grey levels on greyscale
sheets. Text may be drawn slightly rotated and offset, as handwriting or a
misfed typewriter puts it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

import numpy as np
from PIL import Image, ImageChops, ImageDraw, ImageFont

from sohoa.samples.render import Family, a4_size, font, nfc

log = logging.getLogger(__name__)

InkName = Literal["black", "blue", "grey", "red", "print"]

INKS: dict[InkName, tuple[int, int, int]] = {
    "black": (20, 20, 24),
    "print": (10, 10, 10),
    "blue": (25, 45, 150),
    "grey": (110, 110, 110),
    "red": (190, 30, 40),
}


@dataclass(frozen=True)
class Style:
    """A type style: size in points, weight, slant, family."""

    size_pt: float = 11.0
    bold: bool = False
    italic: bool = False
    serif: bool = True
    family: Family = "liberation"


@dataclass
class Canvas:
    """An A4 sheet at ``dpi`` addressed in millimetres."""

    dpi: int = 200
    colour: bool = False
    image: Image.Image = field(init=False)
    draw: ImageDraw.ImageDraw = field(init=False)

    def __post_init__(self) -> None:
        size = a4_size(self.dpi)
        self.image = Image.new("RGB" if self.colour else "L", size, (255, 255, 255) if self.colour else 255)
        self.draw = ImageDraw.Draw(self.image)

    # ------------------------------------------------------------ units
    def px(self, mm: float) -> int:
        """Millimetres as pixels."""
        return round(mm * self.dpi / 25.4)

    def mm(self, px: float) -> float:
        """Pixels as millimetres."""
        return px * 25.4 / self.dpi

    @property
    def width_mm(self) -> float:
        return self.mm(self.image.width)

    def ink(self, name: InkName) -> int | tuple[int, int, int]:
        """The fill value of an ink on this sheet."""
        r, g, b = INKS[name]
        return (r, g, b) if self.colour else round(0.299 * r + 0.587 * g + 0.114 * b)

    def font(self, style: Style) -> ImageFont.FreeTypeFont:
        """The font of a style at this sheet's resolution."""
        size = max(1, round(style.size_pt * self.dpi / 72.0))
        return font(size, style.bold, style.serif, italic=style.italic, family=style.family)

    # ------------------------------------------------------------ drawing
    def text_width(self, text: str, style: Style) -> float:
        """Width of ``text`` in millimetres."""
        return self.mm(self.font(style).getlength(nfc(text)))

    def text(
        self,
        x: float,
        y: float,
        text: str,
        style: Style = Style(),
        *,
        ink: InkName = "print",
        anchor: str = "ls",
    ) -> float:
        """Draw ``text`` with its anchor (default left-baseline) at (x, y) mm; returns its width in mm."""
        fnt = self.font(style)
        s = nfc(text)
        self.draw.text((self.px(x), self.px(y)), s, font=fnt, fill=self.ink(ink), anchor=anchor)
        return self.mm(fnt.getlength(s))

    def centered(self, y: float, text: str, style: Style = Style(), *, ink: InkName = "print") -> None:
        """Draw ``text`` centred horizontally on baseline ``y`` mm."""
        self.text(self.width_mm / 2, y, text, style, ink=ink, anchor="ms")

    def tilted(self, x: float, y_px_baseline: int, text: str, style: Style, *, ink: InkName, degrees: float) -> None:
        """Draw ``text`` turned by ``degrees`` (counter-clockwise) with its left baseline at (x mm, y px)."""
        fnt = self.font(style)
        s = nfc(text)
        left, top, right, bottom = (int(v) for v in fnt.getbbox(s, anchor="ls"))
        pad = 4
        mask = Image.new("L", (right - left + 2 * pad, bottom - top + 2 * pad), 0)
        ImageDraw.Draw(mask).text((pad - left, pad - top), s, font=fnt, fill=255, anchor="ls")
        if degrees:
            mask = mask.rotate(degrees, resample=Image.Resampling.BILINEAR, expand=True, fillcolor=0)
        # keep the baseline's left end where it was asked to be (approximately, for small angles)
        x0 = self.px(x) + left - pad - (mask.width - (right - left + 2 * pad)) // 2
        y0 = y_px_baseline + top - pad - (mask.height - (bottom - top + 2 * pad)) // 2
        self.image.paste(self.ink(ink), (x0, y0), mask)

    def line(self, x0: float, y0: float, x1: float, y1: float, width_mm: float = 0.25) -> None:
        """A straight ruled line."""
        self.draw.line(
            (self.px(x0), self.px(y0), self.px(x1), self.px(y1)),
            fill=self.ink("print"),
            width=max(1, self.px(width_mm)),
        )

    def rect(self, box: tuple[float, float, float, float], *, width_mm: float = 0.25, fill: int | None = None) -> None:
        """A rectangle outline around ``(x0, y0, x1, y1)`` mm (optionally filled with a grey level)."""
        x0, y0, x1, y1 = box
        fill_value = None if fill is None else ((fill, fill, fill) if self.colour else fill)
        self.draw.rectangle(
            (self.px(x0), self.px(y0), self.px(x1), self.px(y1)),
            outline=self.ink("print"),
            width=max(1, self.px(width_mm)),
            fill=fill_value,
        )

    def dots(self, x0: float, x1: float, y: float, style: Style) -> None:
        """A dotted leader line from x0 to x1 mm on baseline y, made of '.' in the label's font."""
        fnt = self.font(style)
        dot_w = fnt.getlength(".")
        n = int((self.px(x1) - self.px(x0)) / max(dot_w, 1))
        if n <= 0:
            return
        mask, left, top = _leader_mask(fnt)
        width = min(mask.width, round(n * dot_w) - left)
        if width <= 0:
            return
        self.image.paste(
            self.ink("print"), (self.px(x0) + left, self.px(y) + top), mask.crop((0, 0, width, mask.height))
        )

    def paste_gray(self, tile: np.ndarray, x: float, y: float) -> None:
        """Paste a greyscale array with its top-left corner at (x, y) mm (multiplied onto the paper)."""
        img = Image.fromarray(tile, "L")
        if self.colour:
            img = img.convert("RGB")
        box = (self.px(x), self.px(y), self.px(x) + img.width, self.px(y) + img.height)
        region = self.image.crop(box)
        self.image.paste(ImageChops.darker(region, img), box[:2])

    def array(self) -> np.ndarray:
        """The sheet as a uint8 array (H, W) or (H, W, 3)."""
        return np.asarray(self.image, dtype=np.uint8).copy()


@lru_cache(maxsize=64)
def _leader_mask(fnt: ImageFont.FreeTypeFont) -> tuple[Image.Image, int, int]:
    """A long row of dots in ``fnt`` rendered once, with its offset from the left baseline.

    Leaders are cut from it instead of rendering hundreds of '.' glyphs per line.
    """
    text = "." * 600
    left, top, right, bottom = (int(v) for v in fnt.getbbox(text, anchor="ls"))
    mask = Image.new("L", (right - left, bottom - top), 0)
    ImageDraw.Draw(mask).text((-left, -top), text, font=fnt, fill=255, anchor="ls")
    return mask, left, top
