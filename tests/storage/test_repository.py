"""The Repository on SQLite and PostgreSQL: round trips, atomic saves, optimistic locking."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from sqlalchemy import event, func, select, text

from sohoa.errors import Conflict, NotFound, StorageError
from sohoa.model import DossierStatus, FieldValue
from storage.db import dispose_engine, get_engine, session_factory
from storage.repository import FIELDS, PAGES, Repository
from tests.storage.conftest import free_port
from tests.storage.dossiers import make_dossier


def test_dossier_round_trips(repo: Repository) -> None:
    dossier = make_dossier(1)
    repo.save_dossier(dossier, commune="Phường Hoàn Kiếm", province="Thành phố Hà Nội")
    assert repo.find_by_sha(dossier.sha256) == dossier.dossier_id
    loaded = repo.load_dossier(dossier.dossier_id)
    assert loaded == dossier
    info = repo.dossier_info(dossier.dossier_id)
    assert (info.commune, info.province, info.version, info.page_count) == (
        "Phường Hoàn Kiếm", "Thành phố Hà Nội", 1, 2)
    assert info.created_at.tzinfo is not None and info.created_at.utcoffset().total_seconds() == 0
    assert unicodedata.is_normalized("NFC", loaded.fields["owner_name"].value or "")


def test_resave_replaces_pages_and_fields(repo: Repository) -> None:
    dossier = make_dossier(2)
    repo.save_dossier(dossier)
    fewer = dossier.model_copy(update={"pages": dossier.pages[:1],
                                       "fields": {"plate_number": dossier.fields["plate_number"]}})
    assert repo.save_dossier(fewer) == 2
    assert repo.load_dossier(dossier.dossier_id) == fewer


def test_rejection_is_recorded_with_reason(repo: Repository) -> None:
    repo.save_rejection("d-00000000000000aa", "hỏng.pdf", "a" * 64, "truncated PDF")
    loaded = repo.load_dossier("d-00000000000000aa")
    assert (loaded.status, loaded.reason, loaded.pages, loaded.fields) == (
        DossierStatus.REJECTED, "truncated PDF", (), {})
    assert repo.find_by_sha("a" * 64) == "d-00000000000000aa"


def test_missing_dossier_is_not_found(repo: Repository) -> None:
    with pytest.raises(NotFound):
        repo.load_dossier("d-nope")
    with pytest.raises(NotFound):
        repo.set_status("d-nope", "approved", expected_version=1)


def test_crash_mid_save_leaves_nothing_and_rerun_completes(repo: Repository, db_url: str) -> None:
    """A failure while writing the fields rolls back the dossier row and its pages too."""
    dossier = make_dossier(3)
    engine = get_engine(db_url)

    def explode(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith("INSERT INTO FIELDS"):
            raise RuntimeError("simulated crash while writing fields")

    event.listen(engine, "before_cursor_execute", explode)
    try:
        with pytest.raises(RuntimeError, match="simulated crash"):
            repo.save_dossier(dossier)
    finally:
        event.remove(engine, "before_cursor_execute", explode)
    assert repo.find_by_sha(dossier.sha256) is None
    with repo.session() as s:
        assert s.execute(select(func.count()).select_from(PAGES)).scalar() == 0
        assert s.execute(select(func.count()).select_from(FIELDS)).scalar() == 0
    repo.save_dossier(dossier)  # the re-run finishes it
    assert repo.load_dossier(dossier.dossier_id) == dossier


CRASHING_SAVE = """
import os, sys
from sqlalchemy import event
from storage.db import get_engine, session_factory
from storage.repository import Repository
from tests.storage.conftest import free_port
from tests.storage.dossiers import make_dossier

url = sys.argv[1]
def die(conn, cursor, statement, *args):
    if statement.lstrip().upper().startswith("INSERT INTO FIELDS"):
        os._exit(9)  # the process dies mid-transaction: no rollback, no cleanup
event.listen(get_engine(url), "before_cursor_execute", die)
Repository(session_factory(url)).save_dossier(make_dossier(9))
"""


def test_process_killed_mid_save_leaves_nothing(repo: Repository, db_url: str) -> None:
    """A worker that dies between the page and field inserts leaves no trace; a re-run stores it all."""
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "-c", CRASHING_SAVE, db_url], cwd=root, timeout=60, check=False,
                          env={**os.environ, "PYTHONPATH": str(root)}, capture_output=True)
    assert done.returncode == 9, done.stderr.decode()[-2000:]
    dossier = make_dossier(9)
    assert repo.find_by_sha(dossier.sha256) is None
    with repo.session() as s:
        assert s.execute(select(func.count()).select_from(PAGES)).scalar() == 0
    repo.save_dossier(dossier)
    assert repo.load_dossier(dossier.dossier_id) == dossier


def test_stale_status_change_conflicts(repo: Repository) -> None:
    dossier = make_dossier(4, flagged=False)
    repo.save_dossier(dossier)
    v1 = repo.dossier_info(dossier.dossier_id).version
    assert repo.set_status(dossier.dossier_id, "reviewed", expected_version=v1) == v1 + 1
    with pytest.raises(Conflict, match="changed by someone else"):
        repo.set_status(dossier.dossier_id, "approved", expected_version=v1)  # the old version
    assert repo.dossier_info(dossier.dossier_id).status == "reviewed"
    with pytest.raises(Conflict):
        repo.save_dossier(dossier, expected_version=v1)


def test_stale_field_edit_conflicts(repo: Repository) -> None:
    dossier = make_dossier(5)
    repo.save_dossier(dossier)
    v = repo.field_versions(dossier.dossier_id)["chassis_number"]
    fixed = FieldValue(value="RLHJC5210MY012346", confidence=1.0, needs_review=False, reviewed=True)
    assert repo.save_field(dossier.dossier_id, "chassis_number", fixed, expected_version=v) == v + 1
    with pytest.raises(Conflict):
        repo.save_field(dossier.dossier_id, "chassis_number", fixed, expected_version=v)
    assert repo.load_dossier(dossier.dossier_id).fields["chassis_number"] == fixed


def test_approve_unflagged_takes_only_clean_dossiers(repo: Repository) -> None:
    clean, flagged = make_dossier(6, flagged=False), make_dossier(7, flagged=True)
    repo.save_dossier(clean)
    repo.save_dossier(flagged)
    repo.save_rejection("d-00000000000000bb", "x.pdf", "b" * 64, "empty file")
    assert repo.approve_unflagged() == [clean.dossier_id]
    assert repo.dossier_info(clean.dossier_id).status == "approved"
    assert repo.dossier_info(flagged.dossier_id).status == "processed"
    with pytest.raises(Conflict, match="still needing review"):
        repo.approve(flagged.dossier_id)
    assert repo.approve_unflagged() == []


def test_iter_records_reads_in_batches(repo: Repository) -> None:
    dossiers = [make_dossier(n) for n in range(10, 15)]
    for d in dossiers:
        repo.save_dossier(d, commune="Xã Đông Anh")
    records = list(repo.iter_records(status="processed", batch=2))
    assert sorted(r[0] for r in records) == sorted(d.dossier_id for d in dossiers)
    by_id = {r[0]: r for r in records}
    assert by_id[dossiers[0].dossier_id][1] == dossiers[0].fields
    assert by_id[dossiers[0].dossier_id][2] == "Xã Đông Anh"


def test_inbox_claim_is_taken_once(repo: Repository) -> None:
    assert repo.claim_inbox_object("inbox", "scan 1.pdf", "etag1") is True
    assert repo.claim_inbox_object("inbox", "scan 1.pdf", "etag1") is False
    assert repo.claim_inbox_object("inbox", "scan 1.pdf", "etag2") is True  # re-uploaded: a new object


def test_field_values_never_reach_the_log(repo: Repository, caplog: pytest.LogCaptureFixture) -> None:
    dossier = make_dossier(8)
    with caplog.at_level(logging.DEBUG):
        repo.save_dossier(dossier)
        repo.load_dossier(dossier.dossier_id)
    for fv in dossier.fields.values():
        if fv.value:
            assert fv.value not in caplog.text


def test_unreachable_database_is_a_storage_error_without_the_password() -> None:
    url = f"postgresql+psycopg://sohoa:s3cret-pw-123@127.0.0.1:{free_port()}/sohoa"
    repo = Repository(session_factory(url))
    try:
        with pytest.raises(StorageError, match="metadata database unavailable") as e:
            repo.find_by_sha("0" * 64)
        assert "s3cret-pw-123" not in str(e.value)
    finally:
        dispose_engine(url)


def test_a_forked_child_uses_its_own_connections(repo: Repository, db_url: str) -> None:
    """After fork the child talks to the database over a new connection, never the parent's."""
    if not db_url.startswith("postgresql"):
        pytest.skip("which connection is used is observable on PostgreSQL (the server's backend pid)")
    backend = text("SELECT pg_backend_pid()")
    with repo.session() as s:
        parent_backend = s.execute(backend).scalar()  # this connection goes back to the pool
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        with repo.session() as s:
            os.write(write, str(s.execute(backend).scalar()).encode())
        os._exit(0)
    os.close(write)
    _, status = os.waitpid(pid, 0)
    child_backend = int(os.read(read, 64).decode())
    assert os.waitstatus_to_exitcode(status) == 0
    assert child_backend != parent_backend
    with repo.session() as s:
        assert s.execute(backend).scalar() == parent_backend  # the parent's connection is intact
