"""The inbox: scans dropped into a bucket (or folder) are taken up exactly once.

New objects are found two ways: by listing the inbox, and from MinIO's
bucket-notification webhook (``s3:ObjectCreated:*`` events). Either way an
object is *claimed* by inserting ``(bucket, key, etag)`` into ``inbox_claims``;
the primary key lets exactly one watcher win, however many saw the object. A
re-uploaded file (new ETag) is a new object. Client file names never become
local paths: a fetched scan is named by the hash of its key.
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote_plus

from sohoa.errors import NotFound, UsageError
from storage.objectstore import CHUNK, ObjectInfo, ObjectStore
from storage.repository import Repository

log = logging.getLogger(__name__)

SCAN_SUFFIXES = frozenset({".pdf", ".tif", ".tiff", ".jpg", ".jpeg", ".png"})


@dataclass(frozen=True)
class InboxObject:
    """One object in the inbox: bucket, key (as the client named it), ETag and size."""

    bucket: str
    key: str
    etag: str
    size: int = 0

    @property
    def local_name(self) -> str:
        """A safe local file name: hash of bucket, key and ETag, plus a known scan suffix."""
        digest = hashlib.sha256(f"{self.bucket}\0{self.key}\0{self.etag}".encode()).hexdigest()[:20]
        suffix = PurePosixPath(self.key).suffix.lower()
        return f"inbox-{digest}{suffix if suffix in SCAN_SUFFIXES else '.bin'}"


def parse_notification(body: bytes | str | Mapping[str, Any]) -> list[InboxObject]:
    """The objects created according to one MinIO webhook event (other events are ignored).

    MinIO posts ``{"EventName": ..., "Key": "bucket/key", "Records": [{"eventName":
    "s3:ObjectCreated:Put", "s3": {"bucket": {"name": ...}, "object": {"key": <URL-encoded>,
    "size": ..., "eTag": ...}}}]}``.
    """
    if isinstance(body, bytes | str):
        try:
            body = json.loads(body)
        except (json.JSONDecodeError, UnicodeDecodeError) as e:
            raise UsageError("bucket notification is not valid JSON") from e
    if not isinstance(body, Mapping):
        raise UsageError("bucket notification is not a JSON object")
    records = body.get("Records") or []
    if not isinstance(records, list):
        raise UsageError("bucket notification: 'Records' is not a list")
    return [obj for r in records if (obj := _created(r)) is not None]


def _created(record: Any) -> InboxObject | None:
    try:
        name = str(record.get("eventName", ""))
        if not name.removeprefix("s3:").startswith("ObjectCreated:"):
            return None
        s3 = record["s3"]
        obj = s3["object"]
        return InboxObject(bucket=str(s3["bucket"]["name"]), key=unquote_plus(str(obj["key"])),
                           etag=str(obj.get("eTag") or obj.get("etag") or "").strip('"'),
                           size=int(obj.get("size") or 0))
    except (AttributeError, KeyError, TypeError, ValueError) as e:
        raise UsageError(f"bucket notification: malformed record ({type(e).__name__})") from e


class Inbox:
    """One watcher's view of the inbox; many watchers may share one database."""

    def __init__(self, store: ObjectStore, repo: Repository, bucket: str, *, prefix: str = "") -> None:
        self.store = store
        self.repo = repo
        self.bucket = bucket
        self.prefix = prefix

    def _list(self) -> Iterable[ObjectInfo]:
        list_info = getattr(self.store, "list_info", None)
        if list_info is not None:
            return list_info(self.prefix)
        return (self.store.stat(k) for k in self.store.list(self.prefix))

    def poll(self, settle: float = 0.0) -> list[InboxObject]:
        """List the inbox and claim every object not taken yet; return the ones this watcher won.

        With ``settle`` > 0, files changed less than ``settle`` seconds ago are left for a later
        poll (a scanner may still be writing into a folder inbox; S3 objects appear whole).
        """
        cutoff = time.time() - settle
        seen = [InboxObject(self.bucket, i.key, i.etag, i.size) for i in self._list()
                if settle <= 0 or i.modified is None or i.modified <= cutoff]
        return self._claim_all(seen)

    def accept(self, body: bytes | str | Mapping[str, Any]) -> list[InboxObject]:
        """Claim the objects a webhook event announces (events of other buckets are ignored)."""
        objects = [o for o in parse_notification(body) if o.bucket == self.bucket]
        return self._claim_all([self._with_etag(o) for o in objects])

    def _with_etag(self, obj: InboxObject) -> InboxObject:
        if obj.etag:
            return obj
        info = self.store.stat(obj.key)
        return InboxObject(obj.bucket, obj.key, info.etag, info.size)

    def _claim_all(self, objects: Iterable[InboxObject]) -> list[InboxObject]:
        claimed = self.repo.claimed(self.bucket)
        won = [o for o in objects
               if (o.key, o.etag) not in claimed and self.repo.claim_inbox_object(o.bucket, o.key, o.etag)]
        if won:
            log.info("claimed %d new inbox object(s) in %s", len(won), self.bucket)
        return won

    def fetch(self, obj: InboxObject, dest_dir: Path) -> Path:
        """Copy a claimed object into ``dest_dir`` under a safe name, streaming; return the path."""
        dest_dir.mkdir(parents=True, exist_ok=True)
        path = dest_dir / obj.local_name
        tmp = path.with_suffix(path.suffix + ".part")
        try:
            with self.store.open(obj.key) as src, tmp.open("wb") as out:
                shutil.copyfileobj(src, out, CHUNK)
            tmp.replace(path)
        except NotFound:
            tmp.unlink(missing_ok=True)
            self.repo.release_claim(obj.bucket, obj.key, obj.etag)
            raise
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        return path

    def done(self, obj: InboxObject, dossier_id: str | None) -> None:
        """Record the dossier the object became."""
        self.repo.finish_claim(obj.bucket, obj.key, obj.etag, dossier_id)

    def give_back(self, obj: InboxObject) -> None:
        """Release the claim so a later poll retries the object (after a transient failure)."""
        self.repo.release_claim(obj.bucket, obj.key, obj.etag)
