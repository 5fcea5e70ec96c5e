"""SIGKILL ``sohoa run`` at random points of a small batch, 20 times, re-running after each kill.

Kill delays are drawn (seeded, uniformly) from the run time observed for the same batch on
this machine, scaled by the share of the batch still to do, so the kills land in start-up,
ingest, OCR, extraction and commit alike. After
every kill the data directory must hold whole dossiers or nothing (see ``invariants``);
when a run happens to finish before its kill the data directory is checked as finished
and wiped, so the following kills again find work to interrupt. A final run must finish
the batch: every dossier stored exactly once and complete, no orphaned objects.
"""

from __future__ import annotations

import contextlib
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from storage.objectstore import LocalObjectStore
from tests.hardening import invariants
from tests.hardening.conftest import expected_by_sha, tiny_batch

KILLS = 20
SEED = 20261124


def _start(folder: Path, data: Path, extra: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    env = {**os.environ, "SOHOA_DATA_DIR": str(data), "SOHOA_WORKERS": "1", "OMP_THREAD_LIMIT": "1", **(extra or {})}
    return subprocess.Popen([sys.executable, "-m", "sohoa", "run", str(folder)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _finish(proc: subprocess.Popen[bytes], timeout: float = 300) -> None:
    _, err = proc.communicate(timeout=timeout)
    assert proc.returncode == 0, err.decode(errors="replace")[-2000:]


@pytest.mark.slow
def test_twenty_random_kills_then_a_rerun_stores_every_dossier_exactly_once(tmp_path: Path) -> None:
    batch = tiny_batch(tmp_path / "in")
    expected = expected_by_sha(batch)
    data = tmp_path / "data"
    rng = random.Random(SEED)

    start = time.monotonic()
    _finish(_start(tmp_path / "in", data))  # the reference run: how long this batch takes here
    observed = time.monotonic() - start
    invariants.check(data, expected, finished=True)
    shutil.rmtree(data)

    kills = finished = orphans_seen = temps_seen = stored = 0
    while kills < KILLS:
        # a run that finds `stored` dossiers done has that much less to do: scale the observed time
        delay = rng.uniform(0.0, observed * (len(batch) - stored + 1) / (len(batch) + 1))
        proc = _start(tmp_path / "in", data)
        try:
            proc.wait(timeout=delay)
        except subprocess.TimeoutExpired:
            proc.kill()  # SIGKILL: no handler, no cleanup
            proc.wait()
            kills += 1
            state = invariants.check(data, expected, finished=False)
            orphans_seen += len(state.orphan_prefixes)
            stored = len(state.processed)
            temps_seen = max(temps_seen, state.temp_files)
            continue
        assert proc.returncode == 0, proc.stderr.read().decode(errors="replace") if proc.stderr else ""
        proc.stderr and proc.stderr.close()
        finished += 1
        invariants.check(data, expected, finished=True)
        shutil.rmtree(data)  # give the next kills work to interrupt
        stored = 0

    _finish(_start(tmp_path / "in", data))
    state = invariants.check(data, expected, finished=True)
    assert len(state.processed) == len(batch)
    listed = list(LocalObjectStore(data / "objects").list())
    assert not [k for k in listed if "/.tmp-" in k], "an interrupted write is listed as an object"
    print(f"\n{kills} kills, {finished} runs finished before their kill, {orphans_seen} orphan prefixes "
          f"seen after kills (all completed by the re-runs), at most {temps_seen} interrupted temp files; "
          f"reference run {observed:.1f} s")


def _children(pid: int) -> list[int]:
    """Processes whose parent is ``pid`` (read from /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == pid:
                found.append(int(stat.parent.name))
    return found


def _alive(pid: int) -> bool:
    """Running (not gone, not a zombie waiting to be reaped)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc to find the pool workers")
def test_killed_run_leaves_no_pool_worker_behind(tmp_path: Path) -> None:
    tiny_batch(tmp_path / "in")
    proc = _start(tmp_path / "in", tmp_path / "data", {"SOHOA_WORKERS": "2"})
    workers: list[int] = []
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None:
            workers = [p for p in _children(proc.pid) if "python" in Path(f"/proc/{p}/cmdline").read_text()]
            if len(workers) >= 2:
                break
            time.sleep(0.05)
        assert len(workers) >= 2, "the worker pool never started"
        proc.kill()
        proc.wait()
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and any(_alive(p) for p in workers):
            time.sleep(0.1)
        assert not [p for p in workers if _alive(p)], "pool workers outlived the killed batch process"
    finally:
        for pid in workers:  # never leave them running, even when the assertion fails
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        if proc.stderr:
            proc.stderr.close()
