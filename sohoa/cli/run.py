"""``sohoa run``: process dossiers from files and folders into the data directory."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

import click
from tqdm import tqdm

from sohoa.settings import Settings

if TYPE_CHECKING:
    from sohoa.pipeline import BatchResult

log = logging.getLogger(__name__)

DEFAULT_SAMPLES = 6


@click.command("run")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--workers", type=click.IntRange(0, 256), default=None, help="Parallel page workers (0 = one per core).")
@click.option("--data-dir", type=click.Path(path_type=Path), default=None, help="Data directory (SOHOA_DATA_DIR).")
@click.option("--samples", "n_samples", type=click.IntRange(1, 10_000), default=DEFAULT_SAMPLES, show_default=True,
              help="With no PATHS: how many sample dossiers to generate and process.")
@click.option("--queue", "to_queue", is_flag=True,
              help="Enqueue the dossiers for `sohoa worker` (Celery, SOHOA_BROKER_URL) instead of processing here.")
@click.option("--registry", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="Electronic registry export (CSV/XLSX) to import and reconcile with after the run.")
@click.option("--population", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="Population database export (CSV/XLSX) to import and reconcile with after the run.")
@click.pass_context
def run(ctx: click.Context, paths: tuple[Path, ...], workers: int | None, data_dir: Path | None,
        n_samples: int, to_queue: bool = False, registry: Path | None = None,
        population: Path | None = None) -> None:
    """Process dossiers: each file (PDF, TIFF, JPEG, PNG) or folder of page images is one dossier.

    With no PATHS, generates sample dossiers into the data directory and processes them
    (the quick start's main job). Exit status 1 when some inputs were rejected.
    """
    settings = _settings(data_dir, workers)
    if not paths:
        paths = _sample_batch(settings, n_samples)
    if to_queue:
        from sohoa.queue.enqueue import enqueue_command

        ctx.exit(enqueue_command(settings, list(paths)))
    result = _run_batch(settings, list(paths))
    for o in result.outcomes:
        if o.status in ("rejected", "failed"):
            click.echo(f"{o.status}: {o.source}: {o.reason}", err=True)
    click.echo(
        f"{result.count('processed')} processed, {result.count('skipped')} already stored, "
        f"{result.count('rejected')} rejected, {result.count('failed')} failed "
        f"-> {settings.data_dir}"
    )
    imported_ok = _reconcile(settings, registry, population) if (registry or population) else True
    ctx.exit(0 if result.ok and imported_ok else 1)


def _reconcile(settings: Settings, registry: Path | None, population: Path | None) -> bool:
    """Import the electronic exports and reconcile every stored record; False if rows were rejected."""
    from reconcile.run import import_and_reconcile
    from storage.factory import repository_from_settings

    with repository_from_settings(settings).session() as session:
        reports, summary = import_and_reconcile(session, registry=registry, population=population)
    for r in reports:
        click.echo(f"imported {r.kind} from {r.source}: {r.rows_loaded} rows loaded, {r.rows_rejected} rejected")
        for line, reason in r.errors[:20]:
            click.echo(f"  {r.source}: line {line}: {reason}", err=True)
    click.echo(f"reconciled {summary.records} records: {dict(summary.overall)}")
    return not any(r.rows_rejected for r in reports)


def _settings(data_dir: Path | None, workers: int | None) -> Settings:
    updates: dict[str, object] = {}
    if data_dir is not None:
        updates["data_dir"] = data_dir
    if workers is not None:
        updates["workers"] = workers
    return Settings(**updates) if updates else Settings()  # type: ignore[arg-type]


def _sample_batch(settings: Settings, n: int) -> tuple[Path, ...]:
    """Generate sample dossiers (once) and return their folder (ingest passes over the truth files)."""
    from sohoa.samples.generator import generate

    out = settings.data_dir / "samples"
    if not any(out.glob("*.truth.json")):
        click.echo(f"no input given: generating {n} sample dossiers in {out}")
        generate(out, n=n, seed=2025)
    return (out,)


def _run_batch(settings: Settings, paths: list[Path]) -> BatchResult:
    from sohoa.pipeline import Pipeline, default_workers
    from storage.factory import object_store_from_settings, repository_from_settings

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    store = object_store_from_settings(settings)
    repo = repository_from_settings(settings)
    with tqdm(desc="dossiers", unit="dossier", disable=None) as bar:
        pipeline = Pipeline(settings, store, repo, workers=default_workers(settings),
                            progress=lambda _name, n: bar.update(n))
        return pipeline.run(paths)
