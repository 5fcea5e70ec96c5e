"""What the running app holds: settings, secret key, database sessions, object store, templates."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session, sessionmaker

from review_ui import queue_index
from sohoa.settings import Settings
from storage.objectstore import ObjectStore

log = logging.getLogger(__name__)

TEMPLATES_DIR = Path(__file__).with_name("templates")
STATIC_DIR = Path(__file__).with_name("static")
CACHE_MAX = 1000
T = TypeVar("T")


@dataclass
class AppContext:
    """Shared state of one app instance (kept on ``app.state.ctx``)."""

    settings: Settings
    secret: bytes
    sessions: sessionmaker[Session]
    store: ObjectStore
    templates: Jinja2Templates
    cookie_secure: bool = True
    max_upload_bytes: int = 200 * 1024 * 1024
    queue_sync_interval: float = 5.0  # pipeline writes reach the queue within this; own writes at once
    counts_ttl: float = 5.0
    _last_sync: float = field(default=0.0, repr=False)
    _sync_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _stop: threading.Event = field(default_factory=threading.Event, repr=False)
    _background: bool = field(default=False, repr=False)
    _cache: dict[tuple[Any, ...], tuple[float, Any]] = field(default_factory=dict, repr=False)
    _locks: dict[tuple[Any, ...], threading.Lock] = field(default_factory=dict, repr=False)

    def warm_up(self) -> threading.Thread:
        """Keep the queue index in step from a background thread (requests then never pay for it)."""

        def run() -> None:
            while not self._stop.is_set():
                try:
                    with self.sessions() as db:
                        self._sync(db)
                        self.unit_counts(db, refresh_after=0.0)
                except Exception:  # a failing sync must not kill the loop; the next round retries
                    log.exception("queue index sync failed")
                self._stop.wait(self.queue_sync_interval)

        self._background = True
        thread = threading.Thread(target=run, name="queue-index", daemon=True)
        thread.start()
        return thread

    def stop(self) -> None:
        """Stop the background sync loop."""
        self._stop.set()

    def sync_queue(self, db: Session, *, force: bool = False) -> None:
        """Refresh the queue index in the request, unless the background loop does it (or ``force``)."""
        if self._background and not force:
            return
        if not force and time.monotonic() - self._last_sync < self.queue_sync_interval:
            return
        self._sync(db, blocking=force)

    def _sync(self, db: Session, *, blocking: bool = True) -> None:
        if not self._sync_lock.acquire(blocking=blocking):
            return
        try:
            self._last_sync = time.monotonic()
            queue_index.sync(db)
        finally:
            self._sync_lock.release()

    def unit_counts(self, db: Session, *, refresh_after: float | None = None) -> queue_index.UnitCounts:
        """Queue counts per (province, commune), shared by every user.

        With the background loop running, requests take what it last computed (it refreshes them
        each round); otherwise they are recomputed when older than ``counts_ttl`` seconds.
        """
        ttl = self.counts_ttl if refresh_after is None else refresh_after
        if refresh_after is None and self._background and ("unit_counts",) in self._cache:
            ttl = float("inf")
        return self.cached(("unit_counts",), ttl, lambda: queue_index.counts_by_unit(db))

    def cached(self, key: tuple[Any, ...], ttl: float, compute: Callable[[], T]) -> T:
        """``compute()``, remembered for ``ttl`` seconds under ``key`` (figures that may be a little stale).

        Stale-while-revalidate: when the value is old and another thread is already recomputing it,
        the old value is returned at once instead of piling up the same query.
        """
        now = time.monotonic()
        hit = self._cache.get(key)
        if hit is not None and now - hit[0] < ttl:
            return hit[1]
        lock = self._locks.setdefault(key, threading.Lock())
        if not lock.acquire(blocking=hit is None):
            return hit[1]  # type: ignore[index]
        try:
            again = self._cache.get(key)
            if again is not None and time.monotonic() - again[0] < ttl:
                return again[1]  # computed by the thread we waited for
            value = compute()
            if len(self._cache) > CACHE_MAX:
                self._cache.clear()
            self._cache[key] = (time.monotonic(), value)
            return value
        finally:
            lock.release()
