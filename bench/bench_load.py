"""Load test of the review UI: 50 concurrent reviewers and a stream of uploads, for 10 minutes.

Builds a fresh data directory with generated dossiers (``bench_review_ui.build``: SQLite migrated by
the real Alembic chain, 14 fields per dossier, ~30 % flagged), adds one reviewer account per simulated
reviewer and one clerk who uploads, starts uvicorn (2 worker processes) on a free 127.0.0.1 port, and
runs, for ``--minutes``:

* each reviewer (logging in over the first ``--ramp`` seconds), as a browser would: logs in, lists
  the queue, opens one of its dossiers, loads the page preview and the crop of each field it edits,
  saves every flagged field and one other field (a form post, then the redirect back to the dossier),
  and approves the dossier; with think time between steps. Reviewers work on disjoint dossiers (no
  two edit the same field), so any conflict is an error;
* the clerk uploads a one-page PDF scan through the upload form every ``--upload-every`` seconds.

Prints p50/p95/p99 latency per page kind, request counts, errors (must be 0), and then, from the
database after the server has stopped: edits saved (audit rows and stored values) against edits made
(answered 303), approvals, and uploads stored in the inbox against uploads answered 200. Talks only
to 127.0.0.1. Figures are printed, never asserted.

    .venv/bin/python bench/bench_load.py [--minutes 10] [--reviewers 50] [--dossiers 20000] [--workers 2]
"""

from __future__ import annotations

import argparse
import asyncio
import html
import io
import os
import random
import re
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from PIL import Image, ImageDraw
from sqlalchemy import func, select

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench_review_ui import COMMUNES, build, free_port, server_cpu_seconds, start_server

from review_ui.accounts import create_user
from review_ui.tables import AuditRow
from sohoa.settings import Settings
from storage.db import dispose_engine, session_factory
from storage.tables import DossierRow, FieldRow

PASSWORD = "load test password 42"
CSRF_RE = re.compile(r'name="csrf_token" value="([0-9a-f]+)"')
FIELD_RE = re.compile(
    r'<div class="field( flagged)?[^"]*" id="f-([a-z_]+)".*?name="version" value="(\d+)"', re.S
)
VALUE_RE = re.compile(r'id="f-([a-z_]+)".*?name="value" value="([^"]*)"', re.S)


@dataclass
class Stats:
    """Everything the simulated users measured and did."""

    latency: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: list[str] = field(default_factory=list)
    made: dict[tuple[str, str], str] = field(default_factory=dict)  # (dossier, field) -> value shown as saved
    edits_made: int = 0
    approvals_made: int = 0
    uploads_made: int = 0

    async def call(
        self, c: httpx.AsyncClient, kind: str, method: str, path: str, expect: int = 200, **kw: object
    ) -> httpx.Response | None:
        """One timed request; an unexpected status or a transport failure is an error."""
        t = time.perf_counter()
        try:
            r = await c.request(method, path, **kw)  # type: ignore[arg-type]
        except httpx.HTTPError as e:
            self.errors.append(f"{method} {path}: {type(e).__name__}")
            return None
        self.latency[kind].append((time.perf_counter() - t) * 1000)
        if r.status_code != expect:
            self.errors.append(f"{method} {path}: {r.status_code} {r.text[:120]!r}")
            return None
        return r


def seed_accounts(data: Path, reviewers: int) -> None:
    """Reviewer ``load{k}`` gets the communes of dossiers ``i % reviewers == k``; plus the clerk ``uploader``."""
    url = Settings(data_dir=data).sqlalchemy_url
    with session_factory(url)() as db:
        for k in range(reviewers):
            communes = sorted({COMMUNES[i % len(COMMUNES)] for i in range(k, k + reviewers * len(COMMUNES), reviewers)})
            create_user(db, f"load{k}", PASSWORD, "reviewer", communes=communes)
        create_user(db, "uploader", PASSWORD, "clerk", communes=COMMUNES[:1])
    dispose_engine(url)


async def login(base: str, name: str, stats: Stats) -> httpx.AsyncClient:
    """A browser-like client logged in as ``name``."""
    c = httpx.AsyncClient(base_url=base, follow_redirects=False, timeout=60)
    page = await stats.call(c, "login", "GET", "/login")
    token = CSRF_RE.search(page.text).group(1) if page else ""  # type: ignore[union-attr]
    data = {"username": name, "password": PASSWORD, "csrf_token": token}
    await stats.call(c, "login", "POST", "/login", expect=303, data=data)
    return c


async def think(rng: random.Random, mean: float) -> None:
    if mean:
        await asyncio.sleep(rng.uniform(0, 2 * mean))


async def review_one(c: httpx.AsyncClient, k: int, d: str, rng: random.Random, mean: float, stats: Stats) -> None:
    """Open a dossier, fix its flagged fields and one other, approve it."""
    r = await stats.call(c, "dossier", "GET", f"/dossiers/{d}")
    if r is None:
        return
    await stats.call(c, "page preview", "GET", f"/dossiers/{d}/pages/1/image?size=preview")
    fields = {name: (bool(flag), int(v)) for flag, name, v in FIELD_RE.findall(r.text)}
    token = CSRF_RE.search(r.text).group(1)  # type: ignore[union-attr]
    flagged = [n for n, (flag, _) in fields.items() if flag]
    others = [n for n, (flag, _) in fields.items() if not flag]
    for name in flagged + rng.sample(others, 1):
        await stats.call(c, "crop", "GET", f"/dossiers/{d}/fields/{name}/crop.png")
        await think(rng, mean)
        value = f"R{k}-{rng.randrange(10**6):06d}"
        form = {"value": value, "confirm": value, "version": str(fields[name][1]), "csrf_token": token}
        if await stats.call(c, "save field", "POST", f"/dossiers/{d}/fields/{name}", expect=303, data=form):
            stats.edits_made += 1
            page = await stats.call(c, "dossier", "GET", f"/dossiers/{d}?focus={name}")
            if page is not None:  # the value as saved (after the field's normalizer), as the reviewer sees it
                fields.update({n: (bool(f), int(v)) for f, n, v in FIELD_RE.findall(page.text)})
                stats.made[(d, name)] = html.unescape(dict(VALUE_RE.findall(page.text))[name])
    await think(rng, mean)
    if await stats.call(c, "approve", "POST", f"/dossiers/{d}/approve", expect=303, data={"csrf_token": token}):
        stats.approvals_made += 1
        await stats.call(c, "dossier", "GET", f"/dossiers/{d}?approved=1")


async def reviewer(base: str, k: int, mine: list[str], until: float, mean: float, ramp: float, stats: Stats) -> None:
    """One reviewer's session until the time is up."""
    rng = random.Random(k)
    await asyncio.sleep(k * ramp)  # people do not all log in at the same instant
    c = await login(base, f"load{k}", stats)
    try:
        todo = list(mine)
        rng.shuffle(todo)
        while time.monotonic() < until and todo:
            await stats.call(c, "queue", "GET", f"/queue?page={rng.randint(1, 3)}")
            await think(rng, mean)
            await review_one(c, k, todo.pop(), rng, mean, stats)
            await think(rng, mean)
    finally:
        await c.aclose()


def scan_pdf(n: int) -> bytes:
    """A one-page 100 DPI PDF scan, different for every ``n``."""
    img = Image.new("L", (827, 1169), 255)
    draw = ImageDraw.Draw(img)
    draw.text((80, 80), f"GIAY KHAI DANG KY XE - upload {n}", fill=0)
    for y in range(200, 1100, 40):
        draw.line((80, y, 740, y), fill=128)
    out = io.BytesIO()
    img.save(out, format="PDF", resolution=100.0)
    return out.getvalue()


async def uploader(base: str, until: float, every: float, stats: Stats) -> None:
    """Upload a scan through the form every ``every`` seconds."""
    c = await login(base, "uploader", stats)
    try:
        page = await stats.call(c, "upload form", "GET", "/upload")
        token = CSRF_RE.search(page.text).group(1) if page else ""  # type: ignore[union-attr]
        n = 0
        while time.monotonic() < until:
            n += 1
            files = {"scan": (f"scan-{n}.pdf", scan_pdf(n), "application/pdf")}
            if await stats.call(c, "upload", "POST", "/upload", data={"csrf_token": token}, files=files):
                stats.uploads_made += 1
            await asyncio.sleep(every)
    finally:
        await c.aclose()


async def run(base: str, ids: list[str], args: argparse.Namespace, pid: int) -> Stats:
    stats = Stats()
    until = time.monotonic() + args.minutes * 60
    parts = {k: [d for i, d in enumerate(ids) if i % args.reviewers == k] for k in range(args.reviewers)}
    cpu0, load0, t0 = server_cpu_seconds(pid), os.getloadavg()[0], time.perf_counter()
    await asyncio.gather(
        uploader(base, until, args.upload_every, stats),
        *(
            reviewer(base, k, parts[k], until, args.think, args.ramp / args.reviewers, stats)
            for k in range(args.reviewers)
        ),
    )
    wall = time.perf_counter() - t0
    cpu = server_cpu_seconds(pid) - cpu0
    total = sum(len(v) for v in stats.latency.values())
    print(
        f"{args.reviewers} reviewers + 1 uploader, {wall:.0f} s: {total} requests ({total / wall:.1f} req/s), "
        f"{len(stats.errors)} errors; server CPU {cpu:.0f} s ({cpu / wall:.2f} cores); "
        f"load average {load0:.1f} -> {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    for kind, values in sorted(stats.latency.items()):
        q = statistics.quantiles(values, n=100) if len(values) > 1 else values * 99
        print(f"  {kind:13s} n={len(values):6d}  p50 {q[49]:7.1f} ms  p95 {q[94]:7.1f} ms  p99 {q[98]:7.1f} ms")
    if stats.errors:
        print("  first errors:", *stats.errors[:10], sep="\n    ")
    return stats


def verify(data: Path, stats: Stats) -> None:
    """Count what the database and the inbox hold against what the users were told was saved."""
    url = Settings(data_dir=data).sqlalchemy_url
    with session_factory(url)() as db:
        edits = select(func.count()).select_from(AuditRow)
        audited = db.scalar(edits.where(AuditRow.action == "edit", AuditRow.user_name.like("load%")))
        approved = db.scalar(select(func.count()).select_from(DossierRow).where(DossierRow.status == "approved"))
        stored = {
            (f.dossier_id, f.name): f.value
            for d in {d for d, _ in stats.made}
            for f in db.scalars(select(FieldRow).where(FieldRow.dossier_id == d))
        }
    dispose_engine(url)
    same = sum(1 for key, value in stats.made.items() if stored.get(key) == value)
    uploads = len(list((data / "inbox").rglob("*.pdf")))
    verdict = "equal" if audited == stats.edits_made else "DIFFERENT"
    print(f"edits made {stats.edits_made}, edits saved (audit rows) {audited}: {verdict}")
    print(f"fields edited {len(stats.made)}, holding the value the reviewer was shown as saved {same}")
    print(f"approvals made {stats.approvals_made}, dossiers approved in the database {approved}")
    print(f"uploads answered 200 {stats.uploads_made}, scans in the inbox {uploads}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--minutes", type=float, default=10.0, help="how long the load runs")
    ap.add_argument("--reviewers", type=int, default=50, help="concurrent reviewers")
    ap.add_argument("--dossiers", type=int, default=20_000, help="generated dossiers")
    ap.add_argument("--workers", type=int, default=2, help="uvicorn worker processes")
    ap.add_argument("--think", type=float, default=1.0, help="mean pause between a reviewer's steps, s")
    ap.add_argument("--upload-every", type=float, default=2.0, help="seconds between two uploads")
    ap.add_argument("--ramp", type=float, default=30.0, help="seconds over which the reviewers log in")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="sohoa-bench-load-") as tmp:
        data = Path(tmp) / "data"
        ids = build(data, args.dossiers)
        seed_accounts(data, args.reviewers)
        port = free_port()
        proc = start_server(data, port, args.workers)
        print(f"-- uvicorn with {args.workers} worker processes on 127.0.0.1:{port}, {args.minutes:g} min")
        try:
            stats = asyncio.run(run(f"http://127.0.0.1:{port}", ids, args, proc.pid))
        finally:
            proc.terminate()
            proc.wait(timeout=60)
        verify(data, stats)


if __name__ == "__main__":
    main()
