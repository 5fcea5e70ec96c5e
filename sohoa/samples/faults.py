"""A scanner's faults, as pure functions on uint8 page images.

Every function returns a new array and never changes its input. Images are
greyscale ``(H, W)`` or colour ``(H, W, 3)`` (RGB) uint8 arrays of white paper.
Randomness comes only from the ``numpy.random.Generator`` passed in, so a seed
reproduces a scan exactly.

Angle convention (the one ``Page.skew`` uses): a POSITIVE skew means the page
lies turned counter-clockwise on the scanner glass.
"""

from __future__ import annotations

import logging
import math
from functools import lru_cache
from statistics import NormalDist
from typing import Literal

import cv2
import numpy as np
from PIL import Image, ImageDraw
from pydantic import BaseModel, ConfigDict, Field

from sohoa.samples.render import font, nfc

log = logging.getLogger(__name__)

Level = Literal["clean", "fair", "poor"]
RIGHT_ANGLES = (0, 90, 180, 270)


def _fill(img: np.ndarray) -> float | tuple[float, float, float]:
    return 255.0 if img.ndim == 2 else (255.0, 255.0, 255.0)


def skew(img: np.ndarray, degrees: float, *, expand: bool = True) -> np.ndarray:
    """The page turned by ``degrees`` (positive = counter-clockwise), white fill.

    With ``expand`` the canvas grows so no corner of the page is cut off; without
    it the canvas keeps its size (a scanner bed) and the corners are cut.
    """
    if degrees == 0:
        return img.copy()
    h, w = img.shape[:2]
    matrix = cv2.getRotationMatrix2D((w / 2.0, h / 2.0), degrees, 1.0)
    out_w, out_h = w, h
    if expand:
        rad = math.radians(degrees)
        cos, sin = abs(math.cos(rad)), abs(math.sin(rad))
        out_w = math.ceil(w * cos + h * sin)
        out_h = math.ceil(w * sin + h * cos)
        matrix[0, 2] += (out_w - w) / 2.0
        matrix[1, 2] += (out_h - h) / 2.0
    return cv2.warpAffine(
        img,
        matrix,
        (out_w, out_h),
        flags=cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=_fill(img),
    )


def rotate90(img: np.ndarray, k_clockwise_degrees: int) -> np.ndarray:
    """The page turned clockwise by 0, 90, 180 or 270 degrees (a sideways/upside-down scan)."""
    if k_clockwise_degrees not in RIGHT_ANGLES:
        raise ValueError(f"rotation must be one of {RIGHT_ANGLES}, got {k_clockwise_degrees}")
    return np.ascontiguousarray(np.rot90(img, -(k_clockwise_degrees // 90)))


def blur(img: np.ndarray, sigma: float) -> np.ndarray:
    """Optical blur: a Gaussian of ``sigma`` pixels (0 = unchanged)."""
    if sigma <= 0:
        return img.copy()
    return cv2.GaussianBlur(img, (0, 0), sigmaX=sigma, sigmaY=sigma)


@lru_cache(maxsize=64)
def _noise_luts(sigma: float) -> tuple[np.ndarray, np.ndarray]:
    """Lookup tables turning a uniform byte into the positive and negative parts of N(0, sigma²).

    Entry i is the normal quantile at probability (i + 0.5) / 256, so a uniform
    byte mapped through the table is a Gaussian deviate (quantized to 256 levels).
    """
    dist = NormalDist(0.0, sigma)
    q = np.array([round(dist.inv_cdf((i + 0.5) / 256)) for i in range(256)], np.int32)
    return np.clip(q, 0, 255).astype(np.uint8), np.clip(-q, 0, 255).astype(np.uint8)


def noise(img: np.ndarray, sigma: float, rng: np.random.Generator) -> np.ndarray:
    """Sensor noise: additive Gaussian of ``sigma`` grey levels, plus rare dust specks."""
    if sigma <= 0:
        return img.copy()
    pos, neg = _noise_luts(round(float(sigma), 2))
    draws = rng.integers(0, 256, size=img.shape, dtype=np.uint8)
    out = cv2.subtract(cv2.add(img, cv2.LUT(draws, pos)), cv2.LUT(draws, neg))
    h, w = img.shape[:2]
    count = int(rng.poisson(2e-5 * sigma * h * w))
    out[rng.integers(0, h, size=count), rng.integers(0, w, size=count)] = 30
    return out


def low_contrast(img: np.ndarray, factor: float, *, paper: float = 228.0) -> np.ndarray:
    """Faded ink on greyish paper: grey levels pulled toward ``paper`` (factor 1 = unchanged)."""
    if not 0 < factor <= 1:
        raise ValueError(f"contrast factor must be in (0, 1], got {factor}")
    out = cv2.convertScaleAbs(img, alpha=factor, beta=paper * (1.0 - factor))
    # the paper itself turns slightly grey too
    return np.minimum(out, np.uint8(round(255.0 - (1.0 - factor) * 40.0)))


def jpeg(img: np.ndarray, quality: int) -> np.ndarray:
    """The image after a JPEG round trip at ``quality`` (1-100)."""
    if not 1 <= quality <= 100:
        raise ValueError(f"JPEG quality must be in 1..100, got {quality}")
    src = img if img.ndim == 2 else cv2.cvtColor(img, cv2.COLOR_RGB2BGR)
    ok, buf = cv2.imencode(".jpg", src, [cv2.IMWRITE_JPEG_QUALITY, int(quality)])
    if not ok:
        raise RuntimeError("JPEG encoding failed")
    flag = cv2.IMREAD_GRAYSCALE if img.ndim == 2 else cv2.IMREAD_COLOR
    out = cv2.imdecode(buf, flag)
    if out is None:
        raise RuntimeError("JPEG decoding failed")
    return out if img.ndim == 2 else cv2.cvtColor(out, cv2.COLOR_BGR2RGB)


def resample_dpi(img: np.ndarray, from_dpi: int, to_dpi: int) -> np.ndarray:
    """The page as scanned at ``to_dpi`` instead of ``from_dpi``."""
    if from_dpi == to_dpi:
        return img.copy()
    scale = to_dpi / from_dpi
    h, w = img.shape[:2]
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    interp = cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC
    return cv2.resize(img, size, interpolation=interp)


def punch_holes(img: np.ndarray, dpi: int) -> np.ndarray:
    """Two binder holes in the left margin (dark: the scanner's lid shows through them).

    Holes are 6 mm wide, 12 mm from the edge and 80 mm apart, centred on the page.
    """
    out = img.copy()
    h = img.shape[0]
    r = max(2, round(3 / 25.4 * dpi))
    x = round(12 / 25.4 * dpi)
    dark = 35 if img.ndim == 2 else (35, 35, 35)
    for dy in (-40, 40):
        y = h // 2 + round(dy / 25.4 * dpi)
        cv2.circle(out, (x, y), r, dark, thickness=-1, lineType=cv2.LINE_AA)
    return out


def edge_shadow(img: np.ndarray, rng: np.random.Generator, *, width_px: int) -> np.ndarray:
    """A dark band fading into the page along one edge, where the scanner lid did not close."""
    out = img.copy()
    width = max(2, min(width_px, min(img.shape[:2]) // 4))
    ramp = np.linspace(0.15, 1.0, width, dtype=np.float32)
    view = np.rot90(out, int(rng.integers(4)))  # a view: that edge is now the top rows of ``out``
    shade = ramp[:, None] if out.ndim == 2 else ramp[:, None, None]
    view[:width] = np.clip(view[:width].astype(np.float32) * shade, 0, 255).astype(np.uint8)
    return out


STAMP_TEXTS = (
    "CÔNG AN TỈNH * PHÒNG CẢNH SÁT GIAO THÔNG *",
    "CÔNG AN THÀNH PHỐ * PHÒNG CSGT * ĐĂNG KÝ XE *",
    "CÔNG AN XÃ * ĐIỂM ĐĂNG KÝ XE *",
    "CÔNG AN PHƯỜNG * ĐĂNG KÝ XE MÔ TÔ *",
)


def _seal(radius: int, text: str, ink: int) -> Image.Image:
    """A round seal as an 'L' alpha mask of ink strength (0 = none, ``ink`` = full)."""
    size = 2 * radius + 4
    mask = Image.new("L", (size, size), 0)
    draw = ImageDraw.Draw(mask)
    c = size / 2
    for r, width in ((radius, max(2, radius // 22)), (radius * 0.68, max(1, radius // 40))):
        draw.ellipse((c - r, c - r, c + r, c + r), outline=ink, width=int(width))
    glyph_size = max(8, int(radius * 0.2))
    fnt = font(glyph_size, bold=True)
    text = nfc(text)
    r_text = radius * 0.84
    for i, ch in enumerate(text):
        angle = -math.pi / 2 + 2 * math.pi * i / len(text)
        tile = Image.new("L", (glyph_size * 2, glyph_size * 2), 0)
        ImageDraw.Draw(tile).text((glyph_size, glyph_size), ch, font=fnt, fill=ink, anchor="mm")
        tile = tile.rotate(-math.degrees(angle) - 90, resample=Image.Resampling.BILINEAR)
        x = c + r_text * math.cos(angle) - glyph_size
        y = c + r_text * math.sin(angle) - glyph_size
        mask.paste(tile, (int(x), int(y)), tile)
    star = [
        (
            c + radius * 0.35 * (1 if k % 2 == 0 else 0.42) * math.cos(-math.pi / 2 + k * math.pi / 5),
            c + radius * 0.35 * (1 if k % 2 == 0 else 0.42) * math.sin(-math.pi / 2 + k * math.pi / 5),
        )
        for k in range(10)
    ]
    draw.polygon(star, fill=ink)
    return mask


def stamp(
    img: np.ndarray,
    rng: np.random.Generator,
    *,
    text: str | None = None,
    radius: int | None = None,
    center: tuple[int, int] | None = None,
) -> np.ndarray:
    """A round red seal pressed over part of the page (grey on greyscale pages).

    The ink multiplies the page, so text under the seal stays dark but is crossed
    by the seal's lines and lettering, as on real stamped papers.
    """
    h, w = img.shape[:2]
    radius = radius or int(min(h, w) * rng.uniform(0.09, 0.13))
    if center is None:
        center = (int(rng.uniform(0.2, 0.8) * w), int(rng.uniform(0.25, 0.9) * h))
    label = text or STAMP_TEXTS[int(rng.integers(len(STAMP_TEXTS)))]
    strength = float(rng.uniform(0.55, 0.9))
    mask = _seal(radius, label, 255)
    mask = mask.rotate(float(rng.uniform(-40, 40)), resample=Image.Resampling.BILINEAR)
    m = np.asarray(mask, np.float32) / 255.0 * strength
    x0, y0 = center[0] - m.shape[1] // 2, center[1] - m.shape[0] // 2
    sx0, sy0 = max(0, -x0), max(0, -y0)
    dx0, dy0 = max(0, x0), max(0, y0)
    dx1, dy1 = min(w, x0 + m.shape[1]), min(h, y0 + m.shape[0])
    if dx1 <= dx0 or dy1 <= dy0:
        return img.copy()
    alpha = m[sy0 : sy0 + dy1 - dy0, sx0 : sx0 + dx1 - dx0]
    out = img.copy()
    region = out[dy0:dy1, dx0:dx1].astype(np.float32)
    if img.ndim == 3:
        ink = np.array([200.0, 30.0, 40.0], np.float32)
        seal = (1.0 - alpha[..., None]) * 255.0 + alpha[..., None] * ink
    else:
        seal = (1.0 - alpha) * 255.0 + alpha * np.float32(120.0)
    out[dy0:dy1, dx0:dx1] = np.clip(region * seal / 255.0, 0, 255).astype(np.uint8)
    return out


class ScanTruth(BaseModel):
    """What a simulated scan did to one page, exactly."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    level: Level
    skew: float = Field(description="degrees the page was turned, + = counter-clockwise")
    rotation: int = Field(description="clockwise degrees the page was turned in the scan (0/90/180/270)")
    upright_rotation: int = Field(description="clockwise degrees that make it upright (Page.rotation)")
    dpi: int = Field(ge=1, description="resolution of the scanned image")
    blur_sigma: float = 0.0
    noise_sigma: float = 0.0
    contrast: float = 1.0
    jpeg_quality: int | None = None
    stamped: bool = False
    punched: bool = False
    shadow: bool = False


class ScanProfile(BaseModel):
    """How bad a scanner is: ranges each fault is drawn from, per quality level."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    level: Level
    max_skew: float = Field(ge=0, le=45, description="|skew| drawn uniformly up to this many degrees")
    rotate_prob: float = Field(ge=0, le=1, description="chance of a sideways or upside-down page")
    blur: tuple[float, float] = (0.0, 0.0)
    noise: tuple[float, float] = (0.0, 0.0)
    contrast: tuple[float, float] = (1.0, 1.0)
    jpeg_quality: tuple[int, int] | None = None
    jpeg_prob: float = Field(default=0.0, ge=0, le=1)
    stamp_prob: float = Field(default=0.0, ge=0, le=1)
    holes_prob: float = Field(default=0.0, ge=0, le=1, description="chance of binder holes in the margin")
    shadow_prob: float = Field(default=0.0, ge=0, le=1, description="chance of a dark band along an edge")
    dpis: tuple[int, ...] = (200,)

    @classmethod
    def of(cls, level: Level) -> ScanProfile:
        """The standard profile of a quality level."""
        return PROFILES[level]

    def draw_dpi(self, rng: np.random.Generator) -> int:
        """A scan resolution of this profile."""
        return int(self.dpis[int(rng.integers(len(self.dpis)))])

    def apply(
        self, img: np.ndarray, rng: np.random.Generator, *, dpi: int = 200, target_dpi: int | None = None
    ) -> tuple[np.ndarray, ScanTruth]:
        """Scan ``img`` (rendered at ``dpi``): returns the scanned image and what was done.

        Order as in an office: seal and binder holes on the paper, page laid on
        the glass (skew, turn), lid shadow, resolution, optics (blur), faded
        toner (contrast), sensor noise, JPEG compression.
        """
        target = target_dpi or self.draw_dpi(rng)
        stamped = bool(rng.random() < self.stamp_prob)
        out = stamp(img, rng) if stamped else img
        punched = bool(rng.random() < self.holes_prob)
        out = punch_holes(out, dpi) if punched else out
        angle = round(float(rng.uniform(-self.max_skew, self.max_skew)), 2)
        rotation = int(RIGHT_ANGLES[int(rng.integers(1, 4))]) if rng.random() < self.rotate_prob else 0
        out = skew(out, angle)
        out = rotate90(out, rotation)
        shadow = bool(rng.random() < self.shadow_prob)
        out = edge_shadow(out, rng, width_px=round(float(rng.uniform(3, 12)) / 25.4 * dpi)) if shadow else out
        out = resample_dpi(out, dpi, target)
        b = round(float(rng.uniform(*self.blur)), 2)
        n = round(float(rng.uniform(*self.noise)), 2)
        c = round(float(rng.uniform(*self.contrast)), 3)
        out = low_contrast(blur(out, b), c) if c < 1 else blur(out, b)
        out = noise(out, n, rng)
        q = None
        if self.jpeg_quality is not None and rng.random() < self.jpeg_prob:
            q = int(rng.integers(self.jpeg_quality[0], self.jpeg_quality[1] + 1))
            out = jpeg(out, q)
        truth = ScanTruth(
            level=self.level,
            skew=angle,
            rotation=rotation,
            upright_rotation=(360 - rotation) % 360,
            dpi=target,
            blur_sigma=b,
            noise_sigma=n,
            contrast=c,
            jpeg_quality=q,
            stamped=stamped,
            punched=punched,
            shadow=shadow,
        )
        return out, truth


PROFILES: dict[Level, ScanProfile] = {
    "clean": ScanProfile(
        level="clean",
        max_skew=1.5,
        rotate_prob=0.0,
        blur=(0.0, 0.4),
        noise=(0.0, 3.0),
        contrast=(0.95, 1.0),
        jpeg_quality=(88, 95),
        jpeg_prob=0.3,
        stamp_prob=0.1,
        dpis=(200, 300),
    ),
    "fair": ScanProfile(
        level="fair",
        max_skew=5.0,
        rotate_prob=0.15,
        blur=(0.3, 0.9),
        noise=(3.0, 8.0),
        contrast=(0.75, 0.95),
        jpeg_quality=(65, 85),
        jpeg_prob=0.5,
        stamp_prob=0.35,
        holes_prob=0.2,
        shadow_prob=0.1,
        dpis=(150, 200, 300),
    ),
    "poor": ScanProfile(
        level="poor",
        max_skew=10.0,
        rotate_prob=0.3,
        blur=(0.8, 1.6),
        noise=(8.0, 16.0),
        contrast=(0.5, 0.75),
        jpeg_quality=(30, 60),
        jpeg_prob=0.7,
        stamp_prob=0.6,
        holes_prob=0.4,
        shadow_prob=0.35,
        dpis=(150, 200),
    ),
}
