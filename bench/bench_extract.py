"""Benchmark: sohoa's extraction against plain Tesseract on the raw pages plus label regexes.

Both sides read the same generated dossiers (``sohoa samples`` output with truth files).
The baseline runs Tesseract once per raw page (no upright/deskew/cleaning, no crop
re-reads), finds each label with a regex over the text lines and normalizes what follows
with the same normalizers; it has no confidence, so every value counts as accepted. sohoa
runs its pipeline (``sohoa eval``'s path). Printed side by side: accuracy per field, and
for sohoa also automation and precision of the auto-accepted fields.

    .venv/bin/python bench/bench_extract.py DIR [--limit N] [--workers 2]
    .venv/bin/python bench/bench_extract.py DIR --sohoa-outcomes OUTCOMES.jsonl
    (write DIR first, e.g. .venv/bin/sohoa samples /tmp/bench-samples --n 20 --seed 4242)

``--sohoa-outcomes`` takes sohoa's side from a ``sohoa eval DIR --outcomes FILE`` run on the
same DIR instead of running the pipeline again (a 200-dossier evaluation takes about 18
minutes on 2 cores); the baseline is always run here, on every dossier of that file.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytesseract

from extract.evaluate import IDENTIFIERS, FieldOutcome, identifiers_right, stats
from extract.labels import label_key
from extract.normalizers import normalize
from ingest.sources import discover
from ingest.stage import load_dossier
from sohoa.cli.eval import evaluate_dir
from sohoa.context import StageContext
from sohoa.doctypes import DocTypeSpec, load_doctype
from sohoa.domain.text import fold
from sohoa.samples.truth import DossierTruth
from sohoa.settings import Settings

log = logging.getLogger(__name__)


def baseline_fields(text: str, spec: DocTypeSpec) -> dict[str, str | None]:
    """First value found after any of a field's labels in the text lines, normalized."""
    out: dict[str, str | None] = {}
    lines = text.splitlines()
    for f in spec.fields.values():
        value = None
        for label in sorted(f.labels, key=len, reverse=True):
            pattern = re.compile(re.escape(label_key(label)).replace(r"\ ", r"\W+") + r"\W*(.+)$")
            for line in lines:
                m = pattern.search(fold(line))
                if m is None:
                    continue
                start = m.start(1)  # folding keeps positions, so the original text is cut at the same place
                value = normalize(f.normalizer, line[start:]).value
                if value is not None:
                    break
            if value is not None:
                break
        out[f.name] = value
    return out


def baseline_dossier(folder: Path, truth_file: Path, spec: DocTypeSpec) -> list[FieldOutcome]:
    """Plain Tesseract (the languages sohoa reads pages in) on each raw page of one dossier, label regexes."""
    truth = DossierTruth.model_validate_json(truth_file.read_text(encoding="utf-8"))
    sources, _ = discover([folder / truth.source])
    pages = load_dossier(sources[0], StageContext())
    text = "\n".join(pytesseract.image_to_string(w.image, lang=Settings().languages) for w in pages)
    found = baseline_fields(text, spec)
    return [FieldOutcome(truth.dossier_id, truth.quality, name, found[name] == expected, False, 1.0)
            for name, expected in truth.fields.as_dict().items()]


def run_baseline(folder: Path, truth_files: Sequence[Path], spec: DocTypeSpec, workers: int) -> list[FieldOutcome]:
    """The baseline on the given dossiers, ``workers`` Tesseract runs at a time."""
    with ThreadPoolExecutor(workers) as pool:
        return [o for rows in pool.map(lambda tf: baseline_dossier(folder, tf, spec), truth_files) for o in rows]


def load_outcomes(path: Path) -> list[FieldOutcome]:
    """sohoa's side from a ``sohoa eval --outcomes`` JSONL file."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [FieldOutcome(r["dossier"], r["quality"], r["field"], r["right"], r["review"], r["confidence"])
            for r in rows]


def side_by_side(base: list[FieldOutcome], ours: list[FieldOutcome], spec: DocTypeSpec, title: str) -> None:
    """Print accuracy of both, and sohoa's automation and precision, per field and overall."""
    print(f"\n{title}")
    print(f"{'field':22s} {'baseline acc':>12s} {'sohoa acc':>10s} {'sohoa autom.':>12s} {'sohoa prec.':>11s}")
    for name in [*spec.fields, "ALL"]:
        b = stats(o for o in base if name in ("ALL", o.field))
        s = stats(o for o in ours if name in ("ALL", o.field))
        print(f"{name:22s} {100 * b.accuracy:11.1f}% {100 * s.accuracy:9.1f}% {100 * s.automation:11.1f}% "
              f"{100 * s.precision:10.2f}%")
    (bok, bn), (sok, sn) = identifiers_right(base), identifiers_right(ours)
    print(f"{' + '.join(IDENTIFIERS)} all right: baseline {bok}/{bn}, sohoa {sok}/{sn}")


def main() -> None:
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")  # one thread per Tesseract, as sohoa runs it
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--workers", type=int, default=2, help="baseline Tesseract runs at a time")
    parser.add_argument("--sohoa-outcomes", type=Path, default=None,
                        help="sohoa's side from `sohoa eval DIR --outcomes FILE` instead of running it")
    args = parser.parse_args()
    spec = load_doctype("vehicle_registration")
    t0 = time.perf_counter()
    if args.sohoa_outcomes is not None:
        ours = load_outcomes(args.sohoa_outcomes)
        wanted = {o.dossier for o in ours}
        truth_files = [tf for tf in sorted(args.folder.glob("*.truth.json"))
                       if tf.name.removesuffix(".truth.json") in wanted]
    else:
        ours, _ = evaluate_dir(args.folder, args.limit, progress=False, workers=args.workers)
        truth_files = sorted(args.folder.glob("*.truth.json"))[: args.limit]
    t1 = time.perf_counter()
    base = run_baseline(args.folder, truth_files, spec, args.workers)
    t2 = time.perf_counter()
    print(f"{len(truth_files)} dossiers; baseline: plain Tesseract on raw pages + label regexes, accepts all")
    side_by_side(base, ours, spec, "All dossiers")
    good = {"clean", "fair"}
    side_by_side([o for o in base if o.quality in good], [o for o in ours if o.quality in good], spec,
                 "Clean and fair scans")
    print(f"\nbaseline precision of accepted values (it accepts all): {100 * stats(base).precision:.2f}%")
    if args.sohoa_outcomes is None:
        print(f"time: sohoa {t1 - t0:.1f} s, baseline {t2 - t1:.1f} s, ratio {(t1 - t0) / max(t2 - t1, 1e-9):.2f}x")


if __name__ == "__main__":
    main()
