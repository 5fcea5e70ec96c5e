"""The Celery queue on a real Redis server with real worker processes.

Each test starts what it needs: Debian's redis-server on a free loopback port (one
per module, flushed between tests) and Celery workers as subprocesses with their
own data directory, stopped at the end. Dossiers are tiny generated PNG pages read
by the real pipeline (Tesseract included); failures use a fake crashing stage.
"""

from __future__ import annotations

import base64
import json
import subprocess
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from sohoa.queue.app import make_app
from sohoa.queue.enqueue import Enqueuer, QueueFullError, queue_length
from sohoa.settings import Settings
from tests.sohoa.queue_support import (
    VENV_BIN,
    db_rows,
    free_port,
    make_dossiers,
    redis_server,
    start_worker,
    stop_worker,
    wait_for,
    worker_env,
)

pytestmark = [pytest.mark.redis, pytest.mark.timeout(300)]


@pytest.fixture(scope="module")
def broker_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with redis_server(tmp_path_factory.mktemp("redis")) as url:
        yield url


@pytest.fixture
def broker(broker_url: str) -> str:
    redis.Redis.from_url(broker_url).flushdb()
    return broker_url


def sohoa(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(VENV_BIN / "sohoa"), *args], env=env, capture_output=True, text=True,
                          timeout=120, check=False)


def stored(data_dir: Path) -> list[tuple[str, str, str]]:
    return db_rows(data_dir, "SELECT id, sha256, status FROM dossiers")  # type: ignore[return-value]


def all_acknowledged(broker: str, data_dir: Path) -> bool:
    """No task in the ledger's flight table and none in kombu's unacknowledged hash."""
    unacked = redis.Redis.from_url(broker).hlen("unacked")
    return unacked == 0 and not db_rows(data_dir, "SELECT task_id FROM queue_deliveries")


def test_burst_of_10000_is_queued_not_processed_and_enqueuer_waits_when_full(broker: str) -> None:
    app = make_app(Settings(broker_url=broker))
    enqueuer = Enqueuer(app, max_length=10_000, wait_timeout=0.5, poll=0.1)
    for i in range(10_000):
        enqueuer.submit(Path(f"/inbox/scan-{i:05d}.pdf"), f"scan-{i:05d}.pdf")
    assert queue_length(app) == 10_000
    with pytest.raises(QueueFullError):
        enqueuer.submit(Path("/inbox/one-too-many.pdf"))
    assert queue_length(app) == 10_000

    raw = redis.Redis.from_url(broker).lindex("sohoa", -1)  # the oldest, next to be taken
    message = json.loads(raw)
    body = json.loads(base64.b64decode(message["body"]))
    assert body[0] == [str(Path("/inbox/scan-00000.pdf").resolve())]  # a path, never pixels
    assert len(raw) < 4096


def test_run_queue_and_watch_enqueue_then_worker_processes_the_batch_and_status_shows_it(
    broker: str, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    inbox = tmp_path / "batch"
    make_dossiers(inbox, 2)
    # the local-folder inbox
    make_dossiers(data / "inbox" / "commune-01", 1, prefix="uploaded", suffix=".png")
    env = worker_env(data, broker)
    queued = sohoa(["run", "--queue", str(inbox)], env)
    assert queued.returncode == 0, queued.stderr
    assert "2 dossiers queued" in queued.stdout
    watched = sohoa(["watch", "--once"], env)
    assert watched.returncode == 0, watched.stderr
    assert "1 new scan(s) queued" in watched.stdout
    assert "queued" not in sohoa(["watch", "--once"], env).stdout  # an object is taken up once
    assert queue_length(make_app(Settings(broker_url=broker))) == 3

    worker = start_worker(env, tmp_path / "worker.log", via_cli=True)
    try:
        wait_for(lambda: len(stored(data)) == 3, 150, "3 dossiers stored by the worker")
        # a dossier is committed before its message is acknowledged: stopping the worker in
        # between rightly puts the message back, so wait until the worker has acknowledged all
        wait_for(lambda: all_acknowledged(broker, data), 30, "every message acknowledged")
    finally:
        stop_worker(worker)
    assert {row[2] for row in stored(data)} == {"processed"}
    sources = {row[0] for row in db_rows(data, "SELECT source FROM dossiers")}
    assert "commune-01/uploaded-0000.png" in sources  # the inbox key names the dossier
    claims = db_rows(data, "SELECT dossier_id FROM inbox_claims")
    assert len(claims) == 1 and claims[0][0] in {row[0] for row in stored(data)}

    status = sohoa(["status", "--json"], env)
    assert status.returncode == 0, status.stderr
    figures = json.loads(status.stdout)
    assert figures["dossiers"] == {"processed": 3}
    assert figures["queue"]["waiting"] == 0
    assert figures["queue"]["in_progress"] == 0
    assert figures["dead_letters"]["count"] == 0


def test_worker_killed_mid_batch_loses_nothing_and_stores_each_dossier_once(
    broker: str, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    paths = make_dossiers(tmp_path / "batch", 4, prefix="kill")
    env = worker_env(data, broker)
    enqueuer = Enqueuer(make_app(Settings(broker_url=broker)), max_length=100)
    for path in paths:
        enqueuer.submit(path, path.name)

    first = start_worker(env, tmp_path / "w1.log", name="w1")
    try:
        def in_flight_after_one_stored() -> list[tuple[str, ...]]:
            rows = db_rows(data, "SELECT task_id FROM queue_deliveries")
            return rows if rows and len(stored(data)) >= 1 else []

        [(victim,)] = wait_for(in_flight_after_one_stored, 150, "a second dossier in flight")
    finally:
        stop_worker(first, kill=True)  # SIGKILL to the worker and its child, mid-dossier
    done_before = len(stored(data))
    assert done_before < 4

    second = start_worker(env, tmp_path / "w2.log", name="w2")
    try:
        wait_for(lambda: len(stored(data)) == 4, 150, "all 4 dossiers stored after the kill")
        in_flight = "SELECT task_id FROM queue_deliveries"
        wait_for(lambda: not db_rows(data, in_flight), 30, "no task left in flight")
    finally:
        stop_worker(second)
    rows = stored(data)
    assert len(rows) == 4 and len({sha for _, sha, _ in rows}) == 4
    assert victim in (tmp_path / "w2.log").read_text()  # the killed dossier was redone by the other worker
    assert db_rows(data, "SELECT COUNT(*) FROM dead_letters") == [(0,)]
    for dossier_id, _, _ in rows:
        assert (data / "objects" / dossier_id / "record.json").is_file()


def test_failing_and_worker_killing_dossiers_go_to_dead_letters_shown_by_status(
    broker: str, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    inbox = tmp_path / "batch"
    make_dossiers(inbox, 1, prefix="poison-fail")
    make_dossiers(inbox, 1, prefix="poison-kill")
    make_dossiers(inbox, 1, prefix="good")
    env = worker_env(data, broker)
    assert sohoa(["run", "--queue", str(inbox)], env).returncode == 0

    worker = start_worker(env, tmp_path / "worker.log", app="tests.sohoa.queue_crashing_app")
    try:
        count = "SELECT COUNT(*) FROM dead_letters"
        wait_for(lambda: db_rows(data, count) == [(2,)], 150, "two dead letters")
        wait_for(lambda: len(stored(data)) == 1, 60, "the good dossier stored")
    finally:
        stop_worker(worker)

    rows = db_rows(data, "SELECT source, error_code, error, attempts FROM dead_letters")
    dead = {row[0]: row[1:] for row in rows}
    fail = next(v for k, v in dead.items() if "poison-fail" in k)
    kill = next(v for k, v in dead.items() if "poison-kill" in k)
    assert fail[0] == "failed" and "fake engine crashed" in fail[1] and fail[2] == 3  # 1 try + 2 retries
    assert kill[0] == "worker_lost" and kill[2] == 3  # two deaths, then given up on the third delivery
    assert queue_length(make_app(Settings(broker_url=broker))) == 0

    status = sohoa(["status"], env)
    assert status.returncode == 0, status.stderr
    assert "dead letters: 2" in status.stdout
    assert "fake engine crashed" in status.stdout
    assert "worker died 2 times" in status.stdout


def test_watch_takes_minio_webhook_events_once_and_refuses_a_bad_token(broker: str, tmp_path: Path) -> None:
    data = tmp_path / "data"
    make_dossiers(data / "inbox" / "commune-02", 1, prefix="pushed", suffix=".png")
    env = worker_env(data, broker, SOHOA_WEBHOOK_TOKEN="a-long-webhook-token")
    port = free_port()
    # the listing looks elsewhere (--prefix), so only the webhook can bring the object in
    cmd = [str(VENV_BIN / "sohoa"), "watch", "--prefix", "nothing-here/", "--interval", "3600",
           "--webhook", f"127.0.0.1:{port}"]
    watcher = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    url = f"http://127.0.0.1:{port}/"
    event = {"EventName": "s3:ObjectCreated:Put", "Key": "local-inbox/commune-02/pushed-0000.png",
             "Records": [{"eventName": "s3:ObjectCreated:Put",
                          "s3": {"bucket": {"name": "local-inbox"},
                                 "object": {"key": "commune-02%2Fpushed-0000.png", "size": 1}}}]}
    try:
        wait_for(lambda: _get(url) == 200, 60, "the webhook to listen")
        assert _post(url, event, "wrong-token")[0] == 401
        assert _post(url, event, "a-long-webhook-token") == (200, {"queued": 1})
        assert _post(url, event, "a-long-webhook-token") == (200, {"queued": 0})  # seen twice, taken once
    finally:
        stop_worker(watcher)
    assert queue_length(make_app(Settings(broker_url=broker))) == 1
    assert db_rows(data, "SELECT key FROM inbox_claims") == [("commune-02/pushed-0000.png",)]


def _get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return int(r.status)
    except OSError:
        return 0


def _post(url: str, event: dict[str, object], token: str) -> tuple[int, dict[str, object]]:
    request = urllib.request.Request(url, data=json.dumps(event).encode(), method="POST",
                                     headers={"Authorization": f"Bearer {token}",
                                              "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as r:
            return int(r.status), json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())
