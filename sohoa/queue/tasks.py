"""The Celery task: run the pipeline on one dossier named by its path.

Tasks carry a path (and the dossier's display name), never pixels. A task is
acknowledged after the dossier is committed (``acks_late``); failures are retried
with exponential back-off, and a dossier that keeps failing, or whose worker keeps
dying under it, is written to the dead-letter table and acknowledged.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import random
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from celery import Celery, Task

from sohoa.errors import ConfigError, SohoaError, UsageError
from sohoa.queue.ledger import DeadLetterEntry
from sohoa.queue.tables import utcnow as now
from sohoa.settings import Settings

if TYPE_CHECKING:
    from sohoa.queue.ledger import Ledger

log = logging.getLogger(__name__)

TASK_PROCESS = "sohoa.process_dossier"
TASK_INBOX = "sohoa.process_inbox_object"
PERMANENT = (UsageError, ConfigError)


class DossierFailedError(SohoaError):
    """The pipeline could not finish a dossier (a tool or storage fault it reported)."""

    code = "failed"


class SourceUnavailableError(SohoaError):
    """The dossier's path cannot be read from this worker (moved, unmounted, unreadable)."""

    code = "unavailable"


@dataclass
class WorkerState:
    """What one worker process builds once: the pipeline (store, repository) and the ledger."""

    pid: int
    pipeline: Any
    ledger: Ledger


_state: WorkerState | None = None


def worker_state(settings: Settings) -> WorkerState:
    """The pipeline and ledger of this process, built after fork (never shared across processes)."""
    global _state  # noqa: PLW0603 - one per worker process, rebuilt after fork
    if _state is None or _state.pid != os.getpid():
        # imported here: OpenCV and the stages load in workers only, never in enqueuers
        from sohoa.pipeline import Pipeline
        from sohoa.queue.session import ledger_from_settings
        from storage.factory import object_store_from_settings, repository_from_settings

        os.environ.setdefault("OMP_THREAD_LIMIT", "1")
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        store, repo = object_store_from_settings(settings), repository_from_settings(settings)
        pipeline = Pipeline(settings, store, repo)
        _state = WorkerState(os.getpid(), pipeline, ledger_from_settings(settings, migrate=False))
    return _state


def process_path(pipeline: Any, path: str, name: str | None = None) -> list[dict[str, Any]]:
    """Run ``pipeline`` on the dossier(s) at ``path``; raise ``DossierFailedError`` if one failed.

    Dossiers already stored are skipped (``find_by_sha``), so a redelivered task
    re-does only what was not committed. A path this worker cannot see is a passing
    fault (``SourceUnavailableError``, retried); a file that is no dossier is recorded as
    rejected by the pipeline, like in ``sohoa run``.
    """
    from ingest.sources import discover

    target = Path(path)
    if not target.exists():
        raise SourceUnavailableError("no such file or folder on this worker", path=name or target.name)
    sources, rejected = discover([target])
    if rejected:
        outcomes = list(pipeline.run([target]).outcomes)
    else:
        if name and len(sources) == 1:
            sources = [dataclasses.replace(sources[0], name=name)]
        outcomes = [pipeline.process_source(source) for source in sources]
    for outcome in outcomes:
        if outcome.status == "failed":
            raise DossierFailedError(outcome.reason or f"{outcome.source}: failed")
    return [dataclasses.asdict(o) for o in outcomes]


def backoff(settings: Settings, retries: int) -> float:
    """Seconds before retry number ``retries + 1``: doubling from the base, capped, with jitter."""
    delay = min(settings.queue_retry_backoff_max, settings.queue_retry_backoff * 2**retries)
    return delay * random.uniform(0.8, 1.2)


def run_task(task: Task, path: str, name: str | None = None) -> dict[str, Any]:
    """Body of ``sohoa.process_dossier``: the dossier at ``path`` (see the module docstring)."""
    state = worker_state(task.app.settings)
    return _attempt(task, state, name or path, lambda: process_path(state.pipeline, path, name))


def run_inbox_task(task: Task, bucket: str, key: str, etag: str, size: int = 0) -> dict[str, Any]:
    """Body of ``sohoa.process_inbox_object``: fetch a claimed inbox object, then process it."""
    state = worker_state(task.app.settings)
    source = f"{bucket}/{key}"
    return _attempt(task, state, source, lambda: process_inbox_object(state, bucket, key, etag, size))


def process_inbox_object(
    state: WorkerState, bucket: str, key: str, etag: str, size: int
) -> list[dict[str, Any]]:
    """Copy the inbox object to scratch space (streamed), run the pipeline, record its dossier."""
    from storage.factory import inbox_store_from_settings
    from storage.inbox import Inbox, InboxObject

    settings = state.pipeline.settings
    inbox = Inbox(inbox_store_from_settings(settings), state.pipeline.repo, bucket)
    obj = InboxObject(bucket, key, etag, size)
    with tempfile.TemporaryDirectory(prefix="sohoa-inbox-") as scratch:
        path = inbox.fetch(obj, Path(scratch))
        outcomes = process_path(state.pipeline, str(path), key)
    inbox.done(obj, next((o["dossier_id"] for o in outcomes if o.get("dossier_id")), None))
    return outcomes


Work = Callable[[], list[dict[str, Any]]]


def _attempt(task: Task, state: WorkerState, source: str, work: Work) -> dict[str, Any]:
    """Run ``work`` once for this delivery: done, retried with back-off, or dead-lettered."""
    settings: Settings = task.app.settings
    task_id = str(task.request.id)
    retries = int(task.request.retries or 0)
    try:
        deliveries = state.ledger.delivered(task_id, source)
    except SohoaError as e:  # the database is away: wait for it, however long
        raise task.retry(exc=e, countdown=backoff(settings, min(retries, 6)), max_retries=None) from e
    lost = deliveries - 1 - retries
    if lost >= settings.queue_max_worker_losses:
        message = f"the worker died {lost} times on this dossier (killed or out of memory)"
        return _dead(state, DeadLetterEntry(task_id, source, None, "worker_lost", message, deliveries, now()))
    try:
        outcomes = work()
    except Exception as e:
        code = str(getattr(e, "code", type(e).__name__))
        if isinstance(e, PERMANENT) or retries >= settings.queue_max_retries:
            error = str(e) or type(e).__name__
            return _dead(state, DeadLetterEntry(task_id, source, None, code[:32], error, retries + 1, now()))
        delay = backoff(settings, retries)
        log.warning("%s failed (%s), retry %d in %.0f s", source, code, retries + 1, delay)
        raise task.retry(exc=e, countdown=delay, max_retries=settings.queue_max_retries) from e
    state.ledger.finished(task_id)
    return {"status": "done", "outcomes": outcomes}


def _dead(state: WorkerState, entry: DeadLetterEntry) -> dict[str, Any]:
    state.ledger.dead_letter(entry)
    return {"status": "dead", "error": entry.error}


def register(app: Celery) -> None:
    """Register sohoa's tasks on ``app``."""
    app.task(
        bind=True,
        name=TASK_PROCESS,
        acks_late=True,
        reject_on_worker_lost=True,
        max_retries=None,
        typing=True,
    )(run_task)
    app.task(
        bind=True,
        name=TASK_INBOX,
        acks_late=True,
        reject_on_worker_lost=True,
        max_retries=None,
        typing=True,
    )(run_inbox_task)
