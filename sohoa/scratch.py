"""Scratch folders for one process's intermediate page images, and the sweep of those a killed process left.

Scratch holds page pixels (personal data) while a batch runs. A process killed with
SIGKILL cannot remove its own, so each folder is named with its owner's pid and every new
one first removes the folders whose owner is gone.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from pathlib import Path

log = logging.getLogger(__name__)

PREFIX = "sohoa-scratch-"


def scratch_dir(kind: str, root: Path | None = None) -> tempfile.TemporaryDirectory[str]:
    """A new scratch folder for ``kind`` (letters only), owned by this process; stale ones are swept first."""
    if not kind.isalpha():
        raise ValueError(f"scratch kind must be letters only, not {kind!r}")
    sweep_stale(root)
    return tempfile.TemporaryDirectory(prefix=f"{PREFIX}{kind}-{os.getpid()}-", dir=root)


def sweep_stale(root: Path | None = None) -> int:
    """Remove the scratch folders under ``root`` (the system's temporary folder) whose owner process is gone."""
    removed = 0
    for folder in Path(root or tempfile.gettempdir()).glob(f"{PREFIX}*"):
        pid = _owner(folder.name)
        if pid is None or _alive(pid):
            continue
        shutil.rmtree(folder, ignore_errors=True)
        removed += 1
    if removed:
        log.info("removed %d scratch folder(s) left by killed processes", removed)
    return removed


def _owner(name: str) -> int | None:
    parts = name.removeprefix(PREFIX).split("-")
    return int(parts[1]) if len(parts) >= 3 and parts[1].isdigit() else None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    return True
