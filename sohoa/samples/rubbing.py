"""Pencil rubbings (bản cà / bản chà) of the stamped engine and chassis numbers.

An officer lays paper or clear tape on the stamped number and rubs it with a
pencil: the paper turns graphite-grey in diagonal strokes, the stamped-in
characters stay light, their rims catch more graphite and show darker. The strip
is then pasted on the form or on a sheet of its own.
"""

from __future__ import annotations

import logging

import cv2
import numpy as np
from PIL import Image, ImageDraw

from sohoa.samples.canvas import Canvas, Style
from sohoa.samples.render import font, nfc

log = logging.getLogger(__name__)


def _graphite(h: int, w: int, rng: np.random.Generator) -> np.ndarray:
    """A float32 field of grey levels that looks like pencil strokes (dark, diagonal, uneven)."""
    base = rng.random((h, w), dtype=np.float32)
    k = max(5, w // 60) | 1
    kernel = np.zeros((k, k), np.float32)
    if rng.random() < 0.5:
        np.fill_diagonal(kernel, 1.0)
    else:
        np.fill_diagonal(np.fliplr(kernel), 1.0)
    strokes = cv2.filter2D(base, -1, kernel / k)
    low = cv2.resize(
        rng.random((max(2, h // 40), max(2, w // 40)), dtype=np.float32),
        (w, h),
        interpolation=cv2.INTER_CUBIC,
    )
    level = float(rng.uniform(95, 140))
    return level + (strokes - 0.5) * 120.0 + (low - 0.5) * 50.0


def strip(text: str, height_px: int, rng: np.random.Generator, *, width_px: int | None = None) -> np.ndarray:
    """A rubbing of ``text``: uint8 greyscale, light embossed characters on graphite."""
    text = nfc(text)
    fnt = font(max(8, int(height_px * 0.5)), bold=True, family="mono")
    text_w = int(fnt.getlength(text))
    w = width_px or int(text_w + height_px * 0.8)
    h = height_px
    mask_img = Image.new("L", (w, h), 0)
    ImageDraw.Draw(mask_img).text((w // 2, h // 2), text, font=fnt, fill=255, anchor="mm")
    mask = np.asarray(mask_img, np.float32) / 255.0
    shift = max(1, h // 40)
    rim = np.clip(np.roll(mask, (shift, shift), axis=(0, 1)) - mask, 0, 1)  # lower-right edges catch graphite
    glow = np.clip(np.roll(mask, (-shift, -shift), axis=(0, 1)) - mask, 0, 1)
    paper = _graphite(h, w, rng)
    out = paper * (1 - mask) + (paper + float(rng.uniform(70, 110))) * mask
    out = out - rim * 60.0 + glow * 25.0
    # ragged lighter margins where the pencil did not reach
    edge = max(2, h // 12)
    fade = np.ones(h, np.float32)
    fade[:edge] = np.linspace(0.3, 1.0, edge)
    fade[-edge:] = np.linspace(1.0, 0.3, edge)
    out = 255 - (255 - out) * fade[:, None]
    out = cv2.GaussianBlur(out, (0, 0), max(0.6, h / 120))
    return np.clip(out, 0, 255).astype(np.uint8)


def paste_strip(canvas: Canvas, box: tuple[float, float, float, float], text: str, rng: np.random.Generator) -> None:
    """Paste a rubbing of ``text`` into the box (x, y, width, height) mm, a little askew."""
    x, y, w, h = box
    height = canvas.px(min(h, 14.0))
    tile = strip(text, height, rng)
    max_w = canvas.px(w)
    if tile.shape[1] > max_w:
        tile = cv2.resize(tile, (max_w, height), interpolation=cv2.INTER_AREA)
    angle = float(rng.uniform(-2.0, 2.0))
    m = cv2.getRotationMatrix2D((tile.shape[1] / 2, tile.shape[0] / 2), angle, 1.0)
    tile = cv2.warpAffine(tile, m, (tile.shape[1], tile.shape[0]), borderValue=255)
    canvas.paste_gray(tile, x + float(rng.uniform(0, 2)), y + float(rng.uniform(0, max(0.1, h - 15))))


def rubbing_page(canvas: Canvas, engine: str, chassis: str, rng: np.random.Generator) -> dict[str, str]:
    """A sheet with both rubbings under their labels; returns field -> text printed on it."""
    c = canvas
    c.centered(22, "BẢN CÀ SỐ KHUNG / SỐ MÁY", Style(14, bold=True, family="liberation"))
    c.centered(29, "(Bản chà số máy, số khung của xe)", Style(11, italic=True, family="liberation"))
    label = Style(12, bold=True, family="liberation")
    printed: dict[str, str] = {}
    y = 45.0
    for title, text, key in (
        ("Số máy (Engine N0):", engine, "engine_number"),
        ("Số khung (Chassis N0):", chassis, "chassis_number"),
    ):
        c.text(20, y, title, label)
        height = c.px(float(rng.uniform(16, 22)))
        tile = strip(text, height, rng)
        limit = c.px(c.width_mm - 40)
        if tile.shape[1] > limit:
            tile = cv2.resize(tile, (limit, height), interpolation=cv2.INTER_AREA)
        c.rect((18, y + 4, 18 + c.mm(tile.shape[1]) + 4, y + 8 + c.mm(height)), width_mm=0.2)
        c.paste_gray(tile, 20 + float(rng.uniform(-0.5, 0.5)), y + 6)
        printed[key] = text
        y += 20 + c.mm(height)
    c.text(20, y + 6, "Cán bộ đăng ký xe kiểm tra, đối chiếu:", Style(11, italic=True, family="liberation"))
    return printed
