"""Fixtures of the review UI tests: a real SQLite database migrated to head by the Alembic chain,
dossiers with page images stored through storage's Repository and object store, accounts of every
role, and FastAPI's TestClient on the real app (HTTPS base URL so Secure cookies are sent)."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import text

from review_ui.accounts import create_user
from review_ui.app import create_app
from sohoa.settings import Settings
from storage.db import dispose_engine, migrate, session_factory
from storage.objectstore import LocalObjectStore
from storage.repository import Repository

from .world import (
    BAD_VIN,
    COMMUNE_A,
    COMMUNE_B,
    COMMUNE_C,
    OTHER_PROVINCE,
    PASSWORD,
    PROVINCE,
    Seed,
    person,
    store_dossier,
)

CSRF_RE = re.compile(r'name="csrf_token" value="([0-9a-f]+)"')


@dataclass
class Env:
    """The test deployment."""

    settings: Settings
    app: FastAPI
    repo: Repository
    seeds: dict[str, Seed]
    url: str

    def db(self):  # type: ignore[no-untyped-def]
        return session_factory(self.url)()


def seed_world(repo: Repository, store: LocalObjectStore) -> dict[str, Seed]:
    """Four dossiers: A1 (bad VIN flagged), A2 (nothing flagged), B1 (other commune), T1 (other province)."""
    seeds = {}
    a1 = person(0) | {"chassis_number": BAD_VIN}
    seeds["A1"] = store_dossier(
        repo, store, "d-a1", COMMUNE_A, PROVINCE, a1, {"chassis_number": ("VIN check digit does not match",)}
    )
    seeds["A2"] = store_dossier(repo, store, "d-a2", COMMUNE_A, PROVINCE, person(1), {})
    seeds["A3"] = store_dossier(repo, store, "d-a3", COMMUNE_A, PROVINCE, person(2), {"owner_name": ()})
    seeds["B1"] = store_dossier(
        repo, store, "d-b1", COMMUNE_B, PROVINCE, person(3), {"plate_number": ("plate grammar",)}
    )
    seeds["C1"] = store_dossier(repo, store, "d-c1", COMMUNE_C, OTHER_PROVINCE, person(4), {"engine_number": ()})
    return seeds


@pytest.fixture(scope="session")
def template_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory seeded once (argon2 hashing is slow on purpose); each test gets a copy."""
    data = tmp_path_factory.mktemp("review-template") / "data"
    settings = Settings(data_dir=data)
    url = settings.sqlalchemy_url
    migrate(url)
    repo = Repository(session_factory(url))
    seed_world(repo, LocalObjectStore(settings.objects_dir))
    with session_factory(url)() as db:
        create_user(db, "clerk_a", PASSWORD, "clerk", communes=[COMMUNE_A])
        create_user(db, "clerk_b", PASSWORD, "clerk", communes=[COMMUNE_B])
        create_user(db, "rev_a", PASSWORD, "reviewer", communes=[COMMUNE_A])
        create_user(db, "sup", PASSWORD, "supervisor", communes=[], province=PROVINCE)
        create_user(db, "admin", PASSWORD, "admin", communes=[])
    with session_factory(url)() as db:
        db.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
    dispose_engine(url)
    return data


@pytest.fixture
def env(template_dir: Path, tmp_path: Path) -> Iterator[Env]:
    data = tmp_path / "data"
    shutil.copytree(template_dir, data)
    settings = Settings(data_dir=data)
    url = settings.sqlalchemy_url
    repo = Repository(session_factory(url))
    seeds = {}
    for key, d in (("A1", "d-a1"), ("A2", "d-a2"), ("A3", "d-a3"), ("B1", "d-b1"), ("C1", "d-c1")):
        info = repo.dossier_info(d)
        seeds[key] = Seed(d, info.commune or "", info.province or "", {}, ())
    app = create_app(settings, cookie_secure=True)
    yield Env(settings, app, repo, seeds, url)
    dispose_engine(url)


def client(env: Env) -> TestClient:
    """A browser-like client (HTTPS, HTML accepted, no redirects followed)."""
    return TestClient(env.app, base_url="https://testserver", follow_redirects=False, headers={"accept": "text/html"})


def login(env: Env, name: str, password: str = PASSWORD) -> tuple[TestClient, str]:
    """A client logged in as ``name`` and its session CSRF token."""
    c = client(env)
    r = c.post("/login", data={"username": name, "password": password, "csrf_token": login_token(c)})
    assert r.status_code == 303, r.text[:500]
    return c, csrf_of(c)


def login_token(c: TestClient) -> str:
    page = c.get("/login")
    m = CSRF_RE.search(page.text)
    assert m, "login form has no CSRF token"
    return m.group(1)


def csrf_of(c: TestClient, path: str = "/queue") -> str:
    m = CSRF_RE.search(c.get(path).text)
    assert m, f"{path} has no CSRF token"
    return m.group(1)


def field_version(env: Env, dossier_id: str, name: str) -> int:
    return env.repo.field_versions(dossier_id)[name]
