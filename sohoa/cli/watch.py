"""``sohoa watch``: poll the inbox and enqueue new scans for ``sohoa worker``."""

from __future__ import annotations

import logging
import time
from pathlib import Path

import click

from sohoa.errors import UsageError
from sohoa.queue.enqueue import enqueue_claimed, enqueue_inbox, enqueuer_for
from sohoa.queue.webhook import WebhookServer
from sohoa.settings import Settings
from storage.factory import inbox_bucket_name, inbox_store_from_settings, repository_from_settings
from storage.inbox import Inbox

log = logging.getLogger(__name__)


@click.command("watch")
@click.option("--interval", type=click.FloatRange(0.2, 3600), default=5.0, show_default=True,
              help="Seconds between two listings of the inbox.")
@click.option("--once", is_flag=True, help="List the inbox once, enqueue what is new, and exit.")
@click.option("--prefix", default="", help="Only objects whose key starts with this.")
@click.option("--data-dir", type=click.Path(path_type=Path), default=None,
              help="Data directory (SOHOA_DATA_DIR).")
@click.option("--webhook", "webhook", default=None, metavar="HOST:PORT",
              help="Also accept MinIO bucket notifications (webhook target) on this address.")
@click.option("--webhook-token", envvar="SOHOA_WEBHOOK_TOKEN", default=None,
              help="Bearer token MinIO sends (its auth_token); required on non-loopback addresses.")
def watch(interval: float, once: bool, prefix: str, data_dir: Path | None, webhook: str | None,
          webhook_token: str | None) -> None:
    """Watch the inbox (MinIO's inbox bucket, or DATA_DIR/inbox) and enqueue new scans.

    Each object is claimed in the database before it is enqueued, so two watchers
    never enqueue the same object; the enqueuer waits while the queue holds
    SOHOA_QUEUE_MAX_LENGTH dossiers, so a burst of uploads is queued, not processed at once.
    Stop with Ctrl-C.
    """
    settings = Settings(data_dir=data_dir) if data_dir is not None else Settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    inbox = Inbox(inbox_store_from_settings(settings), repository_from_settings(settings),
                  inbox_bucket_name(settings), prefix=prefix)
    enqueuer = enqueuer_for(settings)
    if webhook:
        _serve_webhook(webhook, webhook_token, inbox, settings)
    total = 0
    try:
        while True:
            sent = enqueue_inbox(inbox, enqueuer)
            total += sent
            if sent:
                click.echo(f"{sent} new scan(s) queued ({total} since start)")
            if once:
                break
            time.sleep(interval)
    except KeyboardInterrupt:
        click.echo(f"stopped; {total} scan(s) queued")


def _serve_webhook(address: str, token: str | None, inbox: Inbox, settings: Settings) -> None:
    host, _, port = address.rpartition(":")
    if not host or not port.isdigit():
        raise UsageError(f"--webhook wants HOST:PORT, not {address!r}")
    if host not in ("127.0.0.1", "localhost", "::1") and not token:
        raise UsageError("--webhook on a non-loopback address needs --webhook-token (SOHOA_WEBHOOK_TOKEN)")
    enqueuer = enqueuer_for(settings)  # its own: the listing loop has another
    server = WebhookServer((host, int(port)), lambda body: enqueue_claimed(inbox, inbox.accept(body), enqueuer),
                           token)
    server.start()
    click.echo(f"accepting MinIO notifications on http://{host}:{server.server_address[1]}/")
