"""Benchmark of the review UI: queue and dossier view latency with 100,000 dossiers and 20 concurrent clients.

Builds a temporary data directory (SQLite migrated to head by the real Alembic chain), inserts
N dossiers in bulk (14 fields each, one page image shared by all, ~30% with flagged fields, ~5% with
a registry mismatch), starts uvicorn on a free loopback port in a subprocess, logs in C clients
(reviewers of three communes and admins), and has them alternate between the queue and a dossier
view for a bounded time. Prints p50/p95/p99 latency per page kind, throughput and errors.
Target (issue 5): p95 < 100 ms for queue and dossier view.

    .venv/bin/python bench/bench_review_ui.py [--dossiers 100000] [--clients 20] [--seconds 30] [--workers 1]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import io
import json
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from PIL import Image, ImageDraw
from sqlalchemy import insert

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from review_ui import queue_index  # noqa: E402
from review_ui.accounts import create_user  # noqa: E402
from sohoa.samples.truth import FIELD_NAMES  # noqa: E402
from sohoa.settings import Settings  # noqa: E402
from storage.db import dispose_engine, migrate, session_factory  # noqa: E402
from storage.objectstore import LocalObjectStore  # noqa: E402
from storage.tables import DossierRow, FieldRow, PageRow, utcnow  # noqa: E402

FIELDS = FIELD_NAMES
COMMUNES = [f"Phường Số {i:02d}" for i in range(30)]
PASSWORD = "bench password 123"
CSRF_RE = re.compile(r'name="csrf_token" value="([0-9a-f]+)"')


def build(data: Path, n: int, seed: int = 7) -> list[str]:
    """Migrate and fill the database; return the dossier ids."""
    rng = random.Random(seed)
    settings = Settings(data_dir=data)
    url = settings.sqlalchemy_url
    migrate(url)
    img = Image.new("L", (1240, 1754), 255)
    ImageDraw.Draw(img).text((100, 100), "GIAY KHAI DANG KY XE", fill=0)
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    LocalObjectStore(settings.objects_dir).put_bytes("bench/0001_prepared.png", buf.getvalue())
    results = __import__("reconcile.tables", fromlist=["ReconciliationResult"]).ReconciliationResult
    ids = [f"d-{i:016x}" for i in range(n)]
    now = utcnow() - dt.timedelta(days=1)  # dossiers processed earlier, not in the index sync's overlap window
    sessions = session_factory(url)
    t0 = time.perf_counter()
    for start in range(0, n, 5000):
        chunk = ids[start : start + 5000]
        dossiers, pages, fields, recs = [], [], [], []
        for i, d in enumerate(chunk, start):
            commune = COMMUNES[i % len(COMMUNES)]
            dossiers.append(
                {
                    "id": d,
                    "source": f"{d}.pdf",
                    "sha256": f"{i:064x}",
                    "status": "processed",
                    "doc_type": "vehicle_registration",
                    "page_count": 1,
                    "province": "Thành phố Hà Nội",
                    "commune": commune,
                    "created_at": now,
                    "updated_at": now,
                    "version": 1,
                }
            )
            pages.append(
                {
                    "dossier_id": d,
                    "idx": 1,
                    "width": 1240,
                    "height": 1754,
                    "dpi": 150,
                    "sha256": "0" * 64,
                    "rotation": 0,
                    "skew": 0.0,
                    "rescan_advised": False,
                    "image_key": "bench/0001_prepared.png",
                }
            )
            flagged = set(rng.sample(FIELDS, rng.choice((1, 2)))) if rng.random() < 0.3 else set()
            for j, name in enumerate(FIELDS):
                fields.append(
                    {
                        "dossier_id": d,
                        "name": name,
                        "value": f"{name[:3].upper()}-{i}",
                        "confidence": 0.97,
                        "needs_review": name in flagged,
                        "page": 1,
                        "bbox_json": json.dumps([100, 200 + 60 * j, 700, 240 + 60 * j]),
                        "reasons_json": json.dumps(["validator"] if name in flagged and i % 2 else []),
                        "readings_json": "[]",
                        "reviewed": False,
                        "version": 1,
                    }
                )
            if rng.random() < 0.05:
                recs.append(
                    {
                        "dossier_id": d,
                        "source": "registry",
                        "verdict": "mismatch",
                        "candidates": 1,
                        "differences_json": "[]",
                        "notes_json": "[]",
                    }
                )
        with sessions() as db:
            db.execute(insert(DossierRow), dossiers)
            db.execute(insert(PageRow), pages)
            db.execute(insert(FieldRow), fields)
            if recs:
                db.execute(insert(results), recs)
            db.commit()
    print(f"inserted {n} dossiers ({n * len(FIELDS)} fields) in {time.perf_counter() - t0:.1f} s")
    t0 = time.perf_counter()
    with sessions() as db:
        queue_index.sync(db)
    print(f"built the review queue index in {time.perf_counter() - t0:.1f} s")
    with sessions() as db:
        for k in range(10):
            create_user(db, f"rev{k}", PASSWORD, "reviewer", communes=COMMUNES[3 * k : 3 * k + 3])
            create_user(db, f"admin{k}", PASSWORD, "admin")
    dispose_engine(url)
    return ids


def server_cpu_seconds(pid: int) -> float:
    """User+system CPU seconds of the server process and its worker children (from /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(stat.parent.name) == pid or int(fields[1]) == pid:  # fields[1] is the parent pid
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(data: Path, port: int, workers: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "SOHOA_DATA_DIR": str(data), "SOHOA_REVIEW_COOKIE_SECURE": "0"}
    env.pop("SOHOA_DATABASE_URL", None)
    cmd = [
        sys.executable,
        "-m",
        "uvicorn",
        "review_ui.asgi:app",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--log-level",
        "warning",
        "--timeout-keep-alive",
        "75",
        "--no-access-log",
    ]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/login", timeout=2).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.3)
    proc.kill()
    raise SystemExit("uvicorn did not start")


async def login(base: str, name: str) -> httpx.AsyncClient:
    c = httpx.AsyncClient(base_url=base, follow_redirects=False, timeout=30)
    token = CSRF_RE.search((await c.get("/login")).text).group(1)  # type: ignore[union-attr]
    r = await c.post("/login", data={"username": name, "password": PASSWORD, "csrf_token": token})
    assert r.status_code == 303, r.status_code
    return c


async def worker(
    c: httpx.AsyncClient,
    name: str,
    ids: list[str],
    until: float,
    lat: dict[str, list[float]],
    errors: list[str],
    think: float,
) -> None:
    rng = random.Random(name)
    k = int(name[-1])
    mine = [d for i, d in enumerate(ids) if name.startswith("admin") or (i % len(COMMUNES)) // 3 == k]
    while time.monotonic() < until:
        for kind, path in (
            ("queue", f"/queue?page={rng.randint(1, 5)}"),
            ("dossier", f"/dossiers/{rng.choice(mine)}"),
        ):
            t = time.perf_counter()
            try:
                r = await c.get(path)
            except httpx.TransportError as e:
                errors.append(f"{path}: {type(e).__name__}")
                continue
            lat[kind].append((time.perf_counter() - t) * 1000)
            if r.status_code != 200:
                errors.append(f"{path}: {r.status_code}")
            if think:
                await asyncio.sleep(rng.uniform(0, 2 * think))


async def run_load(base: str, ids: list[str], clients: int, seconds: float, think: float, pid: int) -> dict[str, float]:
    """One round; returns the p50 of each page kind (for the ratio against the one-client baseline)."""
    names = [f"rev{i // 2}" if i % 2 == 0 else f"admin{i // 2}" for i in range(clients)]
    sessions = [await login(base, n) for n in names]
    await sessions[0].get("/queue")
    lat: dict[str, list[float]] = {"queue": [], "dossier": []}
    errors: list[str] = []
    load0 = os.getloadavg()[0]
    cpu0 = server_cpu_seconds(pid)
    until = time.monotonic() + seconds
    t0 = time.perf_counter()
    await asyncio.gather(*(worker(c, n, ids, until, lat, errors, think) for c, n in zip(sessions, names, strict=True)))
    wall = time.perf_counter() - t0
    cpu = server_cpu_seconds(pid) - cpu0
    for c in sessions:
        await c.aclose()
    total = sum(len(v) for v in lat.values())
    print(
        f"{clients:2d} client(s), think time {think:.2f} s, {wall:.0f} s: {total} requests, {total / wall:.0f} req/s, "
        f"{len(errors)} errors; machine load average {load0:.1f} -> {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    p50 = {}
    for kind, values in lat.items():
        q = statistics.quantiles(values, n=100)
        p50[kind] = q[49]
        print(
            f"  {kind:8s} n={len(values):6d}  p50 {q[49]:6.1f} ms  p95 {q[94]:6.1f} ms  p99 {q[98]:6.1f} ms  "
            f"{'OK' if q[94] < 100 else 'OVER'} (target p95 < 100 ms)"
        )
    total_ok = sum(len(v) for v in lat.values()) or 1
    print(
        f"  server CPU {cpu:.1f} s = {cpu * 1000 / total_ok:.1f} ms per request "
        f"(a dedicated core would serve ~{total_ok / cpu if cpu else 0:.0f} req/s); "
        f"server got {cpu / wall:.2f} cores of the machine during the round"
    )
    if errors:
        print("  first errors:", errors[:5])
    return p50


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dossiers", type=int, default=100_000)
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--seconds", type=float, default=30.0)
    ap.add_argument("--workers", type=int, default=[1], nargs="+", help="uvicorn worker processes (several: rounds)")
    ap.add_argument(
        "--think",
        type=float,
        default=0.0,
        nargs="*",
        help="mean pause between a client's requests, s (0: closed loop); several values run several rounds",
    )
    ap.add_argument(
        "--data", type=Path, default=None, help="keep the generated data directory here and reuse it on the next run"
    )
    args = ap.parse_args()
    thinks = (args.think if isinstance(args.think, list) else [args.think]) or [0.0]
    with tempfile.TemporaryDirectory(prefix="sohoa-bench-ui-") as tmp:
        data = args.data or Path(tmp) / "data"
        if args.data and (data / "sohoa.db").exists():
            ids = [f"d-{i:016x}" for i in range(args.dossiers)]
            print(f"reusing {data}")
        else:
            ids = build(data, args.dossiers)
        for workers in args.workers:
            port = free_port()
            proc = start_server(data, port, workers)
            print(f"-- uvicorn with {workers} worker process(es)")
            try:
                base = asyncio.run(run_load(f"http://127.0.0.1:{port}", ids, 1, min(args.seconds, 15), 0.0, proc.pid))
                for think in thinks:
                    p50 = asyncio.run(
                        run_load(f"http://127.0.0.1:{port}", ids, args.clients, args.seconds, think, proc.pid)
                    )
                    print(
                        "  p50 ratio to the one-client baseline: "
                        + ", ".join(f"{k} {p50[k] / base[k]:.1f}x" for k in p50)
                    )
            finally:
                proc.terminate()
                proc.wait(timeout=30)


if __name__ == "__main__":
    main()
