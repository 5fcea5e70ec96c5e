"""Fixtures for the hardening tests: the hostile corpus, tiny good dossiers, resource meters."""

from __future__ import annotations

import hashlib
import importlib.util
import resource
import shutil
import sys
import time
import tracemalloc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import pytest

HOSTILE_DIR = Path(__file__).resolve().parents[1] / "data" / "hostile"
FOUND_DIR = HOSTILE_DIR / "found"


def _load_corpus_module() -> ModuleType:
    """``tests/data/hostile/make_corpus.py`` (a script, not a package module)."""
    spec = importlib.util.spec_from_file_location("hostile_make_corpus", HOSTILE_DIR / "make_corpus.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


make_corpus = _load_corpus_module()


def hostile_folder(out: Path) -> list[Path]:
    """The whole corpus in ``out``: checked-in files copied, the others generated."""
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for item in make_corpus.CORPUS:
        target = out / item.name
        if item.checked_in:
            shutil.copyfile(HOSTILE_DIR / item.name, target)
        else:
            target.write_bytes(item.make(out))
        paths.append(target)
    return paths


@pytest.fixture(scope="session")
def hostile_source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A pristine folder holding the corpus (built once; tests copy what they need)."""
    folder = tmp_path_factory.mktemp("hostile")
    hostile_folder(folder)
    return folder


def tiny_batch(folder: Path, pages: tuple[int, ...] = (1, 2, 1)) -> dict[Path, int]:
    """Distinct 100 DPI PDF dossiers with the given page counts; path -> pages."""
    folder.mkdir(parents=True, exist_ok=True)
    out = {}
    for i, count in enumerate(pages, start=1):
        path = folder / f"ho-so-{i}.pdf"
        images = [make_corpus.text_image(100, f"ho so {i} trang {j + 1}") for j in range(count)]
        images[0].save(path, format="PDF", save_all=True, append_images=images[1:], resolution=100.0)
        out[path] = count
    return out


def expected_by_sha(batch: dict[Path, int]) -> dict[str, int]:
    """Page count per source SHA-256."""
    return {hashlib.sha256(path.read_bytes()).hexdigest(): n for path, n in batch.items()}


@dataclass
class Usage:
    """Wall time and memory of one measured block."""

    seconds: float = 0.0
    traced_peak_mb: float = 0.0  # Python + numpy allocations (tracemalloc)
    rss_growth_mb: float = 0.0  # growth of the process's peak resident set (getrusage)


def _maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


@contextmanager
def measured() -> Iterator[Usage]:
    """Measure the time, tracemalloc peak and peak-RSS growth of the block."""
    usage = Usage()
    rss_before = _maxrss_mb()
    tracemalloc.start()
    start = time.monotonic()
    try:
        yield usage
    finally:
        usage.seconds = time.monotonic() - start
        usage.traced_peak_mb = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        usage.rss_growth_mb = _maxrss_mb() - rss_before
