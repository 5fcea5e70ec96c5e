"""Peak memory of ingesting a 200-page, 300 DPI scanned PDF, against one page in the same process.

Usage: .venv/bin/python bench/bench_ingest_memory.py [--pages 200] [--dpi 300] [--render-pages 30]

The PDF (A4 greyscale scans with text and scanner noise, one JPEG per page, like an office
scanner's output) is built in a child process, so building it does not count. Then, in this
process:

  baseline   ingest one page of the same kind (embedded scan, and poppler render)
  pages      iter_pages over all pages (embedded scans taken as stored)
  stage      load_dossier over all pages (checks, embedded scans, dedupe, quality)
  render     iter_pages(embedded=False) over the first --render-pages pages, each rendered by
             pdftoppm at 300 DPI (about 1.4 s a page here, hence not all 200 by default)

and prints the peak RSS after each (ru_maxrss, monotone) with the ratio to the baseline, the
tracemalloc peak of each phase. pdftoppm runs as its own process on one page at a time and is not
counted here. Target: peak < 1 GB.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from ingest.rasterize import iter_pages
from ingest.sources import Source
from ingest.stage import load_dossier
from sohoa.context import StageContext
from sohoa.settings import Settings

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
LINES = (
    "GIẤY KHAI ĐĂNG KÝ XE — Mẫu ĐKX10",
    "Tên chủ xe: Nguyễn Văn An   Năm sinh: 1985",
    "Địa chỉ: phường Cửa Nam, thành phố Hà Nội",
    "Số khung: RLHJA3918MY012345   Số máy: 1P52FMH-123456",
    "Biển số: 29-B1 234.56   Nhãn hiệu: HONDA   Màu sơn: đỏ",
)
GB = 1024**3


def build_scan_pdf(out: Path, pages: int, dpi: int) -> None:
    """Write an A4 greyscale scanned PDF of ``pages`` pages at ``dpi`` (child process only)."""
    width, height = round(8.27 * dpi), round(11.69 * dpi)
    font = ImageFont.truetype(FONT, round(dpi * 0.16))
    base = Image.new("L", (width, height), 235)
    draw = ImageDraw.Draw(base)
    for i in range(28):
        draw.text((dpi, dpi + i * round(dpi * 0.33)), LINES[i % len(LINES)], fill=30, font=font)
    rng = np.random.default_rng(7)
    noise = rng.normal(0, 6, (height, width)).astype(np.float32)
    parts = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in range(1, pages + 1):
            page = base.copy()
            ImageDraw.Draw(page).text((width - 2 * dpi, height - dpi), f"trang {n}", fill=0, font=font)
            pixels = np.asarray(page, np.float32) + np.roll(noise, n * 37, axis=1)
            part = Path(tmp) / f"{n:04d}.pdf"
            scan = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))
            scan.save(part, resolution=float(dpi), quality=85)
            parts.append(str(part))
        subprocess.run(["pdfunite", *parts, str(out)], check=True)


def peak_rss() -> int:
    """Peak resident set size of this process so far, in bytes (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def consume(pages: Iterator[object]) -> int:
    """Pull every page through, holding none, like the pipeline's per-page hand-off."""
    count = 0
    for _ in pages:
        count += 1
    return count


def measure(label: str, run: object) -> tuple[int, float, int]:
    tracemalloc.reset_peak()
    start = time.perf_counter()
    count = run()  # type: ignore[operator]
    seconds = time.perf_counter() - start
    _, traced = tracemalloc.get_traced_memory()
    print(
        f"{label:10s} {count:5d} pages {seconds:7.1f} s   peak RSS {peak_rss() / 2**20:7.0f} MiB   "
        f"traced peak {traced / 2**20:6.0f} MiB",
        flush=True,
    )
    return peak_rss(), seconds, traced


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--dpi", type=int, default=300)
    parser.add_argument("--render-pages", type=int, default=30, help="pages to render with poppler (0: skip)")
    parser.add_argument("--build", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.build:
        build_scan_pdf(args.build, args.pages, args.dpi)
        return 0

    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as tmp:
        big, one = Path(tmp) / "dossier.pdf", Path(tmp) / "one.pdf"
        started = time.perf_counter()
        for path, pages in ((big, args.pages), (one, 1)):
            subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--build",
                    str(path),
                    "--pages",
                    str(pages),
                    "--dpi",
                    str(args.dpi),
                ],
                check=True,
            )
        print(
            f"built {args.pages} pages at {args.dpi} DPI: {big.stat().st_size / 2**20:.0f} MiB "
            f"in {time.perf_counter() - started:.0f} s (child process)"
        )
        settings = Settings(raster_dpi=args.dpi)
        ctx = StageContext.from_settings(settings)
        source, single = Source(big, "pdf", big.name), Source(one, "pdf", one.name)
        tracemalloc.start()

        base, _, _ = measure(
            "baseline",
            lambda: (
                consume(load_dossier(single, ctx)) + consume(iter_pages(single, settings, embedded=False))
            ),
        )
        pages_peak, pages_s, _ = measure("pages", lambda: consume(iter_pages(source, settings)))
        stage_peak, stage_s, _ = measure("stage", lambda: consume(load_dossier(source, ctx)))
        results = [
            ("iter_pages (embedded scans)", pages_peak, pages_s),
            ("load_dossier (+ checks, quality)", stage_peak, stage_s),
        ]
        if args.render_pages:
            limited = Settings(raster_dpi=args.dpi)

            def render() -> int:
                pages = iter_pages(source, limited, embedded=False)
                return consume(p for _, p in zip(range(args.render_pages), pages, strict=False))

            render_peak, render_s, _ = measure("render", render)
            results.append(("render (pdftoppm per page)", render_peak, render_s))

    print(f"\nbaseline (one page, same process): peak RSS {base / 2**20:.0f} MiB")
    for label, peak, seconds in results:
        pages = min(args.render_pages, args.pages) if label.startswith("render") else args.pages
        print(
            f"{label:34s} peak RSS {peak / 2**20:6.0f} MiB = {peak / base:4.2f} x baseline, "
            f"{pages / seconds:5.1f} pages/s"
        )
    worst = max(peak for _, peak, _ in results)
    verdict = "MET" if worst < GB else "MISSED"
    print(f"target peak < 1 GiB: {verdict} ({worst / 2**20:.0f} MiB)")
    return 0 if worst < GB else 1


if __name__ == "__main__":
    raise SystemExit(main())
