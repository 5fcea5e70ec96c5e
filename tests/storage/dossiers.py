"""Dossier values for the storage tests: Vietnamese text (NFC), several pages, every kind of field."""

from __future__ import annotations

import hashlib

from sohoa.model import BBox, Dossier, DossierStatus, FieldValue, Page, Quality, Reading


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def make_dossier(n: int = 1, *, flagged: bool = True,
                 status: DossierStatus = DossierStatus.PROCESSED) -> Dossier:
    """A processed dossier with 2 pages and 4 fields (one flagged unless ``flagged=False``)."""
    source_sha = sha(f"source-{n}")
    did = f"d-{source_sha[:16]}"
    pages = tuple(
        Page(dossier_id=did, index=i, width=2480, height=3508, dpi=300, sha256=sha(f"{n}-page-{i}"),
             rotation=90 if i == 2 else 0, skew=-1.25 * i,
             quality=Quality(sharpness=120.5, contrast=180.0, dpi=300, rescan_advised=i == 2,
                             reasons=("blurred",) if i == 2 else ()),
             page_type="declaration" if i == 1 else "id_card", ocr_confidence=0.875,
             image_key=f"{did}/{i:04d}_prepared.png", stages=("ingest", "prepare", "read"))
        for i in (1, 2)
    )
    name, box = "NGUYỄN THỊ HỒNG NHUNG", BBox(x0=10, y0=20, x1=300, y1=60)
    reading = Reading(raw=name, value=name, page=1, bbox=box, confidence=0.97)
    fields = {
        "owner_name": FieldValue(value=name, confidence=0.97, needs_review=False, page=1, bbox=box,
                                 reasons=("dictionary",),
                                 readings=(reading,)),
        "owner_address": FieldValue(value="Số 12 phố Hàng Bạc, Phường Hoàn Kiếm, Thành phố Hà Nội",
                                    confidence=0.93, needs_review=False, page=1),
        "plate_number": FieldValue(value=f"29A-123.{n % 100:02d}", confidence=0.99, needs_review=False,
                                   page=1),
        "chassis_number": FieldValue(value="RLHJC5210MY012345", confidence=0.42 if flagged else 0.98,
                                     needs_review=flagged, page=2,
                                     reasons=("check digit",) if flagged else ()),
        "engine_number": FieldValue(value=None, confidence=0.0, needs_review=flagged, reasons=("not found",)),
    }
    return Dossier(dossier_id=did, source=f"hồ sơ {n}.pdf", sha256=source_sha, status=status, pages=pages,
                   fields=fields)
