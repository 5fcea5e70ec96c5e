"""The object-store interface, and its embedded default: a local folder.

Keys are ``/``-separated relative paths built by ``storage.keys``; the same key
names the same object in the local folder and in a MinIO bucket. Writes are
atomic: a reader sees the whole object or none of it.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol, runtime_checkable

from sohoa.errors import NotFound, StorageError
from storage.keys import check_any_key, check_key

log = logging.getLogger(__name__)

CHUNK = 1024 * 1024


@dataclass(frozen=True)
class ObjectInfo:
    """What a listing or a stat tells about one object: its key, size and ETag (a change tag)."""

    key: str
    size: int
    etag: str
    modified: float | None = None  # seconds since the epoch, when known


@runtime_checkable
class ObjectStore(Protocol):
    """What every object-store backend offers."""

    def put_bytes(self, key: str, data: bytes) -> None:
        """Store ``data`` under ``key``, replacing any previous object atomically."""

    def put_stream(self, key: str, stream: BinaryIO, length: int = -1) -> None:
        """Store a stream under ``key`` without holding it whole in memory."""

    def get_bytes(self, key: str) -> bytes:
        """Return the object's bytes; ``NotFound`` if absent."""

    def open(self, key: str) -> BinaryIO:
        """Open the object for streaming reads; ``NotFound`` if absent."""

    def exists(self, key: str) -> bool:
        """Whether an object is stored under ``key``."""

    def list(self, prefix: str = "") -> Iterator[str]:
        """Keys under ``prefix``, in lexical order."""

    def delete(self, key: str) -> None:
        """Remove the object (no error if absent)."""

    def stat(self, key: str) -> ObjectInfo:
        """Size and ETag of the object; ``NotFound`` if absent."""


TEMP_PREFIX = ".tmp-"
TEMP_NAME = re.compile(r"\.tmp-[a-z0-9_]{8}")  # exactly what ``tempfile.mkstemp(prefix=TEMP_PREFIX)`` makes
STALE_TEMP_SECONDS = 3600.0
_swept: set[Path] = set()
_swept_lock = threading.Lock()


class LocalObjectStore:
    """Objects as files under a root folder; writes go to a temp file then ``os.replace``.

    The first time a process opens a root, temp files of writes interrupted (SIGKILL, power cut) more
    than an hour ago are removed; a write still running keeps its temp file's time fresh."""

    def __init__(self, root: Path, *, any_keys: bool = False) -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self._check = check_any_key if any_keys else check_key
        self._sweep_once()

    def _sweep_once(self) -> None:
        root = self.root.resolve()
        with _swept_lock:
            if root in _swept:
                return
            _swept.add(root)
        removed = self.remove_stale_temp_files()
        if removed:
            log.warning("removed %d temp file(s) of interrupted writes under %s", removed, self.root)

    def remove_stale_temp_files(self, older_than: float = STALE_TEMP_SECONDS) -> int:
        """Delete the temp files of interrupted atomic writes last changed more than ``older_than`` seconds
        ago; return how many. Only names ``tempfile`` made for a write here are touched."""
        cutoff = time.time() - older_than
        removed = 0
        for folder, _dirs, names in os.walk(self.root):
            for name in names:
                if not TEMP_NAME.fullmatch(name):
                    continue
                path = os.path.join(folder, name)
                try:
                    if os.stat(path).st_mtime < cutoff:
                        os.unlink(path)
                        removed += 1
                except FileNotFoundError:
                    continue  # finished or removed meanwhile
        return removed

    def _path(self, key: str) -> Path:
        return self.root / self._check(key)

    def put_bytes(self, key: str, data: bytes) -> None:
        """Store ``data`` atomically."""
        with self._atomic(key) as fh:
            fh.write(data)

    def put_stream(self, key: str, stream: BinaryIO, length: int = -1) -> None:
        """Copy ``stream`` in 1 MiB chunks into the object, atomically."""
        with self._atomic(key) as fh:
            shutil.copyfileobj(stream, fh, CHUNK)

    def get_bytes(self, key: str) -> bytes:
        """Read the whole object."""
        with self.open(key) as fh:
            return fh.read()

    def open(self, key: str) -> BinaryIO:
        """Open for reading."""
        try:
            return self._path(key).open("rb")
        except FileNotFoundError as e:
            raise NotFound(f"no object {key!r}") from e
        except OSError as e:
            raise StorageError(f"cannot read object {key!r}: {e.strerror}") from e

    def exists(self, key: str) -> bool:
        """Whether the file exists."""
        return self._path(key).is_file()

    def list(self, prefix: str = "") -> Iterator[str]:
        """Every key under ``prefix`` (temp files of unfinished writes excluded)."""
        keys = []
        head = prefix.rsplit("/", 1)[0] if "/" in prefix else ""
        base = self.root / self._check(head) if head else self.root  # walk only below the prefix
        for path in base.rglob("*"):
            if path.is_file() and not path.name.startswith(TEMP_PREFIX):
                key = path.relative_to(self.root).as_posix()
                if key.startswith(prefix):
                    keys.append(key)
        yield from sorted(keys)

    def delete(self, key: str) -> None:
        """Remove the file if present."""
        self._path(key).unlink(missing_ok=True)

    def list_info(self, prefix: str = "") -> Iterator[ObjectInfo]:
        """Key, size and change tag of every object under ``prefix``, in lexical order."""
        for key in self.list(prefix):
            try:
                yield self.stat(key)
            except NotFound:
                continue  # removed while listing

    def stat(self, key: str) -> ObjectInfo:
        """Size and a change tag (size and modification time) of the file."""
        try:
            st = self._path(key).stat()
        except FileNotFoundError as e:
            raise NotFound(f"no object {key!r}") from e
        return ObjectInfo(key=key, size=st.st_size, etag=f"{st.st_size:x}-{st.st_mtime_ns:x}",
                          modified=st.st_mtime)

    def _atomic(self, key: str) -> _AtomicFile:
        return _AtomicFile(self._path(key), key)


class _AtomicFile:
    """Context manager: a temp file beside the target, fsynced and renamed on success."""

    def __init__(self, target: Path, key: str) -> None:
        self.target = target
        self.key = key

    def __enter__(self) -> BinaryIO:
        try:
            self.target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=TEMP_PREFIX, dir=self.target.parent)
        except OSError as e:
            raise StorageError(f"cannot write object {self.key!r}: {e.strerror}") from e
        self.tmp = Path(tmp)
        self.fh = os.fdopen(fd, "wb")
        return self.fh

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        try:
            if exc_type is None:
                self.fh.flush()
                os.fsync(self.fh.fileno())
            self.fh.close()
            if exc_type is None:
                os.replace(self.tmp, self.target)
        except OSError as e:
            raise StorageError(f"cannot write object {self.key!r}: {e.strerror}") from e
        finally:
            self.tmp.unlink(missing_ok=True)
        if isinstance(exc, OSError):  # a write in the body failed (disk full, I/O error): our error, not a raw one
            raise StorageError(f"cannot write object {self.key!r}: {exc.strerror or exc}") from exc
