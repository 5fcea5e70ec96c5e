"""The MinIO backend of the object store (any S3-compatible server), with the ``minio`` client.

Large objects go up as multipart uploads read part by part from the stream, so a
file is never held whole in memory: at most a few parts (``parallel_uploads``
parts in flight, each buffered while signed and sent). Failures become
``StorageError`` with a reason a clerk can act on (wrong key, endpoint
unreachable, bucket missing); a missing object is ``NotFound``.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable, Iterator
from typing import BinaryIO, TypeVar, cast

import urllib3
from minio import Minio
from minio.error import InvalidResponseError, S3Error, ServerError
from urllib3.exceptions import HTTPError as Urllib3Error

from sohoa.errors import NotFound, StorageError, UsageError
from storage.keys import check_any_key, check_key
from storage.objectstore import CHUNK, ObjectInfo

log = logging.getLogger(__name__)

T = TypeVar("T")
MIN_PART = 5 * 1024 * 1024
CREDENTIAL_CODES = {"InvalidAccessKeyId", "SignatureDoesNotMatch", "AccessDenied", "InvalidToken",
                    "ExpiredToken", "AuthorizationHeaderMalformed"}
MISSING_CODES = {"NoSuchKey", "NoSuchObject"}


def http_client(connect_timeout: float = 5.0, read_timeout: float = 60.0,
                retries: int = 2) -> urllib3.PoolManager:
    """A connection pool with short timeouts and a few retries, so a dead endpoint fails in seconds."""
    retry = urllib3.Retry(total=retries, connect=retries, read=retries, backoff_factor=0.2,
                          status_forcelist=(500, 502, 503, 504), allowed_methods=None,
                          respect_retry_after_header=False)
    return urllib3.PoolManager(timeout=urllib3.Timeout(connect=connect_timeout, read=read_timeout),
                               retries=retry, maxsize=10)


class MinioObjectStore:
    """Objects in one bucket of a MinIO (S3-compatible) server."""

    def __init__(
        self,
        endpoint: str,
        access_key: str,
        secret_key: str,
        bucket: str,
        *,
        secure: bool = True,
        region: str = "us-east-1",
        part_size: int = 16 * 1024 * 1024,
        create_bucket: bool = True,
        any_keys: bool = False,
        parallel_uploads: int = 2,
        http: urllib3.PoolManager | None = None,
    ) -> None:
        if part_size < MIN_PART:
            raise UsageError(f"S3 part size {part_size} below the 5 MiB minimum")
        self.endpoint = endpoint
        self.bucket = bucket
        self.part_size = part_size
        self.parallel_uploads = max(1, parallel_uploads)
        self._check: Callable[[str], str] = check_any_key if any_keys else check_key
        self.client = Minio(endpoint, access_key=access_key, secret_key=secret_key, secure=secure,
                            region=region, http_client=http or http_client())
        self._bucket_ready = not create_bucket

    def _call(self, what: str, key: str | None, fn: Callable[[], T]) -> T:
        """Run one client call, translating the client's errors into ours."""
        try:
            return fn()
        except (S3Error, ServerError, InvalidResponseError, Urllib3Error, OSError) as e:
            raise self._error(what, key, e) from e

    def _error(self, what: str, key: str | None, e: Exception) -> Exception:
        """Our error for one of the client's: NotFound, or a StorageError saying what to check."""
        where = f"s3://{self.bucket}/{key}" if key else f"s3://{self.bucket}"
        if isinstance(e, S3Error):
            if e.code in MISSING_CODES:
                return NotFound(f"no object {key!r} in bucket {self.bucket}")
            if e.code in CREDENTIAL_CODES:
                return StorageError(f"{what} {where}: the S3 endpoint {self.endpoint} refused the "
                                    f"credentials ({e.code}); check SOHOA_S3_ACCESS_KEY and "
                                    "SOHOA_S3_SECRET_KEY")
            return StorageError(f"{what} {where} failed on {self.endpoint}: {e.code}")
        if isinstance(e, ServerError | InvalidResponseError):
            return StorageError(f"{what} {where}: the S3 endpoint {self.endpoint} answered with an error "
                                f"({type(e).__name__})")
        return StorageError(f"{what} {where}: cannot reach the S3 endpoint {self.endpoint} "
                            f"({type(e).__name__}); check SOHOA_S3_ENDPOINT and the network")

    def ensure_bucket(self) -> None:
        """Create the bucket if it does not exist yet."""
        if self._bucket_ready:
            return

        def make() -> None:
            if not self.client.bucket_exists(self.bucket):
                try:
                    self.client.make_bucket(self.bucket)
                except S3Error as e:  # another process made it first
                    if e.code not in ("BucketAlreadyOwnedByYou", "BucketAlreadyExists"):
                        raise

        self._call("create bucket", None, make)
        self._bucket_ready = True

    def put_bytes(self, key: str, data: bytes) -> None:
        """Store ``data`` (one PUT; S3 makes it visible atomically)."""
        self.put_stream(key, io.BytesIO(data), len(data))

    def put_stream(self, key: str, stream: BinaryIO, length: int = -1) -> None:
        """Stream ``stream`` up; multipart in ``part_size`` parts when long or of unknown length."""
        self._check(key)
        self.ensure_bucket()
        self._call("upload", key, lambda: self.client.put_object(
            self.bucket, key, stream, length, part_size=self.part_size,
            num_parallel_uploads=self.parallel_uploads))
        log.debug("stored s3://%s/%s", self.bucket, key)

    def get_bytes(self, key: str) -> bytes:
        """Read the whole object."""
        with self.open(key) as fh:
            return fh.read()

    def open(self, key: str) -> BinaryIO:
        """Open the object for streaming reads (a file-like object; close it when done)."""
        self._check(key)
        response = self._call("download", key, lambda: self.client.get_object(self.bucket, key))
        return cast(BinaryIO, io.BufferedReader(_ResponseReader(response, key), CHUNK))

    def download(self, key: str, path: str) -> None:
        """Stream the object into a local file."""
        self._check(key)
        self._call("download", key, lambda: self.client.fget_object(self.bucket, key, path))

    def stat(self, key: str) -> ObjectInfo:
        """Size and ETag of the object; ``NotFound`` if absent."""
        self._check(key)
        st = self._call("stat", key, lambda: self.client.stat_object(self.bucket, key))
        return ObjectInfo(key=key, size=int(st.size or 0), etag=(st.etag or "").strip('"'))

    def exists(self, key: str) -> bool:
        """Whether an object is stored under ``key``."""
        try:
            self.stat(key)
        except NotFound:
            return False
        return True

    def list(self, prefix: str = "") -> Iterator[str]:
        """Keys under ``prefix``, in lexical order."""
        for info in self.list_info(prefix):
            yield info.key

    def list_info(self, prefix: str = "") -> Iterator[ObjectInfo]:
        """Key, size and ETag of every object under ``prefix``, in lexical order (read page by page)."""
        self.ensure_bucket()
        items = self.client.list_objects(self.bucket, prefix=prefix or None, recursive=True)
        try:
            for o in items:
                if o.object_name is not None and not o.is_dir:
                    yield ObjectInfo(key=o.object_name, size=int(o.size or 0), etag=(o.etag or "").strip('"'),
                                     modified=o.last_modified.timestamp() if o.last_modified else None)
        except (S3Error, ServerError, InvalidResponseError, Urllib3Error, OSError) as e:
            raise self._error("list", prefix or None, e) from e

    def delete(self, key: str) -> None:
        """Remove the object (no error if absent)."""
        self._check(key)
        self._call("delete", key, lambda: self.client.remove_object(self.bucket, key))


class _ResponseReader(io.RawIOBase):
    """A readable file over a urllib3 response that releases the connection on close."""

    def __init__(self, response: urllib3.BaseHTTPResponse, key: str) -> None:
        self._response = response
        self._key = key

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        try:
            data = self._response.read(len(buffer))
        except (Urllib3Error, OSError) as e:
            raise StorageError(f"download of {self._key!r} interrupted ({type(e).__name__})") from e
        n = len(data)
        buffer[:n] = data
        return n

    def close(self) -> None:
        if not self.closed:
            self._response.close()
            self._response.release_conn()
        super().close()
