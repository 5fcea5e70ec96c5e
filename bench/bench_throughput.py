"""Throughput of sohoa against OCRmyPDF and plain Tesseract, measured side by side in one run.

    .venv/bin/python bench/bench_throughput.py [--dossiers 4 --pages 3 --dpi 300]
    .venv/bin/python bench/bench_throughput.py --memory [--memory-pages 200]
    .venv/bin/python bench/bench_throughput.py --profile          # where sohoa's time goes

On the same generated PDFs (Vietnamese text pages, slightly skewed and noised, one
embedded scan image per page) it times:

- ``tesseract`` on the page images taken out of the PDFs beforehand (untimed), one and two at a time, TSV
  output, ``OMP_THREAD_LIMIT=1``: the floor no pipeline on the same engine beats;
- ``sohoa run`` in-process with 1 and 2 workers (the whole pipeline: rasterize, orient,
  deskew, clean, OCR with text layer, extraction, storage);
- two Celery workers (``sohoa worker``, real redis-server on loopback) fed by ``sohoa run --queue``;
- ``ocrmypdf --deskew -l vie`` (installed from PyPI into bench/out/ocrmypdf-venv if missing).

and prints pages per second and the ratios against the targets (sohoa ≥ 1.2× OCRmyPDF's
pages/s; sohoa's time ≤ 1.25× plain Tesseract's). ``--memory`` runs ``sohoa run --workers 2``
on one 300 DPI dossier of ``--memory-pages`` pages and prints the peak resident memory of the
parent and of the largest worker (``getrusage``, which counts each process's own peak).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image
from pypdf import PdfReader

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import ingest.stage  # noqa: E402
import ocr.prepare  # noqa: E402
import sohoa.pipeline as pipeline  # noqa: E402
from ocr import tesseract  # noqa: E402
from sohoa.samples.faults import noise, skew  # noqa: E402
from sohoa.samples.render import text_page  # noqa: E402
from sohoa.settings import Settings  # noqa: E402
from storage.factory import object_store_from_settings, repository_from_settings  # noqa: E402
from tests.sohoa.queue_support import (  # noqa: E402
    redis_server,
    start_worker,
    stop_worker,
    wait_for,
    worker_env,
)

OUT = ROOT / "bench" / "out"
VENV_BIN = Path(sys.executable).parent
SOHOA = str(VENV_BIN / "sohoa")
OCRMYPDF_VENV = OUT / "ocrmypdf-venv"
LANGS = Settings().languages  # the same engine settings as sohoa's page read

LINES = [
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "Độc lập - Tự do - Hạnh phúc",
    "GIẤY KHAI ĐĂNG KÝ XE",
    "Tên chủ xe: Nguyễn Thị Hồng Nhung",
    "Năm sinh: 1987    Giới tính: Nữ",
    "Địa chỉ: Số 12 ngõ 34 phố Hàng Bạc, phường Hoàn Kiếm, thành phố Hà Nội",
    "Số CCCD: 001187012345   cấp ngày 12/05/2021",
    "Nhãn hiệu: HONDA   Số loại: VISION   Màu sơn: Đỏ đen",
    "Số khung: RLHJF5810KY123456   Số máy: JF58E1234567",
    "Biển số đăng ký: 29A-123.45",
    "Tôi xin cam đoan về nội dung khai trên là đúng và hoàn toàn chịu trách nhiệm trước pháp luật.",
    "Hà Nội, ngày 15 tháng 03 năm 2024",
    "Người khai ký, ghi rõ họ tên",
]


# ---------------------------------------------------------------- inputs


def page_image(seed: int, dpi: int) -> np.ndarray:
    """One scanned-looking page: the form text with a number, skewed ≤ 2°, with sensor noise."""
    rng = np.random.default_rng(seed)
    lines = [*LINES[:3], f"Hồ sơ số HS-{seed:06d}", *LINES[3:]]
    img = text_page(lines, dpi=dpi, size_pt=12)
    img = skew(img, float(rng.uniform(-2.0, 2.0)), expand=False)
    return noise(img, 6.0, rng)


def make_pdfs(folder: Path, dossiers: int, pages: int, dpi: int, seed0: int = 0) -> list[Path]:
    """Write the benchmark's PDFs (cached by their parameters)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for d in range(dossiers):
        path = folder / f"hs-{seed0 + d:04d}.pdf"
        if not path.is_file():
            images = [Image.fromarray(page_image(seed0 * 1000 + d * 1000 + p, dpi)) for p in range(pages)]
            images[0].save(path, save_all=True, append_images=images[1:], resolution=float(dpi), quality=85)
        paths.append(path)
    return paths


def rasterize(pdfs: Sequence[Path], folder: Path) -> list[Path]:
    """The PDFs' page images as they are embedded (poppler's ``pdfimages -j``: the JPEG bytes, no
    re-rendering), for the plain Tesseract baseline: the pixels sohoa's ingest takes too."""
    folder.mkdir(parents=True, exist_ok=True)
    for pdf in pdfs:
        if not list(folder.glob(f"{pdf.stem}-*")):
            subprocess.run(["pdfimages", "-j", str(pdf), str(folder / pdf.stem)], check=True)
    return sorted(p for p in folder.iterdir() if p.suffix in (".jpg", ".png", ".pbm", ".pgm", ".ppm"))


def pdf_pages(pdfs: Sequence[Path]) -> int:
    return sum(len(PdfReader(str(p)).pages) for p in pdfs)


# ---------------------------------------------------------------- runs


@dataclass(frozen=True)
class Timing:
    name: str
    pages: int
    seconds: float

    @property
    def pps(self) -> float:
        return self.pages / self.seconds if self.seconds else 0.0


def timed(name: str, pages: int, fn: Callable[[], object]) -> Timing:
    print(f"... {name}", flush=True)
    t0 = time.perf_counter()
    fn()
    t = Timing(name, pages, time.perf_counter() - t0)
    print(f"    {t.seconds:7.1f} s  {t.pps:6.2f} pages/s", flush=True)
    return t


def tesseract_pages(pngs: Sequence[Path], out: Path, parallel: int) -> None:
    out.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}

    def one(png: Path) -> None:
        subprocess.run(
            ["tesseract", str(png), str(out / png.stem), "-l", LANGS, "tsv"],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    with ThreadPoolExecutor(parallel) as pool:
        list(pool.map(one, pngs))


def sohoa_run(pdf_dir: Path, data_dir: Path, workers: int) -> None:
    shutil.rmtree(data_dir, ignore_errors=True)
    env = {**os.environ, "SOHOA_DATA_DIR": str(data_dir)}
    subprocess.run(
        [SOHOA, "run", "--workers", str(workers), str(pdf_dir)],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def stored_count(data_dir: Path) -> int:
    db = data_dir / "sohoa.db"
    if not db.is_file():
        return 0
    with closing(sqlite3.connect(db, timeout=30)) as conn:
        try:
            return int(conn.execute("SELECT COUNT(*) FROM dossiers WHERE status='processed'").fetchone()[0])
        except sqlite3.OperationalError:
            return 0


def celery_run(pdf_dir: Path, data_dir: Path, dossiers: int, pages: int) -> Timing:
    """Two Celery workers (one process each) on a loopback redis-server; timed from enqueue to all stored."""
    shutil.rmtree(data_dir, ignore_errors=True)
    data_dir.mkdir(parents=True)
    with tempfile.TemporaryDirectory() as tmp, redis_server(Path(tmp)) as url:
        env = worker_env(data_dir, url, SOHOA_QUEUE_VISIBILITY_TIMEOUT="3600")
        logs = {i: OUT / f"celery-w{i}.log" for i in (1, 2)}
        for log in logs.values():
            log.unlink(missing_ok=True)
        workers = [start_worker(env, logs[i], name=f"bench{i}", via_cli=True) for i in (1, 2)]
        try:
            for i in (1, 2):
                wait_for(lambda i=i: "ready." in logs[i].read_text(), 60, "workers ready")

            def go() -> None:
                subprocess.run(
                    [SOHOA, "run", "--queue", str(pdf_dir)], env=env, check=True, stdout=subprocess.DEVNULL
                )
                wait_for(lambda: stored_count(data_dir) >= dossiers, 3600, "all dossiers stored", poll=0.2)

            return timed("sohoa, 2 Celery workers", pages, go)
        finally:
            for w in workers:
                stop_worker(w)


def ocrmypdf_bin() -> Path:
    exe = OCRMYPDF_VENV / "bin" / "ocrmypdf"
    if not exe.is_file():
        print("... installing ocrmypdf from PyPI into", OCRMYPDF_VENV, flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(OCRMYPDF_VENV)], check=True)
        subprocess.run([str(OCRMYPDF_VENV / "bin" / "pip"), "install", "-q", "ocrmypdf"], check=True)
    return exe


def ocrmypdf_run(pdfs: Sequence[Path], out: Path) -> None:
    exe = ocrmypdf_bin()
    out.mkdir(parents=True, exist_ok=True)
    for pdf in pdfs:
        subprocess.run([str(exe), "--deskew", "-l", "vie", "-q", str(pdf), str(out / pdf.name)], check=True)


# ---------------------------------------------------------------- modes


def throughput(args: argparse.Namespace) -> None:
    pdf_dir = OUT / f"pdfs-{args.dpi}dpi-{args.dossiers}x{args.pages}"
    pdfs = make_pdfs(pdf_dir, args.dossiers, args.pages, args.dpi)
    pngs = rasterize(pdfs, OUT / f"pages-{args.dpi}dpi-{args.dossiers}x{args.pages}")
    n = pdf_pages(pdfs)
    print(f"{len(pdfs)} PDFs, {n} pages at {args.dpi} DPI; {os.cpu_count()} cores\n", flush=True)
    runs: dict[str, Timing] = {}
    runs["tess1"] = timed(
        "tesseract, 1 at a time (pre-extracted pages)", n, lambda: tesseract_pages(pngs, OUT / "tess1", 1)
    )
    runs["tess2"] = timed(
        "tesseract, 2 at a time (pre-extracted pages)", n, lambda: tesseract_pages(pngs, OUT / "tess2", 2)
    )
    runs["sohoa1"] = timed("sohoa run --workers 1", n, lambda: sohoa_run(pdf_dir, OUT / "data-w1", 1))
    runs["sohoa2"] = timed("sohoa run --workers 2", n, lambda: sohoa_run(pdf_dir, OUT / "data-w2", 2))
    if not args.skip_celery:
        runs["celery2"] = celery_run(pdf_dir, OUT / "data-celery", len(pdfs), n)
    if not args.skip_ocrmypdf:
        runs["ocrmypdf"] = timed(
            "ocrmypdf --deskew -l vie (all cores)", n, lambda: ocrmypdf_run(pdfs, OUT / "ocrmypdf")
        )
    report(runs)


def report(runs: dict[str, Timing]) -> None:
    print("\n{:<44} {:>6} {:>9} {:>8}".format("run", "pages", "seconds", "pages/s"))
    for t in runs.values():
        print(f"{t.name:<44} {t.pages:>6} {t.seconds:>9.1f} {t.pps:>8.2f}")
    s2, t2 = runs["sohoa2"], runs["tess2"]
    print()
    print(f"scaling: 2 workers / 1 worker = {s2.pps / runs['sohoa1'].pps:.2f}x")
    if "celery2" in runs:
        print(f"scaling: 2 Celery workers / in-process 2 workers = {runs['celery2'].pps / s2.pps:.2f}x")
    print(
        f"sohoa (2 workers) time / plain tesseract (2 at a time) time = {s2.seconds / t2.seconds:.2f}  "
        f"[target <= 1.25: {'MET' if s2.seconds <= 1.25 * t2.seconds else 'NOT MET'}]"
    )
    print(
        f"sohoa (1 worker) time / plain tesseract (1 at a time) time = "
        f"{runs['sohoa1'].seconds / runs['tess1'].seconds:.2f}"
    )
    if "ocrmypdf" in runs:
        ratio = s2.pps / runs["ocrmypdf"].pps
        print(
            f"sohoa (2 workers) pages/s / ocrmypdf pages/s = {ratio:.2f}x  "
            f"[target >= 1.2: {'MET' if ratio >= 1.2 else 'NOT MET'}]"
        )
    per_day = s2.pps / (os.cpu_count() or 1) * 86400
    print(f"campaign: {per_day:,.0f} pages per core per day at this rate")
    (OUT / "throughput.json").write_text(json.dumps({k: v.__dict__ for k, v in runs.items()}, indent=2))


def memory(args: argparse.Namespace) -> None:
    pdf_dir = OUT / f"pdfs-{args.dpi}dpi-1x{args.memory_pages}"
    make_pdfs(pdf_dir, 1, args.memory_pages, args.dpi, seed0=500)
    data_dir = OUT / "data-memory"
    shutil.rmtree(data_dir, ignore_errors=True)
    code = (
        "import resource, sys, time\n"
        "from sohoa.cli import main\n"
        "t = time.perf_counter()\n"
        "try:\n"
        f"    main(['run', '--workers', '2', '--data-dir', {str(data_dir)!r}, {str(pdf_dir)!r}])\n"
        "except SystemExit:\n"
        "    pass\n"
        "me = next(int(x.split()[1]) for x in open('/proc/self/status') if x.startswith('VmHWM:'))\n"
        "kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
        "print('RSS', me, kids, time.perf_counter() - t)\n"
    )
    # The parent's peak is read from /proc/self/status (VmHWM, reset by exec): getrusage's
    # ru_maxrss survives exec and would report this harness's own peak from building the PDF.
    print(f"... sohoa run --workers 2 on one {args.memory_pages}-page {args.dpi} DPI dossier", flush=True)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    line = next(x for x in out.stdout.splitlines() if x.startswith("RSS"))
    _, me, kids, secs = line.split()
    print(f"peak RSS, parent (ingest, extraction, storage): {int(me) / 1024:8.0f} MiB")
    print(
        f"peak RSS, largest worker or tool process:       {int(kids) / 1024:8.0f} MiB  [target < 1024 MiB: "
        f"{'MET' if int(kids) < 1024 * 1024 else 'NOT MET'}]"
    )
    print(
        f"time: {float(secs):.0f} s for {args.memory_pages} pages "
        f"({args.memory_pages / float(secs):.2f} pages/s); stored: {stored_count(data_dir)} dossier(s)"
    )


def profile(args: argparse.Namespace) -> None:
    """Time each stage of the in-process pipeline (1 worker) on the benchmark's PDFs."""
    totals: dict[str, float] = {}

    def clock(name: str, fn: Callable[..., object]) -> Callable[..., object]:
        def wrapper(*a: object, **k: object) -> object:
            t0 = time.perf_counter()
            try:
                return fn(*a, **k)
            finally:
                totals[name] = totals.get(name, 0.0) + time.perf_counter() - t0

        return wrapper

    real_stages = pipeline.page_stages()
    pipeline.page_stages = lambda: tuple(
        clock(f"page: {s.__module__}.{s.__name__}", s)  # type: ignore
        for s in real_stages
    )
    real_load = ingest.stage.load_dossier

    def timed_load(source: object, ctx: object) -> object:
        it = iter(real_load(source, ctx))
        while True:
            t0 = time.perf_counter()
            try:
                work = next(it)
            except StopIteration:
                return
            finally:
                totals["ingest: load_dossier (rasterize, checks)"] = (
                    totals.get("ingest: load_dossier (rasterize, checks)", 0.0) + time.perf_counter() - t0
                )
            yield work

    ingest.stage.load_dossier = timed_load  # type: ignore[assignment]
    calls: dict[str, int] = {}

    def counted(name: str, fn: Callable[..., object]) -> Callable[..., object]:
        timed_fn = clock(name, fn)

        def wrapper(*a: object, **k: object) -> object:
            calls[name] = calls.get(name, 0) + 1
            return timed_fn(*a, **k)
        return wrapper

    tesseract.detect_orientation = counted("  tesseract: OSD (orientation)", tesseract.detect_orientation)
    tesseract.word_confidence = counted("  tesseract: orientation by reading", tesseract.word_confidence)
    tesseract.read_crop = counted("  tesseract: field crop re-reads", tesseract.read_crop)
    ocr.prepare.recognize = counted("  tesseract: page read (tsv+hocr+pdf)", ocr.prepare.recognize)
    ocr.prepare.upright = clock("  ocr: upright (orientation)", ocr.prepare.upright)  # type: ignore[assignment]
    ocr.prepare.deskew = clock("  ocr: deskew", ocr.prepare.deskew)  # type: ignore[assignment]
    ocr.prepare.clean = clock("  ocr: clean", ocr.prepare.clean)  # type: ignore[assignment]
    ingest.stage.assess = clock("  ingest: scan quality", ingest.stage.assess)  # type: ignore[assignment]
    pipeline.store_page_outputs = clock("storage: page outputs", pipeline.store_page_outputs)  # type: ignore
    pipeline.extract_fields = clock("extract: record", pipeline.extract_fields)  # type: ignore
    pipeline.store_searchable_pdf = clock("storage: searchable PDF", pipeline.store_searchable_pdf)  # type: ignore
    pdf_dir = OUT / f"pdfs-{args.dpi}dpi-{args.dossiers}x{args.pages}"
    make_pdfs(pdf_dir, args.dossiers, args.pages, args.dpi)
    data_dir = OUT / "data-profile"
    shutil.rmtree(data_dir, ignore_errors=True)
    settings = Settings(data_dir=data_dir, workers=1)
    data_dir.mkdir(parents=True)
    p = pipeline.Pipeline(settings, object_store_from_settings(settings), repository_from_settings(settings))
    t0 = time.perf_counter()
    p.run([pdf_dir])
    total = time.perf_counter() - t0
    print(f"\nin-process, 1 worker, {total:.1f} s in all")
    for name, secs in sorted(totals.items(), key=lambda kv: -kv[1]):
        n = f"  ({calls[name]} calls)" if name in calls else ""
        print(f"  {name:<52} {secs:7.1f} s  {100 * secs / total:5.1f} %{n}")


def main(argv: Sequence[str] | None = None) -> None:
    fmt = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=fmt)
    parser.add_argument("--dossiers", type=int, default=4)
    parser.add_argument("--pages", type=int, default=3, help="pages per dossier")
    parser.add_argument("--dpi", type=int, default=300)
    parser.add_argument("--skip-celery", action="store_true")
    parser.add_argument("--skip-ocrmypdf", action="store_true")
    parser.add_argument("--memory", action="store_true", help="peak memory on one big dossier instead")
    parser.add_argument("--memory-pages", type=int, default=200)
    parser.add_argument("--profile", action="store_true", help="time each stage in-process instead")
    args = parser.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    if args.memory:
        memory(args)
    elif args.profile:
        profile(args)
    else:
        throughput(args)
    print(f"(max RSS of this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB)")


if __name__ == "__main__":
    main()
