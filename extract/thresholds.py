"""Review thresholds chosen on training outcomes, so that a threshold means what it says.

The confidence model is fitted on training dossiers; judging thresholds on the same
rows would flatter them. So each row's confidence is taken from a model fitted on
the other folds' dossiers (out of fold), and per field the threshold starts at a
floor and is raised, one wrong accepted value at a time, on the field where removing
the next wrong value costs the fewest right ones, until the precision of all
auto-accepted fields reaches the target.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Sequence
from dataclasses import dataclass

from extract import confidence
from extract.confidence import Evidence
from extract.record import forced_review

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Row:
    """One training field: its dossier (folds never split one), its evidence, whether the value was right."""

    dossier: str
    evidence: Evidence
    right: bool


def out_of_fold(rows: Sequence[Row], folds: int = 5, seed: int = 0) -> list[float]:
    """Each row's confidence from a model fitted without its dossier's fold."""
    dossiers = sorted({r.dossier for r in rows})
    random.Random(seed).shuffle(dossiers)
    fold = {d: i % folds for i, d in enumerate(dossiers)}
    out = [0.0] * len(rows)
    for k in range(folds):
        cal = confidence.fit([(r.evidence, r.right) for r in rows if fold[r.dossier] != k])
        for i, r in enumerate(rows):
            if fold[r.dossier] == k:
                out[i] = cal.probability(r.evidence)
    return out


def _accepted(rows: Sequence[Row], probs: Sequence[float], th: dict[str, float]) -> list[tuple[Row, float]]:
    return [(r, p) for r, p in zip(rows, probs, strict=True)
            if r.evidence.found and not forced_review(r.evidence) and p >= th[r.evidence.field]]


def choose(rows: Sequence[Row], probs: Sequence[float], target: float = 0.997,
           floor: float = 0.9) -> dict[str, float]:
    """Per-field thresholds (at least ``floor``) under which the accepted fields' precision reaches ``target``."""
    th = {r.evidence.field: floor for r in rows}
    while True:
        accepted = _accepted(rows, probs, th)
        wrong = [(r, p) for r, p in accepted if not r.right]
        if not accepted or 1 - len(wrong) / len(accepted) >= target:
            return th
        best: tuple[int, str, float] | None = None
        for field in th:
            lowest = min((p for r, p in wrong if r.evidence.field == field), default=None)
            if lowest is None:
                continue
            lost = sum(1 for r, p in accepted if r.right and r.evidence.field == field and p <= lowest)
            if best is None or lost < best[0]:
                best = (lost, field, lowest)
        if best is None:
            return th
        th[best[1]] = min(1.0, best[2] + 1e-6)
        log.debug("threshold of %s raised to %.4f (%d right values lost)", best[1], th[best[1]], best[0])


def figures(rows: Sequence[Row], probs: Sequence[float], th: dict[str, float]) -> tuple[float, float]:
    """(automation, precision of the accepted) of ``rows`` under ``th``."""
    accepted = _accepted(rows, probs, th)
    right = sum(r.right for r, _ in accepted)
    return len(accepted) / max(1, len(rows)), right / max(1, len(accepted))
