"""Worker processes for reconciliation: lookups and comparisons of a batch run on another core.

The main process keeps every write and the reading of records; each worker opens its own
connection to the same database (read only: it looks up electronic rows and compares) and returns
the comparisons. At most ``workers + 1`` batches are in flight, so memory stays bounded.
"""

from __future__ import annotations

import gc
import logging
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor

from sqlalchemy.orm import Session, sessionmaker

from reconcile.compare import Comparison
from reconcile.match import Record

log = logging.getLogger(__name__)

Results = dict[str, dict[str, Comparison]]
_session: Session | None = None


def _init(url: str) -> None:
    """Worker start: its own engine and session on ``url`` (never the parent's connections)."""
    global _session  # noqa: PLW0603 - one session per worker process
    from storage.db import create_db_engine

    gc.disable()  # short-lived acyclic objects only, see reconcile.bulk.paused_gc
    _session = sessionmaker(bind=create_db_engine(url))()


def _run(chunk: list[Record]) -> Results:
    from reconcile.run import reconcile_batch

    assert _session is not None
    try:
        return reconcile_batch(_session, chunk)
    finally:
        _session.rollback()  # end the read transaction so the next batch sees fresh data


def parallel_batches(url: str, batches: Iterable[list[Record]], workers: int) -> Iterator[tuple[list[Record], Results]]:
    """``(batch, comparisons)`` in input order, computed by ``workers`` processes.

    ``batches`` is consumed in the calling thread only (it may read from the caller's session).
    """
    with ProcessPoolExecutor(max_workers=workers, initializer=_init, initargs=(url,)) as pool:
        pending: deque[tuple[list[Record], Future[Results]]] = deque()
        for chunk in batches:
            pending.append((chunk, pool.submit(_run, chunk)))
            if len(pending) > workers:
                done, future = pending.popleft()
                yield done, future.result()
        while pending:
            done, future = pending.popleft()
            yield done, future.result()
