"""Helpers for the queue and parallel tests: a real Redis server, real Celery workers, tiny dossiers.

Not collected by pytest (no ``test_`` prefix). Redis is Debian's ``redis-server`` started
on a free loopback port in a temporary folder, with persistence off; workers are
``celery -A ... worker`` or ``sohoa worker`` subprocesses in their own process group,
so a test can SIGKILL a worker and all its children at once.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

import pytest
import redis
from PIL import Image

from sohoa.samples.render import text_page

REDIS_SERVER = "/usr/bin/redis-server"
VENV_BIN = Path(sys.executable).parent


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def redis_server(folder: Path) -> Iterator[str]:
    """Start a real redis-server on loopback in ``folder``; yield its URL; stop it."""
    if not Path(REDIS_SERVER).is_file():
        pytest.skip("Debian's redis-server is not installed (apt-get install redis-server)")
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    cmd = [REDIS_SERVER, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
           "--dir", str(folder), "--logfile", str(folder / "redis.log")]
    proc = subprocess.Popen(cmd, cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    url = f"redis://127.0.0.1:{port}/0"
    try:
        client = redis.Redis.from_url(url)
        wait_for(lambda: _pings(client), 15, "redis-server to answer")
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _pings(client: Any) -> bool:
    try:
        return bool(client.ping())
    except Exception:
        return False


def wait_for(predicate: Callable[[], object], timeout: float, what: str, poll: float = 0.2) -> Any:
    """Poll ``predicate`` until it is truthy; fail the test naming ``what`` after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(poll)


def worker_env(data_dir: Path, broker_url: str, **extra: str) -> dict[str, str]:
    """The environment of a worker: test data dir, test broker, fast retries and redelivery."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOHOA_")}
    env.update({
        "SOHOA_DATA_DIR": str(data_dir),
        "SOHOA_BROKER_URL": broker_url,
        "SOHOA_QUEUE_VISIBILITY_TIMEOUT": "4",
        "SOHOA_QUEUE_RETRY_BACKOFF": "0.2",
        "SOHOA_QUEUE_RETRY_BACKOFF_MAX": "1",
        "SOHOA_QUEUE_MAX_RETRIES": "2",
        "OMP_THREAD_LIMIT": "1",
        "PYTHONPATH": str(Path(__file__).resolve().parents[2]),
    })
    env.update(extra)
    return env


def start_worker(env: dict[str, str], log: Path, *, app: str = "sohoa.queue.app", name: str = "w1",
                 via_cli: bool = False) -> subprocess.Popen[bytes]:
    """Start one Celery worker (one child process) in its own process group."""
    if via_cli:
        cmd = [str(VENV_BIN / "sohoa"), "worker", "-c", "1", "-n", f"{name}@%h", "--loglevel", "info"]
    else:
        cmd = [str(VENV_BIN / "celery"), "-A", app, "worker", "--pool=prefork", "-c", "1", "-n", f"{name}@%h",
               "-Q", "sohoa", "--without-gossip", "--without-mingle", "--loglevel=INFO"]
    with log.open("ab") as out:
        return subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
                                cwd=Path(env["SOHOA_DATA_DIR"]).parent)


def stop_worker(proc: subprocess.Popen[bytes], *, kill: bool = False) -> None:
    """Stop a worker and its children: SIGKILL at once when ``kill``, else SIGTERM then SIGKILL."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL if kill else signal.SIGTERM)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    with contextlib.suppress(ProcessLookupError):  # children of a SIGKILLed parent may linger
        os.killpg(proc.pid, signal.SIGKILL)


def make_dossiers(folder: Path, n: int, prefix: str = "hs", suffix: str = ".pdf") -> list[Path]:
    """Write ``n`` one-page dossiers (100 DPI, distinct Vietnamese text) to ``folder``.

    PDFs by default (a folder of PDFs is one dossier per file); with ``suffix=".png"``
    the files are page images, which a folder holds as the pages of one dossier.
    """
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        lines = ["GIẤY KHAI ĐĂNG KÝ XE", f"Hồ sơ số {prefix}-{i:04d}", "Họ và tên chủ xe: Nguyễn Văn Bình",
                 f"Biển số: 29A-{100 + i}.{10 + i % 80}", "Nhãn hiệu: HONDA", "Màu sơn: Đỏ"]
        path = folder / f"{prefix}-{i:04d}{suffix}"
        image = Image.fromarray(text_page(lines, dpi=100, size_pt=14))
        if suffix == ".pdf":
            image.save(path, resolution=100.0)
        else:
            image.save(path, dpi=(100, 100))
        paths.append(path)
    return paths


def db_rows(data_dir: Path, sql: str) -> list[tuple[Any, ...]]:
    """Rows of a query on the data directory's SQLite database (empty if it does not exist yet)."""
    db = data_dir / "sohoa.db"
    if not db.is_file():
        return []
    with closing(sqlite3.connect(db, timeout=30)) as conn:
        try:
            return list(conn.execute(sql))
        except sqlite3.OperationalError:
            return []  # tables not created yet
