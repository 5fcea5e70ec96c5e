"""Run the ingest stage over a batch the way the pipeline does: a rejection never stops it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ingest.sources import discover
from ingest.stage import load_dossier
from sohoa.context import StageContext
from sohoa.errors import InputRejected
from sohoa.model import Page


@dataclass(frozen=True)
class Result:
    path: str
    pages: tuple[Page, ...] = ()
    reason: str | None = None


def ingest_batch(paths: Iterable[Path], ctx: StageContext) -> dict[str, Result]:
    """Ingest every dossier under ``paths``; results keyed by the file name (pixels dropped)."""
    sources, rejected = discover(paths)
    results = {Path(str(r.path)).name: Result(str(r.path), reason=r.message) for r in rejected}
    for source in sources:
        try:
            pages = tuple(work.page for work in load_dossier(source, ctx))
            results[source.path.name] = Result(str(source.path), pages=pages)
        except InputRejected as e:
            results[source.path.name] = Result(str(e.path), reason=e.message)
    return results
