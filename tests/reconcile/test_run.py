"""End to end on the generated world: every kind of discrepancy gets its expected verdict, stored."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from reconcile.importer import COLUMNS, load_rows
from reconcile.run import import_and_reconcile, reconcile_all, reconciliation_for
from reconcile.tables import Reconciliation, ReconciliationResult
from sohoa.errors import StorageError
from sohoa.export import export_records
from storage.db import session_factory
from storage.repository import Repository

from .conftest import store_records
from .world import World


def _load_world(session: Session, world: World) -> None:
    store_records(session, world.records)
    load_rows(session, "registry", enumerate(world.registry_rows, start=2), "registry.csv")
    load_rows(session, "population", enumerate(world.population_rows, start=2), "population.csv")


@pytest.fixture
def reconciled(session: Session, world: World) -> Session:
    _load_world(session, world)
    summary = reconcile_all(session, batch=4)  # several batches, to cross batch boundaries
    assert summary.records == len(world.cases)
    return session


def test_each_kind_of_discrepancy_gets_its_verdict(reconciled: Session, world: World) -> None:
    wrong = []
    for case in world.cases:
        got = reconciliation_for(reconciled, case.dossier_id)
        seen = {
            "registry": got["registry"]["verdict"],
            "population": got["population"]["verdict"],
            "overall": got["status"],
        }
        if seen != case.expect:
            wrong.append((case.kind, seen, case.expect))
    assert not wrong


def test_differences_carry_both_values_and_the_reason(reconciled: Session, world: World) -> None:
    for case in world.cases:
        got = reconciliation_for(reconciled, case.dossier_id)
        diffs = [d for s in ("registry", "population") for d in got[s]["differences"]]
        by_field = {d["field"]: d for d in diffs}
        for name, reason in case.reasons.items():
            assert name in by_field, (case.kind, name, diffs)
            assert by_field[name]["reason"] == reason, case.kind
            assert by_field[name]["paper"] == case.record[name], case.kind
            assert by_field[name]["electronic"] and by_field[name]["electronic"] != by_field[name]["paper"]
        if not case.reasons:
            assert diffs == [], case.kind


def test_notes_explain_matches_that_are_not_literal(reconciled: Session, world: World) -> None:
    for case in world.cases:
        got = reconciliation_for(reconciled, case.dossier_id)
        notes = " | ".join(n for s in ("registry", "population") for n in got[s]["notes"])
        for expected in case.notes:
            assert expected in notes, (case.kind, notes)


def test_typo_chassis_is_found_by_engine_and_suffix_case_by_suffix(reconciled: Session, world: World) -> None:
    typo = reconciliation_for(reconciled, world.case("typo_chassis").dossier_id)
    assert typo["registry"]["matched_by"] == "engine"
    suffix = reconciliation_for(reconciled, world.case("chassis_suffix").dossier_id)
    assert suffix["registry"]["matched_by"] == "chassis suffix"
    plate = reconciliation_for(reconciled, world.case("plate_only").dossier_id)
    assert plate["registry"]["matched_by"] == "plate"
    dup = reconciliation_for(reconciled, world.case("duplicate").dossier_id)
    assert dup["registry"]["candidates"] == 2


def test_rerun_replaces_results_and_follows_new_electronic_data(reconciled: Session, world: World) -> None:
    case = world.case("missing")
    person = {
        "id_number": case.record["owner_id_number"],
        "full_name": case.record["owner_name"],
        "birth_date": case.record["owner_birth_date"],
        "address": case.record["owner_address"],
    }
    load_rows(reconciled, "population", [(2, person)], "late.csv")
    reconcile_all(reconciled)
    got = reconciliation_for(reconciled, case.dossier_id)
    assert got["population"]["verdict"] == "match"
    assert got["registry"]["verdict"] == "missing"
    n = reconciled.scalar(select(func.count()).select_from(ReconciliationResult))
    assert n == 2 * len(world.cases)
    assert reconciled.scalar(select(func.count()).select_from(Reconciliation)) == len(world.cases)


def test_records_given_in_memory_and_rejected_dossiers(session: Session, world: World) -> None:
    _load_world(session, world)
    store_records(session, {"d-9999-rejected": {"owner_name": "X"}}, status="rejected")
    case = world.case("match")
    summary = reconcile_all(session, [(case.dossier_id, case.record)])
    assert summary.records == 1
    assert summary.verdicts["registry"]["match"] == 1
    assert reconciliation_for(session, "d-9999-rejected") == {}
    full = reconcile_all(session)
    assert full.records == len(world.cases)  # the rejected dossier is not reconciled
    stored = json.loads(session.scalars(select(ReconciliationResult.differences_json)).first() or "[]")
    assert isinstance(stored, list)


def test_never_reconciled_dossier_exports_empty_object(session: Session) -> None:
    assert reconciliation_for(session, "d-unknown") == {}


def test_export_carries_the_reconciliation(reconciled: Session, world: World) -> None:
    exported = {r["dossier_id"]: r for r in export_records(reconciled)}
    case = world.case("typo_chassis")
    rec = exported[case.dossier_id]["reconciliation"]
    assert rec["status"] == "check_reading"
    assert rec["registry"]["differences"][0]["reason"] == "possible misread"
    assert exported[world.case("match").dossier_id]["reconciliation"]["status"] == "ok"


def test_import_and_reconcile_in_one_go(session: Session, world: World, tmp_path: Path) -> None:
    store_records(session, world.records)
    paths = {}
    for kind, rows in (("registry", world.registry_rows), ("population", world.population_rows)):
        paths[kind] = tmp_path / f"{kind}.csv"
        with paths[kind].open("w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(COLUMNS[kind])
            writer.writerows([[r[c] or "" for c in COLUMNS[kind]] for r in rows])
    reports, summary = import_and_reconcile(session, registry=paths["registry"], population=paths["population"])
    assert [r.rows_loaded for r in reports] == [len(world.registry_rows), len(world.population_rows)]
    assert summary.overall["ok"] == sum(c.expect["overall"] == "ok" for c in world.cases)


def test_records_from_the_repository(session: Session, world: World, db_url: str) -> None:
    _load_world(session, world)
    repo = Repository(session_factory(db_url))
    summary = reconcile_all(session, repo.iter_records(batch=3), batch=4)
    assert summary.records == len(world.cases)
    case = world.case("no_diacritics")
    assert reconciliation_for(session, case.dossier_id)["status"] == "ok"


def test_a_record_without_keys_is_missing_and_says_why(session: Session, world: World) -> None:
    _load_world(session, world)
    record = dict(world.case("match").record) | {
        "chassis_number": None,
        "engine_number": None,
        "plate_number": None,
        "owner_id_number": None,
    }
    with pytest.raises(StorageError, match="from dossier d-nokeys failed"):  # not a stored dossier
        reconcile_all(session, [("d-nokeys", record)])
    store_records(session, {"d-nokeys": record})
    reconcile_all(session, [("d-nokeys", record)])
    got = reconciliation_for(session, "d-nokeys")
    assert got["registry"] == {
        "verdict": "missing",
        "matched_by": None,
        "candidates": 0,
        "differences": [],
        "notes": ["no chassis, engine or plate number on paper"],
    }
    assert got["population"]["notes"] == ["no ID number on paper"]


def test_worker_processes_give_the_same_verdicts(session: Session, world: World) -> None:
    _load_world(session, world)
    reconcile_all(session, batch=3)
    one = {c.dossier_id: reconciliation_for(session, c.dossier_id) for c in world.cases}
    summary = reconcile_all(session, batch=3, workers=2)
    assert summary.records == len(world.cases)
    two = {c.dossier_id: reconciliation_for(session, c.dossier_id) for c in world.cases}
    for results in (one, two):
        for r in results.values():
            r.pop("reconciled_at")
    assert one == two
