"""Scratch folders: owned by a pid, and swept when their owner was killed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from sohoa.scratch import PREFIX, scratch_dir, sweep_stale


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_folders_of_killed_processes_are_swept_and_live_ones_kept(tmp_path: Path) -> None:
    dead = tmp_path / f"{PREFIX}pages-{_dead_pid()}-abc"
    (dead / "sub").mkdir(parents=True)
    (dead / "sub" / "page.npy").write_bytes(b"pixels")
    alive = tmp_path / f"{PREFIX}pages-{os.getpid()}-def"
    alive.mkdir()
    other = tmp_path / "sohoa-something-else"
    other.mkdir()
    assert sweep_stale(tmp_path) == 1
    assert not dead.exists() and alive.exists() and other.exists()


def test_a_new_scratch_folder_is_named_by_its_owner_and_sweeps_first(tmp_path: Path) -> None:
    stale = tmp_path / f"{PREFIX}eval-{_dead_pid()}-xyz"
    stale.mkdir()
    with scratch_dir("eval", tmp_path) as folder:
        assert Path(folder).name.startswith(f"{PREFIX}eval-{os.getpid()}-")
        assert not stale.exists()
    assert not Path(folder).exists()
    with pytest.raises(ValueError):
        scratch_dir("../evil", tmp_path)
