"""Publishing approved dossiers: gather the pipeline's outputs, upload the bag, record it.

The package holds what the pipeline stored for the dossier (``storage.keys``):
the original scans (``<id>/source*``), the searchable PDF (``<id>/searchable.pdf``),
the hOCR of each page (``<id>/<page>_ocr.hocr``), and the record JSON in the export
contract. Before uploading, the publisher bumps the dossier's version (optimistic
lock), so two publishers of one dossier never interleave their uploads; after the
upload the dossier becomes ``published`` with its package version, unless it was
edited meanwhile (then it stays approved and the next run publishes the edit).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any, BinaryIO

from sohoa.errors import Conflict, NotFound
from storage.bag import PublishedPackage, Source, publish_package
from storage.keys import dossier_key, page_key
from storage.objectstore import ObjectStore
from storage.repository import DossierInfo, Repository, StoredObject

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Place:
    """Where a dossier belongs (names as written, NFC)."""

    province: str | None
    commune: str | None


def place_of(info: DossierInfo, record: Mapping[str, Any]) -> Place:
    """The dossier's province and commune: as stored, else parsed from the owner's address."""
    if info.province or info.commune:
        return Place(info.province, info.commune)
    address = ((record.get("fields") or {}).get("owner_address") or {}).get("value")
    if not address:
        return Place(None, None)
    try:
        from reconcile.address import parse
    except ImportError:  # reconcile not part of this build
        return Place(None, None)
    parsed = parse(address)
    return Place(parsed.province, parsed.ward)


def pipeline_payload(store: ObjectStore, info: DossierInfo, record: Mapping[str, Any]) -> dict[str, Source]:
    """The package payload from what the pipeline stored for the dossier, plus the record JSON."""
    did = info.dossier_id
    payload: dict[str, Source] = {
        "record.json": json.dumps(record, ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8"),
    }
    opener: Callable[[str], BinaryIO] = store.open
    if store.exists(dossier_key(did, "searchable.pdf")):
        payload["searchable.pdf"] = partial(opener, dossier_key(did, "searchable.pdf"))
    for index in range(1, info.page_count + 1):
        key = page_key(did, index, "ocr", "hocr")
        if store.exists(key):
            payload[f"ocr/page-{index:04d}.hocr"] = partial(opener, key)
    scans = list(store.list(f"{did}/source"))
    if not scans:
        raise NotFound(f"dossier {did}: its original scan is not in the object store; nothing published")
    for key in scans:
        payload[f"scans/{key.rsplit('/', 1)[-1]}"] = partial(opener, key)
    return payload


def publish_dossier(
    repo: Repository,
    scans: ObjectStore,
    exports: ObjectStore,
    dossier_id: str,
    record: Mapping[str, Any],
    *,
    bucket: str,
) -> PublishedPackage:
    """Publish one approved dossier as the next package version and mark it published."""
    info = repo.dossier_info(dossier_id)
    if info.status != "approved":
        raise Conflict(f"dossier {dossier_id} is {info.status}; only approved dossiers are published")
    # take the publication: a second publisher of the same dossier fails here, before uploading
    lease = repo.set_status(dossier_id, "approved", expected_version=info.version)
    place = place_of(info, record)
    package = publish_package(
        exports, dossier_id=dossier_id, province=place.province, commune=place.commune,
        payload=pipeline_payload(scans, info, record),
        info={"Sohoa-Received-At": info.created_at.isoformat(timespec="seconds"),
              "Sohoa-Approved-At": info.updated_at.isoformat(timespec="seconds"),
              "Sohoa-Source-Sha256": info.sha256, "Sohoa-Document-Type": info.doc_type},
        at_least=(info.published_version or 0) + 1,
    )
    repo.mark_published(dossier_id, package.version, lease,
                        [StoredObject(bucket, key, sha, size) for key, sha, size in package.objects])
    return package
