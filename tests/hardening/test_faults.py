"""The object store, the database or the disk goes away mid-batch; a re-run finishes the batch.

Real servers and real file systems: moto's S3 server (``ThreadedMotoServer``) on loopback
stopped between two dossiers and started again; the SQLite file locked by another writer;
a small tmpfs filled to the last byte (when this process may mount one, else a store whose
file writes fail with ENOSPC). The batch is two one-page 100 DPI dossiers: the first is
stored before the fault, the second meets it.
"""

from __future__ import annotations

import contextlib
import errno
import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

import pytest
from moto.server import ThreadedMotoServer
from pypdf import PdfReader

import storage.db
from sohoa.errors import StorageError
from sohoa.pipeline import BatchResult, Pipeline
from sohoa.settings import Settings
from storage.factory import object_store_from_settings, repository_from_settings
from storage.minio_store import MinioObjectStore
from storage.objectstore import LocalObjectStore, ObjectStore
from storage.repository import Repository
from tests.hardening import invariants
from tests.hardening.conftest import expected_by_sha, tiny_batch
from tests.storage.conftest import _as_postgres, _pg_bin, free_port

PAGES = (1, 1)
THREE = (1, 1, 1)  # the fault meets a dossier being finished and one being started


def _run(settings: Settings, store: ObjectStore, repo: Repository, folder: Path,
         after_first: Callable[[], None] | None = None) -> BatchResult:
    """One ``Pipeline.run``; ``after_first`` is called once the first dossier is done."""
    done: list[str] = []

    def progress(name: str, _n: int) -> None:
        done.append(name)
        if len(done) == 1 and after_first is not None:
            after_first()

    return Pipeline(settings, store, repo, workers=1, progress=progress).run([folder])


def _assert_stored_once(repo: Repository, store: ObjectStore, expected: dict[str, int]) -> None:
    """Every source stored once, processed and complete in ``store``; no key outside those dossiers."""
    infos = repo.list_dossiers()
    assert sorted(i.sha256 for i in infos) == sorted(expected)
    assert all(i.status == "processed" and i.page_count == expected[i.sha256] for i in infos)
    for info in infos:
        keys = set(store.list(info.dossier_id + "/"))
        assert {f"{info.dossier_id}/{n}" for n in ("record.json", "searchable.pdf", "source.pdf",
                                                   "0001_prepared.png", "0001_ocr.json")} <= keys
        assert json.loads(store.get_bytes(f"{info.dossier_id}/record.json"))["dossier_id"] == info.dossier_id
        assert len(PdfReader(io.BytesIO(store.get_bytes(f"{info.dossier_id}/searchable.pdf"))).pages) == 1
    assert {k.split("/", 1)[0] for k in store.list()} == {i.dossier_id for i in infos}


# -- the object store -----------------------------------------------------------------------------


def test_object_store_going_away_fails_the_dossier_and_a_rerun_finishes(tmp_path: Path) -> None:
    batch = tiny_batch(tmp_path / "in", THREE)
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    settings = Settings(data_dir=tmp_path / "data", s3_endpoint=f"127.0.0.1:{port}", s3_secure=False,
                        s3_access_key="AKIAHARDENING0001", s3_secret_key="hardening-secret-key")
    repo = repository_from_settings(settings)
    store = object_store_from_settings(settings)  # the stages that open their own store get the same bucket
    assert isinstance(store, MinioObjectStore)
    try:
        first = _run(settings, store, repo, tmp_path / "in", after_first=server.stop)
        assert [o.status for o in first.outcomes] == ["processed", "failed", "failed"]
        for failed in first.outcomes[1:]:
            reason = failed.reason or ""
            assert "cannot reach the S3 endpoint" in reason and f"127.0.0.1:{port}" in reason
        assert len(repo.list_dossiers()) == 1  # the failed dossiers left no row behind

        server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)  # it comes back
        server.start()
        second = _run(settings, store, repo, tmp_path / "in")
        assert [o.status for o in second.outcomes] == ["skipped", "processed", "processed"]
        _assert_stored_once(repo, store, expected_by_sha(batch))
        assert invariants.integrity_ok(settings.data_dir / "sohoa.db")
    finally:
        with contextlib.suppress(Exception):
            server.stop()


# -- the database ---------------------------------------------------------------------------------


@contextlib.contextmanager
def _write_locked(db: Path) -> Iterator[Callable[[], None]]:
    """Yield a function that makes another connection take the database's write lock until the block ends."""
    conn = sqlite3.connect(db, isolation_level=None)

    def lock() -> None:
        conn.execute("BEGIN EXCLUSIVE")

    try:
        yield lock
    finally:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        conn.close()


def test_database_locked_mid_batch_stops_cleanly_and_a_rerun_finishes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(storage.db, "SQLITE_BUSY_MS", 300)  # give up after 0.3 s, not 30 s
    batch = tiny_batch(tmp_path / "in", PAGES)
    data = tmp_path / "data"
    settings = Settings(data_dir=data)
    repo = repository_from_settings(settings)
    store = LocalObjectStore(settings.objects_dir)
    with _write_locked(data / "sohoa.db") as lock, pytest.raises(StorageError) as caught:
        _run(settings, store, repo, tmp_path / "in", after_first=lock)
    assert "metadata database unavailable" in caught.value.message and "locked" in caught.value.message
    state = invariants.check(data, expected_by_sha(batch), finished=False)
    assert len(state.processed) == 1 and len(state.orphan_prefixes) >= 1  # objects go before the commit

    again = _run(settings, store, repo, tmp_path / "in")
    assert [o.status for o in again.outcomes] == ["skipped", "processed"]
    invariants.check(data, expected_by_sha(batch), finished=True)


def test_database_unreachable_at_start_is_one_clear_line_and_exit_1(tmp_path: Path) -> None:
    tiny_batch(tmp_path / "in", (1,))
    url = f"postgresql+psycopg://sohoa@127.0.0.1:{free_port()}/sohoa"  # nothing listens there
    env = {**os.environ, "SOHOA_DATA_DIR": str(tmp_path / "data"), "SOHOA_DATABASE_URL": url}
    done = subprocess.run([sys.executable, "-m", "sohoa", "run", str(tmp_path / "in"), "--workers", "1"],
                          check=False, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stderr
    assert "database" in done.stderr and "Traceback" not in done.stderr
    assert not list((tmp_path / "data" / "objects").rglob("*.json"))  # nothing processed blind


# -- the disk -------------------------------------------------------------------------------------


@contextlib.contextmanager
def _small_tmpfs(where: Path, size: str = "32m") -> Iterator[bool]:
    """Mount a tmpfs at ``where`` if this process may (root); yield whether it did."""
    where.mkdir(parents=True)
    mount = ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)]
    mounted = os.geteuid() == 0 and subprocess.run(mount, check=False, capture_output=True).returncode == 0
    try:
        yield mounted
    finally:
        if mounted:
            subprocess.run(["umount", "-l", str(where)], check=False, capture_output=True)


def _fill(folder: Path) -> Path:
    """Write a ballast file until the file system is full."""
    ballast = folder / "ballast"
    with contextlib.suppress(OSError), ballast.open("wb") as fh:
        while True:
            fh.write(b"\0" * (1 << 20))
            fh.flush()
    with contextlib.suppress(OSError), ballast.open("ab") as fh:  # the last partial block
        while True:
            fh.write(b"\0" * 4096)
            fh.flush()
    return ballast


class _DiskFullStore(LocalObjectStore):
    """A local store on a disk that is full once ``full`` is set: file writes fail with ENOSPC."""

    full = False

    def put_stream(self, key: str, stream: BinaryIO, length: int = -1) -> None:
        if not self.full:
            super().put_stream(key, stream, length)
            return
        with self._atomic(key):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def put_bytes(self, key: str, data: bytes) -> None:
        self.put_stream(key, io.BytesIO(data), len(data))


def test_disk_full_is_a_clear_storage_error_and_a_rerun_after_freeing_space_finishes(tmp_path: Path) -> None:
    batch = tiny_batch(tmp_path / "in", THREE)
    data = tmp_path / "data"
    with _small_tmpfs(data) as mounted:
        settings = Settings(data_dir=data)
        repo = repository_from_settings(settings)
        store = LocalObjectStore(settings.objects_dir) if mounted else _DiskFullStore(settings.objects_dir)
        ballast: list[Path] = []

        def disk_fills() -> None:
            if isinstance(store, _DiskFullStore):
                store.full = True
            else:
                ballast.append(_fill(data))

        first = _run(settings, store, repo, tmp_path / "in", after_first=disk_fills)
        assert [o.status for o in first.outcomes] == ["processed", "failed", "failed"]
        for failed in first.outcomes[1:]:
            assert "No space left on device" in (failed.reason or ""), failed.reason
        assert invariants.integrity_ok(data / "sohoa.db")

        for path in ballast:  # space is freed
            path.unlink()
        if isinstance(store, _DiskFullStore):
            store.full = False
        again = _run(settings, store, repo, tmp_path / "in")
        assert [o.status for o in again.outcomes] == ["skipped", "processed", "processed"]
        invariants.check(data, expected_by_sha(batch), finished=True)
        storage.db.dispose_engine(settings.sqlalchemy_url)  # before the tmpfs goes


@pytest.mark.postgres
def test_postgresql_going_away_mid_batch_stops_cleanly_and_a_rerun_finishes(tmp_path: Path) -> None:
    bindir = _pg_bin()
    if bindir is None:
        pytest.skip("PostgreSQL server binaries not installed (Debian's postgresql package)")
    batch = tiny_batch(tmp_path / "in", PAGES)
    with _own_postgres(bindir) as (url, stop, start):
        settings = Settings(data_dir=tmp_path / "data", database_url=url)
        repo = repository_from_settings(settings)
        store = LocalObjectStore(settings.objects_dir)
        with pytest.raises(StorageError) as caught:
            _run(settings, store, repo, tmp_path / "in", after_first=stop)
        assert "metadata database unavailable" in caught.value.message
        start()
        again = _run(settings, store, repo, tmp_path / "in")
        assert [o.status for o in again.outcomes] == ["skipped", "processed"]
        _assert_stored_once(repo, store, expected_by_sha(batch))
        storage.db.dispose_engine(url)


@contextlib.contextmanager
def _own_postgres(bindir: Path) -> Iterator[tuple[str, Callable[[], None], Callable[[], None]]]:
    """A PostgreSQL server of this test's own (the shared one must not be stopped): url, stop, start."""
    root = Path(tempfile.mkdtemp(prefix="sohoa-pg-"))  # outside pytest's 0700 folders: postgres reads it
    data, port = root / "data", free_port()
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    subprocess.run(_as_postgres([str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust",
                                 "-E", "UTF8", "--no-locale", "--no-sync"]), check=True, capture_output=True)
    ctl = [str(bindir / "pg_ctl"), "-D", str(data), "-l", str(root / "log"), "-w", "-t", "60"]
    options = ["-o", f"-k {root} -p {port} -h 127.0.0.1 -c fsync=off"]

    def start() -> None:
        subprocess.run(_as_postgres([*ctl, *options, "start"]), check=True, capture_output=True)

    def stop() -> None:
        subprocess.run(_as_postgres([*ctl, "-m", "immediate", "stop"]), check=False, capture_output=True)

    start()
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres", stop, start
    finally:
        stop()
        shutil.rmtree(root, ignore_errors=True)
