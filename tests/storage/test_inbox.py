"""The inbox: listing and MinIO webhook events, each object taken exactly once across watchers."""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path
from urllib.parse import quote_plus

import pytest
from sqlalchemy.orm import sessionmaker

from sohoa.errors import UsageError
from storage.db import create_db_engine, migrate
from storage.inbox import Inbox, InboxObject, parse_notification
from storage.objectstore import LocalObjectStore
from storage.repository import Repository
from tests.storage.conftest import S3Server

DATA = Path(__file__).parent / "data"


def test_minio_event_is_parsed_into_the_object_key() -> None:
    objects = parse_notification((DATA / "minio-put-event.json").read_bytes())
    assert objects == [InboxObject(bucket="sohoa-inbox", key="Hồ sơ/xe máy 01.pdf",
                                   etag="5d41402abc4b2a76b9719d911017c592", size=182044)]
    assert objects[0].local_name.startswith("inbox-") and objects[0].local_name.endswith(".pdf")
    assert "sơ" not in objects[0].local_name


def test_other_events_are_ignored_and_garbage_refused() -> None:
    event = json.loads((DATA / "minio-put-event.json").read_text())
    event["Records"][0]["eventName"] = "s3:ObjectRemoved:Delete"
    assert parse_notification(event) == []
    with pytest.raises(UsageError):
        parse_notification(b"{not json")
    with pytest.raises(UsageError):
        parse_notification({"Records": [{"eventName": "s3:ObjectCreated:Put", "s3": {}}]})


def _minio_event(bucket: str, key: str, etag: str, size: int) -> bytes:
    """The webhook body MinIO posts for one upload (key URL-encoded the way MinIO does)."""
    record = {"eventVersion": "2.0", "eventSource": "minio:s3", "eventName": "s3:ObjectCreated:Put",
              "s3": {"s3SchemaVersion": "1.0", "bucket": {"name": bucket, "arn": f"arn:aws:s3:::{bucket}"},
                     "object": {"key": quote_plus(key), "size": size, "eTag": etag}}}
    return json.dumps({"EventName": "s3:ObjectCreated:Put", "Key": f"{bucket}/{quote_plus(key)}",
                       "Records": [record]}).encode()


def _watcher(db_url: str, s3: S3Server, bucket: str) -> Inbox:
    """A watcher with its own database engine and its own S3 client, as a second process would have."""
    repo = Repository(sessionmaker(bind=create_db_engine(db_url), expire_on_commit=False))
    return Inbox(s3.store(bucket, any_keys=True), repo, bucket)


def test_two_watchers_take_each_object_exactly_once(s3: S3Server, db_url: str, tmp_path: Path) -> None:
    migrate(db_url)
    scanner = s3.store(any_keys=True)
    bucket = scanner.bucket
    keys = [f"Máy quét {i // 5}/hồ sơ {i:02d}.pdf" for i in range(20)]
    for key in keys:
        scanner.put_bytes(key, f"%PDF-1.7 scan {key}".encode())
    events = [_minio_event(bucket, k, scanner.stat(k).etag, 20) for k in keys]
    a, b = _watcher(db_url, s3, bucket), _watcher(db_url, s3, bucket)
    won: dict[str, list[InboxObject]] = {"a": [], "b": []}
    errors: list[BaseException] = []

    def run(name: str, inbox: Inbox, order: list[bytes]) -> None:
        try:
            for event in order:  # the webhook announces each object, and the watcher also lists
                won[name] += inbox.accept(event)
                if len(won[name]) % 4 == 0:
                    won[name] += inbox.poll()
            won[name] += inbox.poll()
        except BaseException as e:
            errors.append(e)

    threads = [threading.Thread(target=run, args=("a", a, events)),
               threading.Thread(target=run, args=("b", b, events[::-1]))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    taken = [o.key for o in won["a"] + won["b"]]
    assert sorted(taken) == sorted(keys)  # every object once, none twice
    assert a.poll() == [] and b.poll() == []

    scanner.put_bytes(keys[0], b"%PDF-1.7 rescanned")  # a re-upload is a new object
    again = a.poll() + b.poll()
    assert [o.key for o in again] == [keys[0]]
    path = a.fetch(again[0], tmp_path / "incoming")
    assert path.read_bytes() == b"%PDF-1.7 rescanned"
    assert path.parent == tmp_path / "incoming" and "hồ" not in path.name
    a.done(again[0], "d-0123456789abcdef")


def test_folder_inbox_waits_for_a_file_to_settle(repo: Repository, tmp_path: Path) -> None:
    """A scan still being written into the folder inbox is not taken until it stops changing."""
    inbox_dir = tmp_path / "inbox"
    store = LocalObjectStore(inbox_dir, any_keys=True)
    inbox = Inbox(store, repo, "local-inbox")
    (inbox_dir / "Phường 1").mkdir()
    path = inbox_dir / "Phường 1" / "hồ sơ 7.pdf"
    path.write_bytes(b"%PDF-1.7 half")
    assert inbox.poll(settle=30) == []
    old = time.time() - 60
    os.utime(path, (old, old))  # the scanner finished a minute ago
    taken = inbox.poll(settle=30)
    assert [o.key for o in taken] == ["Phường 1/hồ sơ 7.pdf"]
    assert inbox.poll(settle=30) == []
