"""Calibrated field confidence: a logistic model over evidence, fitted on generated dossiers.

Evidence per field (``Evidence``): the OCR word confidence, whether the validator
accepted the value, characters the grammar corrected, pages that agree or disagree,
whether a whitelisted crop re-read agreed, failed cross-field checks, a rival reading
as strong as the value (a contest the model weighs: on 350 training dossiers the value
chosen in a contest was right often enough that forcing all of them to review cost
2.7 % automation at the same precision). ``fit`` finds
the weights by regularized logistic regression (Newton steps, numpy only) on
(evidence, value-was-right) pairs; the weights live in ``calibration.json`` beside
this module, so the confidence is the estimated probability that the value is right.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

CALIBRATION = Path(__file__).with_name("calibration.json")


@dataclass(frozen=True)
class Evidence:
    """What is known about one field's chosen value."""

    field: str
    found: bool
    ocr: float
    valid: bool
    corrections: int = 0
    soft_doubts: int = 0
    agree: int = 0
    disagree: int = 0
    rival: float = 0.0  # OCR confidence of the strongest valid reading that disagrees
    crop_agree: bool = False
    crop_disagree: bool = False
    cross_hard: int = 0
    cross_soft: int = 0
    expected_pages: int = 1
    strong: bool = False  # a check that rarely passes by chance: VIN check digit, CCCD against birth year
    contested: bool = False  # a rival reading as well supported and nearly as confident as the value
    marks_disputed: bool = False  # pages agree on the letters of a name or address, not on all its marks


FEATURES = ("bias", "ocr", "valid", "corrected", "soft_doubts", "agree", "disagree", "rival", "crop_agree",
            "crop_disagree", "cross_hard", "cross_soft", "single_source", "strong", "marks_disputed", "contested")


def vector(e: Evidence) -> np.ndarray:
    """The evidence as the model's feature vector (without the field's own intercept)."""
    return np.array([
        1.0, e.ocr, float(e.valid), float(e.corrections > 0), min(e.soft_doubts, 2), min(e.agree, 3),
        min(e.disagree, 3), e.rival, float(e.crop_agree), float(e.crop_disagree), min(e.cross_hard, 2),
        min(e.cross_soft, 2), float(e.expected_pages > 1 and e.agree == 0), float(e.strong),
        float(e.marks_disputed), float(e.contested),
    ])


@dataclass(frozen=True)
class Calibration:
    """Weights of the logistic model: shared ones plus one intercept per field."""

    weights: tuple[float, ...]
    field_bias: dict[str, float]
    samples: int = 0

    def probability(self, e: Evidence) -> float:
        """Estimated probability that the value is right (0 when nothing was found)."""
        if not e.found:
            return 0.0
        z = float(np.dot(vector(e), np.array(self.weights))) + self.field_bias.get(e.field, 0.0)
        return float(1.0 / (1.0 + np.exp(-np.clip(z, -30, 30))))


#: used until a calibration has been fitted: plausible signs and sizes, not measured
DEFAULT = Calibration(
    weights=(-3.0, 3.0, 3.0, -0.7, -1.0, 1.2, -1.0, -1.5, 1.2, -1.0, -2.5, -0.7, -0.3, 1.0, -1.0, -1.5),
    field_bias={},
)


@lru_cache(maxsize=1)
def load() -> Calibration:
    """The fitted calibration shipped with the package (the default when none was fitted)."""
    if not CALIBRATION.is_file():
        log.warning("no fitted calibration at %s; using default weights", CALIBRATION.name)
        return DEFAULT
    raw = json.loads(CALIBRATION.read_text(encoding="utf-8"))
    if tuple(raw.get("features", ())) != FEATURES:
        log.warning("calibration %s was fitted on other features; using default weights", CALIBRATION.name)
        return DEFAULT
    return Calibration(tuple(raw["weights"]), dict(raw["field_bias"]), int(raw.get("samples", 0)))


def save(cal: Calibration, path: Path = CALIBRATION) -> None:
    """Write a calibration as JSON."""
    payload = {"features": FEATURES, **asdict(cal), "weights": list(cal.weights)}
    path.write_text(json.dumps(payload, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def fit(rows: Sequence[tuple[Evidence, bool]], l2: float = 1.0, iterations: int = 50) -> Calibration:
    """Fit the logistic model on (evidence, right) pairs of found values (Newton–Raphson, L2)."""
    rows = [(e, y) for e, y in rows if e.found]
    if not rows:
        raise ValueError("no found values to fit on")
    fields = sorted({e.field for e, _ in rows})
    x = np.array([np.concatenate([vector(e), [float(e.field == f) for f in fields]]) for e, _ in rows])
    y = np.array([float(v) for _, v in rows])
    w = np.zeros(x.shape[1])
    reg = np.full(x.shape[1], l2)
    reg[0] = 1e-6
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-np.clip(x @ w, -30, 30)))
        grad = x.T @ (p - y) + reg * w
        hess = (x.T * (p * (1 - p))) @ x + np.diag(reg)
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.max(np.abs(step)) < 1e-7:
            break
    n = len(FEATURES)
    biases = {f: float(v) for f, v in zip(fields, w[n:], strict=True)}
    return Calibration(tuple(float(v) for v in w[:n]), biases, samples=len(rows))
