"""``sohoa calibrate OUTCOMES...``: fit the confidence model and choose review thresholds.

OUTCOMES are the files ``sohoa eval --outcomes`` writes on training seeds (never on
the seeds the evaluation reports). The model is fitted on all of them and written
with ``-o``; the thresholds are chosen out of fold (5 folds by dossier) for the
target precision and printed as the TOML lines of the document type's fields.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from pathlib import Path
from typing import Any

import click

from extract import confidence
from extract.confidence import Evidence
from extract.thresholds import Row, choose, figures, out_of_fold
from sohoa.errors import UsageError

log = logging.getLogger(__name__)

_EVIDENCE = {f.name: str(f.type) for f in dataclasses.fields(Evidence)}
_JSON_TYPES: dict[str, tuple[type, ...]] = {"bool": (bool,), "int": (int,), "float": (int, float), "str": (str,)}


def _typed(name: str, value: Any) -> Any:
    """``value`` if JSON gave it the type the evidence field has (no bool for a number, no string for either)."""
    kinds = _JSON_TYPES[_EVIDENCE[name]]
    if not isinstance(value, kinds) or (bool not in kinds and isinstance(value, bool)):
        raise TypeError(f"evidence {name}: {type(value).__name__}, not {_EVIDENCE[name]}")
    return value


def read_rows(paths: tuple[Path, ...]) -> list[Row]:
    """The training rows of outcome files (one JSON object per dossier field)."""
    rows = []
    for path in paths:
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            try:
                raw = json.loads(line)
                evidence = raw["evidence"]
                if not isinstance(evidence, dict) or not isinstance(raw["right"], bool):
                    raise TypeError("evidence must be an object and right true or false")
                ev = Evidence(**{k: _typed(k, v) for k, v in evidence.items() if k in _EVIDENCE})
                rows.append(Row(str(raw["dossier"]), ev, raw["right"]))
            except (ValueError, KeyError, TypeError) as e:  # pydantic's ValidationError is a ValueError
                raise UsageError(f"{path.name} line {n}: not an outcome line ({str(e)[:200]})") from e
    if not rows:
        raise UsageError("no outcome lines read")
    return rows


@click.command("calibrate")
@click.argument("outcomes", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the fitted model here (extract/calibration.json is the one shipped).")
@click.option("--target", type=click.FloatRange(0.5, 1.0), default=0.997, show_default=True,
              help="Precision of auto-accepted fields the thresholds must reach out of fold.")
@click.option("--floor", type=click.FloatRange(0.0, 1.0), default=0.9, show_default=True,
              help="No threshold is set lower than this.")
@click.option("--field-target", type=click.FloatRange(0.0, 1.0), default=0.99, show_default=True,
              help="Precision each field's own auto-accepted values must reach out of fold.")
def calibrate(outcomes: tuple[Path, ...], output: Path | None, target: float, floor: float,
              field_target: float) -> None:
    """Fit the confidence model on training OUTCOMES (from `sohoa eval --outcomes`) and print
    per-field review thresholds chosen out of fold for the target precision."""

    rows = read_rows(outcomes)
    probs = out_of_fold(rows)
    th = choose(rows, probs, target=target, floor=floor, field_target=field_target)
    automation, precision = figures(rows, probs, th)
    click.echo(f"{len(rows)} field values of {len({r.dossier for r in rows})} dossiers; out of fold: "
               f"automation {100 * automation:.1f}%, precision {100 * precision:.2f}%")
    for field, value in sorted(th.items()):
        click.echo(f"[fields.{field}] review_threshold = {value:.3f}")
    if output is not None:
        cal = confidence.fit([(r.evidence, r.right) for r in rows])
        confidence.save(cal, output)
        click.echo(f"calibration fitted on {cal.samples} field values, written to {output}")
