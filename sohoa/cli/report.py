"""``sohoa report``: campaign figures per commune or province, and the list of discrepancies."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TextIO

import click

from reconcile.report import (
    COLUMNS,
    DISCREPANCY_COLUMNS,
    campaign,
    campaign_html,
    discrepancies,
    discrepancy_types,
    write_csv,
    write_table,
    write_xlsx,
)
from sohoa.cli.electronic import open_session

log = logging.getLogger(__name__)


@click.group("report")
def report() -> None:
    """Reports of the digitization and verification campaign."""


@report.command("campaign")
@click.option(
    "--by",
    type=click.Choice(["commune", "province"]),
    default="commune",
    show_default=True,
    help="Count per commune or per province.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "xlsx", "html"]),
    default="table",
    show_default=True,
    help="Output format (xlsx needs -o).",
)
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), help="Write to FILE.")
@click.option(
    "--data-dir", type=click.Path(path_type=Path, file_okay=False), help="Data directory (SOHOA_DATA_DIR)."
)
def campaign_cmd(by: str, fmt: str, output: Path | None, data_dir: Path | None) -> None:
    """Per commune: dossiers digitized, fields reviewed, records matched / mismatched / missing against
    the registry and the population database, and the share done."""
    if fmt == "xlsx" and output is None:
        raise click.UsageError("--format xlsx needs -o FILE")
    with open_session(data_dir) as session:
        rows = campaign(session, by)
        worst = discrepancy_types(session) if fmt == "html" else []
    values = [r.values() for r in rows]
    if fmt == "xlsx":
        assert output is not None
        write_xlsx(values, COLUMNS, output, f"campaign by {by}")
    else:
        _write_text(
            output,
            lambda out: (
                out.write(campaign_html(rows, worst, by))
                if fmt == "html"
                else write_csv(values, COLUMNS, out)
                if fmt == "csv"
                else write_table(values, COLUMNS, out)
            ),
        )
    if output:
        click.echo(f"{len(rows)} {by} rows -> {output}", err=True)


@report.command("discrepancies")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "xlsx"]),
    default="table",
    show_default=True,
    help="Output format (xlsx needs -o).",
)
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), help="Write to FILE.")
@click.option(
    "--data-dir", type=click.Path(path_type=Path, file_okay=False), help="Data directory (SOHOA_DATA_DIR)."
)
def discrepancies_cmd(fmt: str, output: Path | None, data_dir: Path | None) -> None:
    """Every field that differs from the registry or the population database, with both values and the
    reason, for the verification work. The list holds personal data: keep it where it belongs."""
    if fmt == "xlsx" and output is None:
        raise click.UsageError("--format xlsx needs -o FILE")
    with open_session(data_dir) as session:
        rows = _Counted([getattr(d, c) for c in DISCREPANCY_COLUMNS] for d in discrepancies(session))
        if fmt == "xlsx":
            assert output is not None
            write_xlsx(rows, DISCREPANCY_COLUMNS, output, "discrepancies")
        elif fmt == "csv":
            _write_text(output, lambda out: write_csv(rows, DISCREPANCY_COLUMNS, out))
        else:
            _write_text(output, lambda out: write_table(list(rows), DISCREPANCY_COLUMNS, out))
    log.info("discrepancy list of %d rows written to %s", rows.n, output or "standard output")
    if output:
        click.echo(f"{rows.n} discrepancies -> {output}", err=True)


class _Counted:
    """An iterator that counts what passed through it."""

    def __init__(self, it: Iterator[list[Any]]) -> None:
        self.it, self.n = it, 0

    def __iter__(self) -> _Counted:
        return self

    def __next__(self) -> list[Any]:
        item = next(self.it)
        self.n += 1
        return item


def _write_text(output: Path | None, write: Callable[[TextIO], object]) -> None:
    if output is None:
        write(sys.stdout)
        return
    with output.open("w", encoding="utf-8", newline="") as f:
        write(f)
