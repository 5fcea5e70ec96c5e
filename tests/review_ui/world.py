"""A small world for the review UI tests: dossiers with real page images in the object store, stored
through storage's Repository, and accounts of every role.

Page images are drawn with Pillow (DejaVu Sans, full Vietnamese coverage): each field's value is
printed at a known place and its box is the box of the printed text, so crops show the real value.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from sohoa.model import BBox, Dossier, DossierStatus, FieldValue, Page
from storage.keys import page_key
from storage.objectstore import ObjectStore
from storage.repository import Repository

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
GOOD_VIN = "1M8GDM9AXKP042788"  # the classic ISO 3779 example: check digit X
BAD_VIN = "1M8GDM9A1KP042788"  # same VIN with a wrong check digit
COMMUNE_A, COMMUNE_B = "Phường Hoàn Kiếm", "Phường Ba Đình"
COMMUNE_C = "Xã Sóc Sơn"
PROVINCE, OTHER_PROVINCE = "Thành phố Hà Nội", "Tỉnh Thanh Hóa"
PASSWORD = "correct horse battery"

LABELS = {
    "plate_number": "Biển số",
    "chassis_number": "Số khung",
    "engine_number": "Số máy",
    "owner_name": "Tên chủ xe",
    "owner_id_number": "Số định danh cá nhân",
}


@dataclass(frozen=True)
class Seed:
    """What a test needs to know about one stored dossier."""

    dossier_id: str
    commune: str
    province: str
    values: dict[str, str]
    flagged: tuple[str, ...]


def draw_page(values: dict[str, str]) -> tuple[bytes, dict[str, BBox], tuple[int, int]]:
    """A white A-size page with "label: value" lines; returns PNG bytes and each value's box."""
    size = (1240, 1754)
    img = Image.new("L", size, 255)
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(str(FONT), 34)
    boxes: dict[str, BBox] = {}
    draw.text((300, 80), "GIẤY KHAI ĐĂNG KÝ XE", font=font, fill=0)
    for i, (name, value) in enumerate(values.items()):
        y = 220 + i * 110
        draw.text((80, y), f"{LABELS.get(name, name)}:", font=font, fill=0)
        x0, y0, x1, y1 = draw.textbbox((560, y), value, font=font)
        draw.text((560, y), value, font=font, fill=0)
        boxes[name] = BBox(x0=int(x0), y0=int(y0), x1=int(x1), y1=int(y1))
    out = io.BytesIO()
    img.save(out, format="PNG")
    return out.getvalue(), boxes, size


def store_dossier(
    repo: Repository,
    store: ObjectStore,
    dossier_id: str,
    commune: str,
    province: str,
    values: dict[str, str],
    flagged: dict[str, tuple[str, ...]],
) -> Seed:
    """Draw the page, put it in the store, save the dossier (status processed) through the Repository."""
    png, boxes, (w, h) = draw_page(values)
    key = page_key(dossier_id, 1, "prepared", "png")
    store.put_bytes(key, png)
    page = Page(
        dossier_id=dossier_id,
        index=1,
        width=w,
        height=h,
        dpi=150,
        sha256="0" * 64,
        image_key=key,
        page_type="declaration",
    )
    fields = {
        name: FieldValue(
            value=value,
            confidence=0.55 if name in flagged else 0.98,
            needs_review=name in flagged,
            page=1,
            bbox=boxes[name],
            reasons=flagged.get(name, ()),
        )
        for name, value in values.items()
    }
    sha = (dossier_id.encode().hex() * 8)[:64]
    repo.save_dossier(
        Dossier(
            dossier_id=dossier_id,
            source=f"{dossier_id}.pdf",
            sha256=sha,
            status=DossierStatus.PROCESSED,
            pages=(page,),
            fields=fields,
        ),
        commune=commune,
        province=province,
    )
    return Seed(dossier_id, commune, province, values, tuple(flagged))


def person(i: int) -> dict[str, str]:
    """Field values of dossier number ``i`` (the chassis number is a valid VIN)."""
    return {
        "plate_number": f"29A-{100 + i:03d}.{10 + i:02d}",
        "chassis_number": GOOD_VIN,
        "engine_number": f"JC52E-{120000 + i}",
        "owner_name": f"NGUYỄN VĂN AN {chr(65 + i)}",
        "owner_id_number": f"0010{90000000 + i:08d}",
    }


def reasons(r: str) -> tuple[str, ...]:
    return (r,)


def dumps(obj: object) -> str:
    return json.dumps(obj, ensure_ascii=False)
