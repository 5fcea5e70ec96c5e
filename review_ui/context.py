"""What the running app holds: settings, secret key, database sessions, object store, templates."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session, sessionmaker

from review_ui import queue_index
from sohoa.settings import Settings
from storage.objectstore import ObjectStore

log = logging.getLogger(__name__)

TEMPLATES_DIR = Path(__file__).with_name("templates")
STATIC_DIR = Path(__file__).with_name("static")


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
    queue_sync_interval: float = 2.0
    _last_sync: float = field(default=0.0, repr=False)
    _sync_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def sync_queue(self, db: Session, *, force: bool = False) -> None:
        """Refresh the queue index at most every ``queue_sync_interval`` seconds (one thread at a time)."""
        now = time.monotonic()
        if not force and now - self._last_sync < self.queue_sync_interval:
            return
        if not self._sync_lock.acquire(blocking=force):
            return
        try:
            self._last_sync = time.monotonic()
            queue_index.sync(db)
        finally:
            self._sync_lock.release()
