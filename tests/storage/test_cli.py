"""``sohoa approve --unflagged``, ``sohoa publish`` and ``sohoa verify`` end to end.

Run on the embedded default (SQLite and a local folder) and on MinIO's protocol
(moto on loopback) with PostgreSQL, chosen by the SOHOA_* settings as in production.
"""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from sohoa.cli import cli
from sohoa.settings import Settings, get_settings
from storage.factory import export_store_from_settings, object_store_from_settings, repository_from_settings
from storage.keys import dossier_key, page_key
from tests.storage.conftest import PgServer, S3Server
from tests.storage.dossiers import make_dossier


def _seed(settings: Settings) -> tuple[str, str]:
    """One clean and one flagged processed dossier, with the objects the pipeline would have stored."""
    repo, scans = repository_from_settings(settings), object_store_from_settings(settings)
    ids = []
    for n, flagged in ((41, False), (42, True)):
        d = make_dossier(n, flagged=flagged)
        scans.put_bytes(dossier_key(d.dossier_id, "source.pdf"), b"%PDF-1.4 scan " + d.dossier_id.encode())
        scans.put_bytes(dossier_key(d.dossier_id, "searchable.pdf"), b"%PDF-1.4 text layer")
        scans.put_bytes(page_key(d.dossier_id, 1, "ocr", "hocr"), b"<html/>")
        repo.save_dossier(d, commune="Phường Ba Đình", province="Thành phố Hà Nội")
        ids.append(d.dossier_id)
    return ids[0], ids[1]


def _flow(settings: Settings) -> None:
    clean, flagged = _seed(settings)
    runner = CliRunner()
    result = runner.invoke(cli, ["approve", "--unflagged"])
    assert result.exit_code == 0, result.output
    assert "1 approved" in result.output
    result = runner.invoke(cli, ["approve", flagged])
    assert result.exit_code == 1 and "still needing review" in result.output

    result = runner.invoke(cli, ["publish"])
    assert result.exit_code == 0, result.output
    prefix = f"exports/thanh-pho-ha-noi/phuong-ba-dinh/{clean}/v1/"
    assert f"published {prefix}" in result.output
    repo = repository_from_settings(settings)
    assert repo.dossier_info(clean).status == "published"
    assert repo.dossier_info(flagged).status == "processed"
    assert runner.invoke(cli, ["publish"]).output.strip().endswith("0 published, 0 failed")

    result = runner.invoke(cli, ["verify", "exports/"])
    assert result.exit_code == 0, result.output
    assert f"ok {prefix}" in result.output
    exports = export_store_from_settings(settings)
    exports.put_bytes(prefix + "data/scans/source.pdf", b"bit rot")
    result = runner.invoke(cli, ["verify", "exports/thanh-pho-ha-noi/"])
    assert result.exit_code == 1
    assert "data/scans/source.pdf" in result.output and "does not match" in result.output


def test_approve_publish_verify_on_the_embedded_default() -> None:
    _flow(get_settings())


@pytest.mark.postgres
def test_approve_publish_verify_on_minio_and_postgresql(s3: S3Server, pg: PgServer,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    suffix = s3.store().bucket  # a fresh name
    env = {"SOHOA_S3_ENDPOINT": s3.host, "SOHOA_S3_ACCESS_KEY": s3.access_key,
           "SOHOA_S3_SECRET_KEY": s3.secret_key, "SOHOA_S3_SECURE": "false",
           "SOHOA_S3_SCAN_BUCKET": f"{suffix}-scans", "SOHOA_S3_EXPORT_BUCKET": f"{suffix}-exports",
           "SOHOA_DATABASE_URL": pg.new_database()}
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    get_settings.cache_clear()
    _flow(Settings())
    bucket = f"{suffix}-exports"
    keys = [o["Key"] for o in s3.boto3().list_objects_v2(Bucket=bucket)["Contents"]]
    assert any(k.endswith("/v1/tagmanifest-sha256.txt") for k in keys)


def test_verify_of_nothing_is_an_error() -> None:
    result = CliRunner().invoke(cli, ["verify", "exports/nowhere/"])
    assert result.exit_code != 0
