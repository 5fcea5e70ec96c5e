"""``sohoa electronic``: load the electronic registry and population data, and reconcile records with them."""

from __future__ import annotations

import logging
from pathlib import Path

import click
from sqlalchemy.orm import Session
from tqdm import tqdm

from reconcile.importer import import_file, import_sql, load_mapping
from reconcile.run import reconcile_all
from sohoa.settings import Settings
from storage.db import ensure_migrated, session_factory

log = logging.getLogger(__name__)

SHOWN_ERRORS = 20


def open_session(data_dir: Path | None = None) -> Session:
    """A session on the deployment's metadata database, migrated to the newest revision."""
    settings = Settings(data_dir=data_dir) if data_dir else Settings()
    url = settings.sqlalchemy_url
    ensure_migrated(url)
    return session_factory(url)()


@click.group("electronic")
def electronic() -> None:
    """Electronic data the records are compared with: the vehicle registry and the population database."""


@electronic.command("import")
@click.argument("kind", type=click.Choice(["registry", "population"]))
@click.argument("file", required=False, type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--mapping",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help='JSON {"their header": "our field"} or CSV lines \'their header,our field\'.',
)
@click.option("--url", help="Read from this SQLAlchemy database URL instead of a file (needs --table).")
@click.option("--table", help="Table to read with --url.")
@click.option(
    "--batch",
    type=click.IntRange(100, 1_000_000),
    default=10_000,
    show_default=True,
    help="Rows per transaction.",
)
@click.option(
    "--replace-all",
    is_flag=True,
    help="The export is a full snapshot: afterwards delete stored rows of KIND it no longer has "
    "(not done when any row was malformed).",
)
@click.option("--data-dir", type=click.Path(path_type=Path, file_okay=False), help="Data directory (SOHOA_DATA_DIR).")
@click.pass_context
def import_cmd(
    ctx: click.Context,
    *,
    kind: str,
    file: Path | None,
    mapping: Path | None,
    url: str | None,
    table: str | None,
    batch: int,
    replace_all: bool,
    data_dir: Path | None,
) -> None:
    """Load KIND rows (registry or population) from FILE (CSV or XLSX) or from --url/--table.

    Columns are named as in shared/fields.md (registry: plate_number, chassis_number, engine_number,
    owner_name, owner_id_number, brand, model, color, owner_address; population: id_number,
    full_name, birth_date, address) or renamed by --mapping. Re-importing replaces rows by key.
    Malformed rows are reported by line and skipped; exit status 1 when any was.
    """
    if (file is None) == (url is None):
        raise click.UsageError("give either FILE or --url with --table")
    if url is not None and not table:
        raise click.UsageError("--url needs --table")
    names = load_mapping(mapping)
    with open_session(data_dir) as session:
        if url is not None and table:
            report = import_sql(session, kind, url, table, names, batch=batch, replace_all=replace_all)
        else:
            assert file is not None
            report = import_file(session, kind, file, names, batch=batch, replace_all=replace_all)
    for line, reason in report.errors[:SHOWN_ERRORS]:
        click.echo(f"{report.source}: line {line}: {reason}", err=True)
    if len(report.errors) > SHOWN_ERRORS:
        click.echo(f"... and {len(report.errors) - SHOWN_ERRORS} more malformed rows", err=True)
    click.echo(
        f"{kind}: {report.rows_read} rows read, {report.rows_loaded} loaded, {report.rows_rejected} rejected"
        + (f", {report.rows_dropped} absent rows deleted" if report.rows_dropped else "")
    )
    if replace_all and report.errors:
        click.echo("snapshot not applied (no row deleted): fix the malformed rows and import again", err=True)
    ctx.exit(1 if report.errors else 0)


@electronic.command("reconcile")
@click.option(
    "--batch",
    type=click.IntRange(100, 100_000),
    default=5000,
    show_default=True,
    help="Records per transaction.",
)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=1,
    show_default=True,
    help="Processes for lookups and comparisons (this one reads records and writes results).",
)
@click.option("--data-dir", type=click.Path(path_type=Path, file_okay=False), help="Data directory (SOHOA_DATA_DIR).")
def reconcile_cmd(batch: int, workers: int, data_dir: Path | None) -> None:
    """Compare every stored record with the registry and population rows and store the verdicts."""
    with open_session(data_dir) as session, tqdm(desc="records", unit="record", disable=None) as bar:
        summary = reconcile_all(session, batch=batch, progress=bar.update, workers=workers)
    click.echo(f"{summary.records} records reconciled")
    for source in ("registry", "population"):
        counts = ", ".join(f"{v} {n}" for v, n in sorted(summary.verdicts[source].items()))
        click.echo(f"  {source}: {counts or '-'}")
    click.echo("  overall: " + (", ".join(f"{k} {n}" for k, n in sorted(summary.overall.items())) or "-"))
