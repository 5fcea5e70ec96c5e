"""Review rules: roles, commune isolation, live validation, optimistic locking, audit, approval, queue."""

from __future__ import annotations

import json
import logging
from io import BytesIO

import pytest
from PIL import Image
from sqlalchemy import insert, select

from reconcile.importer import import_file
from reconcile.run import reconcile_all
from reconcile.tables import Reconciliation, ReconciliationResult
from review_ui.accounts import mint_token
from review_ui.app import create_app
from review_ui.tables import AuditRow, QueueRow
from storage.objectstore import LocalObjectStore
from storage.tables import FieldRow

from .conftest import Env, client, login
from .world import BAD_VIN, GOOD_VIN, person, store_dossier

JSON = {"accept": "application/json"}


def api(c, token: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {**JSON, "x-csrf-token": token}


def put(c, token: str, dossier_id: str, name: str, value: str | None, version: int, **extra: object):  # type: ignore[no-untyped-def]
    return c.put(
        f"/api/dossiers/{dossier_id}/fields/{name}",
        json={"value": value, "version": version, **extra},
        headers=api(c, token),
    )


def audit_rows(env: Env, dossier_id: str) -> list[AuditRow]:
    with env.db() as db:
        return list(db.scalars(select(AuditRow).where(AuditRow.dossier_id == dossier_id).order_by(AuditRow.id)))


@pytest.mark.parametrize(
    "path",
    [
        "/dossiers/d-b1",
        "/dossiers/d-b1/fields/plate_number/crop.png",
        "/dossiers/d-b1/pages/1/image",
        "/api/dossiers/d-b1",
        "/api/dossiers/d-b1/audit",
    ],
)
def test_clerk_gets_404_for_another_communes_dossier(env: Env, path: str) -> None:
    c, _ = login(env, "clerk_a")
    r = c.get(path)
    assert r.status_code == 404
    assert "29A-103.13" not in r.text and "NGUYỄN" not in r.text  # no data of the other dossier leaks


def test_clerk_cannot_change_another_communes_dossier_and_queue_hides_it(env: Env) -> None:
    c, token = login(env, "clerk_a")
    r = put(c, token, "d-b1", "plate_number", "29A-999.99", 1)
    assert r.status_code == 404
    with env.db() as db:
        assert db.get(FieldRow, ("d-b1", "plate_number")).value == "29A-103.13"
    ids = [i["dossier_id"] for i in c.get("/api/queue", headers=JSON).json()["items"]]
    assert "d-b1" not in ids and "d-a1" in ids
    assert "d-b1" not in c.get("/queue").text
    b, _ = login(env, "clerk_b")
    assert b.get("/dossiers/d-b1").status_code == 200


def test_supervisor_sees_the_province_not_others_and_admin_sees_all(env: Env) -> None:
    sup, _ = login(env, "sup")
    ids = {i["dossier_id"] for i in sup.get("/api/queue", headers=JSON).json()["items"]}
    assert {"d-a1", "d-b1"} <= ids and "d-c1" not in ids
    assert sup.get("/dossiers/d-c1").status_code == 404
    assert sup.get("/dashboard").status_code == 200
    admin, _ = login(env, "admin")
    assert "d-c1" in {i["dossier_id"] for i in admin.get("/api/queue", headers=JSON).json()["items"]}


def test_roles_clerk_may_not_approve_or_see_reports(env: Env) -> None:
    c, token = login(env, "clerk_a")
    assert c.post("/api/dossiers/d-a2/approve", json={}, headers=api(c, token)).status_code == 403
    assert c.get("/dashboard").status_code == 403
    r, rtoken = login(env, "rev_a")
    assert r.post("/api/dossiers/d-a2/approve", json={}, headers=api(r, rtoken)).json()["status"] == "approved"


def test_live_validator_reports_a_bad_vin_check_digit(env: Env) -> None:
    c, token = login(env, "clerk_a")
    bad = c.post("/api/fields/validate", json={"field": "chassis_number", "value": BAD_VIN}, headers=api(c, token))
    assert bad.status_code == 200
    body = bad.json()
    assert body["ok"] is False and any("check" in m.lower() for m in body["messages"])
    good = c.post(
        "/api/fields/validate",
        json={"field": "chassis_number", "value": GOOD_VIN.lower()},
        headers=api(c, token),
    ).json()
    assert good["ok"] is True and good["value"] == GOOD_VIN


def test_saving_an_invalid_value_needs_confirmation(env: Env) -> None:
    c, token = login(env, "clerk_a")
    r = put(c, token, "d-a1", "chassis_number", BAD_VIN, 1)
    assert r.status_code == 422 and "check" in r.json()["detail"].lower()
    form = c.post("/dossiers/d-a1/fields/chassis_number", data={"value": BAD_VIN, "version": "1", "csrf_token": token})
    assert form.status_code == 422 and 'name="confirm"' in form.text
    confirmed = c.post(
        "/dossiers/d-a1/fields/chassis_number",
        data={"value": BAD_VIN, "version": "1", "confirm": BAD_VIN, "csrf_token": token},
    )
    assert confirmed.status_code == 303
    with env.db() as db:
        f = db.get(FieldRow, ("d-a1", "chassis_number"))
        assert f.reviewed and not f.needs_review and f.version == 2
        assert any("reviewer confirmed" in r for r in json.loads(f.reasons_json))


def test_save_records_reviewed_value_bumps_version_and_audits(env: Env) -> None:
    c, token = login(env, "clerk_a")
    r = put(c, token, "d-a1", "chassis_number", GOOD_VIN.lower(), 1)
    assert r.status_code == 200
    body = r.json()
    assert body["value"] == GOOD_VIN and body["reviewed"] and not body["needs_review"] and body["version"] == 2
    rows = [a for a in audit_rows(env, "d-a1") if a.action != "view"]
    assert len(rows) == 1
    a = rows[0]
    assert (a.user_name, a.field, a.old, a.new, a.screen, a.action) == (
        "clerk_a",
        "chassis_number",
        BAD_VIN,
        GOOD_VIN,
        "api",
        "edit",
    )
    assert a.at.tzinfo is not None
    history = c.get("/dossiers/d-a1").text
    assert "clerk_a" in history and GOOD_VIN in history


def test_every_view_of_personal_data_is_audited(env: Env) -> None:
    c, _ = login(env, "clerk_a")
    c.get("/dossiers/d-a3")
    c.get("/api/dossiers/d-a3", headers=JSON)
    views = [(a.user_name, a.screen) for a in audit_rows(env, "d-a3") if a.action == "view"]
    assert views == [("clerk_a", "dossier"), ("clerk_a", "api")]


def test_second_save_at_a_stale_version_gets_409_with_current_value(env: Env) -> None:
    one, t1 = login(env, "clerk_a")
    two, t2 = login(env, "rev_a")
    assert put(one, t1, "d-a1", "chassis_number", GOOD_VIN, 1).status_code == 200
    r = put(two, t2, "d-a1", "chassis_number", "JH2PC35051M200020", 1)
    assert r.status_code == 409
    assert r.json()["current"]["value"] == GOOD_VIN and r.json()["current"]["version"] == 2
    form = two.post(
        "/dossiers/d-a1/fields/chassis_number",
        data={"value": "JH2PC35051M200020", "version": "1", "csrf_token": t2},
    )
    assert form.status_code == 409 and GOOD_VIN in form.text
    with env.db() as db:
        assert db.get(FieldRow, ("d-a1", "chassis_number")).value == GOOD_VIN


def test_audit_rows_cannot_be_edited_through_the_app(env: Env) -> None:
    c, token = login(env, "admin")
    put(c, token, "d-a1", "chassis_number", GOOD_VIN, 1)
    before = [(a.id, a.old, a.new) for a in audit_rows(env, "d-a1")]
    for method in ("put", "patch", "delete", "post"):
        r = getattr(c, method)("/api/dossiers/d-a1/audit", headers=api(c, token))
        assert r.status_code == 405
    writes_on_audit = [
        r
        for r in env.app.routes
        if "audit" in getattr(r, "path", "") and set(getattr(r, "methods", ())) - {"GET", "HEAD"}
    ]
    assert writes_on_audit == []
    assert [(a.id, a.old, a.new) for a in audit_rows(env, "d-a1")][: len(before)] == before


def test_approve_refused_while_a_field_is_flagged(env: Env) -> None:
    r, token = login(env, "rev_a")
    refused = r.post("/api/dossiers/d-a1/approve", json={}, headers=api(r, token))
    assert refused.status_code == 409 and "flagged" in refused.json()["detail"]
    html = r.post("/dossiers/d-a1/approve", data={"csrf_token": token})
    assert html.status_code == 409
    assert put(r, token, "d-a1", "chassis_number", GOOD_VIN, 1).status_code == 200
    ok = r.post("/dossiers/d-a1/approve", data={"csrf_token": token})
    assert ok.status_code == 303
    assert env.repo.dossier_info("d-a1").status == "approved"
    approval = [a for a in audit_rows(env, "d-a1") if a.action == "approve"]
    assert [(a.user_name, a.old, a.new) for a in approval] == [("rev_a", "reviewed", "approved")]
    assert put(r, token, "d-a1", "chassis_number", GOOD_VIN, 2).status_code == 409  # approved: no more edits


def test_read_only_token_reads_approved_records_and_cannot_write(env: Env) -> None:
    with env.db() as db:
        token = mint_token(db, "registry")
    r, t = login(env, "rev_a")
    r.post("/api/dossiers/d-a2/approve", json={}, headers=api(r, t))
    machine = client(env)
    auth = {**JSON, "authorization": f"Bearer {token}"}
    records = machine.get("/api/records", headers=auth)
    assert records.status_code == 200
    assert [i["dossier_id"] for i in records.json()["items"]] == ["d-a2"]
    assert records.json()["items"][0]["fields"]["chassis_number"] == GOOD_VIN
    assert [(a.user_name, a.screen) for a in audit_rows(env, "d-a2") if a.action == "view"][-1] == (
        "token:registry",
        "api-records",
    )
    assert (
        machine.put(
            "/api/dossiers/d-a1/fields/chassis_number", json={"value": GOOD_VIN, "version": 1}, headers=auth
        ).status_code
        == 403
    )
    assert machine.post("/api/dossiers/d-a3/approve", json={}, headers=auth).status_code == 403
    assert (
        machine.post("/api/fields/validate", json={"field": "chassis_number", "value": "X"}, headers=auth).status_code
        == 403
    )
    assert machine.get("/api/queue", headers=auth).status_code == 403
    assert machine.get("/api/records", headers={**JSON, "authorization": "Bearer sohoa_forged"}).status_code == 401
    with env.db() as db:
        assert db.get(FieldRow, ("d-a1", "chassis_number")).value == BAD_VIN


def test_queue_orders_mismatches_then_failed_checks_then_flags_and_filters(env: Env) -> None:
    c, _ = login(env, "clerk_a")
    c.get("/api/queue", headers=JSON)  # the index is built before reconciliation runs
    with env.db() as db:
        db.execute(
            insert(ReconciliationResult),
            [
                {
                    "dossier_id": "d-a3",
                    "source": "registry",
                    "verdict": "mismatch",
                    "candidates": 1,
                    "differences_json": "[]",
                    "notes_json": "[]",
                }
            ],
        )
        db.execute(insert(Reconciliation), [{"dossier_id": "d-a3", "overall": "verify"}])
        db.commit()
    env.app.state.ctx.queue_sync_interval = 0
    env.app.state.ctx.counts_ttl = 0
    body = c.get("/api/queue", headers=JSON).json()
    ids = [i["dossier_id"] for i in body["items"]]
    assert ids == ["d-a3", "d-a1", "d-a2"]  # mismatch, failed validator, nothing flagged
    assert body["counts"] == {"open": 3, "flagged": 2, "failed": 1, "mismatches": 1, "to_approve": 1}
    only_chassis = c.get("/api/queue?field=chassis_number", headers=JSON).json()["items"]
    assert [i["dossier_id"] for i in only_chassis] == ["d-a1"]
    assert c.get("/api/queue?status=approved", headers=JSON).json()["items"] == []
    page = c.get("/queue?field=chassis_number")
    assert "d-a1" in page.text and "d-a3" not in page.text


def test_queue_index_follows_pipeline_writes(env: Env) -> None:
    env.app.state.ctx.queue_sync_interval = 0
    c, _ = login(env, "clerk_a")
    c.get("/api/queue", headers=JSON)

    store_dossier(
        env.repo,
        LocalObjectStore(env.settings.objects_dir),
        "d-a9",
        "Phường Hoàn Kiếm",
        "Thành phố Hà Nội",
        person(9),
        {"owner_id_number": ("CCCD birth year",)},
    )
    items = c.get("/api/queue", headers=JSON).json()["items"]
    assert "d-a9" in [i["dossier_id"] for i in items]
    with env.db() as db:
        assert db.get(QueueRow, "d-a9").failed == 1


def test_rescan_request_puts_the_dossier_on_the_rescan_list(env: Env) -> None:
    c, token = login(env, "clerk_a")
    r = c.post("/dossiers/d-a2/pages/1/rescan", data={"reason": "trang bị mờ, thiếu góc", "csrf_token": token})
    assert r.status_code == 303
    page = c.get("/rescans").text
    assert "d-a2" in page and "trang bị mờ, thiếu góc" in page
    assert "d-a2" not in login(env, "clerk_b")[0].get("/rescans").text
    assert [a.action for a in audit_rows(env, "d-a2")][-1] == "rescan"


def test_group_check_lists_uncertain_characters_and_saves_in_one_pass(env: Env) -> None:
    c, token = login(env, "clerk_a")
    page = c.get("/group?field=chassis_number&chars=0ODQ")
    assert page.status_code == 200 and "d-a1" in page.text and "<mark>0</mark>" in page.text
    assert ("clerk_a", "group") in [(a.user_name, a.screen) for a in audit_rows(env, "d-a1") if a.action == "view"]
    r = c.post(
        "/group",
        data={
            "csrf_token": token,
            "field": "chassis_number",
            "chars": "0ODQ",
            "v:d-a1": GOOD_VIN,
            "ver:d-a1": "1",
        },
    )
    assert r.status_code == 200 and "saved" in r.text
    rows = [a for a in audit_rows(env, "d-a1") if a.action == "edit"]
    assert rows[0].screen == "group" and rows[0].new == GOOD_VIN


def test_crop_and_page_image_are_real_pngs_of_the_field(env: Env) -> None:
    c, _ = login(env, "clerk_a")
    crop = c.get("/dossiers/d-a1/fields/chassis_number/crop.png")
    assert crop.headers["content-type"] == "image/png"
    img = Image.open(BytesIO(crop.content))
    assert 300 < img.width < 1000 and 30 < img.height < 120
    assert min(img.getdata()) < 50  # the printed value is in the crop
    page = c.get("/dossiers/d-a1/pages/1/image")
    assert Image.open(BytesIO(page.content)).size == (1240, 1754)


def test_vietnamese_by_default_english_on_request(env: Env) -> None:
    c, _ = login(env, "clerk_a")
    assert "Hàng đợi kiểm tra" in c.get("/queue").text and "Số khung" in c.get("/dossiers/d-a1").text
    en = c.get("/queue?lang=en")
    assert "Review queue" in en.text and "lang=en" in en.headers["set-cookie"]
    assert "Chassis number" in c.get("/dossiers/d-a1").text  # the cookie keeps the choice


def test_upload_size_limit_and_type_check(env: Env) -> None:
    env.app = create_app(env.settings, cookie_secure=True, max_upload_bytes=4096)
    c, token = login(env, "clerk_a")
    big = c.post("/upload", data={"csrf_token": token}, files={"scan": ("a.png", b"\x89PNG\r\n\x1a\n" + b"0" * 9000)})
    assert big.status_code == 413
    html = c.post("/upload", data={"csrf_token": token}, files={"scan": ("scan.jpg", b"<html>not a scan</html>")})
    assert html.status_code == 422
    ok = c.post(
        "/upload",
        data={"csrf_token": token},
        files={"scan": ("../../etc/passwd.png", b"\x89PNG\r\n\x1a\n" + b"0" * 100)},
    )
    assert ok.status_code == 200
    stored = list((env.settings.data_dir / "inbox" / "upload").rglob("*.png"))
    assert len(stored) == 1 and "passwd" not in stored[0].name


def test_personal_data_never_reaches_the_logs(env: Env, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    c, token = login(env, "clerk_a")
    c.get("/dossiers/d-a1")
    put(c, token, "d-a1", "owner_name", "TRẦN THỊ BÍCH", 1)
    put(c, token, "d-a1", "owner_id_number", "001090000000", 1)
    c.get("/api/dossiers/d-a1", headers=JSON)
    text = "\n".join(r.getMessage() for r in caplog.records)
    for secret in ("TRẦN THỊ BÍCH", "NGUYỄN VĂN AN", "001090000000", BAD_VIN):
        assert secret not in text
    assert "d-a1" in text  # the log does talk about the dossier, by id


def test_live_validation_runs_the_pipelines_cross_field_checks_for_a_dossier(env: Env) -> None:
    c, token = login(env, "clerk_a")
    put(c, token, "d-a3", "owner_name", "NGUYỄN VĂN AN C", 1)
    r = c.post(
        "/api/fields/validate",
        json={"field": "owner_birth_date", "value": "01/01/1975", "dossier_id": "d-a3"},
        headers=api(c, token),
    ).json()
    assert r["ok"] is True and r["value"] == "1975-01-01"
    assert any("birth" in w.lower() for w in r["warnings"])  # the CCCD 0010 9x... says born 1990s
    other = c.post(
        "/api/fields/validate",
        json={"field": "plate_number", "value": "29A-123.45", "dossier_id": "d-b1"},
        headers=api(c, token),
    )
    assert other.status_code == 404  # another commune's dossier is not a validation oracle


def test_admin_adds_a_user_in_the_ui_and_others_may_not(env: Env) -> None:
    clerk, ctoken = login(env, "clerk_a")
    assert clerk.get("/admin/users").status_code == 403
    form = {
        "name": "mai",
        "password": "another long password",
        "role": "clerk",
        "communes": "Phường Ba Đình",
        "csrf_token": ctoken,
    }
    assert clerk.post("/admin/users", data=form).status_code == 403
    admin, token = login(env, "admin")
    r = admin.post("/admin/users", data=form | {"csrf_token": token})
    assert r.status_code == 200 and "mai" in r.text
    assert admin.post("/admin/users", data=form | {"csrf_token": token}).status_code == 409
    mai, _ = login(env, "mai", "another long password")
    assert mai.get("/dossiers/d-b1").status_code == 200 and mai.get("/dossiers/d-a1").status_code == 404


def test_dashboard_draws_campaign_figures_for_the_supervisors_province(env: Env) -> None:
    sup, _ = login(env, "sup")
    page = sup.get("/dashboard").text
    assert "<svg" in page and "Phường Hoàn Kiếm" in page and "Phường Ba Đình" in page
    assert "Xã Sóc Sơn" not in page  # another province
    admin, _ = login(env, "admin")
    assert "Xã Sóc Sơn" in admin.get("/dashboard").text


def test_registry_mismatch_from_real_reconciliation_is_shown_with_the_other_value(env: Env, tmp_path) -> None:
    registry = tmp_path / "registry.csv"
    registry.write_text(
        "plate_number,chassis_number,engine_number,owner_name,owner_id_number,brand,model,color,owner_address\n"
        "29A-101.11,1M8GDM9AXKP042788,JC52E-120001,LÊ THỊ HOA,001090000001,HONDA,WAVE,Đỏ,Hà Nội\n",
        encoding="utf-8",
    )
    with env.db() as db:
        import_file(db, "registry", registry)
        reconcile_all(db)
        db.commit()
    env.app.state.ctx.queue_sync_interval = 0
    c, _ = login(env, "clerk_a")
    page = c.get("/dossiers/d-a2").text
    assert "LÊ THỊ HOA" in page  # the registry's owner name beside the paper one
    items = c.get("/api/queue", headers=JSON).json()["items"]
    # d-a2 and d-a3 carry the registry row's VIN with another owner: mismatches come before d-a1's bad check digit
    assert [i["dossier_id"] for i in items] == ["d-a3", "d-a2", "d-a1"]
    assert [i["mismatches"] for i in items] == [1, 1, 0]


def test_next_key_goes_to_the_most_urgent_other_dossier_in_scope(env: Env) -> None:
    c, _ = login(env, "clerk_a")
    assert c.get("/next?after=d-a1").headers["location"] == "/dossiers/d-a3"
    assert c.get("/next?after=d-a3").headers["location"] == "/dossiers/d-a1"
    b, _ = login(env, "clerk_b")
    assert b.get("/next?after=d-b1").headers["location"] == "/queue"  # nothing else in commune B


def test_page_preview_is_a_small_jpeg_made_once(env: Env) -> None:
    c, _ = login(env, "clerk_a")
    full = c.get("/dossiers/d-a1/pages/1/image")
    small = c.get("/dossiers/d-a1/pages/1/image?size=preview")
    assert small.headers["content-type"] in ("image/jpeg", "image/png") and len(small.content) < len(full.content)
    assert Image.open(BytesIO(small.content)).width <= 1400
    store = LocalObjectStore(env.settings.objects_dir)
    assert store.exists("d-a1/0001_preview.png") or store.exists("d-a1/0001_preview.jpg")  # made once, kept
    assert c.get("/dossiers/d-b1/pages/1/image?size=preview").status_code == 404  # same access check
