"""``sohoa status``: dossiers by status, the queue's length and the dead-letter list."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import click

from sohoa.errors import StorageError
from sohoa.queue.app import make_app
from sohoa.queue.enqueue import queue_length
from sohoa.queue.session import ledger_from_settings
from sohoa.settings import Settings

log = logging.getLogger(__name__)


def redact(url: str) -> str:
    """A broker URL without its password, fit to print."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


def gather(settings: Settings, limit: int) -> dict[str, Any]:
    """The figures ``sohoa status`` prints; the queue part is None when the broker is unreachable."""
    ledger = ledger_from_settings(settings)
    try:
        waiting: int | None = queue_length(make_app(settings))
    except StorageError as e:
        log.warning("%s", e)
        waiting = None
    dead = ledger.dead_letters(limit)
    return {
        "dossiers": ledger.dossier_counts(),
        "queue": {"broker": redact(settings.broker_url), "name": settings.queue_name, "waiting": waiting,
                  "in_progress": ledger.in_flight()},
        "dead_letters": {
            "count": ledger.dead_letter_count(),
            "latest": [
                {"source": d.source, "error_code": d.error_code, "error": d.error, "attempts": d.attempts,
                 "task_id": d.task_id, "at": d.created_at.isoformat()}
                for d in dead
            ],
        },
    }


def _print_human(figures: dict[str, Any]) -> None:
    counts = figures["dossiers"]
    click.echo("dossiers: " + (", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "none")
               + f" (total {sum(counts.values())})")
    q = figures["queue"]
    waiting = "broker unreachable" if q["waiting"] is None else f"{q['waiting']} waiting"
    click.echo(f"queue {q['name']} on {q['broker']}: {waiting}, {q['in_progress']} in progress")
    dl = figures["dead_letters"]
    click.echo(f"dead letters: {dl['count']}")
    for d in dl["latest"]:
        tries = f"{d['error_code']}, {d['attempts']} attempts"
        click.echo(f"  {d['at'][:19]}  {d['source']}  [{tries}]  {d['error']}")


@click.command("status")
@click.option("--data-dir", type=click.Path(path_type=Path), default=None,
              help="Data directory (SOHOA_DATA_DIR).")
@click.option("--limit", type=click.IntRange(0, 100_000), default=20, show_default=True,
              help="Dead letters to list, newest first.")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as one JSON object.")
@click.pass_context
def status(ctx: click.Context, data_dir: Path | None, limit: int, as_json: bool) -> None:
    """Show dossier counts by status, the queue length and the dead-letter list with errors.

    Exit status 1 when the broker cannot be reached (the database figures are still shown).
    """
    settings = Settings(data_dir=data_dir) if data_dir is not None else Settings()
    figures = gather(settings, limit)
    if as_json:
        click.echo(json.dumps(figures, ensure_ascii=False, indent=2))
    else:
        _print_human(figures)
    ctx.exit(1 if figures["queue"]["waiting"] is None else 0)
