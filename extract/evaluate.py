"""Scoring extracted records against ground truth (what ``sohoa eval`` prints).

Per field and overall: accuracy of all values (before review), automation (share of
fields not sent to review), precision of the auto-accepted fields, and how many
wrong values review catches; for all dossiers and for the clean+fair subset; plus
the share of dossiers whose four identifiers (plate, chassis, engine, ID number)
are all right before review.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from sohoa.model import FieldValue

log = logging.getLogger(__name__)

IDENTIFIERS = ("plate_number", "chassis_number", "engine_number", "owner_id_number")


@dataclass(frozen=True)
class FieldOutcome:
    """One field of one dossier: right or wrong, accepted or sent to review."""

    dossier: str
    quality: str
    field: str
    right: bool
    review: bool
    confidence: float
    value: str | None = None
    expected: str | None = None
    reasons: tuple[str, ...] = ()


def score_record(dossier: str, quality: str, fields: Mapping[str, FieldValue],
                 truth: Mapping[str, str]) -> list[FieldOutcome]:
    """Compare a record's values with the truth, field by field (exact canonical strings)."""
    out = []
    for name, expected in truth.items():
        fv = fields.get(name) or FieldValue()
        out.append(FieldOutcome(dossier, quality, name, fv.value == expected, fv.needs_review, fv.confidence,
                                fv.value, expected, tuple(fv.reasons)))
    return out


@dataclass(frozen=True)
class Stats:
    """The figures of one row of the table."""

    fields: int
    right: int
    accepted: int
    accepted_right: int
    wrong_caught: int

    @property
    def accuracy(self) -> float:
        return self.right / self.fields if self.fields else 0.0

    @property
    def automation(self) -> float:
        return self.accepted / self.fields if self.fields else 0.0

    @property
    def precision(self) -> float:
        """Share of auto-accepted fields that are right (1.0 when none was accepted)."""
        return self.accepted_right / self.accepted if self.accepted else 1.0

    @property
    def wrong(self) -> int:
        return self.fields - self.right


def stats(outcomes: Iterable[FieldOutcome]) -> Stats:
    """Aggregate outcomes into one row."""
    rows = list(outcomes)
    return Stats(
        fields=len(rows),
        right=sum(o.right for o in rows),
        accepted=sum(not o.review for o in rows),
        accepted_right=sum(o.right and not o.review for o in rows),
        wrong_caught=sum(not o.right and o.review for o in rows),
    )


def identifiers_right(outcomes: Sequence[FieldOutcome]) -> tuple[int, int]:
    """(dossiers whose four identifiers are all right before review, dossiers)."""
    by: dict[str, list[FieldOutcome]] = {}
    for o in outcomes:
        if o.field in IDENTIFIERS:
            by.setdefault(o.dossier, []).append(o)
    return sum(all(o.right for o in os) for os in by.values()), len(by)


def _row(label: str, s: Stats) -> str:
    return (f"{label:22s} {s.fields:6d} {100 * s.accuracy:7.1f}% {100 * s.automation:7.1f}% "
            f"{100 * s.precision:8.2f}% {s.wrong_caught:5d}/{s.wrong:<5d}")


def table(outcomes: Sequence[FieldOutcome], title: str) -> str:
    """The per-field and overall table as text."""
    head = (f"{title}\n{'field':22s} {'n':>6s} {'accuracy':>8s} {'automat.':>8s} {'precision':>9s} "
            f"{'wrong caught':>12s}")
    fields = list(dict.fromkeys(o.field for o in outcomes))
    lines = [head, "-" * len(head.splitlines()[-1])]
    lines += [_row(f, stats(o for o in outcomes if o.field == f)) for f in fields]
    lines.append(_row("ALL", stats(outcomes)))
    ok, n = identifiers_right(outcomes)
    lines.append(f"dossiers with plate, chassis, engine and ID all right before review: {ok}/{n}"
                 + (f" ({100 * ok / n:.1f}%)" if n else ""))
    return "\n".join(lines)


def report(outcomes: Sequence[FieldOutcome]) -> str:
    """The full report: all dossiers, then clean and fair scans only."""
    parts = [table(outcomes, f"All dossiers ({len({o.dossier for o in outcomes})})")]
    good = [o for o in outcomes if o.quality in ("clean", "fair")]
    if good:
        parts.append(table(good, f"Clean and fair scans ({len({o.dossier for o in good})})"))
    return "\n\n".join(parts)


def as_dict(outcomes: Sequence[FieldOutcome]) -> dict[str, object]:
    """The headline figures as JSON-ready numbers."""
    def figures(rows: Sequence[FieldOutcome]) -> dict[str, object]:
        s = stats(rows)
        ok, n = identifiers_right(rows)
        per = {f: stats(o for o in rows if o.field == f) for f in dict.fromkeys(o.field for o in rows)}
        return {
            "fields": s.fields, "accuracy": s.accuracy, "automation": s.automation, "precision": s.precision,
            "wrong": s.wrong, "wrong_caught": s.wrong_caught, "identifiers_right": ok, "dossiers": n,
            "per_field": {f: {"accuracy": v.accuracy, "automation": v.automation, "precision": v.precision}
                          for f, v in per.items()},
        }

    good = [o for o in outcomes if o.quality in ("clean", "fair")]
    return {"all": figures(outcomes), "clean_fair": figures(good)}
