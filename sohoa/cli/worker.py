"""``sohoa worker``: run Celery workers that process queued dossiers (Redis or RabbitMQ broker)."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import click

from sohoa.queue.app import make_app
from sohoa.settings import Settings

log = logging.getLogger(__name__)


@click.command("worker")
@click.option("-c", "--concurrency", type=click.IntRange(0, 256), default=None,
              help="Worker processes, one dossier each (0 = one per core; default SOHOA_WORKERS).")
@click.option("--data-dir", type=click.Path(path_type=Path), default=None,
              help="Data directory (SOHOA_DATA_DIR).")
@click.option("--broker-url", default=None, help="Broker URL, redis:// or amqp:// (SOHOA_BROKER_URL).")
@click.option("-n", "--hostname", default=None, help="Worker node name (Celery's %h forms allowed).")
@click.option("--loglevel", type=click.Choice(["debug", "info", "warning", "error"]), default="info",
              show_default=True, help="Worker log level.")
def worker(concurrency: int | None, data_dir: Path | None, broker_url: str | None, hostname: str | None,
           loglevel: str) -> None:
    """Process dossiers from the queue until stopped (Ctrl-C or SIGTERM finishes the current ones).

    Each task is acknowledged only after its dossier is stored, so a worker killed
    mid-dossier loses nothing: another worker redoes it. Children are replaced after
    SOHOA_WORKER_MAX_TASKS_PER_CHILD dossiers or when over SOHOA_WORKER_MAX_MEMORY_MB.
    """
    updates: dict[str, object] = {}
    if data_dir is not None:
        updates["data_dir"] = data_dir.resolve()
    if broker_url is not None:
        updates["broker_url"] = broker_url
    settings = Settings(**updates)  # type: ignore[arg-type]
    os.environ["OMP_THREAD_LIMIT"] = "1"  # one Tesseract thread per worker process
    n = concurrency if concurrency is not None else settings.workers
    argv = ["worker", "--pool=prefork", f"--concurrency={n or os.cpu_count() or 1}",
            f"--loglevel={loglevel.upper()}", "-Q", settings.queue_name,
            "--without-gossip", "--without-mingle"]
    if hostname:
        argv += ["-n", hostname]
    make_app(settings).worker_main(argv)
