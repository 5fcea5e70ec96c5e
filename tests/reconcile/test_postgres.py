"""The same reconciliation on a real PostgreSQL server (Debian's, started on loopback)."""

from __future__ import annotations

import pytest

from reconcile.importer import load_rows
from reconcile.report import campaign
from reconcile.run import reconcile_all, reconciliation_for
from storage.db import dispose_engine, migrate, session_factory

from .conftest import store_records
from .world import World

pytestmark = pytest.mark.postgres


def test_reconcile_and_reimport_on_postgresql(pg, world: World) -> None:  # type: ignore[no-untyped-def]
    url = pg.new_database()
    migrate(url)
    try:
        with session_factory(url)() as session:
            store_records(session, world.records)
            for _ in range(2):  # the second import replaces by key (ON CONFLICT DO UPDATE)
                load_rows(session, "registry", enumerate(world.registry_rows, start=2), "registry.csv", batch=5)
                report = load_rows(session, "population", enumerate(world.population_rows, start=2), "p.csv")
            assert report.rows_loaded == len(world.population_rows)
            summary = reconcile_all(session, batch=4)
            assert summary.records == len(world.cases)
            for case in world.cases:
                got = reconciliation_for(session, case.dossier_id)
                seen = {
                    "registry": got["registry"]["verdict"],
                    "population": got["population"]["verdict"],
                    "overall": got["status"],
                }
                assert seen == case.expect, case.kind
            (row,) = campaign(session)
            assert row.dossiers == len(world.cases)
            assert sum(row.verdicts["registry"].values()) == len(world.cases)
    finally:
        dispose_engine(url)
