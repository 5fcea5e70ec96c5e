"""``generate``: realistic scanned vehicle-registration dossiers with their ground truth.

Each dossier is drawn from its own random stream (seed, index), so a seed always
gives the same dossiers and the first k of a larger batch equal a batch of k.
A dossier has four pages: the declaration form (Circular 58/2020 Mẫu 01 or
Circular 79/2024 ĐKX10), a photocopy of the registration certificate, the
pencil rubbing of the engine and chassis numbers, and a copy of the owner's ID
card; each is scanned with faults of the chosen quality level and the dossier is
written as a PDF, a multi-page TIFF or a folder of page images, with
``<stem>.truth.json`` beside it.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from sohoa.errors import StorageError, UsageError
from sohoa.samples import people, vehicles
from sohoa.samples.canvas import Canvas
from sohoa.samples.cards import CertificateData, IdCardData, certificate_page, id_card_page
from sohoa.samples.faults import ScanProfile
from sohoa.samples.forms import FORMS, PROCEDURES, FormRenderer, Hand
from sohoa.samples.rubbing import paste_strip, rubbing_page
from sohoa.samples.truth import DossierTruth, Layout, OutputFormat, PageTruth, PageType, Quality, RecordTruth
from sohoa.samples.writer import write_dossier, write_text_atomic

log = logging.getLogger(__name__)

QualityChoice = Literal["clean", "fair", "poor", "mixed"]
FormatChoice = Literal["mixed", "pdf", "tiff", "png", "jpeg"]
PAGE_ORDER: tuple[PageType, ...] = ("declaration_form", "registration_certificate", "rubbing", "id_card")
REFORM = dt.date(2025, 7, 1)


class SampleOptions(BaseModel):
    """What a batch of samples may fix instead of drawing it per dossier."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    quality: QualityChoice = "mixed"
    format: FormatChoice = Field(default="mixed", description="output format; mixed: mostly PDF")
    dpi: int | None = Field(default=None, ge=100, le=600, description="scan resolution; default drawn per level")

    @classmethod
    def of(cls, value: QualityChoice | SampleOptions) -> SampleOptions:
        """Options from a quality level name, or the options themselves."""
        return value if isinstance(value, SampleOptions) else cls(quality=value)


@dataclass(frozen=True)
class Draft:
    """Everything drawn for one dossier before its pages are rendered."""

    index: int
    quality: Quality
    layout: Layout
    registered: dt.date
    owner: people.Person
    vehicle: vehicles.Vehicle
    plate: str
    old_plate: str | None
    procedure: Literal["first", "transfer"]
    fmt: OutputFormat
    dpi: int
    colour: bool
    id_issued: dt.date


def _date_between(rng: np.random.Generator, first: dt.date, last: dt.date) -> dt.date:
    return first + dt.timedelta(days=int(rng.integers(0, (last - first).days + 1)))


def _pick_quality(rng: np.random.Generator, quality: QualityChoice) -> Quality:
    """The scan level; drawn even when fixed, so a seed gives the same people at every level."""
    mixed: Quality = ("clean", "fair", "poor")[int(rng.choice(3, p=[0.4, 0.4, 0.2]))]
    return mixed if quality == "mixed" else quality


def _pick_format(rng: np.random.Generator) -> OutputFormat:
    return ("pdf", "tiff", "png", "jpeg")[int(rng.choice(4, p=[0.7, 0.15, 0.08, 0.07]))]


def _registration(rng: np.random.Generator) -> tuple[Layout, dt.date]:
    """The form's era and the registration date: mostly ĐKX10 after the reform, some older archives."""
    era = rng.random()
    if era < 0.72:
        if rng.random() < 0.88:
            return "tt79_2024_dkx10", _date_between(rng, REFORM, dt.date(2026, 10, 31))
        return "tt79_2024_dkx10", _date_between(rng, dt.date(2025, 1, 2), REFORM - dt.timedelta(days=1))
    if era < 0.9:
        return "tt58_2020_mau01", _date_between(rng, dt.date(2020, 8, 1), dt.date(2024, 12, 31))
    return "legacy_pre2020", _date_between(rng, dt.date(2008, 1, 1), dt.date(2020, 7, 31))


def _cmnd_share(registered: dt.date) -> float:
    """Share of owners showing the old 9-digit CMND: all before CCCD cards (2016), none after 2024."""
    if registered < dt.date(2016, 1, 1):
        return 1.0
    if registered < dt.date(2021, 7, 1):
        return 0.35
    return 0.1 if registered < dt.date(2025, 1, 1) else 0.0


def _plate_for(rng: np.random.Generator, owner: people.Person, car: vehicles.Vehicle, registered: dt.date) -> str:
    """A plate whose locality code belongs to the owner's province (old province before the reform)."""
    addr = owner.address
    if addr.old_province_code is not None:
        locality = vehicles.plate_code(rng, f"{addr.old_province_code:03d}")
    else:
        locality = vehicles.province_plate_code(rng, f"{addr.province_code:03d}")
    five = not (car.year <= 2012 and rng.random() < 0.3)
    two = car.spec.cls == "motorcycle" and registered >= dt.date(2023, 8, 15) and rng.random() < 0.3
    return vehicles.plate(rng, car.spec.cls, locality, five=five, two_letter=two)


def draft(seed: int, index: int, options: QualityChoice | SampleOptions = "mixed") -> Draft:
    """Draw the people, vehicle and scan settings of dossier ``index`` of a seed.

    Options fix the level, format or resolution without changing anything else
    drawn for the dossier (every draw is made whatever the options).
    """
    opts = SampleOptions.of(options)
    rng = np.random.default_rng([seed, index])
    level = _pick_quality(rng, opts.quality)
    layout, registered = _registration(rng)
    owner = people.person(rng, on=registered, pre2025_address=registered < REFORM, cmnd_share=_cmnd_share(registered))
    cls: vehicles.VehicleClass = "motorcycle" if rng.random() < 0.75 else "car"
    car = vehicles.vehicle(rng, cls, registered)
    procedure: Literal["first", "transfer"] = "transfer" if rng.random() < 0.25 else "first"
    old_plate = None
    if procedure == "transfer":
        other = vehicles.province_plate_code(rng, f"{people.pick_province(rng):03d}")
        old_plate = vehicles.plate(rng, cls, other, five=rng.random() < 0.7, two_letter=False)
    plate = _plate_for(rng, owner, car, registered)
    dpi = opts.dpi or ScanProfile.of(level).draw_dpi(rng)
    fmt = _pick_format(rng)
    return Draft(
        index=index,
        quality=level,
        layout=layout,
        registered=registered,
        owner=owner,
        vehicle=car,
        plate=plate,
        old_plate=old_plate,
        procedure=procedure,
        fmt=fmt if opts.format == "mixed" else opts.format,
        dpi=dpi,
        colour=bool(rng.random() < 0.2),
        id_issued=_id_issued(rng, owner, registered),
    )


# -------------------------------------------------------------- values printed on the papers


def _short_province(name: str) -> str:
    for prefix in ("Thành phố ", "Tỉnh "):
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def _authority(d: Draft) -> str:
    name = d.owner.address.old_province or d.owner.address.province
    if name.startswith("Thành phố"):
        return f"CÔNG AN {name.upper()}"
    return f"CÔNG AN TỈNH {_short_province(name).upper()}"


def record(d: Draft) -> RecordTruth:
    """The canonical value of every field of ``shared/fields.md``."""
    s = d.vehicle.spec
    return RecordTruth(
        plate_number=d.plate,
        chassis_number=d.vehicle.chassis,
        engine_number=d.vehicle.engine,
        owner_name=d.owner.name,
        owner_id_number=d.owner.id_number,
        owner_birth_date=d.owner.birth_date.isoformat(),
        owner_address=d.owner.address.text,
        brand=s.brand,
        model=s.model,
        color=d.vehicle.color,
        vehicle_type=s.vehicle_type,
        engine_capacity=s.capacity,
        year_of_manufacture=str(d.vehicle.year),
        registration_date=d.registered.isoformat(),
    )


def _id_issued(rng: np.random.Generator, owner: people.Person, registered: dt.date) -> dt.date:
    """When the owner's ID card was issued: after age 14, before the registration.

    CCCD cards exist from 2016; the old CMND was issued until mid-2021.
    """
    adult = owner.birth_date.replace(day=1) + dt.timedelta(days=366 * 14)
    last = registered - dt.timedelta(days=1)
    if owner.id_kind == "cmnd":
        first, last = max(adult, dt.date(2005, 1, 1)), min(last, dt.date(2021, 6, 30))
    else:
        first = max(adult, dt.date(2016, 1, 1))
    return _date_between(rng, min(first, last), last)


def form_values(d: Draft, rng: np.random.Generator) -> dict[str, str]:
    """What the owner and the office wrote on the declaration form (blanks left out)."""
    r = record(d)
    s = d.vehicle.spec
    issued = d.id_issued
    place = _short_province(d.owner.address.old_province or d.owner.address.province)
    values = {
        **r.as_dict(),
        "birth_year": str(d.owner.birth_date.year),
        "old_plate_number": d.old_plate or "",
        "id_issue_date": issued.strftime("%d/%m/%Y"),
        "id_issuer": "Cục Cảnh sát QLHC về TTXH" if d.owner.id_kind == "cccd" else f"CA {place}",
        "id_kind": "CCCD" if d.owner.id_kind == "cccd" else "CMND",
        "phone": f"09{int(rng.integers(0, 10**8)):08d}" if rng.random() < 0.8 else "",
        "procedure": PROCEDURES[1] if d.procedure == "transfer" else PROCEDURES[0],
        "place": place,
        "day": f"{d.registered.day:02d}",
        "month": f"{d.registered.month:02d}",
        "year": str(d.registered.year),
        "owner_name_sig": d.owner.name,
        "capacity_number": s.capacity.replace(" cm3", ""),
        "seats": "2" if s.cls == "motorcycle" else str(int(rng.choice([5, 7, 8]))),
        "plate_colour": "Trắng",
        "old_plate_colour": "Trắng" if d.old_plate else "",
        "origin": "Sản xuất lắp ráp" if rng.random() < 0.85 else "Nhập khẩu",
        "lptb_code": f"LPTB{d.registered:%y%m%d}{int(rng.integers(0, 10**6)):06d}" if rng.random() < 0.7 else "",
        "online_code": f"G01.{int(rng.integers(10, 99))}.{d.registered:%y%m%d}-{int(rng.integers(1, 9999))}"
        if rng.random() < 0.6
        else "",
        "ktclxx": f"KT{int(rng.integers(0, 10**7)):07d}" if s.cls == "motorcycle" and rng.random() < 0.5 else "",
        "invoice": f"{int(rng.integers(1, 10**7)):07d}" if rng.random() < 0.5 else "",
        "reason": "Sang tên" if d.procedure == "transfer" else "Đăng ký lần đầu",
        "registration_day": d.registered.strftime("%d/%m/%Y"),
        "attachments": "Hóa đơn, chứng từ lệ phí trước bạ, phiếu KTCLXX",
    }
    if d.layout == "tt79_2024_dkx10":
        values["owner_birth_date"] = ""  # ĐKX10 has no birth year
    return values


# -------------------------------------------------------------- pages


def _printed(spec_fields: dict[str, str], hand: Hand) -> dict[str, str]:
    return {k: (v.title() if hand.title_case and k == "owner_name" else v) for k, v in spec_fields.items() if v}


def render_form(d: Draft, rng: np.random.Generator) -> tuple[np.ndarray, dict[str, str]]:
    """The filled-in declaration form; returns the page and field -> printed text."""
    c = Canvas(dpi=d.dpi, colour=d.colour)
    hand = Hand.draw(rng, d.dpi, d.colour)
    values = form_values(d, rng)
    texts = (d.vehicle.engine, d.vehicle.chassis)
    paste = None
    if rng.random() < 0.5:

        def paste(cv: Canvas, box: tuple[float, float, float, float], i: int) -> None:
            paste_strip(cv, box, texts[i], rng)

    FormRenderer(c, hand, rng, paste=paste).render(FORMS[d.layout], values)
    shown = {k: values[k] for k in record(d).as_dict() if values.get(k)}
    if d.layout in ("tt58_2020_mau01", "legacy_pre2020"):
        shown["owner_birth_date"] = values["birth_year"]
    shown["registration_date"] = f"ngày {values['day']} tháng {values['month']} năm {values['year']}"
    if d.layout == "legacy_pre2020":
        shown["registration_date"] = values["registration_day"]
    if d.layout == "tt79_2024_dkx10":
        shown["engine_capacity"] = values["capacity_number"]
    return c.array(), _printed(shown, hand)


def render_certificate(d: Draft, rng: np.random.Generator) -> tuple[np.ndarray, dict[str, str]]:
    """A photocopy of the registration certificate card."""
    c = Canvas(dpi=d.dpi, colour=d.colour)
    s = d.vehicle.spec
    short = d.vehicle.card_chassis if rng.random() < 0.4 else d.vehicle.chassis
    officer_sex: people.Sex = "male" if rng.random() < 0.8 else "female"
    rank = ("Thượng tá", "Trung tá", "Đại tá")[int(rng.integers(3))]
    data = CertificateData(
        authority=_authority(d),
        vehicle_class=s.cls,
        owner_name=d.owner.name,
        owner_address=d.owner.address.text,
        brand=s.brand,
        model=s.model,
        color=d.vehicle.color,
        capacity=s.capacity,
        engine=d.vehicle.engine,
        chassis=short,
        plate=d.plate,
        vehicle_type=s.vehicle_type,
        year=str(d.vehicle.year),
        seats="2" if s.cls == "motorcycle" else "5",
        registered=d.registered,
        number=f"{int(rng.integers(0, 10**6)):06d}",
        place=_short_province(d.owner.address.old_province or d.owner.address.province),
        officer=f"{rank} {people.full_name(rng, officer_sex).title()}",
    )
    printed = certificate_page(c, data, rng)
    return c.array(), printed


def render_rubbing(d: Draft, rng: np.random.Generator) -> tuple[np.ndarray, dict[str, str]]:
    """The sheet with the pencil rubbings of the engine and chassis numbers."""
    c = Canvas(dpi=d.dpi, colour=d.colour)
    printed = rubbing_page(c, d.vehicle.engine, d.vehicle.chassis, rng)
    return c.array(), printed


def render_id_card(d: Draft, rng: np.random.Generator) -> tuple[np.ndarray, dict[str, str]]:
    """A photocopy of the owner's ID card (CCCD, or the old CMND)."""
    c = Canvas(dpi=d.dpi, colour=d.colour)
    o = d.owner
    data = IdCardData(
        kind=o.id_kind,
        number=o.id_number,
        name=o.name,
        birth=o.birth_date,
        sex=o.sex,
        origin=o.origin,
        residence=o.address.text,
        issued=d.id_issued,
    )
    printed = id_card_page(c, data, rng)
    return c.array(), printed


RENDERERS: dict[PageType, Callable[[Draft, np.random.Generator], tuple[np.ndarray, dict[str, str]]]] = {
    "declaration_form": render_form,
    "registration_certificate": render_certificate,
    "rubbing": render_rubbing,
    "id_card": render_id_card,
}


def build(
    seed: int, index: int, options: QualityChoice | SampleOptions = "mixed"
) -> tuple[DossierTruth, list[np.ndarray]]:
    """Draw, render and scan dossier ``index`` of ``seed``: its truth and its page images (in memory)."""
    d = draft(seed, index, options)
    rng = np.random.default_rng([seed, index, 1])
    order = list(PAGE_ORDER)
    if rng.random() < 0.2:
        rng.shuffle(order)
    profile = ScanProfile.of(d.quality)
    images: list[np.ndarray] = []
    pages: list[PageTruth] = []
    for i, page_type in enumerate(order, start=1):
        img, printed = RENDERERS[page_type](d, rng)
        scanned, scan = profile.apply(img, rng, dpi=d.dpi, target_dpi=d.dpi)
        images.append(scanned)
        pages.append(
            PageTruth(
                index=i,
                page_type=page_type,
                skew=scan.skew,
                rotation=scan.rotation,
                upright_rotation=scan.upright_rotation,
                dpi=scan.dpi,
                width=scanned.shape[1],
                height=scanned.shape[0],
                quality=d.quality,
                stamped=scan.stamped,
                punched=scan.punched,
                shadow=scan.shadow,
                blur_sigma=scan.blur_sigma,
                noise_sigma=scan.noise_sigma,
                contrast=scan.contrast,
                jpeg_quality=scan.jpeg_quality,
                printed=printed,
            )
        )
    stem = dossier_stem(seed, index)
    source = {"pdf": f"{stem}.pdf", "tiff": f"{stem}.tif"}.get(d.fmt, stem)
    a = d.owner.address
    truth = DossierTruth(
        dossier_id=stem,
        source=source,
        format=d.fmt,
        layout=d.layout,
        procedure=d.procedure,
        quality=d.quality,
        vehicle_class=d.vehicle.spec.cls,
        fields=record(d),
        commune=a.commune,
        province=a.province,
        province_code=f"{a.province_code:03d}",
        address_era=a.era,
        old_district=a.old_district,
        old_commune=a.old_commune,
        old_province=a.old_province,
        owner_sex=d.owner.sex,
        birth_province_code=f"{d.owner.birth_province_code:03d}",
        vin=d.vehicle.is_vin,
        old_plate_number=d.old_plate,
        pages=tuple(pages),
    )
    return truth, images


def write_one(out: Path, seed: int, index: int, options: QualityChoice | SampleOptions = "mixed") -> DossierTruth:
    """Build dossier ``index`` of ``seed`` and write it with its truth file under ``out``."""
    truth, images = build(seed, index, options)
    jpeg_q = 92 if truth.quality == "clean" else 85 if truth.quality == "fair" else 75
    write_dossier(out, truth.dossier_id, images, truth.pages[0].dpi, truth.format, quality=jpeg_q)
    write_text_atomic(out / f"{truth.dossier_id}.truth.json", truth.model_dump_json(indent=2) + "\n")
    log.debug("sample dossier %s written (%s, %s)", truth.dossier_id, truth.format, truth.quality)
    return truth


def dossier_stem(seed: int, index: int) -> str:
    """The file stem and dossier id of dossier ``index`` of ``seed``."""
    return f"hoso-{seed}-{index:05d}"


def generate(
    out: Path,
    n: int,
    seed: int,
    quality: QualityChoice = "mixed",
    *,
    fmt: FormatChoice = "mixed",
    dpi: int | None = None,
    on_dossier: Callable[[DossierTruth], None] | None = None,
) -> list[DossierTruth]:
    """Write ``n`` scanned dossiers and their ``<stem>.truth.json`` under ``out``.

    Deterministic for ``seed``: the same arguments write byte-identical files, and
    the dossier at an index holds the same people and vehicle whatever the
    quality, format or resolution asked for.
    """
    if n < 0:
        raise UsageError(f"--n must be 0 or more, got {n}")
    try:
        options = SampleOptions(quality=quality, format=fmt, dpi=dpi)
    except ValidationError as e:
        problems = "; ".join(f"{'.'.join(map(str, err['loc']))}: {err['msg']}" for err in e.errors())
        raise UsageError(f"bad sample options ({problems})") from e
    truths: list[DossierTruth] = []
    try:
        out.mkdir(parents=True, exist_ok=True)
        for index in range(n):
            truth = write_one(out, seed, index, options)
            truths.append(truth)
            if on_dossier is not None:
                on_dossier(truth)
    except OSError as e:
        raise StorageError(f"cannot write sample dossiers ({e.strerror or e})", path=str(out)) from e
    return truths
