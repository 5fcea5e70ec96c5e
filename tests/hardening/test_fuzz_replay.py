"""Replay every input ``bench/fuzz_ingest.py`` found to crash, and check the fuzz harness itself.

``tests/data/hostile/found/<target>-<sha1>.bin`` are inputs that once crashed ingest, a
normalizer or a validator; each must now pass through its target without a crash (ingest:
pages or a ``SohoaError``; normalizers and validators: an answer, never an exception).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from tests.hardening.conftest import FOUND_DIR

BENCH = Path(__file__).resolve().parents[2] / "bench" / "fuzz_ingest.py"


def _fuzz_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_fuzz_ingest", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


fuzz = _fuzz_module()
FOUND = sorted(FOUND_DIR.glob("*.bin"))


@pytest.mark.parametrize("path", FOUND, ids=[p.name for p in FOUND])
def test_found_input_no_longer_crashes(path: Path) -> None:
    error = fuzz.replay(path, timeout=60)
    assert error is None, f"{path.name}: {type(error).__name__}: {error}"


def test_every_found_input_names_a_known_target() -> None:
    targets = set(fuzz.text_targets()) | set(fuzz.file_targets())
    assert {p.name.rsplit("-", 1)[0] for p in FOUND} <= targets


def test_the_harness_reports_a_crash_and_lets_our_errors_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(text: str) -> None:
        raise KeyError(text)

    monkeypatch.setattr(fuzz, "text_targets", lambda: {"validate-boom": boom})
    error = fuzz.run_one("validate-boom", b"x")
    assert isinstance(error, KeyError) and fuzz.crash_site(error).startswith("KeyError@")
    # damaged scans end as pages or as our InputRejected: not a crash
    assert fuzz.run_one("ingest-pdf", b"%PDF-1.7\nnot a body\n%%EOF\n") is None
    assert fuzz.run_one("ingest-png", b"\x89PNG\r\n\x1a\n" + b"\0" * 40) is None


def test_valid_seeds_ingest_without_a_crash() -> None:
    for fmt, items in fuzz.seeds().items():
        for data in items:
            assert fuzz.run_one(f"ingest-{fmt}", data) is None, fmt


def test_a_short_seeded_fuzz_of_the_normalizers_and_validators_finds_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fuzz, "FOUND", tmp_path)  # anything found goes to tmp, not the source tree
    stats = fuzz.fuzz(seconds=3, only="text", seed=2026)
    assert sum(stats.executions.values()) >= 100
    assert len(stats.executions) >= 10
    assert not stats.crashes, stats.sites
