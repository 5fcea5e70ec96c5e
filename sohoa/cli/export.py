"""``sohoa export``: write the records in the export contract."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

import click

from sohoa.settings import Settings

log = logging.getLogger(__name__)


@click.command("export")
@click.option("--format", "fmt", type=click.Choice(["jsonl"]), default="jsonl", show_default=True,
              help="Output format: one JSON object per dossier and line.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write to FILE (default: standard output).")
@click.option("--status", "statuses", multiple=True,
              help="Only dossiers with this status (repeatable): processed, rejected, approved, ...")
def export(fmt: str, output: Path | None, statuses: tuple[str, ...]) -> None:
    """Write every dossier as one JSON object per line: fields with canonical values,
    confidences, review flags, page and box, and the reconciliation results."""
    from sohoa.export import export_records
    from storage.factory import repository_from_settings

    repo = repository_from_settings(Settings())
    out = output.open("w", encoding="utf-8") if output else sys.stdout
    n = 0
    try:
        with repo.session() as session:
            for record in export_records(session, statuses=statuses or None):
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
                n += 1
    finally:
        if output:
            out.close()
    if output:
        click.echo(f"{n} records -> {output}", err=True)
