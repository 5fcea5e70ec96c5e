"""Digitized packages: BagIt bags published to S3, read back with boto3, verified, versioned."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import Path

import bagit
import pytest
from sqlalchemy import select

from sohoa.errors import Conflict, NotFound, StorageError
from sohoa.model import DossierStatus, FieldValue
from storage.bag import TAGMANIFEST, publish_package, verify_all, verify_package
from storage.keys import dossier_key, page_key
from storage.minio_store import MinioObjectStore, http_client
from storage.objectstore import LocalObjectStore, ObjectStore
from storage.publish import publish_dossier
from storage.repository import OBJECTS, Repository
from tests.storage.conftest import S3Server, free_port
from tests.storage.dossiers import make_dossier


def _payload(record: dict, tmp_path: Path) -> dict:  # type: ignore[type-arg]
    scan = tmp_path / "source.pdf"
    scan.write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 400)
    return {
        "record.json": json.dumps(record, ensure_ascii=False).encode(),
        "searchable.pdf": b"%PDF-1.4 searchable",
        "ocr/page-0001.hocr": "<html><body><span class='ocrx_word'>Biển số</span></body></html>".encode(),
        "scans/source.pdf": scan,
    }


def _download(s3: S3Server, bucket: str, prefix: str, dest: Path) -> Path:
    """Fetch a package with boto3 (not the client sohoa uses) into a folder."""
    client = s3.boto3()
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for obj in page.get("Contents", []):
            target = dest / obj["Key"][len(prefix):]
            target.parent.mkdir(parents=True, exist_ok=True)
            client.download_file(bucket, obj["Key"], str(target))
    return dest


def test_published_package_is_a_valid_bag_for_another_client(s3: S3Server, tmp_path: Path) -> None:
    store = s3.store()
    record = {"dossier_id": "d-00000000000000c1", "fields": {"owner_name": {"value": "TRẦN VĂN ĐỨC"}}}
    package = publish_package(store, dossier_id="d-00000000000000c1", province="Thành phố Hà Nội",
                              commune="Phường Hoàn Kiếm", payload=_payload(record, tmp_path))
    assert package.prefix == "exports/thanh-pho-ha-noi/phuong-hoan-kiem/d-00000000000000c1/v1/"
    assert package.objects[-1][0].endswith(TAGMANIFEST)  # the tag manifest went up last
    bag_dir = _download(s3, store.bucket, package.prefix, tmp_path / "fetched")
    bag = bagit.Bag(str(bag_dir))
    bag.validate()  # every payload and tag checksum, the Payload-Oxum, completeness
    assert "sha256" in bag.algorithms
    assert bag.info["External-Identifier"] == "d-00000000000000c1"
    assert bag.info["Sohoa-Commune"] == "Phường Hoàn Kiếm"
    assert bag.info["Bag-Software-Agent"].startswith("sohoa ")
    stored = json.loads((bag_dir / "data/record.json").read_text(encoding="utf-8"))
    assert stored["fields"]["owner_name"]["value"] == "TRẦN VĂN ĐỨC"
    assert verify_package(store, package.prefix) == []


def test_verify_finds_a_changed_file(s3: S3Server, tmp_path: Path) -> None:
    store = s3.store()
    package = publish_package(store, dossier_id="d-00000000000000c2", province=None, commune=None,
                              payload=_payload({"dossier_id": "d-00000000000000c2"}, tmp_path))
    assert package.prefix.startswith("exports/unknown/unknown/")
    s3.boto3().put_object(Bucket=store.bucket, Key=package.prefix + "data/searchable.pdf", Body=b"tampered")
    problems = verify_package(store, package.prefix)
    assert any("data/searchable.pdf" in p and "does not match" in p for p in problems)
    assert any("Payload-Oxum" in p for p in problems)  # the size changed too
    assert len(problems) == 2


class _FailingAfter:
    """An object store that dies after ``n`` successful writes (a publish cut off half-way)."""

    def __init__(self, inner: ObjectStore, n: int) -> None:
        self.inner, self.left = inner, n

    def put_stream(self, key, stream, length=-1):  # type: ignore[no-untyped-def]
        if self.left <= 0:
            raise StorageError("connection lost (injected)")
        self.left -= 1
        self.inner.put_stream(key, stream, length)

    def __getattr__(self, name):  # type: ignore[no-untyped-def]
        return getattr(self.inner, name)


def test_interrupted_publish_leaves_no_tag_manifest_and_rerun_completes(s3: S3Server, tmp_path: Path) -> None:
    store = s3.store()
    payload = _payload({"dossier_id": "d-00000000000000c3"}, tmp_path)
    with pytest.raises(StorageError, match="injected"):
        publish_package(_FailingAfter(store, 3), dossier_id="d-00000000000000c3", province="Tỉnh Bắc Ninh",
                        commune="Xã Tiên Du", payload=payload)  # type: ignore[arg-type]
    prefix = "exports/tinh-bac-ninh/xa-tien-du/d-00000000000000c3/v1/"
    keys = list(store.list(prefix))
    assert len(keys) == 3 and not any(k.endswith(TAGMANIFEST) for k in keys)
    assert any("incomplete" in p for p in verify_package(store, prefix))
    package = publish_package(store, dossier_id="d-00000000000000c3", province="Tỉnh Bắc Ninh",
                              commune="Xã Tiên Du", payload=payload)
    assert package.prefix == prefix  # never published, so the unfinished v1 is redone
    assert verify_package(store, prefix) == []


def test_a_dossier_without_its_scan_is_not_published(s3: S3Server, repo: Repository, tmp_path: Path) -> None:
    scans, exports = LocalObjectStore(tmp_path / "objects"), s3.store()
    did = _stored_dossier(repo, scans, 34)
    scans.delete(dossier_key(did, "source.pdf"))
    with pytest.raises(NotFound, match="original scan"):
        publish_dossier(repo, scans, exports, did, _record(repo, did), bucket=exports.bucket)
    assert list(exports.list()) == []
    assert repo.dossier_info(did).status == "approved"


def _stored_dossier(repo: Repository, scans: ObjectStore, n: int) -> str:
    dossier = make_dossier(n, flagged=False)
    did = dossier.dossier_id
    scans.put_bytes(dossier_key(did, "source.pdf"), b"%PDF-1.4 original scan")
    scans.put_bytes(dossier_key(did, "searchable.pdf"), b"%PDF-1.4 with text layer")
    for page in dossier.pages:
        scans.put_bytes(page_key(did, page.index, "ocr", "hocr"), f"<html>page {page.index}</html>".encode())
    repo.save_dossier(dossier, commune="Phường Ba Đình", province="Thành phố Hà Nội")
    repo.approve(did)
    return did


def _record(repo: Repository, did: str) -> dict:  # type: ignore[type-arg]
    fields = repo.load_dossier(did).fields
    return {"dossier_id": did, "status": "approved",
            "fields": {k: {"value": v.value, "confidence": v.confidence} for k, v in fields.items()}}


def test_correction_publishes_v2_and_v1_is_unchanged(s3: S3Server, repo: Repository, tmp_path: Path) -> None:
    scans, exports = LocalObjectStore(tmp_path / "objects"), s3.store()
    did = _stored_dossier(repo, scans, 31)
    v1 = publish_dossier(repo, scans, exports, did, _record(repo, did), bucket=exports.bucket)
    info = repo.dossier_info(did)
    assert (info.status, info.published_version, v1.version) == ("published", 1, 1)
    v1_bytes = {k: exports.get_bytes(k) for k in exports.list(v1.prefix)}
    assert {k[len(v1.prefix):] for k in v1_bytes} == {
        "bagit.txt", "bag-info.txt", "manifest-sha256.txt", TAGMANIFEST, "data/record.json",
        "data/searchable.pdf", "data/scans/source.pdf", "data/ocr/page-0001.hocr", "data/ocr/page-0002.hocr"}

    field_version = repo.field_versions(did)["plate_number"]
    repo.save_field(did, "plate_number", FieldValue(value="29A-999.99", confidence=1.0, needs_review=False,
                                                     reviewed=True), expected_version=field_version)
    repo.set_status(did, DossierStatus.APPROVED, repo.dossier_info(did).version)
    v2 = publish_dossier(repo, scans, exports, did, _record(repo, did), bucket=exports.bucket)
    assert v2.prefix == v1.prefix.replace("/v1/", "/v2/")
    assert repo.dossier_info(did).published_version == 2
    assert {k: exports.get_bytes(k) for k in exports.list(v1.prefix)} == v1_bytes  # v1 untouched
    record_v2 = json.loads(exports.get_bytes(v2.prefix + "data/record.json"))
    assert record_v2["fields"]["plate_number"]["value"] == "29A-999.99"
    assert [p for _, p in verify_all(exports, v1.prefix.rsplit("/v1/", 1)[0])] == [[], []]
    with repo.session() as s:  # the objects ledger holds every published file with its checksum
        ledger = {r.key: r.sha256 for r in s.execute(select(OBJECTS).where(OBJECTS.c.dossier_id == did))}
    assert set(ledger) == {k for k, _, _ in v1.objects + v2.objects}
    assert ledger[v2.prefix + "data/record.json"] == hashlib.sha256(
        exports.get_bytes(v2.prefix + "data/record.json")).hexdigest()


@pytest.mark.parametrize("fault", ["wrong secret key", "unreachable endpoint"])
def test_publish_to_a_bad_endpoint_fails_clearly_and_loses_nothing(s3: S3Server, repo: Repository,
                                                                   tmp_path: Path, fault: str) -> None:
    scans = LocalObjectStore(tmp_path / "objects")
    did = _stored_dossier(repo, scans, 32)
    before = {k: scans.get_bytes(k) for k in scans.list()}
    version = repo.dossier_info(did).version
    if fault == "wrong secret key":
        bad = MinioObjectStore(s3.host, s3.access_key, "wrong-secret-key-123", "sohoa-exports", secure=False)
        expected = "refused the credentials"
    else:
        bad = MinioObjectStore(f"127.0.0.1:{free_port()}", s3.access_key, s3.secret_key, "sohoa-exports",
                               secure=False, http=http_client(connect_timeout=1, read_timeout=2, retries=1))
        expected = "cannot reach the S3 endpoint"
    with pytest.raises(StorageError, match=expected):
        publish_dossier(repo, scans, bad, did, _record(repo, did), bucket="sohoa-exports")
    info = repo.dossier_info(did)
    assert (info.status, info.published_version) == ("approved", None)  # still waiting to be published
    assert info.version == version + 1  # only the publisher's lease was taken
    assert {k: scans.get_bytes(k) for k in scans.list()} == before


def test_the_registry_contract_example_reads_the_newest_complete_version(
        s3: S3Server, capsys: pytest.CaptureFixture[str]) -> None:
    """The boto3 example in docs/registry-contract.md runs and skips an unfinished newer version."""
    store = s3.store()
    did = "d-1a2b3c4d5e6f7a8b"
    for plate in ("29A-123.45", "29A-123.46"):
        record = {"dossier_id": did, "fields": {"plate_number": {"value": plate}}}
        publish_package(store, dossier_id=did, province="Thành phố Hà Nội", commune="Phường Ba Đình",
                        payload={"record.json": json.dumps(record).encode()})
    with pytest.raises(StorageError):  # v3 cut off before its tag manifest
        publish_package(_FailingAfter(store, 1), dossier_id=did, province="Thành phố Hà Nội",  # type: ignore[arg-type]
                        commune="Phường Ba Đình", payload={"record.json": b"{}"})
    doc = (Path(__file__).resolve().parents[2] / "docs" / "registry-contract.md").read_text(encoding="utf-8")
    code = doc.split("```python\n", 1)[1].split("```", 1)[0]
    code = (code.replace('"https://minio.example.gov.vn"', repr(s3.url))
                .replace('aws_access_key_id="..."',
                         f"aws_access_key_id={s3.access_key!r}, region_name='us-east-1'")
                .replace('aws_secret_access_key="..."', f"aws_secret_access_key={s3.secret_key!r}")
                .replace('BUCKET = "sohoa-exports"', f"BUCKET = {store.bucket!r}"))
    exec(compile(code, "registry-contract.md", "exec"), {})  # our own documentation
    root = f"exports/thanh-pho-ha-noi/phuong-ba-dinh/{did}/"
    assert capsys.readouterr().out.strip() == f"{root}v2/ 29A-123.46"


def test_two_publishers_of_one_dossier_do_not_interleave(s3: S3Server, repo: Repository,
                                                         tmp_path: Path) -> None:
    """The second publisher, holding the same dossier version, is refused before it uploads anything."""
    scans, exports = LocalObjectStore(tmp_path / "objects"), s3.store()
    did = _stored_dossier(repo, scans, 33)
    record = _record(repo, did)
    stale = repo.dossier_info(did)
    publish_dossier(repo, scans, exports, did, record, bucket=exports.bucket)
    repo.set_status(did, DossierStatus.APPROVED)  # approved again, as after a correction
    keys_before = list(exports.list())

    original = repo.dossier_info  # publisher B read the dossier before publisher A took it
    repo.dossier_info = lambda _id: dataclasses.replace(stale, status="approved")  # type: ignore[method-assign]
    try:
        with pytest.raises(Conflict, match="changed by someone else"):
            publish_dossier(repo, scans, exports, did, record, bucket=exports.bucket)
    finally:
        repo.dossier_info = original  # type: ignore[method-assign]
    assert list(exports.list()) == keys_before
