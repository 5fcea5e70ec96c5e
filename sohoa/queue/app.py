"""The Celery application, configured from ``Settings`` (broker URL, retries, memory bounds).

Delivery is at-least-once and storage is idempotent (dossiers are keyed by the
source's SHA-256 and committed in one transaction), so a task is acknowledged
only after its dossier is stored: a worker killed mid-dossier leaves the message
unacknowledged, and the broker hands it to another worker.
"""

from __future__ import annotations

import logging

from celery import Celery, signals

from sohoa.queue.tasks import TASK_PROCESS, register
from sohoa.settings import Settings
from storage.db import dispose_engine, migrate

log = logging.getLogger(__name__)

__all__ = ["TASK_PROCESS", "SohoaCelery", "app", "celery_config", "make_app"]


def celery_config(settings: Settings) -> dict[str, object]:
    """The Celery settings sohoa runs with (see the module docstring for why)."""
    restore_every = max(1, min(10, settings.queue_visibility_timeout // 10))
    return {
        "broker_url": settings.broker_url,
        "broker_connection_retry_on_startup": True,
        "broker_transport_options": {
            # Redis: an unacknowledged task is handed out again after this many seconds
            "visibility_timeout": settings.queue_visibility_timeout,
            "unacked_restore_interval": restore_every,
            "unacked_restore_throttle": 1,
        },
        "task_default_queue": settings.queue_name,
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "task_acks_on_failure_or_timeout": True,
        "task_ignore_result": True,
        "task_serializer": "json",
        "accept_content": ["json"],
        "worker_prefetch_multiplier": 1,
        "worker_max_tasks_per_child": settings.worker_max_tasks_per_child,
        "worker_max_memory_per_child": settings.worker_max_memory_mb * 1024,
        "worker_hijack_root_logger": False,
        "worker_send_task_events": False,
        "enable_utc": True,
    }


class SohoaCelery(Celery):
    """A Celery app that knows the sohoa settings it was made from."""

    def __init__(self, settings: Settings) -> None:
        super().__init__("sohoa", set_as_current=False)
        self.settings = settings
        self.conf.update(celery_config(settings))


def make_app(settings: Settings | None = None) -> SohoaCelery:
    """A Celery app for ``settings`` (default: the environment's), with sohoa's tasks registered."""
    celery = SohoaCelery(settings or Settings())
    register(celery)
    return celery


@signals.worker_init.connect
def _migrate_before_pool(sender: object = None, **_kw: object) -> None:
    """In the worker's main process, before its children fork: bring the database schema up to date."""
    settings = getattr(getattr(sender, "app", None), "settings", None) or app.settings
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    migrate(settings.sqlalchemy_url)
    dispose_engine(settings.sqlalchemy_url)  # children open their own connections after fork
    log.info("worker ready on queue %s", settings.queue_name)


#: the application ``celery -A sohoa.queue.app worker`` and ``sohoa worker`` run
app = make_app()
