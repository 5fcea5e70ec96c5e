"""``sohoa eval DIR``: run the pipeline over sample dossiers and score it against their truth.

DIR is what ``sohoa samples`` writes: dossiers (PDF, TIFF or page folders) beside
``<stem>.truth.json``. Each dossier goes through ingest and the page stages of
``sohoa.pipeline`` (prepared images kept in a scratch object store, as the pipeline
keeps them), then extraction with the same crop re-reads the pipeline uses. The
table gives, per field and overall, accuracy, automation, precision of the
auto-accepted fields and the wrong values caught by review, for all dossiers and
for clean and fair scans. ``--fit-calibration`` also fits the confidence model on
the run and writes it (do that on seeds the evaluation never uses).
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import logging
import multiprocessing
import os
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import click
from tqdm import tqdm

from extract import confidence
from extract.evaluate import as_dict, report, score_record
from extract.record import extract_with_evidence
from ingest.sources import discover
from ingest.stage import load_dossier
from sohoa.context import StageContext
from sohoa.doctypes import load_doctype
from sohoa.errors import SohoaError, UsageError
from sohoa.model import Page
from sohoa.pipeline import CropReader, StoredImages, die_with_parent, run_page_stages, store_page_outputs
from sohoa.samples.truth import DossierTruth
from sohoa.scratch import scratch_dir
from sohoa.settings import get_settings
from storage.keys import dossier_key
from storage.objectstore import LocalObjectStore

log = logging.getLogger(__name__)


def run_dossier(path: Path, store: Any) -> tuple[list[Any], Any]:
    """Ingest and read one dossier with the pipeline's page stages; (pages, stored images)."""

    sources, rejected = discover([path])
    if rejected or not sources:
        raise rejected[0] if rejected else UsageError(f"no dossier at {path.name}")
    ctx = StageContext.from_settings(get_settings())
    pages = [store_page_outputs(run_page_stages(w, ctx), store) for w in load_dossier(sources[0], ctx)]
    return pages, StoredImages(store, pages)


def _read_pages(folder: Path, truth: DossierTruth, store: LocalObjectStore, reuse: bool) -> tuple[list[Any], Any]:
    """The dossier's read pages: from an earlier run kept in ``store`` when ``reuse``, else read now
    (and, when ``reuse``, kept there for the next run)."""
    kept = dossier_key(truth.dossier_id, "eval-pages.json")
    if reuse and store.exists(kept):
        pages = [Page.model_validate(p) for p in json.loads(store.get_bytes(kept))]
        return pages, StoredImages(store, pages)
    pages, images = run_dossier(folder / truth.source, store)
    if reuse:
        store.put_bytes(kept, json.dumps([p.model_dump(mode="json") for p in pages]).encode("utf-8"))
    return pages, images


def _score_one(folder: Path, truth_file: Path, scratch: Path, reuse: bool = False) -> tuple[list[Any], list[Any]]:
    """Read, extract and score one dossier (runs in a worker process when ``--workers`` > 1)."""
    spec = load_doctype("vehicle_registration")
    truth = DossierTruth.model_validate_json(truth_file.read_text(encoding="utf-8"))
    try:
        pages, images = _read_pages(folder, truth, LocalObjectStore(scratch), reuse)
    except SohoaError as e:
        log.warning("%s: %s", truth.source, e)
        pages, images = [], {}
    fields, evidence = extract_with_evidence(pages, spec=spec, reread=CropReader(), images=images)
    expected = truth.fields.as_dict()
    outcomes = score_record(truth.dossier_id, truth.quality, fields, expected)
    return outcomes, [(evidence[k], fields[k].value == expected[k]) for k in expected]


def evaluate_dir(folder: Path, limit: int | None, progress: bool,
                 workers: int = 1, keep_pages: Path | None = None) -> tuple[list[Any], list[Any]]:
    """Run and score every dossier with a truth file, ``workers`` dossiers at a time; (outcomes, calibration rows).

    Results are gathered in the truth files' order, whatever order the workers finish in.
    With ``keep_pages``, read pages are kept in that folder and reused by the next run
    (extraction changes are then scored without reading the scans again).
    """
    truths = sorted(folder.glob("*.truth.json"))[:limit]
    if not truths:
        raise UsageError(f"no *.truth.json in {folder} (write some with: sohoa samples {folder})")
    outcomes: list[Any] = []
    rows: list[Any] = []
    with contextlib.ExitStack() as stack:
        scratch = Path(keep_pages) if keep_pages else Path(stack.enter_context(scratch_dir("eval")))
        reuse = keep_pages is not None
        if workers <= 1:
            results: Iterable[tuple[list[Any], list[Any]]] = (_score_one(folder, t, scratch, reuse) for t in truths)
            for o, r in tqdm(results, total=len(truths), disable=not progress, unit="dossier"):
                outcomes += o
                rows += r
            return outcomes, rows
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                                 initializer=die_with_parent, initargs=(os.getpid(),)) as pool:
            futures = [pool.submit(_score_one, folder, t, scratch, reuse) for t in truths]
            for fut in tqdm(futures, disable=not progress, unit="dossier"):
                o, r = fut.result()
                outcomes += o
                rows += r
    return outcomes, rows


@click.command("eval")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--limit", type=click.IntRange(min=1), default=None, help="Score only the first N dossiers.")
@click.option("--json", "json_out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write the figures as JSON to this file.")
@click.option("--fit-calibration", "fit_out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Fit the confidence model on this run and write it here (use training seeds only).")
@click.option("--outcomes", "outcomes_out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write one JSON line per dossier field: right, sent to review, confidence, evidence.")
@click.option("--keep-pages", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Keep the read pages in this folder and reuse them on the next run "
                   "(to score extraction changes without reading the scans again).")
@click.option("--progress/--no-progress", default=True, show_default=True, help="Show a progress bar.")
@click.option("--workers", type=click.IntRange(min=0, max=256), default=None,
              help="Dossiers read at once (0 = one per core). Default: the settings' workers.")
def eval_cmd(folder: Path, limit: int | None, json_out: Path | None, fit_out: Path | None,
             outcomes_out: Path | None, keep_pages: Path | None, progress: bool, workers: int | None) -> None:
    """Run the pipeline over FOLDER (written by `sohoa samples`) and print accuracy, automation,
    precision of auto-accepted fields and wrong values caught by review, per field and overall."""

    n = get_settings().workers if workers is None else workers
    outcomes, rows = evaluate_dir(folder, limit, progress, n or os.cpu_count() or 1, keep_pages)
    click.echo(report(outcomes))
    if json_out is not None:
        json_out.write_text(json.dumps(as_dict(outcomes), indent=1) + "\n", encoding="utf-8")
    if outcomes_out is not None:
        with outcomes_out.open("w", encoding="utf-8") as out:
            for o, (evidence, _) in zip(outcomes, rows, strict=True):
                line = {**dataclasses.asdict(o), "evidence": dataclasses.asdict(evidence)}
                out.write(json.dumps(line, ensure_ascii=False) + "\n")
    if fit_out is not None:
        cal = confidence.fit(rows)
        confidence.save(cal, fit_out)
        click.echo(f"calibration fitted on {cal.samples} field values, written to {fit_out}")
