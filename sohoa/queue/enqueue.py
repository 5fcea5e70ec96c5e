"""Putting dossiers on the queue, bounded: enqueuers wait while the queue is full.

A burst of uploads (10,000 files dropped at once) becomes 10,000 small messages
(a path each), processed by the workers one dossier at a time each: nothing is
processed all at once, and the enqueuer itself stops adding while the queue holds
``queue_max_length`` messages, so the broker's memory stays bounded too.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
from celery import Celery
from kombu.exceptions import ChannelError, OperationalError
from tqdm import tqdm

from ingest.sources import discover
from sohoa.errors import InputRejected, SohoaError, StorageError
from sohoa.queue.app import make_app
from sohoa.queue.tasks import TASK_INBOX, TASK_PROCESS
from sohoa.settings import Settings

log = logging.getLogger(__name__)


class QueueFullError(SohoaError):
    """The queue stayed full for longer than the enqueuer was willing to wait."""

    exit_code = 1
    http_status = 503
    code = "queue_full"


def queue_length(app: Celery, queue: str | None = None) -> int:
    """Messages waiting in ``queue`` (default: the app's queue), on Redis or RabbitMQ alike.

    A passive declare asks the broker without creating anything; a queue the broker
    does not know (Redis drops empty lists) holds no message.
    """
    name = queue or app.conf.task_default_queue
    conn = app.connection_for_write()
    try:
        with conn:
            conn.ensure_connection(max_retries=2, interval_start=0.2, interval_step=0.5, timeout=5)
            try:
                ok = conn.default_channel.queue_declare(queue=name, passive=True)
            except ChannelError:
                return 0
            return int(ok.message_count)
    except (OSError, OperationalError, *conn.connection_errors) as e:
        raise StorageError(f"queue broker unreachable ({type(e).__name__})") from e


@dataclass
class Enqueuer:
    """Sends dossiers to the workers, waiting while the queue holds ``max_length`` messages."""

    app: Celery
    max_length: int
    wait_timeout: float | None = None
    poll: float = 0.5
    sleep: Callable[[float], None] = time.sleep
    sent: int = 0
    _room: int = 0

    def submit(self, path: Path, name: str | None = None) -> str:
        """Enqueue one dossier by path; return the task id. Blocks while the queue is full."""
        self._wait_for_room()
        result = self.app.send_task(TASK_PROCESS, args=[str(Path(path).resolve())], kwargs={"name": name})
        self.sent += 1
        self._room -= 1
        return str(result.id)

    def submit_inbox(self, bucket: str, key: str, etag: str, size: int = 0) -> str:
        """Enqueue one claimed inbox object by bucket, key and ETag; return the task id."""
        self._wait_for_room()
        result = self.app.send_task(TASK_INBOX, args=[bucket, key, etag, size])
        self.sent += 1
        self._room -= 1
        return str(result.id)

    def submit_all(self, items: Iterable[tuple[Path, str | None]]) -> list[str]:
        """Enqueue many dossiers in order; return their task ids."""
        return [self.submit(path, name) for path, name in items]

    def _wait_for_room(self) -> None:
        """Refresh the free room from the broker only when the last count is used up."""
        started = time.monotonic()
        while self._room <= 0:
            self._room = self.max_length - queue_length(self.app)
            if self._room > 0:
                return
            if self.wait_timeout is not None and time.monotonic() - started >= self.wait_timeout:
                wait = f"{self.wait_timeout:.0f} s"
                raise QueueFullError(f"queue still holds {self.max_length}+ dossiers after {wait}")
            log.info("queue full (%d waiting); enqueuer waits", self.max_length)
            self.sleep(self.poll)


@dataclass(frozen=True)
class Enqueued:
    """What ``enqueue_paths`` did: task ids sent, and paths no worker could take."""

    task_ids: tuple[str, ...]
    unreadable: tuple[InputRejected, ...]


def enqueue_paths(enqueuer: Enqueuer, paths: Iterable[Path],
                  progress: Callable[[int], None] | None = None) -> Enqueued:
    """Find the dossiers under ``paths`` and enqueue one task per dossier.

    Files that are no dossier (wrong type, bad content) are enqueued too, so the
    worker records them as rejected in the database like ``sohoa run`` does; paths
    that do not exist or cannot be named are returned as ``unreadable``.
    """
    sources, rejected = discover(list(paths))
    ids = []
    for source in sources:
        ids.append(enqueuer.submit(source.path, source.name))
        if progress is not None:
            progress(1)
    unreadable = []
    for error in rejected:
        path = Path(error.path or "")
        if error.path and path.is_file():
            ids.append(enqueuer.submit(path, None))
        else:
            unreadable.append(error)
    return Enqueued(tuple(ids), tuple(unreadable))


def enqueuer_for(settings: Settings, wait_timeout: float | None = None) -> Enqueuer:
    """An enqueuer on the deployment's broker, bounded by ``queue_max_length``."""
    return Enqueuer(make_app(settings), max_length=settings.queue_max_length, wait_timeout=wait_timeout)


def enqueue_command(settings: Settings, paths: list[Path]) -> int:
    """``sohoa run --queue``: enqueue the dossiers under ``paths``, print a summary, return the exit code."""
    enqueuer = enqueuer_for(settings)
    with tqdm(desc="queued", unit="dossier", disable=None) as bar:
        done = enqueue_paths(enqueuer, paths, progress=bar.update)
    for error in done.unreadable:
        click.echo(f"rejected: {error}", err=True)
    click.echo(f"{len(done.task_ids)} dossiers queued on '{settings.queue_name}' for `sohoa worker`, "
               f"{len(done.unreadable)} unreadable")
    return 1 if done.unreadable else 0


def enqueue_inbox(inbox: Any, enqueuer: Enqueuer) -> int:
    """Claim the inbox's new objects (``storage.inbox.Inbox.poll``) and enqueue each; return how many."""
    return enqueue_claimed(inbox, inbox.poll(), enqueuer)


def enqueue_claimed(inbox: Any, objects: Iterable[Any], enqueuer: Enqueuer) -> int:
    """Enqueue inbox objects this watcher has claimed; one whose enqueuing fails is given back,
    so a later poll takes it again."""
    sent = 0
    for obj in objects:
        try:
            enqueuer.submit_inbox(obj.bucket, obj.key, obj.etag, obj.size)
        except BaseException:
            inbox.give_back(obj)
            raise
        sent += 1
    return sent
