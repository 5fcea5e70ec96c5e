"""Benchmark: reconcile N records against N registry rows and N population rows.

For each size (default 100k, 300k, 1M) in this one process: generate records (stored in the core
``dossiers``/``fields`` tables of a fresh SQLite database made by the Alembic chain) with a known mix
of discrepancies, write the registry and population exports as CSV, import them with
``reconcile.importer`` and reconcile with ``reconcile.run.reconcile_all``. Prints, per size, the
import and reconcile times, the peak resident memory of each phase (sampled from /proc), the
ratio of the reconcile time to the first size's (linear growth gives ratio = size ratio), and the
verdict counts checked against the generated mix.

    .venv/bin/python bench/bench_reconcile.py [--sizes 100000,300000,1000000] [--dir /tmp/x]

Target (issue 4): 1M records < 2 min and < 4 GB on a 2-core machine, time linear in N.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import sqlite3
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import vietnamadminunits

from reconcile import address
from reconcile.importer import COLUMNS, POPULATION, REGISTRY, import_file
from reconcile.keys import plain_key
from reconcile.run import reconcile_all
from sohoa.samples.truth import FIELD_NAMES
from storage.db import dispose_engine, migrate, session_factory

SURNAMES = np.array(
    [
        "NGUYỄN",
        "TRẦN",
        "LÊ",
        "PHẠM",
        "HOÀNG",
        "HUỲNH",
        "PHAN",
        "VŨ",
        "VÕ",
        "ĐẶNG",
        "BÙI",
        "ĐỖ",
        "HỒ",
        "NGÔ",
        "DƯƠNG",
        "LÝ",
    ]
)
MIDDLE = np.array(["VĂN", "THỊ", "ĐỨC", "MINH", "HỮU", "NGỌC", "THANH", "QUANG", "XUÂN", "KIM"])
GIVEN = np.array(
    [
        "AN",
        "BÌNH",
        "CƯỜNG",
        "DŨNG",
        "HÀ",
        "HẰNG",
        "KHÁNH",
        "LINH",
        "ĐẠT",
        "TUẤN",
        "YẾN",
        "HOA",
        "NAM",
        "SƠN",
        "THẢO",
        "TRANG",
        "VY",
        "PHÚC",
        "QUÂN",
        "LAN",
    ]
)
STREETS = np.array(
    [
        "Hàng Bạc",
        "Hàng Đào",
        "Lê Lợi",
        "Trần Hưng Đạo",
        "Nguyễn Du",
        "Lý Thường Kiệt",
        "Hai Bà Trưng",
        "Phan Chu Trinh",
        "Bà Triệu",
        "Quang Trung",
    ]
)
VIN = np.array(list("ABCDEFGHJKLMNPRSTUVWXYZ0123456789"))
BRANDS = np.array(["HONDA", "YAMAHA", "SUZUKI", "PIAGGIO", "VINFAST"])
MODELS = np.array(["WAVE ALPHA", "SIRIUS", "VISION", "AIR BLADE", "EXCITER", "LEAD"])
COLORS = np.array(["Đỏ - Đen", "Trắng", "Đen", "Xanh", "Bạc", "Xám"])
CHUNK = 100_000
FIELDS = FIELD_NAMES[:10]  # plate … color: what the registry and population data hold
REG_COLS = COLUMNS[REGISTRY]
POP_COLS = COLUMNS[POPULATION]

# kinds of discrepancy by i % 100
TYPO, OTHER_OWNER, PLAIN_NAME, OLD_ADDRESS, MOVED, NO_REG, NO_POP, DUPLICATE = range(8)
KIND_OF = np.full(100, -1)
for kind, cents in {
    TYPO: (0, 1),
    OTHER_OWNER: (2, 3),
    PLAIN_NAME: (4, 5),
    OLD_ADDRESS: (6, 7, 8, 9, 10),
    MOVED: (11, 12),
    NO_REG: (13, 14),
    NO_POP: (15,),
    DUPLICATE: (16,),
}.items():
    KIND_OF[list(cents)] = kind


class PeakRSS:
    """Samples this process's resident memory every 20 ms; ``peak`` since the last ``reset``."""

    def __init__(self) -> None:
        self.peak = 0
        self._stop = threading.Event()
        threading.Thread(target=self._run, daemon=True).start()

    @staticmethod
    def now() -> int:
        """Resident memory of this process and its children (worker processes), in bytes."""
        pids = ["self"]
        for children in Path("/proc/self/task").glob("*/children"):
            pids.extend(children.read_text().split())
        total = 0
        for pid in pids:
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue  # a child that just ended
            total += next((int(ln.split()[1]) * 1024 for ln in status.splitlines() if ln.startswith("VmRSS:")), 0)
        return total

    def reset(self) -> None:
        self.peak = self.now()

    def _run(self) -> None:
        while not self._stop.wait(0.02):
            self.peak = max(self.peak, self.now())


def admin_pairs(n: int = 400) -> list[tuple[str, str]]:
    """(pre-2025 "ward, district, province", the same place in current units) taken from the package data."""
    data = json.loads((Path(vietnamadminunits.__file__).parent / "data/parser_legacy.json").read_text())
    provinces = data["DICT_PROVINCE"]
    districts = data["DICT_PROVINCE_DISTRICT"]
    pairs: list[tuple[str, str]] = []
    seen: set[str] = set()
    for pkey, per_district in data["DICT_PROVINCE_DISTRICT_WARD_NO_ACCENTED"].items():
        for dkey, wards in per_district.items():
            for ward in list(wards.values())[:2]:
                if not isinstance(ward.get("ward"), str) or ward["ward"] == "nan":
                    continue
                old = f"{ward['ward']}, {districts[pkey][dkey]['district']}, {provinces[pkey]['province']}"
                parsed = address.parse(f"1 X, {old}")
                if len(parsed.ward_codes) == 1 and parsed.ward and parsed.province:
                    new = f"{parsed.ward}, {parsed.province}"
                    if address.parse(f"1 X, {new}").ward_codes == parsed.ward_codes and new not in seen:
                        seen.add(new)  # one old commune per current one: any other pair is another commune
                        pairs.append((old, new))
            if len(pairs) >= n:
                return pairs
    return pairs


def generate(start: int, n: int, pairs: list[tuple[str, str]], rng: np.random.Generator) -> dict[str, list[str]]:
    """Columns of ``n`` people and vehicles numbered from ``start``."""
    idx = np.arange(start, start + n)
    rand7 = ["".join(r) for r in VIN[rng.integers(0, len(VIN), size=(n, 7))]]
    place = rng.integers(0, len(pairs), size=n)
    year = rng.integers(1955, 2005, size=n)
    return {
        "i": idx.tolist(),
        "chassis": [f"RLH{r}{i:07d}" for r, i in zip(rand7, idx, strict=True)],
        "engine": [f"E{i % 97:02d}-{i:07d}" for i in idx],
        "plate": [
            f"{29 + i % 10}-{'BCDEFGHKLM'[i // 100000 % 10]}{1 + i // 1000000 % 9} {i % 100000:05d}" for i in idx
        ],
        "name": [
            f"{a} {b} {c}"
            for a, b, c in zip(
                SURNAMES[rng.integers(0, len(SURNAMES), n)],
                MIDDLE[rng.integers(0, len(MIDDLE), n)],
                GIVEN[rng.integers(0, len(GIVEN), n)],
                strict=True,
            )
        ],
        "id": [
            f"001{(0 if y < 2000 else 2) + i % 2}{y % 100:02d}{i % 1000000:06d}" for y, i in zip(year, idx, strict=True)
        ],
        "birth": [f"{y}-{1 + i % 12:02d}-{1 + i % 28:02d}" for y, i in zip(year, idx, strict=True)],
        "street": [f"{1 + i % 300} {s}" for s, i in zip(STREETS[rng.integers(0, len(STREETS), n)], idx, strict=True)],
        "place": place.tolist(),
        "brand": BRANDS[rng.integers(0, len(BRANDS), n)].tolist(),
        "model": MODELS[rng.integers(0, len(MODELS), n)].tolist(),
        "color": COLORS[rng.integers(0, len(COLORS), n)].tolist(),
    }


def _plain(text: str) -> str:
    return plain_key(text).upper()


def rows(cols: dict[str, list], pairs: list[tuple[str, str]]) -> Iterator[tuple[int, dict, list, list]]:
    """Per person: (i, paper record, registry rows, population rows) with the discrepancy of ``i % 100``."""
    for k in range(len(cols["i"])):
        i = cols["i"][k]
        kind = KIND_OF[i % 100]
        old, new = pairs[cols["place"][k]]
        addr = f"{cols['street'][k]}, {new}"
        rec = {
            "plate_number": cols["plate"][k],
            "chassis_number": cols["chassis"][k],
            "engine_number": cols["engine"][k],
            "owner_name": cols["name"][k],
            "owner_id_number": cols["id"][k],
            "owner_birth_date": cols["birth"][k],
            "owner_address": addr,
            "brand": cols["brand"][k],
            "model": cols["model"][k],
            "color": cols["color"][k],
        }
        reg = [rec[c] for c in REG_COLS]
        pop = [rec["owner_id_number"], rec["owner_name"], rec["owner_birth_date"], addr]
        if kind == TYPO:
            ch = rec["chassis_number"]
            rec["chassis_number"] = ch[:-1] + {"0": "O", "1": "I", "5": "S", "8": "B"}.get(
                ch[-1], "0" if ch[-1] != "0" else "O"
            )
        elif kind == OTHER_OWNER:
            reg[3], reg[4] = "TRẦN VĂN KHÁC", f"079{cols['id'][k][3:]}"
        elif kind == PLAIN_NAME:
            reg[3] = pop[1] = _plain(rec["owner_name"])
        elif kind == OLD_ADDRESS:
            rec["owner_address"] = f"{cols['street'][k]}, {old}"
        elif kind == MOVED:
            pop[3] = f"{cols['street'][k]}, {pairs[(cols['place'][k] + 1) % len(pairs)][1]}"
        regs = [] if kind == NO_REG else [reg]
        if kind == DUPLICATE:
            regs.append([*reg[:1], *reg[1:]])
            regs[-1][0] = "TEMP" + reg[0]
        yield i, rec, regs, ([] if kind == NO_POP else [pop])


def build(db: Path, work: Path, n: int, pairs: list[tuple[str, str]], seed: int = 1) -> tuple[Path, Path]:
    """Store ``n`` records in the core tables of ``db``; write the registry and population CSVs."""
    rng = np.random.default_rng(seed)
    con = sqlite3.connect(db)
    con.execute("PRAGMA synchronous=OFF")
    reg_path, pop_path = work / "registry.csv", work / "population.csv"
    with (
        reg_path.open("w", newline="", encoding="utf-8") as rf,
        pop_path.open("w", newline="", encoding="utf-8") as pf,
    ):
        rw, pw = csv.writer(rf), csv.writer(pf)
        rw.writerow(REG_COLS)
        pw.writerow(POP_COLS)
        for start in range(0, n, CHUNK):
            cols = generate(start, min(CHUNK, n - start), pairs, rng)
            dossiers, fields = [], []
            for i, rec, regs, pops in rows(cols, pairs):
                did = f"d-{i:016x}"
                commune, province = pairs[cols["place"][i - start]][1].split(", ")
                dossiers.append(
                    (
                        did,
                        f"{did}.pdf",
                        f"{i:064x}",
                        "processed",
                        "vehicle_registration",
                        4,
                        province,
                        commune,
                        "2026-01-01 00:00:00",
                        "2026-01-01 00:00:00",
                        1,
                    )
                )
                fields.extend((did, name, value, 0.97, 0, "[]", "[]", 0, 1) for name, value in rec.items())
                rw.writerows(regs)
                pw.writerows(pops)
            con.executemany(
                "INSERT INTO dossiers (id, source, sha256, status, doc_type, page_count, province, "
                "commune, created_at, updated_at, version) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                dossiers,
            )
            con.executemany(
                "INSERT INTO fields (dossier_id, name, value, confidence, needs_review, reasons_json, "
                "readings_json, reviewed, version) VALUES (?,?,?,?,?,?,?,?,?)",
                fields,
            )
            con.commit()
    con.close()
    return reg_path, pop_path


def expected(n: int) -> dict[str, int]:
    """Verdict counts the generated mix must give."""
    kinds = KIND_OF[np.arange(n) % 100]
    return {
        "registry missing": int((kinds == NO_REG).sum()),
        "registry ambiguous": int((kinds == DUPLICATE).sum()),
        "population missing": int((kinds == NO_POP).sum()),
        "population mismatch": int((kinds == MOVED).sum()),
    }


def cpu_seconds() -> float:
    """CPU time of this process and of its finished children (worker processes)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def run_size(n: int, root: Path, pairs: list[tuple[str, str]], rss: PeakRSS, workers: int = 1) -> dict[str, float]:
    work = root / f"n{n}"
    work.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{work / 'sohoa.db'}"
    migrate(url)
    t0 = time.perf_counter()
    reg_csv, pop_csv = build(work / "sohoa.db", work, n, pairs)
    t_build = time.perf_counter() - t0
    with session_factory(url)() as session:
        rss.reset()
        t0, c0 = time.perf_counter(), time.process_time()
        reg = import_file(session, "registry", reg_csv)
        pop = import_file(session, "population", pop_csv)
        t_import, m_import, cpu_import = time.perf_counter() - t0, rss.peak, time.process_time() - c0
        rss.reset()
        t0, c0 = time.perf_counter(), cpu_seconds()
        summary = reconcile_all(session, workers=workers)
        t_rec, m_rec, cpu_rec = time.perf_counter() - t0, rss.peak, cpu_seconds() - c0
    dispose_engine(url)
    got = summary.as_dict()
    want = expected(n)
    check = all(got[k.split()[0]].get(k.split()[1], 0) == v for k, v in want.items())
    print(
        f"  n={n:>9,}: build {t_build:6.1f}s | "
        f"import {reg.rows_loaded + pop.rows_loaded:,} rows {t_import:6.1f}s (cpu {cpu_import:6.1f}s) "
        f"peak {m_import / 2**20:6.0f} MiB | reconcile {t_rec:6.1f}s (cpu {cpu_rec:6.1f}s) "
        f"peak {m_rec / 2**20:6.0f} MiB "
        f"({n / t_rec:,.0f} records/s) | verdicts as generated: {check} | "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores",
        flush=True,
    )
    if not check:
        print("    got", json.dumps(got), "want", json.dumps(want))
    shutil.rmtree(work, ignore_errors=True)
    return {
        "n": n,
        "import": t_import,
        "reconcile": t_rec,
        "cpu": cpu_rec,
        "rss_import": m_import,
        "rss_reconcile": m_rec,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="100000,300000,1000000")
    ap.add_argument("--dir", type=Path, default=None, help="work directory (default: a temporary one)")
    ap.add_argument("--workers", type=int, default=1, help="reconcile worker processes (default 1)")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    root = args.dir or Path(tempfile.mkdtemp(prefix="bench_reconcile_"))
    rss = PeakRSS()
    pairs = admin_pairs()
    print(
        f"reconcile benchmark: {len(pairs)} (old, current) commune pairs, {args.workers} worker(s), work dir {root}",
        flush=True,
    )
    results = [run_size(n, root, pairs, rss, args.workers) for n in sizes]
    base = results[0]
    print("\nsize        import s  reconcile s  cpu s  peak MiB  time ratio  cpu ratio  size ratio  import+reconcile s")
    for r in results:
        print(
            f"{r['n']:>9,}  {r['import']:9.1f}  {r['reconcile']:11.1f}  {r['cpu']:5.1f}  "
            f"{r['rss_reconcile'] / 2**20:8.0f}  {r['reconcile'] / base['reconcile']:10.2f}  "
            f"{r['cpu'] / base['cpu']:9.2f}  {r['n'] / base['n']:10.1f}  {r['import'] + r['reconcile']:18.1f}"
        )
    if args.dir is None:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
