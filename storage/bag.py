"""The digitized package the registry system receives: a BagIt bag per dossier version.

A package lives under ``exports/<province>/<commune>/<dossier_id>/v<N>/`` in the
export bucket. It is built in a temporary folder with the ``bagit`` package, then
uploaded payload first (``data/...``), the other tag files next and
``tagmanifest-sha256.txt`` last: a reader that sees the tag manifest sees a
complete package. Published versions are never overwritten; a correction is
``v<N+1>`` beside the old one. ``verify_package`` re-reads every file and checks
every checksum.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import BinaryIO

import bagit

from sohoa.errors import Conflict, StorageError, UsageError
from storage.keys import check_key, package_prefix, package_root
from storage.objectstore import CHUNK, ObjectStore

log = logging.getLogger(__name__)

TAGMANIFEST = "tagmanifest-sha256.txt"
MANIFEST = "manifest-sha256.txt"
TAG_FILES = ("bagit.txt", "bag-info.txt", MANIFEST)  # uploaded after the payload, before TAGMANIFEST
_VERSION = re.compile(r"^v(\d+)/")

#: a payload file: its bytes, a local file, or a function opening a stream (read once)
Source = bytes | Path | Callable[[], BinaryIO]


@dataclass(frozen=True)
class PublishedPackage:
    """Where a package version went, and the checksum of every object written."""

    prefix: str
    version: int
    objects: tuple[tuple[str, str, int], ...]  # (key, sha256, size)


def software_version() -> str:
    """``sohoa <version>`` for bag-info.txt."""
    try:
        return f"sohoa {version('sohoa')}"
    except PackageNotFoundError:
        return "sohoa (unreleased)"


def package_versions(store: ObjectStore, root: str) -> dict[int, bool]:
    """Versions present under a dossier's package root, and whether each is complete."""
    found: dict[int, bool] = {}
    for key in store.list(root):
        m = _VERSION.match(key[len(root):])
        if m:
            n = int(m.group(1))
            found[n] = found.get(n, False) or key.endswith(f"/v{n}/{TAGMANIFEST}")
    return found


def next_version(store: ObjectStore, root: str, at_least: int = 1) -> int:
    """The version number a new package gets: one past the newest complete one (and >= ``at_least``)."""
    complete = [n for n, ok in package_versions(store, root).items() if ok]
    return max([at_least, *(n + 1 for n in complete)])


def build_bag(workdir: Path, payload: Mapping[str, Source], info: Mapping[str, str]) -> Path:
    """Write ``payload`` into a new BagIt bag in ``workdir``; names are relative to the bag's ``data/``."""
    bag_dir = workdir / "bag"
    bag_dir.mkdir()
    for name, source in payload.items():
        target = bag_dir / check_key(name)
        target.parent.mkdir(parents=True, exist_ok=True)
        _write_source(source, target)
    bag_info = {"Bag-Software-Agent": f"{software_version()} (bagit.py {bagit.VERSION})", **info}
    bagit.make_bag(str(bag_dir), bag_info=bag_info, processes=1, checksums=["sha256"])
    return bag_dir


def _write_source(source: Source, target: Path) -> None:
    if isinstance(source, bytes):
        target.write_bytes(source)
    elif isinstance(source, Path):
        shutil.copyfile(source, target)
    else:
        with source() as src, target.open("wb") as out:
            shutil.copyfileobj(src, out, CHUNK)


def upload_order(bag_dir: Path) -> list[str]:
    """Relative names of the bag's files: payload, then tag files, the tag manifest last."""
    payload = sorted(p.relative_to(bag_dir).as_posix() for p in (bag_dir / "data").rglob("*") if p.is_file())
    others = sorted(p.name for p in bag_dir.iterdir()
                    if p.is_file() and p.name not in (*TAG_FILES, TAGMANIFEST))
    return [*payload, *others, *TAG_FILES, TAGMANIFEST]


def publish_package(
    store: ObjectStore,
    *,
    dossier_id: str,
    province: str | None,
    commune: str | None,
    payload: Mapping[str, Source],
    info: Mapping[str, str] | None = None,
    at_least: int = 1,
) -> PublishedPackage:
    """Build the bag and upload it as the next version of the dossier's package (never overwriting)."""
    if not payload:
        raise UsageError(f"dossier {dossier_id}: nothing to publish")
    root = package_root(province, commune, dossier_id)
    number = next_version(store, root, at_least)
    prefix = package_prefix(province, commune, dossier_id, number)
    _clear_unfinished(store, prefix)
    bag_info = {"External-Identifier": dossier_id, "Sohoa-Dossier-Id": dossier_id,
                "Sohoa-Province": province or "", "Sohoa-Commune": commune or "",
                "Sohoa-Package-Version": str(number),
                "Sohoa-Published-At": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), **(info or {})}
    with tempfile.TemporaryDirectory(prefix="sohoa-bag-") as tmp:
        bag_dir = build_bag(Path(tmp), payload, bag_info)
        objects = tuple(_upload(store, bag_dir, prefix, name) for name in upload_order(bag_dir)[:-1])
        if store.exists(prefix + TAGMANIFEST):  # another publisher finished this version meanwhile
            raise Conflict(f"package {prefix} was published by someone else; publish again")
        objects += (_upload(store, bag_dir, prefix, TAGMANIFEST),)
    log.info("published %s (%d files)", prefix, len(objects))
    return PublishedPackage(prefix=prefix, version=number, objects=objects)


def _clear_unfinished(store: ObjectStore, prefix: str) -> None:
    """Remove the leftovers of an interrupted publish of this (never completed) version."""
    if store.exists(prefix + TAGMANIFEST):
        raise Conflict(f"package {prefix} is already published; versions are never overwritten")
    leftovers = list(store.list(prefix))
    for key in leftovers:
        store.delete(key)
    if leftovers:
        log.warning("removed %d file(s) of an unfinished publish under %s", len(leftovers), prefix)


def _upload(store: ObjectStore, bag_dir: Path, prefix: str, name: str) -> tuple[str, str, int]:
    path = bag_dir / name
    with path.open("rb") as fh:
        reader = _HashingReader(fh)
        store.put_stream(prefix + name, reader, path.stat().st_size)  # type: ignore[arg-type]
    return prefix + name, reader.hexdigest(), reader.size


class _HashingReader:
    """A read-only stream that hashes what passes through it."""

    def __init__(self, raw: BinaryIO) -> None:
        self._raw = raw
        self._sha = hashlib.sha256()
        self.size = 0

    def read(self, n: int = -1) -> bytes:
        data = self._raw.read(n)
        self._sha.update(data)
        self.size += len(data)
        return data

    def hexdigest(self) -> str:
        return self._sha.hexdigest()


# -- fixity -----------------------------------------------------------------------------------


def _sha256_of(store: ObjectStore, key: str) -> tuple[str, int]:
    sha = hashlib.sha256()
    size = 0
    with store.open(key) as fh:
        while chunk := fh.read(CHUNK):
            sha.update(chunk)
            size += len(chunk)
    return sha.hexdigest(), size


def _manifest(store: ObjectStore, key: str) -> dict[str, str]:
    """``{relative path: sha256}`` of a BagIt manifest (paths percent-decoded per the spec)."""
    out: dict[str, str] = {}
    for line in store.get_bytes(key).decode("utf-8").splitlines():
        if line.strip():
            digest, _, name = line.strip().partition(" ")
            name = name.strip().replace("%0A", "\n").replace("%0D", "\r").replace("%25", "%")
            out[name] = digest.lower()
    return out


def verify_package(store: ObjectStore, prefix: str) -> list[str]:
    """Re-read one package and check every checksum; return the problems (empty when sound)."""
    prefix = prefix.rstrip("/") + "/"
    keys = set(store.list(prefix))
    if not keys:
        return [f"{prefix}: no package here"]
    problems: list[str] = []
    if prefix + TAGMANIFEST not in keys:
        problems.append(f"{prefix}: incomplete, no {TAGMANIFEST} (publish unfinished)")
    else:
        problems += _check_manifest(store, prefix, TAGMANIFEST, keys)
    if prefix + MANIFEST not in keys:
        return [*problems, f"{prefix}: no {MANIFEST}"]
    problems += _check_manifest(store, prefix, MANIFEST, keys)
    listed = set(_manifest(store, prefix + MANIFEST))
    payload = (k[len(prefix):] for k in keys if k.startswith(prefix + "data/"))
    extra = sorted(name for name in payload if name not in listed)
    problems += [f"{prefix}{name}: payload file not in {MANIFEST}" for name in extra]
    problems += _check_oxum(store, prefix, keys, listed)
    return problems


def _check_manifest(store: ObjectStore, prefix: str, manifest: str, keys: set[str]) -> list[str]:
    problems = []
    for name, expected in _manifest(store, prefix + manifest).items():
        key = prefix + name
        if key not in keys:
            problems.append(f"{key}: listed in {manifest} but missing")
            continue
        actual, _ = _sha256_of(store, key)
        if actual != expected:
            problems.append(f"{key}: sha256 {actual[:12]}... does not match {manifest} ({expected[:12]}...)")
    return problems


def _check_oxum(store: ObjectStore, prefix: str, keys: set[str], listed: set[str]) -> list[str]:
    if prefix + "bag-info.txt" not in keys:
        return [f"{prefix}: no bag-info.txt"]
    text = store.get_bytes(prefix + "bag-info.txt").decode("utf-8")
    m = re.search(r"^Payload-Oxum:\s*(\d+)\.(\d+)\s*$", text, re.MULTILINE)
    if m is None:
        return []
    if int(m.group(2)) != len(listed):
        return [f"{prefix}: Payload-Oxum says {m.group(2)} files, manifest lists {len(listed)}"]
    size = sum(store.stat(prefix + name).size for name in listed if prefix + name in keys)
    if int(m.group(1)) != size:
        return [f"{prefix}: Payload-Oxum says {m.group(1)} bytes, the payload has {size}"]
    return []


def package_prefixes(store: ObjectStore, prefix: str) -> list[str]:
    """Every package (version folder) under ``prefix``, complete or not."""
    roots: set[str] = set()
    for key in store.list(prefix):
        if "/data/" in key:
            roots.add(key.split("/data/")[0] + "/")
        elif key.rsplit("/", 1)[-1] in (*TAG_FILES, TAGMANIFEST):
            roots.add(key.rsplit("/", 1)[0] + "/")
    return sorted(roots)


def verify_all(store: ObjectStore, prefix: str) -> Iterator[tuple[str, list[str]]]:
    """``(package prefix, problems)`` for every package under ``prefix``."""
    packages = package_prefixes(store, prefix)
    if not packages:
        raise StorageError(f"no package under {prefix!r}")
    for p in packages:
        yield p, verify_package(store, p)
