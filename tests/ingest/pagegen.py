"""Generated scan pages for the ingest tests: Vietnamese text drawn with DejaVu Sans."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
A4_IN = (8.27, 11.69)
LINES = (
    "GIẤY KHAI ĐĂNG KÝ XE",
    "Tên chủ xe: Nguyễn Thị Hồng Nhung",
    "Địa chỉ: số 12 phố Hàng Bạc, phường Hoàn Kiếm, Hà Nội",
    "Số máy: 1P52FMH-123456   Số khung: RLHJA3918MY012345",
    "Nhãn hiệu: HONDA   Loại xe: hai bánh   Màu sơn: đỏ đen",
    "Biển số đăng ký: 29-B1 234.56   Ngày cấp: 15/03/2021",
    "Tôi xin cam đoan nội dung khai trên là đúng sự thật.",
)


@lru_cache(maxsize=8)
def _font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONT), size)


def text_page(
    dpi: int = 300,
    *,
    label: str = "",
    ink: int = 0,
    paper: int = 255,
    blur_sigma: float = 0.0,
    noise_sigma: float = 0.0,
    size_in: tuple[float, float] = A4_IN,
    seed: int = 0,
) -> np.ndarray:
    """A greyscale page of Vietnamese form text at ``dpi`` (read-only; the same call returns the
    same array, so tests that ask for one page twice draw it once).

    ``blur_sigma`` is in pixels of a 300 DPI scan (scaled to ``dpi``), so a blur means
    the same optical defect whatever the resolution.
    """
    return _text_page(dpi, label, ink, paper, blur_sigma, noise_sigma, size_in, seed)


@lru_cache(maxsize=12)
def _text_page(
    dpi: int, label: str, ink: int, paper: int, blur_sigma: float, noise_sigma: float,
    size_in: tuple[float, float], seed: int,
) -> np.ndarray:
    width, height = round(size_in[0] * dpi), round(size_in[1] * dpi)
    img = Image.new("L", (width, height), paper)
    draw = ImageDraw.Draw(img)
    font = _font(max(8, round(dpi * 0.16)))  # ~11.5 pt text
    step = round(dpi * 0.33)
    y = round(dpi * 0.8)
    lines = ([label] if label else []) + list(LINES) * 3
    for line in lines:
        if y > height - dpi:
            break
        draw.text((round(dpi * 0.8), y), line, fill=ink, font=font)
        y += step
    page = np.asarray(img).copy()
    if blur_sigma > 0:
        page = cv2.GaussianBlur(page, (0, 0), blur_sigma * dpi / 300)
    if noise_sigma > 0:
        rng = np.random.default_rng(seed)
        noisy = page.astype(np.float32) + rng.normal(0, noise_sigma, page.shape).astype(np.float32)
        page = np.clip(noisy, 0, 255).astype(np.uint8)
    page.flags.writeable = False
    return page


def save_pdf(path: Path, pages: list[np.ndarray], dpi: int) -> Path:
    """Write greyscale pages as a scanned PDF (PIL's writer: one JPEG image per page)."""
    images = [Image.fromarray(p) for p in pages]
    images[0].save(path, save_all=True, append_images=images[1:], resolution=float(dpi))
    return path


def save_tiff(path: Path, pages: list[np.ndarray], dpi: int, compression: str = "tiff_lzw") -> Path:
    """Write pages as one multi-page TIFF with the given resolution."""
    images = [Image.fromarray(p) for p in pages]
    images[0].save(path, save_all=True, append_images=images[1:], dpi=(dpi, dpi), compression=compression)
    return path
