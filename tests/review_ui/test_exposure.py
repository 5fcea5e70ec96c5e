"""What the app exposes: audited crop and page-image fetches, commune isolation by image URL, security
headers on every kind of answer (errors and redirects too), cookie flags, the upload limit's message,
and no personal data in error answers or log lines."""

from __future__ import annotations

import json
import logging
import re

import pytest
from sqlalchemy import select

from review_ui.app import create_app
from review_ui.tables import AuditRow
from storage.objectstore import LocalObjectStore

from .conftest import Env, client, login, login_token
from .world import COMMUNE_A, PASSWORD, PROVINCE, store_dossier

JSON = {"accept": "application/json"}
NAME, ID_NUMBER, ADDRESS = "LÊ THỊ HỒNG NHUNG", "079203001234", "Số 7 ngõ 15 phố Hàng Bạc"
SECRETS = (NAME, ID_NUMBER, ADDRESS, "HỒNG NHUNG", "Hàng Bạc")


def seeded(env: Env) -> str:
    """A dossier of commune A with a known name, ID number and address; the name is flagged."""
    values = {"plate_number": "29A-555.55", "owner_name": NAME, "owner_id_number": ID_NUMBER, "owner_address": ADDRESS}
    seed = store_dossier(
        env.repo,
        LocalObjectStore(env.settings.objects_dir),
        "d-pii",
        COMMUNE_A,
        PROVINCE,
        values,
        {"owner_name": ("name: fewer than two words read",)},
    )
    return seed.dossier_id


def audit_rows(env: Env, dossier_id: str, user: str | None = None) -> list[AuditRow]:
    q = select(AuditRow).where(AuditRow.dossier_id == dossier_id).order_by(AuditRow.id)
    if user:
        q = q.where(AuditRow.user_name == user)
    with env.db() as db:
        return list(db.scalars(q))


def test_each_crop_and_page_image_fetch_is_audited(env: Env) -> None:
    c, _ = login(env, "clerk_a")
    for path in (
        "/dossiers/d-a1/fields/chassis_number/crop.png",
        "/dossiers/d-a1/fields/chassis_number/crop.png",
        "/dossiers/d-a1/fields/owner_name/crop.png",
        "/dossiers/d-a1/pages/1/image",
        "/dossiers/d-a1/pages/1/image?size=preview",
    ):
        assert c.get(path).status_code == 200, path
    rows = [(a.action, a.screen, a.field, a.new) for a in audit_rows(env, "d-a1", "clerk_a")]
    assert rows == [
        ("view", "crop", "chassis_number", None),
        ("view", "crop", "chassis_number", None),
        ("view", "crop", "owner_name", None),
        ("view", "page-image", None, "page 1 full"),
        ("view", "page-image", None, "page 1 preview"),
    ]


@pytest.mark.parametrize(
    "path",
    [
        "/dossiers/d-a1/fields/chassis_number/crop.png",
        "/dossiers/d-a1/fields/chassis_number/readings/0/crop.png",
        "/dossiers/d-a1/pages/1/image",
        "/dossiers/d-a1/pages/1/image?size=preview",
    ],
)
def test_clerk_of_another_commune_gets_404_by_image_url_and_nothing_is_served(env: Env, path: str) -> None:
    c, _ = login(env, "clerk_b")
    r = c.get(path)
    assert r.status_code == 404 and not r.headers["content-type"].startswith("image/")
    assert "NGUYỄN" not in r.text and "1M8GDM9A" not in r.text
    assert audit_rows(env, "d-a1", "clerk_b") == []  # nothing of d-a1 was shown to clerk_b
    admin, _ = login(env, "admin")
    assert admin.get(path).status_code in (200, 404)  # the same URL works for someone in scope (no reading 0)


def test_dossier_history_keeps_showing_edits_after_many_image_views(env: Env) -> None:
    c, token = login(env, "clerk_a")
    version = env.repo.field_versions("d-a3")["owner_name"]
    form = {"value": "TRẦN VĂN BA", "version": str(version), "csrf_token": token}
    assert c.post("/dossiers/d-a3/fields/owner_name", data=form).status_code == 303
    for _ in range(60):
        c.get("/dossiers/d-a3/fields/owner_name/crop.png")
    page = c.get("/dossiers/d-a3").text
    history = page[page.index('id="history"') :]
    assert "TRẦN VĂN BA" in history  # the edit is in the last 50 changes, not pushed out by 60 views


ERROR_PATHS = ("/nope", "/api/dossiers/d-b1", "/dossiers/d-b1", "/api/queue?limit=0")


def test_security_headers_on_errors_redirects_and_refusals(env: Env) -> None:
    env.app = create_app(env.settings, cookie_secure=True, max_upload_bytes=4096)
    c, token = login(env, "clerk_a")
    answers = [c.get(p, headers=JSON) for p in ERROR_PATHS]
    answers.append(client(env).get("/queue"))  # redirect to the login page
    answers.append(c.post("/dossiers/d-a1/approve", data={"csrf_token": token}))  # 403: clerks do not approve
    answers.append(c.post("/upload", data={"csrf_token": token}, files={"scan": ("a.png", b"\x89PNG" + b"0" * 9000)}))
    bad_json = {**JSON, "x-csrf-token": token, "content-type": "application/json"}
    answers.append(c.put("/api/dossiers/d-a1/fields/x", content=b"\xff{", headers=bad_json))
    assert sorted({r.status_code for r in answers}) == [303, 400, 403, 404, 413, 422]
    for r in answers:
        csp = r.headers["content-security-policy"]
        directives = {d.split()[0]: d.split()[1:] for d in csp.split("; ")}
        assert directives["script-src"] == ["'self'"] and "'unsafe-inline'" not in csp
        assert directives["frame-ancestors"] == ["'none'"] and r.headers["x-frame-options"] == "DENY"
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["cache-control"] == "no-store"


def test_upload_over_the_limit_is_413_with_a_clear_message_and_nothing_stored(env: Env) -> None:
    env.app = create_app(env.settings, cookie_secure=True, max_upload_bytes=4096)
    c, token = login(env, "clerk_a")
    r = c.post("/upload", data={"csrf_token": token}, files={"scan": ("a.pdf", b"%PDF-1.4\n" + b"0" * 9000)})
    assert r.status_code == 413
    assert r.json() == {
        "error": "too_large",
        "detail": "request body too large: the limit is 4 kB (4096 bytes); nothing was stored",
    }
    assert not (env.settings.data_dir / "inbox").exists() or not list((env.settings.data_dir / "inbox").rglob("*.*"))
    big_json = b"{" + b" " * (2 * 1024 * 1024) + b"}"
    r = c.post("/api/fields/validate", content=big_json, headers={**JSON, "x-csrf-token": token})
    assert r.status_code == 413 and "1 MB" in r.json()["detail"]  # forms and JSON have their own, smaller limit


@pytest.mark.parametrize("secure", [True, False])
def test_every_cookie_is_httponly_and_samesite_and_secure_when_served_over_https(env: Env, secure: bool) -> None:
    env.app = create_app(env.settings, cookie_secure=secure)
    c = client(env)
    headers = list(c.get("/login").headers.get_list("set-cookie"))
    r = c.post("/login", data={"username": "clerk_a", "password": PASSWORD, "csrf_token": login_token(c)})
    headers += r.headers.get_list("set-cookie")
    headers += c.get("/queue?lang=en").headers.get_list("set-cookie")
    names = {h.split("=", 1)[0] for h in headers}
    assert {"sohoa_pre", "sohoa_session", "lang"} <= names
    for h in headers:
        attrs = {a.strip().split("=")[0].lower() for a in h.split(";")[1:]}
        assert "httponly" in attrs and "samesite" in attrs, h
        assert ("secure" in attrs) == secure, h


def provoke_errors(env: Env, dossier_id: str) -> list[tuple[str, int, str]]:
    """Answers of failing requests about the seeded dossier (in scope and out of scope)."""
    out = []
    mine, token = login(env, "rev_a")
    api = {**JSON, "x-csrf-token": token}
    other, other_token = login(env, "clerk_b")
    other_api = {**JSON, "x-csrf-token": other_token}
    version = env.repo.field_versions(dossier_id)
    calls = [
        ("other html 404", lambda: other.get(f"/dossiers/{dossier_id}")),
        ("other api 404", lambda: other.get(f"/api/dossiers/{dossier_id}", headers=JSON)),
        ("other crop 404", lambda: other.get(f"/dossiers/{dossier_id}/fields/owner_name/crop.png")),
        ("other put 404", lambda: other.put(
            f"/api/dossiers/{dossier_id}/fields/owner_name", json={"value": NAME, "version": 1}, headers=other_api
        )),
        ("other validate 404", lambda: other.post(
            "/api/fields/validate", json={"field": "owner_name", "value": NAME, "dossier_id": dossier_id},
            headers=other_api,
        )),
        ("approve flagged 409", lambda: mine.post(f"/api/dossiers/{dossier_id}/approve", json={}, headers=api)),
        ("bad id number 422", lambda: mine.put(
            f"/api/dossiers/{dossier_id}/fields/plate_number",
            json={"value": ID_NUMBER, "version": version["plate_number"]}, headers=api,
        )),
        ("bad address 422", lambda: mine.put(
            f"/api/dossiers/{dossier_id}/fields/owner_id_number",
            json={"value": ADDRESS, "version": version["owner_id_number"]}, headers=api,
        )),
        ("html bad value 422 message", lambda: mine.post(
            f"/dossiers/{dossier_id}/fields/owner_id_number",
            data={"value": NAME, "version": str(version["owner_id_number"]), "csrf_token": token},
        )),
        ("schema 422", lambda: mine.put(
            f"/api/dossiers/{dossier_id}/fields/owner_name",
            json={"value": NAME * 30, "version": 1, NAME: ADDRESS}, headers=api,
        )),
        ("missing page 404", lambda: mine.post(
            f"/api/dossiers/{dossier_id}/pages/9/rescan", json={"reason": NAME}, headers=api
        )),
        ("missing field 404", lambda: mine.get(f"/dossiers/{dossier_id}/fields/brand/crop.png", headers=JSON)),
    ]
    for label, call in calls:
        r = call()
        out.append((label, r.status_code, r.text))
    return out


def test_no_personal_data_in_error_answers_or_log_lines(env: Env, caplog: pytest.LogCaptureFixture) -> None:
    dossier_id = seeded(env)
    caplog.set_level(logging.DEBUG)
    answers = provoke_errors(env, dossier_id)
    assert [s for _, s, _ in answers] == [404, 404, 404, 404, 404, 409, 422, 422, 422, 422, 404, 404]
    for label, status, text in answers:
        if label == "html bad value 422 message":
            # the screen is the dossier (the reviewer may see it); its error banner must not echo the value
            banner = re.search(r'<p class="error"[^>]*>(.*?)</p>', text, re.S)
            assert banner and "owner_id_number" in banner.group(1), label
            assert NAME not in banner.group(1), label
            continue
        for secret in SECRETS:
            assert secret not in text, (label, status, secret)
            assert json.dumps(secret)[1:-1] not in text, (label, status, secret)  # nor \\u-escaped
    logged = "\n".join(f"{r.name} {r.getMessage()} {r.exc_text or ''}" for r in caplog.records)
    assert dossier_id in logged  # the log does speak of the dossier, by id
    for secret in SECRETS:
        assert secret not in logged, secret
