"""MinioObjectStore against moto's S3 server on loopback (signed requests, real HTTP)."""

from __future__ import annotations

import hashlib
import io
import os
import time
import tracemalloc
from pathlib import Path

import pytest

from sohoa.errors import NotFound, StorageError, UsageError
from storage.minio_store import MinioObjectStore, http_client
from tests.storage.conftest import S3Server, free_port

MB = 1024 * 1024


def test_put_get_list_stat_delete(s3: S3Server) -> None:
    store = s3.store()
    store.put_bytes("d-1/0001_prepared.png", b"page one")
    store.put_stream("d-1/record.json", io.BytesIO("{\"chủ\": 1}".encode()))
    store.put_bytes("d-2/source.pdf", b"%PDF-1.7")
    assert store.get_bytes("d-1/0001_prepared.png") == b"page one"
    with store.open("d-1/record.json") as fh:
        assert fh.read().decode() == "{\"chủ\": 1}"
    assert list(store.list("d-1/")) == ["d-1/0001_prepared.png", "d-1/record.json"]
    assert list(store.list()) == ["d-1/0001_prepared.png", "d-1/record.json", "d-2/source.pdf"]
    info = store.stat("d-2/source.pdf")
    assert (info.size, info.etag) == (8, hashlib.md5(b"%PDF-1.7").hexdigest())
    assert store.exists("d-2/source.pdf")
    store.delete("d-2/source.pdf")
    store.delete("d-2/source.pdf")  # absent: no error
    assert not store.exists("d-2/source.pdf")
    with pytest.raises(NotFound):
        store.get_bytes("d-2/source.pdf")


def test_the_same_key_names_the_same_object_for_another_client(s3: S3Server) -> None:
    store = s3.store()
    store.put_bytes("d-9/0003_ocr.json", b"[]")
    body = s3.boto3().get_object(Bucket=store.bucket, Key="d-9/0003_ocr.json")["Body"].read()
    assert body == b"[]"


def test_unsafe_keys_are_refused(s3: S3Server) -> None:
    store = s3.store()
    for key in ("../etc/passwd", "d-1/../../x", "/abs", "a b/c"):
        with pytest.raises(UsageError):
            store.put_bytes(key, b"x")
    inbox = s3.store(any_keys=True)
    inbox.put_bytes("Hồ sơ/xe máy 01.pdf", b"ok")  # a clerk's name is fine in the inbox
    assert list(inbox.list()) == ["Hồ sơ/xe máy 01.pdf"]
    with pytest.raises(UsageError):
        inbox.put_bytes("a/../b", b"x")


def test_200_mb_scan_streams_up_in_parts_with_bounded_memory(s3: S3Server, tmp_path: Path) -> None:
    """A 200 MB file goes up multipart from disk; Python's peak allocation stays near one part."""
    path = tmp_path / "scan.tif"
    sha = hashlib.sha256()
    with path.open("wb") as out:
        block = os.urandom(MB)
        for i in range(200):
            chunk = block[i:] + block[:i]  # distinct MBs, cheap to make
            sha.update(chunk)
            out.write(chunk)
    store = s3.store(part_size=8 * MB)
    tracemalloc.start()
    try:
        with path.open("rb") as fh:
            store.put_stream("d-big/source.tif", fh)  # length unknown: multipart, part by part
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    print(f"\n200 MB upload: peak Python allocation {peak / MB:.1f} MB with 8 MB parts, 2 in flight")
    assert peak < 64 * MB  # a few parts, not the file
    assert store.stat("d-big/source.tif").size == 200 * MB
    assert "-" in store.stat("d-big/source.tif").etag  # a multipart ETag: "<md5>-<parts>"
    back = hashlib.sha256()
    with store.open("d-big/source.tif") as fh:
        while chunk := fh.read(MB):
            back.update(chunk)
    assert back.hexdigest() == sha.hexdigest()


def test_wrong_secret_key_is_a_clear_storage_error(s3: S3Server) -> None:
    good = s3.store()
    good.put_bytes("d-1/record.json", b"{}")
    bad = MinioObjectStore(s3.host, s3.access_key, "definitely-not-the-secret", good.bucket, secure=False,
                           create_bucket=False)
    with pytest.raises(StorageError, match="refused the credentials") as e:
        bad.put_bytes("d-1/record.json", b"overwritten?")
    assert "SOHOA_S3_SECRET_KEY" in str(e.value)
    assert good.get_bytes("d-1/record.json") == b"{}"
    unknown = MinioObjectStore(s3.host, "AKIAUNKNOWNKEY00", "whatever-secret", good.bucket, secure=False)
    with pytest.raises(StorageError, match="refused the credentials"):
        unknown.get_bytes("d-1/record.json")


def test_unreachable_endpoint_fails_fast_with_a_clear_error() -> None:
    port = free_port()  # nothing listens there
    store = MinioObjectStore(f"127.0.0.1:{port}", "AKIAUNREACHABLE0", "some-secret-key", "sohoa-scans",
                             secure=False, http=http_client(connect_timeout=1, read_timeout=2, retries=1))
    start = time.monotonic()
    with pytest.raises(StorageError, match=f"cannot reach the S3 endpoint 127.0.0.1:{port}"):
        store.put_bytes("d-1/record.json", b"{}")
    assert time.monotonic() - start < 10
