"""Real servers on loopback for the storage tests.

* ``s3``: moto's S3-compatible HTTP server (``ThreadedMotoServer``) in a child process on
  127.0.0.1 and a free port, with request signing enforced (an IAM user with an ``s3:*`` policy
  is created first; every later request must be signed with its key).
* ``pg``: Debian's PostgreSQL, ``initdb`` into a temporary directory and started on
  127.0.0.1 and a free port (as the ``postgres`` user when the tests run as root).

Both are started once per session and stopped at the end. ``db_url`` runs a test on
SQLite and on PostgreSQL, each time on a fresh database.
"""

from __future__ import annotations

import contextlib
import glob
import json
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import psycopg
import pytest

from storage.db import dispose_engine, migrate, session_factory
from storage.minio_store import MinioObjectStore
from storage.repository import Repository

MOTO_CHILD = """
import sys, time
from moto.server import ThreadedMotoServer
server = ThreadedMotoServer(ip_address="127.0.0.1", port=int(sys.argv[1]))
server.start()
while True:  # until the parent terminates us
    time.sleep(3600)
"""


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for_port(port: int, timeout: float = 30.0) -> None:
    """Block until something accepts connections on 127.0.0.1:port."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listening on 127.0.0.1:{port} after {timeout}s")


@dataclass(frozen=True)
class S3Server:
    """A running S3-compatible server and the credentials it accepts."""

    host: str  # "127.0.0.1:PORT", as the minio client wants it
    url: str  # "http://127.0.0.1:PORT", as boto3 wants it
    access_key: str
    secret_key: str

    def store(self, bucket: str | None = None, **kwargs: Any) -> MinioObjectStore:
        """A MinioObjectStore on a fresh (or the given) bucket, with small parts."""
        kwargs.setdefault("part_size", 5 * 1024 * 1024)
        name = bucket or f"t-{uuid.uuid4().hex[:12]}"
        return MinioObjectStore(self.host, self.access_key, self.secret_key, name, secure=False, **kwargs)

    def boto3(self) -> Any:
        """A boto3 S3 client: a different standard client than the one sohoa uses."""
        return boto3.client("s3", endpoint_url=self.url, region_name="us-east-1",
                            aws_access_key_id=self.access_key, aws_secret_access_key=self.secret_key)


@pytest.fixture(scope="session")
def s3() -> Iterator[S3Server]:
    """moto's S3 server on loopback in a child process, enforcing signed requests."""
    port = free_port()
    env = dict(os.environ, INITIAL_NO_AUTH_ACTION_COUNT="3")  # 3 unsigned IAM calls to make the user
    child = subprocess.Popen([sys.executable, "-c", MOTO_CHILD, str(port)], env=env, stdin=subprocess.DEVNULL,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for_port(port)
        iam = boto3.client("iam", endpoint_url=f"http://127.0.0.1:{port}", region_name="us-east-1",
                           aws_access_key_id="AKIABOOTSTRAP000", aws_secret_access_key="bootstrap-secret")
        iam.create_user(UserName="sohoa")
        allow_s3 = {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}
        policy = {"Version": "2012-10-17", "Statement": [allow_s3]}
        iam.put_user_policy(UserName="sohoa", PolicyName="s3-all", PolicyDocument=json.dumps(policy))
        key = iam.create_access_key(UserName="sohoa")["AccessKey"]
        host = f"127.0.0.1:{port}"
        yield S3Server(host, f"http://{host}", key["AccessKeyId"], key["SecretAccessKey"])
    finally:
        child.terminate()  # the server keeps nothing worth a graceful stop
        try:
            child.wait(timeout=10)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


# -- PostgreSQL --------------------------------------------------------------------------------


def _pg_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


def _as_postgres(cmd: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return cmd
    return ["runuser", "-u", "postgres", "--", *cmd]


@dataclass(frozen=True)
class PgServer:
    """A running PostgreSQL server on loopback."""

    port: int

    def new_database(self) -> str:
        """Create an empty database; return its SQLAlchemy URL."""
        name = f"t_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres",
                             autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{name}"

    def drop_database(self, url: str) -> None:
        """Drop a database made by ``new_database`` (closing whatever is still connected)."""
        name = url.rsplit("/", 1)[1]
        with psycopg.connect(f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres",
                             autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def pg() -> Iterator[PgServer]:
    """Debian's PostgreSQL, initialised in a temporary directory and started on loopback."""
    bindir = _pg_bin()
    if bindir is None:
        pytest.skip("PostgreSQL server binaries not installed (no /usr/lib/postgresql/*/bin/initdb); "
                    "install Debian's postgresql package")
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        pytest.skip("running as root and no runuser to start PostgreSQL as the postgres user")
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        if os.geteuid() == 0:
            pytest.skip("running as root and no 'postgres' user to run the server as")
    root = Path(tempfile.mkdtemp(prefix="sohoa-pg-"))
    data, sock, port = root / "data", root / "sock", free_port()
    sock.mkdir()
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
        shutil.chown(sock, "postgres", "postgres")
    subprocess.run(_as_postgres([str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust",
                                 "-E", "UTF8", "--no-locale", "--no-sync"]),
                   check=True, capture_output=True)
    options = f"-k {sock} -p {port} -h 127.0.0.1 -c fsync=off -c full_page_writes=off"
    ctl = [str(bindir / "pg_ctl"), "-D", str(data), "-l", str(root / "log"), "-w", "-t", "60"]
    subprocess.run(_as_postgres([*ctl, "-o", options, "start"]), check=True, capture_output=True)
    try:
        yield PgServer(port)
    finally:
        subprocess.run(_as_postgres([*ctl, "-m", "immediate", "stop"]), check=False, capture_output=True)
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database URL: SQLite in a temp folder, then PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'meta.db'}"
        dispose_engine(f"sqlite:///{tmp_path / 'meta.db'}")
        return
    server: PgServer = request.getfixturevalue("pg")
    url = server.new_database()
    yield url
    dispose_engine(url)
    server.drop_database(url)  # keeps the server's data directory small and its removal quick


@pytest.fixture
def repo(db_url: str) -> Repository:
    """A Repository on a migrated fresh database (both backends)."""
    migrate(db_url)
    return Repository(session_factory(db_url))
