"""Fuzz the ingest of PDF/TIFF/PNG/JPEG files and every field normalizer and validator (hypothesis).

Usage: .venv/bin/python bench/fuzz_ingest.py [--seconds 3600] [--only ingest|text] [--seed N]

Ingest targets take small valid scans (and the tiny hostile files of tests/data/hostile) and
damage them (byte flips, interesting 32-bit values, deleted, duplicated or inserted runs, cuts),
then run discovery, the header checks, rasterizing, de-duplication and quality scoring
(``load_dossier``). A crash is any exception outside sohoa's ``SohoaError`` family, an input
running longer than ``--input-timeout`` seconds, or (under the address-space limit) memory
exhaustion. Text targets feed Vietnamese-shaped and arbitrary Unicode text to every normalizer
(``extract.normalizers.NORMALIZERS``) and validator; for them *any* exception is a crash, and a
normalizer must return a ``Checked`` whose value is None or NFC text.

Crashing inputs are saved as ``tests/data/hostile/found/<target>-<sha1>.bin`` (at most three per
distinct crash site); ``tests/hardening/test_fuzz_replay.py`` replays every one of them. The run
prints executions and crashes per target and writes ``bench/out/fuzz_ingest.json``.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import hashlib
import importlib.util
import json
import logging
import os
import resource
import signal
import sys
import tempfile
import time
import traceback
import unicodedata
import warnings
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from types import FrameType, ModuleType
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import seed as hypothesis_seed
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[1]
HOSTILE = ROOT / "tests" / "data" / "hostile"
FOUND = HOSTILE / "found"
OUT = ROOT / "bench" / "out" / "fuzz_ingest.json"
EXTENSIONS = {"pdf": ".pdf", "tiff": ".tif", "png": ".png", "jpeg": ".jpg"}
INTERESTING_32 = (0, 1, 0x7F, 0xFF, 0xFFFF, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, 60_000, 65_536)
MEMORY_LIMIT = 3 * 1024**3  # address space: a real bomb becomes MemoryError, not an OOM kill
FIELD_NAMES = ("plate_number", "chassis_number", "engine_number", "owner_id_number", "owner_birth_date",
               "owner_address", "brand", "model_year", "owner_name", "registration_date")

log = logging.getLogger(__name__)


class InputTimeout(Exception):
    """One input ran past the per-input time limit."""


@dataclass
class Stats:
    """Executions and crashes of one fuzz run."""

    executions: Counter[str] = field(default_factory=Counter)
    crashes: Counter[str] = field(default_factory=Counter)
    sites: dict[str, str] = field(default_factory=dict)  # crash site -> saved file
    slowest: dict[str, float] = field(default_factory=dict)


# -- seeds ----------------------------------------------------------------------------------------


def _corpus_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("hostile_make_corpus", HOSTILE / "make_corpus.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(spec.name, module)
    spec.loader.exec_module(module)
    return module


@cache
def seeds() -> dict[str, tuple[bytes, ...]]:
    """Small valid scans per format, plus the tiny hostile files of that format."""
    from PIL import Image

    corpus = _corpus_module()
    pages = [corpus.text_image(30, "trang 1"), corpus.text_image(30, "trang 2")]

    def save(image: Image.Image, fmt: str, **kw: Any) -> bytes:
        with tempfile.TemporaryDirectory() as tmp:  # libtiff's encoders want a real file
            path = Path(tmp) / "seed"
            if "append_images" in kw:  # fresh copies: PIL keeps a save's options on the appended images
                kw["append_images"] = [im.copy() for im in kw["append_images"]]
            image.copy().save(path, format=fmt, **kw)
            return path.read_bytes()

    found: dict[str, list[bytes]] = {
        "pdf": [save(pages[0], "PDF", save_all=True, append_images=pages[1:], resolution=30.0),
                save(pages[0].convert("RGB"), "PDF", resolution=30.0), corpus.pagetree_loop_pdf(),
                corpus.lying_count_pdf()],
        "tiff": [save(pages[0], "TIFF", save_all=True, append_images=pages[1:], compression="tiff_lzw",
                      dpi=(30, 30)),
                 save(pages[0].convert("1"), "TIFF", compression="group4"), corpus.giant_tiff_header()],
        "png": [save(pages[0], "PNG", dpi=(30, 30)), save(pages[0].convert("P"), "PNG"),
                save(pages[0].convert("RGBA"), "PNG"), corpus.giant_png_header()],
        "jpeg": [save(pages[0], "JPEG", quality=60), save(pages[0].convert("RGB"), "JPEG", progressive=True)],
    }
    return {fmt: tuple(items) for fmt, items in found.items()}


# -- damaging bytes -------------------------------------------------------------------------------


@st.composite
def damaged_file(draw: st.DrawFn, fmt: str) -> bytes:
    """A seed of ``fmt`` with a few random mutations."""
    data = bytearray(draw(st.sampled_from(seeds()[fmt])))
    for _ in range(draw(st.integers(1, 8))):
        if not data:
            break
        at = draw(st.integers(0, len(data) - 1))
        op = draw(st.integers(0, 6))
        if op == 0:
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif op == 1:
            data[at] = draw(st.sampled_from((0, 0xFF, 0x7F, 0x80, ord("/"), ord("0"), ord("("))))
        elif op == 2 and at + 4 <= len(data):
            value = draw(st.sampled_from(INTERESTING_32))
            order = draw(st.sampled_from(("<", ">")))
            data[at:at + 4] = value.to_bytes(4, "little" if order == "<" else "big")
        elif op == 3:
            del data[at:at + draw(st.integers(1, 512))]
        elif op == 4:
            run = bytes(data[at:at + draw(st.integers(1, 256))])
            data[at:at] = run * draw(st.integers(1, 8))
        elif op == 5:
            data[at:at] = draw(st.binary(min_size=1, max_size=64))
        else:
            del data[at:]
    return bytes(data)


# -- targets --------------------------------------------------------------------------------------


def ingest_target(fmt: str) -> Callable[[bytes], None]:
    """Run discovery, checks, rasterizing and quality on ``data`` written as a ``fmt`` file.

    Our ``SohoaError`` family is the expected outcome of bad input; anything else propagates.
    """
    from ingest.sources import discover
    from ingest.stage import load_dossier
    from sohoa.context import StageContext
    from sohoa.errors import SohoaError
    from sohoa.settings import Settings

    ctx = StageContext.from_settings(Settings(raster_dpi=72, max_pixels=4_000_000, max_pages=50,
                                              tesseract_timeout=30))

    def run(data: bytes) -> None:
        with tempfile.TemporaryDirectory(prefix="sohoa-fuzz-") as tmp:
            path = Path(tmp) / f"fuzz{EXTENSIONS[fmt]}"
            path.write_bytes(data)
            sources, _rejected = discover([path])
            for source in sources:
                with contextlib.suppress(SohoaError):
                    for work in load_dossier(source, ctx):
                        assert work.image.ndim in (2, 3) and work.image.dtype.name == "uint8"
                        assert work.page.width * work.page.height <= ctx.settings.max_pixels

    return run


def normalizer_target(name: str) -> Callable[[str], None]:
    """Call a normalizer; it must return a ``Checked`` with None or NFC text, and never raise."""
    from extract.checked import Checked
    from extract.normalizers import NORMALIZERS

    fn = NORMALIZERS[name]

    def run(text: str) -> None:
        result = fn(text)
        assert isinstance(result, Checked), type(result)
        value = result.value
        assert value is None or (isinstance(value, str) and unicodedata.is_normalized("NFC", value)), value
        assert all(isinstance(r, str) for r in result.reasons)

    return run


def validator_targets() -> dict[str, Callable[[str], None]]:
    """Validators and parsers that take arbitrary text and answer (never raise)."""
    from extract import address, crossfield, dates, plate, vehicle, vin
    from sohoa.domain import cccd, plates
    from sohoa.domain import vin as dvin

    def two(fn: Callable[[str, str], object]) -> Callable[[str], object]:
        def run(text: str) -> object:
            first, _, second = text.partition("\x1f")
            return fn(first, second)

        return run

    def cross(text: str) -> None:
        parts = (text.split("\x1f") + [""] * len(FIELD_NAMES))[: len(FIELD_NAMES)]
        crossfield.cross_check({k: (v or None) for k, v in zip(FIELD_NAMES, parts, strict=True)})

    targets: dict[str, Callable[[str], object]] = {
        "cccd.parse_cccd": cccd.parse_cccd, "cccd.is_cmnd": cccd.is_cmnd,
        "vin.is_valid_vin": dvin.is_valid_vin, "vin.is_vin_shaped": dvin.is_vin_shaped,
        "plates.parse_plate": plates.parse_plate, "plates.canonical_plate": plates.canonical_plate,
        "plates.plate_candidates": plates.plate_candidates,
        "plates.parse_plate_car": lambda t: plates.parse_plate(t, "car"),
        "plate.normalize_motorcycle": lambda t: plate.normalize(t, "motorcycle"),
        "plate.locality": plate.locality, "extract_vin.is_vin": vin.is_vin,
        "extract_vin.same_vehicle": two(vin.same_vehicle), "vehicle.same_brand": two(vehicle.same_brand),
        "address.province_of": address.province_of, "dates.year_of": dates.year_of,
        "crossfield.cross_check": cross,
    }
    return {f"validate-{name}": _discard(fn) for name, fn in targets.items()}


def _discard(fn: Callable[[str], object]) -> Callable[[str], None]:
    """``fn`` with its answer dropped: only whether it raises matters."""

    def run(text: str) -> None:
        fn(text)

    return run


@cache
def text_targets() -> dict[str, Callable[[str], None]]:
    from extract.normalizers import NORMALIZERS

    found = {f"normalize-{name}": normalizer_target(name) for name in NORMALIZERS}
    found.update(validator_targets())
    return found


@cache
def file_targets() -> dict[str, Callable[[bytes], None]]:
    return {f"ingest-{fmt}": ingest_target(fmt) for fmt in EXTENSIONS}


# -- text strategies ------------------------------------------------------------------------------

TEMPLATES = (
    "RLHJC5212KY000123", "MH1JC5212KY000123", "1HGCM82633A004352", "29-B1 234.56", "51F-123.45", "30A-999.99",
    "1P52FMH-123456", "001190012345", "079203001234", "123456789", "15/03/2021", "01-01-1990", "1990",
    "Nguyễn Thị Hồng Nhung", "NGUYỄN VĂN ĐỨC", "Thôn 6, Xã Hưng Đạo, Thành phố Hà Nội",
    "số 12 phố Hàng Bạc, phường Hoàn Kiếm, Hà Nội", "HONDA", "Wave Alpha", "đỏ đen", "hai bánh", "109,1 cm3",
)
DOMAIN_ALPHABET = ("0123456789ABCDEFGHJKLMNPRSTUVWXYZabcdefghijklmnopqrstuvwxyz-./,:;() \n\t\x1f"
                   "ĐđƯưƠơÂâĂăÊêÔôÀÁẢÃẠàáảãạẾếỀềỆệỨứỮữ\u0300\u0301\u0303\u0309\u0323٣০")


@st.composite
def field_text(draw: st.DrawFn) -> str:
    """Text shaped like a field value (templates mutated), domain characters, or any Unicode."""
    kind = draw(st.integers(0, 3))
    if kind == 0:
        return draw(st.text(max_size=80))
    if kind == 1:
        return draw(st.text(alphabet=DOMAIN_ALPHABET, max_size=60))
    text = draw(st.sampled_from(TEMPLATES))
    if draw(st.booleans()):
        text = unicodedata.normalize(draw(st.sampled_from(("NFC", "NFD", "NFKC"))), text)
    for _ in range(draw(st.integers(0 if kind == 2 else 1, 4))):
        at = draw(st.integers(0, len(text)))
        piece = draw(st.text(alphabet=DOMAIN_ALPHABET, min_size=0, max_size=3))
        cut = draw(st.integers(0, 2))
        text = text[:at] + piece + text[at + cut:]
    if draw(st.integers(0, 7)) == 0:  # stray whitespace or control characters around a value
        text = draw(st.sampled_from(("", " ", "\t"))) + text + draw(st.sampled_from(("\n", " ", "\r\n", "\x00")))
    return text


# -- running --------------------------------------------------------------------------------------


def _on_alarm(_signum: int, _frame: FrameType | None) -> None:
    raise InputTimeout("input ran past the time limit")


def crash_site(error: BaseException) -> str:
    """Where an exception came from: its type and the innermost frame in our code (or the last)."""
    frames = traceback.extract_tb(error.__traceback__)
    ours = [f for f in frames if str(ROOT) in f.filename and "bench" not in f.filename] or frames
    where = f"{Path(ours[-1].filename).name}:{ours[-1].lineno}" if ours else "?"
    return f"{type(error).__name__}@{where}"


def save_crash(target: str, payload: bytes) -> Path:
    """Store a crashing input under ``found/`` (named by target and content hash)."""
    FOUND.mkdir(parents=True, exist_ok=True)
    path = FOUND / f"{target}-{hashlib.sha1(payload).hexdigest()[:12]}.bin"
    path.write_bytes(payload)
    return path


def run_one(target: str, payload: bytes, timeout: float = 30.0) -> BaseException | None:
    """Run ``target`` on ``payload``; return the crash (None when the target behaved)."""
    call: Callable[[], None]
    if target.startswith("ingest-"):
        call = functools.partial(file_targets()[target], payload)
    else:
        call = functools.partial(text_targets()[target], payload.decode("utf-8", "surrogatepass"))
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            call()
    except Exception as e:  # everything is a finding here; the target already let our errors pass
        return e
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    return None


def replay(path: Path, timeout: float = 30.0) -> BaseException | None:
    """Re-run one saved input (``<target>-<hash>.bin``) through its target."""
    target = path.name.rsplit("-", 1)[0]
    return run_one(target, path.read_bytes(), timeout)


def _record(stats: Stats, target: str, payload: bytes, error: BaseException | None, seconds: float) -> None:
    stats.executions[target] += 1
    stats.slowest[target] = max(stats.slowest.get(target, 0.0), seconds)
    if error is None:
        return
    stats.crashes[target] += 1
    site = f"{target}:{crash_site(error)}"
    if sum(1 for s in stats.sites if s.startswith(site)) < 3:
        saved = save_crash(target, payload)
        stats.sites[f"{site}#{saved.name}"] = saved.name
        print(f"CRASH {target}: {type(error).__name__}: {str(error)[:160]} -> {saved}", flush=True)


def fuzz_chunk(kind: str, stats: Stats, examples: int, seed: int, timeout: float) -> None:
    """One hypothesis run of ``examples`` inputs over the ``kind`` ("ingest" or "text") targets."""
    names = sorted(file_targets() if kind == "ingest" else text_targets())
    if kind == "ingest":
        strategy = st.sampled_from(sorted(EXTENSIONS)).flatmap(
            lambda fmt: st.tuples(st.just(f"ingest-{fmt}"), damaged_file(fmt)))
    else:
        strategy = st.tuples(st.sampled_from(names), field_text().map(
            lambda t: t.encode("utf-8", "surrogatepass")))

    @settings(max_examples=examples, deadline=None, database=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck), derandomize=False)
    @given(case=strategy)
    def go(case: tuple[str, bytes]) -> None:
        target, payload = case
        start = time.monotonic()
        error = run_one(target, payload, timeout)
        _record(stats, target, payload, error, time.monotonic() - start)

    with contextlib.suppress(Exception):  # hypothesis' own errors (e.g. Unsatisfiable) end the chunk only
        hypothesis_seed(seed)(go)()


def fuzz(seconds: float, only: str | None = None, seed: int = 0, timeout: float = 30.0) -> Stats:
    """Fuzz for ``seconds``, alternating file chunks and text chunks; return the counts."""
    stats = Stats()
    deadline = time.monotonic() + seconds
    kinds = [only] if only else ["ingest", "text"]
    chunk = 0
    while time.monotonic() < deadline:
        kind = kinds[chunk % len(kinds)]
        fuzz_chunk(kind, stats, 25 if kind == "ingest" else 500, seed + chunk, timeout)
        chunk += 1
    return stats


def _limit_memory() -> None:
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = MEMORY_LIMIT if hard == resource.RLIM_INFINITY else min(MEMORY_LIMIT, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3600.0, help="how long to fuzz (default: an hour)")
    parser.add_argument("--only", choices=("ingest", "text"), default=None, help="fuzz one kind of target")
    parser.add_argument("--seed", type=int, default=int(time.time()), help="first hypothesis seed")
    parser.add_argument("--input-timeout", type=float, default=30.0, help="seconds one input may take")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.ERROR)
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    _limit_memory()
    started = time.monotonic()
    stats = fuzz(args.seconds, args.only, args.seed, args.input_timeout)
    elapsed = time.monotonic() - started
    total = sum(stats.executions.values())
    print(f"fuzzed {elapsed:.0f} s, {total} inputs ({total / max(elapsed, 1e-9):.1f}/s), "
          f"{sum(stats.crashes.values())} crashing, {len(stats.sites)} saved; seed {args.seed}")
    for target in sorted(stats.executions):
        print(f"  {target:38} {stats.executions[target]:>8} runs  {stats.crashes[target]:>5} crashes  "
              f"slowest {stats.slowest[target]:.2f} s")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps({"seconds": round(elapsed), "seed": args.seed, "executions": dict(stats.executions),
                               "crashes": dict(stats.crashes), "saved": sorted(stats.sites.values()),
                               "slowest": stats.slowest}, indent=2))
    return 1 if stats.crashes else 0


if __name__ == "__main__":
    sys.exit(main())
