"""Review thresholds chosen on training outcomes, so that a threshold means what it says.

The confidence model is fitted on training dossiers; judging thresholds on the same
rows would flatter them. So each row's confidence is taken from a model fitted on
the other folds' dossiers (out of fold), and per field the threshold starts at a
floor and is raised, one wrong accepted value at a time, on the field where removing
the next wrong value costs the fewest right ones, until the precision of all
auto-accepted fields reaches the target. Before that, a field whose own precision is
under a lower per-field target has its threshold raised first, so that no field
read badly hides behind well-read ones.
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
           floor: float = 0.9, field_target: float = 0.99) -> dict[str, float]:
    """Per-field thresholds (at least ``floor``) under which the accepted fields' precision reaches
    ``target``, and each field's own precision ``field_target`` (a field read badly is not hidden
    behind the others)."""
    th = {r.evidence.field: floor for r in rows}
    while True:
        accepted = _accepted(rows, probs, th)
        wrong = [(r, p) for r, p in accepted if not r.right]
        if not accepted or not wrong:
            return th
        step = _worst_field(accepted, wrong, field_target)
        if step is None and 1 - len(wrong) / len(accepted) >= target:
            return th
        step = step or _cheapest_raise(accepted, wrong, th)
        if step is None:
            return th
        lost, field, lowest = step
        th[field] = min(1.0, lowest + 1e-6)
        log.debug("threshold of %s raised to %.4f (%d right values lost)", field, th[field], lost)


def _lowest_wrong(wrong: Sequence[tuple[Row, float]], field: str) -> float | None:
    return min((p for r, p in wrong if r.evidence.field == field), default=None)


def _lost(accepted: Sequence[tuple[Row, float]], field: str, lowest: float) -> int:
    return sum(1 for r, p in accepted if r.right and r.evidence.field == field and p <= lowest)


def _worst_field(accepted: Sequence[tuple[Row, float]], wrong: Sequence[tuple[Row, float]],
                 field_target: float) -> tuple[int, str, float] | None:
    """The raise for the field whose own precision is lowest under ``field_target`` (None when none is)."""
    below = []
    for field in {r.evidence.field for r, _ in wrong}:
        n = sum(1 for r, _ in accepted if r.evidence.field == field)
        bad = sum(1 for r, _ in wrong if r.evidence.field == field)
        if 1 - bad / n < field_target:
            below.append((1 - bad / n, field))
    if not below:
        return None
    field = min(below)[1]
    lowest = _lowest_wrong(wrong, field)
    assert lowest is not None
    return _lost(accepted, field, lowest), field, lowest


def _cheapest_raise(accepted: Sequence[tuple[Row, float]], wrong: Sequence[tuple[Row, float]],
                    th: dict[str, float]) -> tuple[int, str, float] | None:
    """The raise past one more wrong value that loses the fewest right ones."""
    best: tuple[int, str, float] | None = None
    for field in th:
        lowest = _lowest_wrong(wrong, field)
        if lowest is None:
            continue
        lost = _lost(accepted, field, lowest)
        if best is None or lost < best[0]:
            best = (lost, field, lowest)
    return best


def figures(rows: Sequence[Row], probs: Sequence[float], th: dict[str, float]) -> tuple[float, float]:
    """(automation, precision of the accepted) of ``rows`` under ``th``."""
    accepted = _accepted(rows, probs, th)
    right = sum(r.right for r, _ in accepted)
    return len(accepted) / max(1, len(rows)), right / max(1, len(accepted))
