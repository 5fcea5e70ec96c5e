"""The queue ledger's database session: the storage package's engine and migrations."""

from __future__ import annotations

import logging

from sohoa.queue.ledger import Ledger
from sohoa.settings import Settings
from storage.db import ensure_migrated, session_factory

log = logging.getLogger(__name__)


def ledger_from_settings(settings: Settings, *, migrate: bool = True) -> Ledger:
    """The queue ledger of a deployment (its schema brought to the newest revision first)."""
    url = settings.sqlalchemy_url
    if migrate:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        ensure_migrated(url)
    return Ledger(session_factory(url))
