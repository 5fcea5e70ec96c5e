"""The review rules on PostgreSQL (Debian's server on loopback, started by the storage tests' fixture):
the same Alembic chain, sessions, optimistic locking, audit and approval as on SQLite."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from review_ui.accounts import create_user
from review_ui.app import create_app
from sohoa.settings import Settings
from storage.db import dispose_engine, migrate, session_factory
from storage.objectstore import LocalObjectStore
from storage.repository import Repository
from tests.storage.conftest import PgServer, pg  # noqa: F401  (the session-scoped server fixture)

from .conftest import Env, login, seed_world
from .test_review import JSON, api, audit_rows, put
from .world import BAD_VIN, COMMUNE_A, GOOD_VIN, PASSWORD

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_env(pg: PgServer, tmp_path: Path) -> Iterator[Env]:  # noqa: F811
    url = pg.new_database()
    settings = Settings(data_dir=tmp_path / "data", database_url=url)
    migrate(url)
    repo = Repository(session_factory(url))
    seeds = seed_world(repo, LocalObjectStore(settings.objects_dir))
    with session_factory(url)() as db:
        create_user(db, "clerk_a", PASSWORD, "clerk", communes=[COMMUNE_A])
        create_user(db, "rev_a", PASSWORD, "reviewer", communes=[COMMUNE_A])
    yield Env(settings, create_app(settings, cookie_secure=True), repo, seeds, url)
    dispose_engine(url)
    pg.drop_database(url)


def test_review_flow_on_postgresql(pg_env: Env) -> None:
    env = pg_env
    clerk, t1 = login(env, "clerk_a")
    rev, t2 = login(env, "rev_a")
    body = clerk.get("/api/queue", headers=JSON).json()
    assert [i["dossier_id"] for i in body["items"]][:1] == ["d-a1"] and body["counts"]["open"] == 3
    assert clerk.get("/dossiers/d-b1").status_code == 404
    assert put(clerk, t1, "d-a1", "chassis_number", BAD_VIN, 1).status_code == 422
    assert put(clerk, t1, "d-a1", "chassis_number", GOOD_VIN, 1).status_code == 200
    stale = put(rev, t2, "d-a1", "chassis_number", BAD_VIN, 1, confirm=True)
    assert stale.status_code == 409 and stale.json()["current"]["value"] == GOOD_VIN
    assert rev.post("/api/dossiers/d-a1/approve", json={}, headers=api(rev, t2)).json()["status"] == "approved"
    actions = [(a.user_name, a.action) for a in audit_rows(env, "d-a1") if a.action != "view"]
    assert actions == [("clerk_a", "edit"), ("rev_a", "approve")]
    assert clerk.get("/dossiers/d-a1/fields/chassis_number/crop.png").headers["content-type"] == "image/png"
