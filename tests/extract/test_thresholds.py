"""Review thresholds chosen out of fold (extract/thresholds.py).

The training rows have a known structure: 60 dossiers x 3 fields (a, b, c). Right
values are read with a high OCR confidence and two agreeing pages; wrong ones mostly
with a low confidence and no agreement, except field b, whose value is wrong with a
high confidence in every tenth dossier. So only b needs a threshold above the floor.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import pytest

from extract import confidence, thresholds
from extract.confidence import Evidence
from extract.record import forced_review
from extract.thresholds import Row, choose, figures, out_of_fold
from tests.extract.threshold_rows import FIELDS, training_rows


@pytest.fixture(scope="module")
def rows() -> list[Row]:
    return training_rows()


@pytest.fixture(scope="module")
def probs(rows: list[Row]) -> list[float]:
    return out_of_fold(rows)


# --- choose -------------------------------------------------------------------------------------------


def test_the_structure_needs_a_raised_threshold_at_the_floor(rows: list[Row], probs: list[float]) -> None:
    # guard of the tests below: at the floor the precision misses the target, so choose must act
    _, precision = figures(rows, probs, dict.fromkeys(FIELDS, 0.9))
    assert precision < 0.99


@pytest.mark.parametrize("target", [0.98, 0.99, 0.995])
def test_choose_reaches_the_target_precision_on_its_rows(rows: list[Row], probs: list[float], target: float) -> None:
    th = choose(rows, probs, target=target, floor=0.9)
    automation, precision = figures(rows, probs, th)
    assert precision >= target
    assert automation > 0.5  # reached by raising one field, not by accepting nothing


@pytest.mark.parametrize("floor", [0.5, 0.9, 0.95])
def test_choose_never_sets_a_threshold_under_the_floor(rows: list[Row], probs: list[float], floor: float) -> None:
    th = choose(rows, probs, target=0.99, floor=floor)
    assert set(th) == set(FIELDS)
    assert all(value >= floor for value in th.values())


def test_choose_raises_only_the_field_whose_wrong_values_are_confident(
    rows: list[Row], probs: list[float]
) -> None:
    th = choose(rows, probs, target=0.99, floor=0.9)
    assert th["a"] == 0.9
    assert th["c"] == 0.9
    assert th["b"] > 0.9
    confident_wrong_b = [p for r, p in zip(rows, probs, strict=True)
                         if r.evidence.field == "b" and not r.right and r.evidence.ocr > 0.8]
    assert len(confident_wrong_b) == 6
    assert sum(p >= th["b"] for p in confident_wrong_b) <= 1  # at 99% one of ~115 accepted may stay wrong


def test_choose_keeps_the_floor_when_the_target_is_already_met(rows: list[Row], probs: list[float]) -> None:
    _, precision = figures(rows, probs, dict.fromkeys(FIELDS, 0.9))
    assert choose(rows, probs, target=precision, floor=0.9, field_target=0.0) == dict.fromkeys(FIELDS, 0.9)


def test_a_field_under_its_own_target_is_raised_though_the_whole_target_is_met() -> None:
    def row(d: str, field: str, right: bool) -> Row:
        return Row(d, Evidence(field, True, 0.9, True), right)

    # 200 right values of x; y has 2 wrong of 20 (90 %): together 99.1 %, over the 99 % target
    rows = [row(f"x{i}", "x", True) for i in range(200)]
    rows += [row(f"y{i}", "y", i >= 2) for i in range(20)]
    probs = [0.99] * 200 + [0.95, 0.96] + [0.97] * 18
    assert choose(rows, probs, target=0.99, floor=0.9, field_target=0.0) == {"x": 0.9, "y": 0.9}
    th = choose(rows, probs, target=0.99, floor=0.9, field_target=0.99)
    assert th["x"] == 0.9 and 0.96 < th["y"] <= 0.97  # both of y's wrong values go, its right ones stay
    assert figures(rows, probs, th) == (218 / 220, 1.0)


def test_choose_with_given_probabilities_raises_just_past_the_wrong_value() -> None:
    def row(d: str, right: bool) -> Row:
        return Row(d, Evidence("x", True, 0.9, True), right)

    rows = [row("r1", True), row("r2", True), row("r3", True), row("w", False)]
    probs = [0.99, 0.97, 0.93, 0.95]
    th = choose(rows, probs, target=0.999, floor=0.9)
    assert 0.95 < th["x"] <= 0.97  # the wrong value and the right one under it go, the two above stay
    assert figures(rows, probs, th) == (0.5, 1.0)


# --- forced review ------------------------------------------------------------------------------------


def forced_rows() -> list[Row]:
    """Values the record sends to review whatever their confidence: not valid, or a failed hard cross-check."""
    return [
        Row("f1", Evidence("a", True, 0.99, False, agree=2), False),
        Row("f2", Evidence("a", True, 0.99, True, agree=2, cross_hard=1), False),
        Row("f3", Evidence("b", True, 0.99, False, agree=2), True),
        Row("f4", Evidence("c", True, 0.99, True, agree=2, cross_hard=2), True),
    ]


def test_forced_rows_are_what_the_record_forces_to_review() -> None:
    assert all(forced_review(r.evidence) for r in forced_rows())


def test_forced_review_values_are_never_counted_as_accepted() -> None:
    forced = forced_rows()
    automation, _ = figures(forced, [1.0] * len(forced), dict.fromkeys(FIELDS, 0.0))
    assert automation == 0.0


def test_forced_review_wrong_values_do_not_raise_thresholds(rows: list[Row], probs: list[float]) -> None:
    forced = forced_rows()
    mixed = [*rows, *forced]
    mixed_probs = [*probs, *[0.999] * len(forced)]  # confident, and two of them wrong
    th = choose(mixed, mixed_probs, target=0.99, floor=0.9)
    assert th == choose(rows, probs, target=0.99, floor=0.9)
    automation, precision = figures(mixed, mixed_probs, th)
    alone, alone_precision = figures(rows, probs, th)
    assert precision == alone_precision
    assert automation * len(mixed) == pytest.approx(alone * len(rows))  # same accepted count, none forced


# --- out of fold --------------------------------------------------------------------------------------


def mislabelled_dossier() -> list[Row]:
    """A dossier read like the right ones (and marked by a feature no other dossier has), all wrong."""
    return [Row("odd", Evidence(f, True, 0.97, True, agree=2, expected_pages=2, marks_disputed=True), False)
            for f in FIELDS]


def test_a_mislabelled_dossier_is_judged_by_a_model_that_never_saw_it(rows: list[Row]) -> None:
    odd = mislabelled_dossier()
    everything = [*rows, *odd]
    oof = out_of_fold(everything)[-len(odd):]
    in_sample = confidence.fit([(r.evidence, r.right) for r in everything])
    fitted = [in_sample.probability(r.evidence) for r in odd]
    # a model fitted on the other folds has never seen marks_disputed: the rows look right to it
    assert min(oof) > 0.85
    # the model fitted on the dossier itself learned that these rows are wrong
    assert max(fitted) < 0.8
    assert all(o - f > 0.15 for o, f in zip(oof, fitted, strict=True))


@dataclass
class _Fold:
    call: int

    def probability(self, e: Evidence) -> float:
        return float(self.call)


def test_folds_never_split_a_dossier_and_each_row_is_scored_by_a_model_without_it(
    rows: list[Row], monkeypatch: pytest.MonkeyPatch
) -> None:
    # each row's evidence is unique (its OCR confidence is random), so a fit's rows name their dossiers
    by_evidence = {r.evidence: r.dossier for r in rows}
    assert len(by_evidence) == len(rows)
    trained: list[set[str]] = []

    def fake_fit(pairs: Sequence[tuple[Evidence, bool]]) -> _Fold:
        trained.append({by_evidence[e] for e, _ in pairs})
        counts: dict[str, int] = {}
        for e, _ in pairs:
            counts[by_evidence[e]] = counts.get(by_evidence[e], 0) + 1
        assert all(n == len(FIELDS) for n in counts.values()), "a fit got part of a dossier"
        return _Fold(len(trained) - 1)

    monkeypatch.setattr(thresholds.confidence, "fit", fake_fit)
    out = out_of_fold(rows, folds=5)
    assert len(trained) == 5
    dossiers = {r.dossier for r in rows}
    for r, call in zip(rows, out, strict=True):
        assert r.dossier not in trained[int(call)]  # scored by a model fitted without its dossier
    for d in dossiers:
        left_out = [k for k, seen in enumerate(trained) if d not in seen]
        assert len(left_out) == 1  # one fold holds the whole dossier
    calls: dict[str, set[float]] = {r.dossier: set() for r in rows}
    for r, call in zip(rows, out, strict=True):
        calls[r.dossier].add(call)
    assert all(len(c) == 1 for c in calls.values())  # all of a dossier's rows come from one model


def test_out_of_fold_is_the_same_for_the_same_seed(rows: list[Row]) -> None:
    assert out_of_fold(rows, seed=3) == out_of_fold(rows, seed=3)
    changed = [replace(r, right=not r.right) if r.dossier == "d05" else r for r in rows]
    before, after = out_of_fold(rows, seed=3), out_of_fold(changed, seed=3)
    own = [i for i, r in enumerate(rows) if r.dossier == "d05"]
    # flipping a dossier's labels changes the other folds' models, never its own rows' model
    assert [before[i] for i in own] == [after[i] for i in own]
    assert before != after
