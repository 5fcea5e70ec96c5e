"""A Celery app for the dead-letter tests: sohoa's real app with a fake crashing ingest stage.

``celery -A tests.sohoa.queue_crashing_app worker`` runs the real task, but a dossier
whose name contains ``poison-fail`` makes the stage raise a ``ToolError`` every time,
and one whose name contains ``poison-kill`` kills the worker process (as the kernel's
out-of-memory killer would). Other dossiers go through the real stages.
"""

from __future__ import annotations

import os
import signal
from typing import Any

import ingest.stage
from sohoa.errors import ToolError
from sohoa.queue.app import app

_real_load_dossier = ingest.stage.load_dossier


def crashing_load_dossier(source: Any, ctx: Any) -> Any:
    """The real ``load_dossier``, except for poison dossiers."""
    if "poison-fail" in source.name:
        raise ToolError("fake engine crashed", path=source.name)
    if "poison-kill" in source.name:
        os.kill(os.getpid(), signal.SIGKILL)
    return _real_load_dossier(source, ctx)


ingest.stage.load_dossier = crashing_load_dossier  # type: ignore[assignment]

__all__ = ["app"]
