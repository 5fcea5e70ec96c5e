"""Small weak points found while hardening: ID patterns that let a trailing newline or foreign digits
through, and temp files that interrupted object writes left behind for ever."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from sohoa.domain.cccd import is_cmnd, parse_cccd
from storage.objectstore import LocalObjectStore

HOUR = 3600


@pytest.mark.parametrize(
    "text", ["001090000000\n", "001090000000\r\n", " 001090000000", "٠٠١٠٩٠٠٠٠٠٠٠", "００１０９００００００００"]
)
def test_cccd_must_be_exactly_twelve_ascii_digits(text: str) -> None:
    assert parse_cccd("001090000000") is not None  # the same number, clean, is a CCCD
    assert parse_cccd(text) is None


@pytest.mark.parametrize("text", ["123456789\n", "١٢٣٤٥٦٧٨٩", "12345678\n9"])
def test_cmnd_must_be_exactly_nine_ascii_digits(text: str) -> None:
    assert is_cmnd("123456789")
    assert not is_cmnd(text)


def backdate(path: Path, seconds: float) -> None:
    then = time.time() - seconds
    os.utime(path, (then, then))


def test_store_open_removes_only_old_temp_files_of_interrupted_writes(tmp_path: Path) -> None:
    root = tmp_path / "objects"
    (root / "d-1").mkdir(parents=True)
    old_tmp, fresh_tmp = root / "d-1" / ".tmp-abcd1234", root / "d-1" / ".tmp-efgh_678"
    kept = [root / "d-1" / "0001_prepared.png", root / "d-1" / ".tmp-notes.txt", fresh_tmp]
    for path in (old_tmp, *kept):
        path.write_bytes(b"x")
    for path in (old_tmp, *kept[:2]):
        backdate(path, 2 * HOUR)
    store = LocalObjectStore(root)
    assert not old_tmp.exists()
    assert all(p.exists() for p in kept)  # objects, foreign names and a write still running stay
    assert list(store.list()) == ["d-1/0001_prepared.png"]
    again = root / "d-1" / ".tmp-zzzz0000"
    again.write_bytes(b"x")
    backdate(again, 2 * HOUR)
    LocalObjectStore(root)  # a process sweeps a root once, not at every open
    assert again.exists()
    assert store.remove_stale_temp_files() == 1 and not again.exists()


WRITER = textwrap.dedent(
    """
    import sys, time
    from storage.objectstore import LocalObjectStore

    class Slow:
        def read(self, n=-1):
            time.sleep(0.05)
            return b"x" * 1024

    LocalObjectStore(sys.argv[1]).put_stream("d-1/0001_prepared.png", Slow())
    """
)


def test_temp_file_of_a_sigkilled_write_is_cleaned_when_old(tmp_path: Path) -> None:
    root = tmp_path / "objects"
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(root)])
    deadline = time.monotonic() + 30
    temps: list[Path] = []
    while not (temps and temps[0].stat().st_size) and time.monotonic() < deadline:
        time.sleep(0.1)  # until the writer has put bytes in its temp file
        temps = list(root.rglob(".tmp-*"))
    writer.send_signal(signal.SIGKILL)
    writer.wait(timeout=10)
    assert len(temps) == 1 and temps[0].stat().st_size > 0  # the write was under way when killed
    store = LocalObjectStore(root)
    assert temps[0].exists() and not store.exists("d-1/0001_prepared.png")  # fresh: left alone
    backdate(temps[0], 2 * HOUR)
    opener = "import sys; from storage.objectstore import LocalObjectStore; LocalObjectStore(sys.argv[1])"
    subprocess.run([sys.executable, "-c", opener, str(root)], check=True, timeout=60)  # the next run's open
    assert not temps[0].exists() and list(store.list()) == []
