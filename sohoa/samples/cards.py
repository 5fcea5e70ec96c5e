"""Photocopies of cards: the vehicle registration certificate and the owner's ID card.

Cards are copied enlarged onto A4 (as offices do, so the small print stays
readable), front above back, on the grey, blotchy background a photocopier gives
a plastic card. Labels follow the real cards: Vietnamese with English in
brackets on the certificate, Vietnamese / English on the citizen ID card.
"""

from __future__ import annotations

import datetime as dt
import logging
import unicodedata
from dataclasses import dataclass

import cv2
import numpy as np

from sohoa.samples.canvas import Canvas, Style
from sohoa.samples.render import wrap

log = logging.getLogger(__name__)

CARD_W, CARD_H = 85.6 * 1.65, 54.0 * 1.65  # ID-1 card enlarged 165 %
LBL = Style(9.5, family="liberation", serif=False)
VAL = Style(10.5, bold=True, family="liberation", serif=False)


def _background(h: int, w: int, rng: np.random.Generator) -> np.ndarray:
    """The grey, uneven tone of a photocopied plastic card, with a dark rim."""
    level = float(rng.uniform(175, 215))
    low = cv2.resize(
        rng.random((max(2, h // 60), max(2, w // 60)), dtype=np.float32),
        (w, h),
        interpolation=cv2.INTER_CUBIC,
    )
    grain = rng.random((h, w), dtype=np.float32)
    out = level + (low - 0.5) * 40.0 + (grain - 0.5) * 30.0
    rim = max(2, w // 200)
    out[:rim, :] -= 90
    out[-rim:, :] -= 90
    out[:, :rim] -= 90
    out[:, -rim:] -= 90
    return np.clip(out, 0, 255).astype(np.uint8)


def _card(c: Canvas, x: float, y: float, rng: np.random.Generator) -> None:
    tile = _background(c.px(CARD_H), c.px(CARD_W), rng)
    c.paste_gray(tile, x, y)


def _pair(c: Canvas, x: float, y: float, label: str, value: str, *, width: float) -> float:
    """``label: value`` on one line (wrapping the value under it when too long); returns the next y."""
    lw = c.text(x, y, label + " ", LBL)
    lines = wrap(value, c.font(VAL), c.px(width - lw))
    c.text(x + lw, y, lines[0], VAL)
    for extra in lines[1:]:
        y += 5.2
        c.text(x + 4, y, extra, VAL)
    return y + 6.2


@dataclass(frozen=True)
class CertificateData:
    """What a registration certificate card prints."""

    authority: str
    vehicle_class: str  # "motorcycle" | "car"
    owner_name: str
    owner_address: str
    brand: str
    model: str
    color: str
    capacity: str
    engine: str
    chassis: str
    plate: str
    vehicle_type: str
    year: str
    seats: str
    registered: dt.date
    number: str
    place: str
    officer: str


def certificate_page(c: Canvas, d: CertificateData, rng: np.random.Generator) -> dict[str, str]:
    """A photocopy of both sides of a vehicle registration certificate; returns field -> printed text."""
    x = (c.width_mm - CARD_W) / 2 + float(rng.uniform(-8, 8))
    y = 18 + float(rng.uniform(0, 8))
    w = CARD_W - 10
    _card(c, x, y, rng)
    small = Style(8.5, family="liberation", serif=False)
    c.text(x + 5, y + 6, d.authority, Style(8.5, bold=True, family="liberation", serif=False))
    c.text(x + CARD_W - 5, y + 6, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", small, anchor="rs")
    c.text(x + CARD_W - 5, y + 10, "Độc lập - Tự do - Hạnh phúc", small, anchor="rs")
    title = "CHỨNG NHẬN ĐĂNG KÝ XE MÔ TÔ, XE MÁY" if d.vehicle_class == "motorcycle" else ("CHỨNG NHẬN ĐĂNG KÝ XE Ô TÔ")
    c.text(x + CARD_W / 2, y + 17, title, Style(11.5, bold=True, family="liberation", serif=False), anchor="ms")
    c.text(
        x + CARD_W / 2,
        y + 21.5,
        "(Vehicle registration certificate)",
        Style(9, italic=True, family="liberation", serif=False),
        anchor="ms",
    )
    c.text(x + CARD_W - 5, y + 27, f"Số (Number): {d.number}", small, anchor="rs")
    yy = y + 32
    yy = _pair(c, x + 5, yy, "Tên chủ xe (Owner's full name):", d.owner_name, width=w)
    yy = _pair(c, x + 5, yy, "Địa chỉ (Address):", d.owner_address, width=w)
    yy = _pair(c, x + 5, yy, "Biển số đăng ký (N° plate):", d.plate, width=w)
    yy = _pair(c, x + 5, yy, "Ngày đăng ký (Date of registration):", d.registered.strftime("%d/%m/%Y"), width=w)
    sig = Style(9, bold=True, family="liberation", serif=False)
    c.text(
        x + CARD_W - 30,
        min(yy, y + CARD_H - 12),
        f"{d.place}, ngày {d.registered:%d/%m/%Y}",
        small,
        anchor="ms",
    )
    c.text(x + CARD_W - 30, min(yy + 4.5, y + CARD_H - 7.5), "TRƯỞNG PHÒNG", sig, anchor="ms")
    c.text(x + CARD_W - 30, y + CARD_H - 3, d.officer, small, anchor="ms")
    # back side
    y2 = y + CARD_H + 12 + float(rng.uniform(0, 6))
    _card(c, x, y2, rng)
    half = w / 2
    yy = y2 + 9
    _pair(c, x + 5, yy, "Nhãn hiệu (Brand):", d.brand, width=half)
    yy = _pair(c, x + 5 + half, yy, "Số loại (Model code):", d.model, width=half)
    _pair(c, x + 5, yy, "Màu sơn (Color):", d.color, width=half)
    yy = _pair(c, x + 5 + half, yy, "Dung tích (Capacity):", d.capacity, width=half)
    yy = _pair(c, x + 5, yy, "Số máy (Engine N°):", d.engine, width=w)
    yy = _pair(c, x + 5, yy, "Số khung (Chassis N°):", d.chassis, width=w)
    yy = _pair(c, x + 5, yy, "Loại xe (Type):", d.vehicle_type, width=w)
    _pair(c, x + 5, yy, "Năm sản xuất (Year):", d.year, width=half)
    yy = _pair(c, x + 5 + half, yy, "Số chỗ ngồi (Seats):", d.seats, width=half)
    c.text(x + 5, yy + 2, "Đăng ký xe có giá trị đến ngày (Date of expiry): ..............", small)
    c.text(20, 285, "Bản sao (photocopy)", Style(8, italic=True, family="liberation"))
    return {
        "owner_name": d.owner_name,
        "owner_address": d.owner_address,
        "plate_number": d.plate,
        "registration_date": d.registered.strftime("%d/%m/%Y"),
        "brand": d.brand,
        "model": d.model,
        "color": d.color,
        "engine_capacity": d.capacity,
        "engine_number": d.engine,
        "chassis_number": d.chassis,
        "vehicle_type": d.vehicle_type,
        "year_of_manufacture": d.year,
    }


# -------------------------------------------------------------- ID card


@dataclass(frozen=True)
class IdCardData:
    """What the owner's ID card prints."""

    kind: str  # "cccd" | "cmnd"
    number: str
    name: str
    birth: dt.date
    sex: str  # "male" | "female"
    origin: str
    residence: str
    issued: dt.date


def _ascii_upper(text: str) -> str:
    stripped = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    return "".join(ch for ch in stripped if not unicodedata.combining(ch)).upper()


def _mrz_check(data: str) -> str:
    weights = (7, 3, 1)
    total = 0
    for i, ch in enumerate(data):
        v = int(ch) if ch.isdigit() else (ord(ch) - 55 if ch.isalpha() else 0)
        total += v * weights[i % 3]
    return str(total % 10)


def mrz(d: IdCardData, expiry: dt.date) -> tuple[str, str, str]:
    """The three 30-character machine-readable lines of a chip CCCD (ICAO TD1 layout)."""
    doc = d.number[3:]
    l1 = f"IDVNM{doc}{_mrz_check(doc)}{d.number}<<"
    l1 = (l1 + "<" * 30)[:29] + _mrz_check(l1[5:29])
    birth = d.birth.strftime("%y%m%d")
    exp = expiry.strftime("%y%m%d")
    l2 = f"{birth}{_mrz_check(birth)}{'F' if d.sex == 'female' else 'M'}{exp}{_mrz_check(exp)}VNM"
    l2 = (l2 + "<" * 30)[:29] + _mrz_check(l1[5:30] + l2[:7] + l2[8:15] + l2[18:29])
    parts = _ascii_upper(d.name).split()
    l3 = (parts[0] + "<<" + "<".join(parts[1:]) + "<" * 30)[:30]
    return l1, l2, l3


def _expiry(d: IdCardData) -> dt.date:
    age = d.issued.year - d.birth.year
    for limit in (25, 40, 60):
        if age < limit:
            return d.birth.replace(year=d.birth.year + limit, day=min(d.birth.day, 28))
    return dt.date(9999, 12, 31)


MARKS = (
    "Sẹo chấm C: 1cm trên trước đầu lông mày phải",
    "Nốt ruồi C: 2cm dưới sau mép trái",
    "Sẹo chấm C: 0,5cm trên đuôi mắt trái",
    "Nốt ruồi C: 1,5cm trên trước cánh mũi phải",
)


def _id_card_back(c: Canvas, d: IdCardData, x: float, y2: float, rng: np.random.Generator) -> None:
    """The back of the ID card: identification marks, issue date, fingerprints (and the CCCD's MRZ)."""
    small = Style(8, family="liberation", serif=False)
    bold_small = Style(8.5, bold=True, family="liberation", serif=False)
    mark = MARKS[int(rng.integers(len(MARKS)))]
    _card(c, x, y2, rng)
    if d.kind == "cccd":
        c.text(x + 5, y2 + 8, "Đặc điểm nhân dạng / Personal identification:", small)
        c.text(x + 5, y2 + 13, mark, small)
        c.text(x + 5, y2 + 20, f"Ngày, tháng, năm / Date, month, year: {d.issued:%d/%m/%Y}", small)
        fingers = ("Ngón trỏ trái", "Ngón trỏ phải")
        chief = ("CỤC TRƯỞNG CỤC CẢNH SÁT", "QUẢN LÝ HÀNH CHÍNH VỀ TRẬT TỰ XÃ HỘI")
    else:
        c.text(x + 5, y2 + 8, "Dân tộc: Kinh          Tôn giáo: Không", small)
        c.text(x + 5, y2 + 13, "DẤU VẾT RIÊNG VÀ DỊ HÌNH", bold_small)
        c.text(x + 5, y2 + 18, mark, small)
        fingers = ("NGÓN TRỎ TRÁI", "NGÓN TRỎ PHẢI")
        chief = (f"Ngày {d.issued:%d} tháng {d.issued:%m} năm {d.issued:%Y}", "GIÁM ĐỐC CÔNG AN TỈNH")
    for i, label in enumerate(fingers):
        c.rect((x + 8 + i * 32, y2 + 26, x + 34 + i * 32, y2 + 56), width_mm=0.3)
        c.text(x + 21 + i * 32, y2 + 60, label, small, anchor="ms")
    c.text(x + CARD_W - 35, y2 + 30, chief[0], bold_small, anchor="ms")
    c.text(x + CARD_W - 35, y2 + 34, chief[1], bold_small, anchor="ms")
    if d.kind == "cccd":
        mono = Style(10, family="typewriter", serif=False)
        for i, line in enumerate(mrz(d, _expiry(d))):
            c.text(x + 8, y2 + CARD_H - 16 + 5 * i, line, mono)


def id_card_page(c: Canvas, d: IdCardData, rng: np.random.Generator) -> dict[str, str]:
    """A photocopy of both sides of a CCCD (or an old CMND); returns field -> printed text."""
    x = (c.width_mm - CARD_W) / 2 + float(rng.uniform(-10, 10))
    y = 20 + float(rng.uniform(0, 10))
    _card(c, x, y, rng)
    small = Style(8, family="liberation", serif=False)
    bold_small = Style(8.5, bold=True, family="liberation", serif=False)
    cx = x + CARD_W / 2 + 12
    c.text(cx, y + 6, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold_small, anchor="ms")
    c.text(cx, y + 10, "Độc lập - Tự do - Hạnh phúc", bold_small, anchor="ms")
    if d.kind == "cccd":
        c.text(cx, y + 13.5, "SOCIALIST REPUBLIC OF VIET NAM", small, anchor="ms")
        c.text(cx, y + 17, "Independence - Freedom - Happiness", small, anchor="ms")
        c.text(
            cx,
            y + 23,
            "CĂN CƯỚC CÔNG DÂN",
            Style(12, bold=True, family="liberation", serif=False),
            anchor="ms",
        )
        c.text(cx, y + 27, "Citizen Identity Card", small, anchor="ms")
    else:
        c.text(
            cx,
            y + 22,
            "CHỨNG MINH NHÂN DÂN",
            Style(12, bold=True, family="liberation", serif=False),
            anchor="ms",
        )
    # emblem and photo
    c.draw.ellipse((c.px(x + 5), c.px(y + 4), c.px(x + 21), c.px(y + 20)), outline=c.ink("print"), width=2)
    c.rect((x + 5, y + 30, x + 30, y + 62), width_mm=0.3, fill=150)
    c.draw.ellipse((c.px(x + 11), c.px(y + 34), c.px(x + 24), c.px(y + 48)), fill=c.ink("grey"))
    tx, w = x + 34, CARD_W - 38
    sex = "Nữ" if d.sex == "female" else "Nam"
    if d.kind == "cccd":
        yy = _pair(c, tx, y + 34, "Số / No.:", d.number, width=w)
        yy = _pair(c, tx, yy, "Họ và tên / Full name:", "", width=w)
        c.text(tx + 4, yy - 1, d.name, Style(11.5, bold=True, family="liberation", serif=False))
        yy = _pair(c, tx, yy + 5.5, "Ngày sinh / Date of birth:", d.birth.strftime("%d/%m/%Y"), width=w)
        yy = _pair(c, tx, yy, "Giới tính / Sex:", f"{sex}    Quốc tịch / Nationality: Việt Nam", width=w)
        yy = _pair(c, tx, yy, "Quê quán / Place of origin:", d.origin, width=w)
        yy = _pair(c, tx, yy, "Nơi thường trú / Place of residence:", d.residence, width=w)
        expiry = _expiry(d)
        c.text(x + 5, y + CARD_H - 6, "Có giá trị đến:", small)
        c.text(
            x + 5,
            y + CARD_H - 2.5,
            expiry.strftime("%d/%m/%Y") if expiry.year < 9999 else "Không thời hạn",
            small,
        )
    else:
        yy = _pair(c, tx, y + 34, "Số:", d.number, width=w)
        yy = _pair(c, tx, yy, "Họ tên:", d.name, width=w)
        yy = _pair(c, tx, yy, "Sinh ngày:", d.birth.strftime("%d/%m/%Y"), width=w)
        yy = _pair(c, tx, yy, "Nguyên quán:", d.origin, width=w)
        yy = _pair(c, tx, yy, "Nơi ĐKHK thường trú:", d.residence, width=w)
    _id_card_back(c, d, x, y + CARD_H + 12 + float(rng.uniform(0, 6)), rng)
    printed = {
        "owner_id_number": d.number,
        "owner_name": d.name,
        "owner_birth_date": d.birth.strftime("%d/%m/%Y"),
        "owner_address": d.residence,
    }
    return printed
