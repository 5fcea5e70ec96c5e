"""Benchmark: sohoa's extraction against plain Tesseract on the raw pages plus label regexes.

Both sides read the same generated dossiers (``sohoa samples`` output with truth files).
The baseline runs Tesseract once per raw page (no upright/deskew/cleaning, no crop
re-reads), finds each label with a regex over the text lines and normalizes what follows
with the same normalizers; it has no confidence, so every value counts as accepted. sohoa
runs its pipeline (``sohoa eval``'s path). Printed side by side: accuracy per field, and
for sohoa also automation and precision of the auto-accepted fields.

    .venv/bin/python bench/bench_extract.py DIR [--limit N]
    (write DIR first, e.g. .venv/bin/sohoa samples /tmp/bench-samples --n 20 --seed 4242)
"""

from __future__ import annotations

import argparse
import logging
import re
import time
from pathlib import Path

import pytesseract

from extract.evaluate import FieldOutcome, stats
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


def run_baseline(folder: Path, limit: int | None, spec: DocTypeSpec) -> list[FieldOutcome]:
    """Plain Tesseract (the languages sohoa reads pages in) on each raw page, label regexes, same normalizers."""
    outcomes: list[FieldOutcome] = []
    ctx = StageContext()
    for tf in sorted(folder.glob("*.truth.json"))[:limit]:
        truth = DossierTruth.model_validate_json(tf.read_text(encoding="utf-8"))
        sources, _ = discover([folder / truth.source])
        pages = load_dossier(sources[0], ctx)
        text = "\n".join(pytesseract.image_to_string(w.image, lang=Settings().languages) for w in pages)
        found = baseline_fields(text, spec)
        for name, expected in truth.fields.as_dict().items():
            right = found[name] == expected
            outcomes.append(FieldOutcome(truth.dossier_id, truth.quality, name, right, False, 1.0))
    return outcomes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--limit", type=int, default=None)
    args = parser.parse_args()
    spec = load_doctype("vehicle_registration")
    t0 = time.perf_counter()
    base = run_baseline(args.folder, args.limit, spec)
    t1 = time.perf_counter()
    ours, _ = evaluate_dir(args.folder, args.limit, progress=False)
    t2 = time.perf_counter()
    print(f"{'field':22s} {'baseline acc':>12s} {'sohoa acc':>10s} {'sohoa autom.':>12s} "
          f"{'sohoa prec.':>11s}")
    for name in spec.fields:
        b = stats(o for o in base if o.field == name)
        s = stats(o for o in ours if o.field == name)
        print(f"{name:22s} {100 * b.accuracy:11.1f}% {100 * s.accuracy:9.1f}% {100 * s.automation:11.1f}% "
              f"{100 * s.precision:10.2f}%")
    b, s = stats(base), stats(ours)
    print(f"{'ALL':22s} {100 * b.accuracy:11.1f}% {100 * s.accuracy:9.1f}% {100 * s.automation:11.1f}% "
          f"{100 * s.precision:10.2f}%")
    print(f"baseline precision of accepted values (it accepts all): {100 * b.precision:.2f}%")
    ratio = (t2 - t1) / max(t1 - t0, 1e-9)
    print(f"time: baseline {t1 - t0:.1f} s, sohoa {t2 - t1:.1f} s, ratio {ratio:.2f}x")


if __name__ == "__main__":
    main()
