"""Logins, sessions, CSRF, lock-out, security headers and the secret key."""

from __future__ import annotations

import datetime as dt
import os
import re
import stat

from review_ui.secret import load_secret_key
from review_ui.tables import UserRow
from sohoa.settings import Settings

from .conftest import Env, client, csrf_of, login, login_token
from .world import PASSWORD


def test_login_cookie_is_secure_httponly_lax_and_unauthenticated_pages_redirect(env: Env) -> None:
    c = client(env)
    assert c.get("/queue").headers["location"] == "/login"
    assert c.get("/api/queue", headers={"accept": "application/json"}).status_code == 401
    r = c.post("/login", data={"username": "clerk_a", "password": PASSWORD, "csrf_token": login_token(c)})
    assert r.status_code == 303
    cookie = next(h for h in r.headers.get_list("set-cookie") if h.startswith("sohoa_session="))
    assert "HttpOnly" in cookie and "Secure" in cookie and "SameSite=lax" in cookie
    assert c.get("/queue").status_code == 200


def as_cookie(env: Env, session_id: str):  # type: ignore[no-untyped-def]
    """A client presenting ``session_id`` as its session cookie."""
    c = client(env)
    c.cookies.set("sohoa_session", session_id)
    return c


def test_login_rotates_session_and_planted_cookie_is_useless(env: Env) -> None:
    c = as_cookie(env, "attacker-chosen-session-id")
    token = login_token(c)
    r = c.post("/login", data={"username": "clerk_a", "password": PASSWORD, "csrf_token": token})
    first = r.cookies.get("sohoa_session")
    assert first and first != "attacker-chosen-session-id"
    assert as_cookie(env, "attacker-chosen-session-id").get("/queue").status_code == 303  # not logged in
    assert as_cookie(env, first).get("/queue").status_code == 200
    again = as_cookie(env, first)
    r = again.post("/login", data={"username": "clerk_a", "password": PASSWORD, "csrf_token": login_token(again)})
    second = r.cookies.get("sohoa_session")
    assert second and second != first
    assert as_cookie(env, first).get("/queue").status_code == 303  # the previous session ended at the new login
    assert as_cookie(env, second).get("/queue").status_code == 200


def test_login_without_or_with_foreign_csrf_token_is_refused(env: Env) -> None:
    c = client(env)
    assert c.post("/login", data={"username": "clerk_a", "password": PASSWORD}).status_code == 403
    other = client(env)
    foreign = login_token(other)
    login_token(c)
    r = c.post("/login", data={"username": "clerk_a", "password": PASSWORD, "csrf_token": foreign})
    assert r.status_code == 403


def test_lockout_after_five_failures_even_with_right_password(env: Env) -> None:
    c = client(env)
    for _ in range(5):
        r = c.post("/login", data={"username": "rev_a", "password": "wrong password!", "csrf_token": login_token(c)})
        assert r.status_code == 401
    r = c.post("/login", data={"username": "rev_a", "password": PASSWORD, "csrf_token": login_token(c)})
    assert r.status_code == 401 and "locked" in r.text
    with env.db() as db:
        user = db.query(UserRow).filter_by(name="rev_a").one()
        assert user.locked_until is not None
        assert user.locked_until - dt.datetime.now(dt.UTC) > dt.timedelta(minutes=14)
        user.locked_until = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
        db.commit()
    r = c.post("/login", data={"username": "rev_a", "password": PASSWORD, "csrf_token": login_token(c)})
    assert r.status_code == 303


def test_csrf_missing_forged_or_from_another_session_is_403(env: Env) -> None:
    c, token = login(env, "clerk_a")
    _other, other_token = login(env, "clerk_a")
    version = env.repo.field_versions("d-a1")["chassis_number"]
    path = "/dossiers/d-a1/fields/chassis_number"
    form = {"value": "1M8GDM9AXKP042788", "version": str(version)}
    assert c.post(path, data=form).status_code == 403
    assert c.post(path, data=form | {"csrf_token": "0" * 64}).status_code == 403
    assert c.post(path, data=form | {"csrf_token": other_token}).status_code == 403
    api = c.post(
        "/api/fields/validate",
        json={"field": "chassis_number", "value": "X"},
        headers={"accept": "application/json"},
    )
    assert api.status_code == 403 and api.json()["error"] == "forbidden"
    assert env.repo.field_versions("d-a1")["chassis_number"] == version  # nothing was written
    assert c.post(path, data=form | {"csrf_token": token}).status_code == 303


def test_logout_kills_session_and_its_csrf_token(env: Env) -> None:
    c, token = login(env, "clerk_a")
    cookie = c.cookies.get("sohoa_session")
    assert c.post("/logout", data={"csrf_token": token}).status_code == 303
    replay = as_cookie(env, cookie)
    r = replay.post("/dossiers/d-a1/approve", data={"csrf_token": token}, headers={"accept": "application/json"})
    assert r.status_code == 401


def test_security_headers_on_every_response(env: Env) -> None:
    c, _ = login(env, "clerk_a")
    for path in ("/login", "/queue", "/dossiers/d-a1", "/api/me", "/static/app.css", "/docs", "/nope"):
        h = c.get(path).headers
        csp = h["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
        assert h["x-content-type-options"] == "nosniff"
    page = c.get("/dossiers/d-a1").text
    assert "<script>" not in page and "onclick" not in page and "style=" not in page


def test_generated_secret_key_is_private_and_stable(tmp_path) -> None:
    settings = Settings(data_dir=tmp_path)
    key = load_secret_key(settings)
    assert len(key) >= 32 and load_secret_key(settings) == key
    path = tmp_path / "secret_key"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert load_secret_key(Settings(data_dir=tmp_path, secret_key="a real deployment secret")) != key


def test_csrf_token_in_page_differs_per_session(env: Env) -> None:
    a, _ = login(env, "clerk_a")
    b, _ = login(env, "clerk_a")
    assert csrf_of(a) != csrf_of(b)


def test_openapi_docs_are_served_locally_without_inline_script(env: Env) -> None:
    c = client(env)
    page = c.get("/docs")
    assert page.status_code == 200 and "<script>" not in page.text
    for src in re.findall(r'src="([^"]+)"', page.text):
        assert src.startswith("/") and c.get(src).status_code == 200  # no CDN: works offline
    paths = c.get("/openapi.json").json()["paths"]
    assert "/api/records" in paths and "/api/fields/validate" in paths


def test_error_answers_do_not_echo_submitted_values_and_pages_are_not_cached(env: Env) -> None:
    c, token = login(env, "clerk_a")
    secret_name = "PHẠM THỊ BÍ MẬT " * 40  # too long: refused by the schema
    r = c.put(
        "/api/dossiers/d-a1/fields/owner_name",
        json={"value": secret_name, "version": 1},
        headers={"accept": "application/json", "x-csrf-token": token},
    )
    assert r.status_code == 422 and "PHẠM" not in r.text
    assert c.get("/dossiers/d-a1").headers["cache-control"] == "no-store"
    assert c.get("/api/dossiers/d-a1", headers={"accept": "application/json"}).headers["cache-control"] == "no-store"
    assert "max-age" in c.get("/static/app.css").headers["cache-control"]
