"""The declaration form "GIẤY KHAI ĐĂNG KÝ XE" in two eras, declared as data.

A form is a tuple of layout elements (headings, rows of labelled cells with dotted
leader lines, the box where the rubbing is pasted, check boxes, signatures). The
renderer prints the preprinted form in a Times-like serif and then writes the
values onto the dots in another hand (a typewriter's mono face or a slanted
"handwriting" face), a few pixels above or below the label's baseline and never
exactly on it, as on real filled-in forms. Labels follow ``shared/domain.md`` §1:
Circular 58/2020 Mẫu 01 and Circular 79/2024 ĐKX10.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from sohoa.samples.canvas import Canvas, InkName, Style
from sohoa.samples.render import Family, wrap

log = logging.getLogger(__name__)

LABEL = Style(11.0, serif=True, family="liberation")
LABEL_BOLD = Style(11.0, bold=True, serif=True, family="liberation")
NATIONAL = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"


@dataclass(frozen=True)
class Heading:
    """A preprinted line of text."""

    text: str
    size_pt: float = 11.0
    bold: bool = False
    italic: bool = False
    align: Literal["center", "left", "right"] = "center"
    underline: bool = False
    gap_mm: float = 5.5


@dataclass(frozen=True)
class Cell:
    """A label followed by dotted leaders up to the cell's end; ``key`` names the value written there."""

    label: str
    key: str | None = None
    width: float = 1.0  # fraction of the text width
    bold: bool = False


@dataclass(frozen=True)
class Row:
    """Several cells on one line, as on the printed form."""

    cells: tuple[Cell, ...]
    gap_mm: float = 7.0


@dataclass(frozen=True)
class Checks:
    """A line of check boxes; the one whose label equals ``values[key]`` is ticked."""

    labels: tuple[str, ...]
    key: str
    gap_mm: float = 7.0


@dataclass(frozen=True)
class PasteBox:
    """The framed place where the rubbings of the engine and chassis numbers are pasted."""

    labels: tuple[str, ...]
    height_mm: float = 30.0
    gap_mm: float = 4.0


@dataclass(frozen=True)
class DateLine:
    """``……, ngày …… tháng …… năm ……`` with place and date written on the dots (right aligned)."""

    gap_mm: float = 7.0


@dataclass(frozen=True)
class Signatures:
    """Signature blocks side by side: titles, a hint in italics, a signature and the name."""

    titles: tuple[str, ...]
    hints: tuple[str, ...]
    name_keys: tuple[str | None, ...]
    height_mm: float = 30.0
    gap_mm: float = 0.0


@dataclass(frozen=True)
class Paragraph:
    """Preprinted running text, wrapped to the text width."""

    text: str
    italic: bool = False
    gap_mm: float = 5.5


Element = Heading | Row | Checks | PasteBox | DateLine | Signatures | Paragraph


@dataclass(frozen=True)
class FormSpec:
    """A declaration form of one era."""

    layout: str
    corner: tuple[str, ...]
    elements: tuple[Element, ...]
    margin_mm: float = 15.0
    top_mm: float = 12.0


PROCEDURES = ("Đăng ký mới", "Đăng ký sang tên", "Đăng ký tạm thời", "Đổi lại, cấp lại đăng ký xe")

MAU01_TT58 = FormSpec(
    layout="tt58_2020_mau01",
    corner=("Mẫu số 01", "Ban hành kèm theo Thông tư số 58/2020/TT-BCA"),
    elements=(
        Heading(NATIONAL, 12, bold=True, gap_mm=5.5),
        Heading(MOTTO, 12, bold=True, underline=True, gap_mm=10),
        Heading("GIẤY KHAI ĐĂNG KÝ XE", 15, bold=True, gap_mm=5.5),
        Heading("(Vehicle registration declaration)", 11, italic=True, gap_mm=8),
        Heading("A. PHẦN CHỦ XE TỰ KÊ KHAI (self declaration vehicle owner's)", 11, bold=True, align="left"),
        Row((Cell("Tên chủ xe:", "owner_name", 0.7), Cell("Năm sinh:", "birth_year", 0.3))),
        Row((Cell("Địa chỉ:", "owner_address"),)),
        Row(
            (
                Cell("Số CCCD/CMND/Hộ chiếu của chủ xe:", "owner_id_number", 0.62),
                Cell("Cấp ngày:", "id_issue_date", 0.38),
            )
        ),
        Row((Cell("tại:", "id_issuer"),)),
        Row((Cell("Số CCCD/CMND/Hộ chiếu của người làm thủ tục:", None, 0.62), Cell("Cấp ngày:", None, 0.38))),
        Row((Cell("Điện thoại của chủ xe:", "phone", 0.5), Cell("Email:", None, 0.5))),
        Row((Cell("Số hoá đơn điện tử:", "invoice", 0.5), Cell("Mã số thuế:", "tax_code", 0.5))),
        Row((Cell("Mã hồ sơ khai lệ phí trước bạ:", "lptb_code", 0.62), Cell("Cơ quan cấp:", None, 0.38))),
        Row((Cell("Số tờ khai hải quan điện tử:", None, 0.62), Cell("Cơ quan cấp:", None, 0.38))),
        Row((Cell("Số sêri Phiếu KTCLXX:", "ktclxx", 0.62), Cell("Cơ quan cấp:", None, 0.38))),
        Row((Cell("Số máy 1 (Engine N0):", "engine_number", 0.58), Cell("Số máy 2 (Engine N0):", None, 0.42))),
        Row((Cell("Số khung (Chassis N0):", "chassis_number"),)),
        PasteBox(("Dán bản chà số máy", "Dán bản chà số khung"), height_mm=26),
        Row((Cell("Loại xe:", "vehicle_type", 0.55), Cell("Màu sơn:", "color", 0.45))),
        Row((Cell("Nhãn hiệu:", "brand", 0.55), Cell("Số loại:", "model", 0.45))),
        Checks(PROCEDURES, "procedure"),
        DateLine(gap_mm=6),
        Signatures(
            ("NGƯỜI LÀM THỦ TỤC", "CHỦ XE"),
            ("(Ký, ghi rõ họ tên)", "(Ký, ghi rõ họ tên)"),
            (None, "owner_name_sig"),
            height_mm=25,
        ),
        Heading("B. PHẦN KIỂM TRA XÁC ĐỊNH CỦA CƠ QUAN ĐĂNG KÝ XE", 11, bold=True, align="left", gap_mm=10),
        Row(
            (
                Cell("BIỂN SỐ MỚI:", "plate_number", 0.5, bold=True),
                Cell("BIỂN SỐ CŨ:", "old_plate_number", 0.5, bold=True),
            )
        ),
        Row(
            (
                Cell("Năm sản xuất:", "year_of_manufacture", 0.3),
                Cell("Dung tích xi lanh:", "engine_capacity", 0.38),
                Cell("Màu sơn:", "color", 0.32),
            )
        ),
        Row(
            (
                Cell("Số chỗ ngồi:", "seats", 0.3),
                Cell("Tự trọng:", None, 0.35),
                Cell("Tải trọng:", None, 0.35),
            )
        ),
    ),
)

DKX10_TT79 = FormSpec(
    layout="tt79_2024_dkx10",
    corner=("Mẫu ĐKX10", "Ban hành kèm theo Thông tư số 79/2024/TT-BCA"),
    elements=(
        Heading(NATIONAL, 12, bold=True, gap_mm=5.5),
        Heading(MOTTO, 12, bold=True, underline=True, gap_mm=10),
        Heading("GIẤY KHAI ĐĂNG KÝ XE", 15, bold=True, gap_mm=6),
        Heading("(Đăng ký lần đầu, sang tên, di chuyển, cấp đổi, cấp lại, tạm thời)", 10.5, italic=True, gap_mm=8),
        Row((Cell("Mã hồ sơ trực tuyến:", "online_code"),)),
        Row(
            (
                Cell("BIỂN SỐ CŨ:", "old_plate_number", 0.55, bold=True),
                Cell("Màu biển:", "old_plate_colour", 0.45),
            )
        ),
        Row((Cell("BIỂN SỐ MỚI:", "plate_number", 0.55, bold=True), Cell("Màu biển:", "plate_colour", 0.45))),
        Row((Cell("Tên chủ xe:", "owner_name"),)),
        Row((Cell("Địa chỉ:", "owner_address"),)),
        Row((Cell("Điện thoại:", "phone", 0.45), Cell("Email:", None, 0.55))),
        Row((Cell("Mã định danh:", "owner_id_number", 0.5), Cell("Loại giấy tờ:", "id_kind", 0.5))),
        Row((Cell("Cơ quan cấp:", "id_issuer", 0.62), Cell("ngày cấp:", "id_issue_date", 0.38))),
        Row((Cell("Người làm thủ tục:", None, 0.45), Cell("Số giấy tờ:", None, 0.3), Cell("SĐT:", None, 0.25))),
        Row(
            (
                Cell("Số GPKDVT (nếu có):", None, 0.45),
                Cell("Cơ quan cấp:", None, 0.3),
                Cell("ngày cấp:", None, 0.25),
            )
        ),
        Row((Cell("Nhãn hiệu:", "brand", 0.5), Cell("Số loại:", "model", 0.5))),
        Row(
            (
                Cell("Loại xe:", "vehicle_type", 0.46),
                Cell("Dung tích (cm3):", "capacity_number", 0.29),
                Cell("Công suất (kw):", None, 0.25),
            )
        ),
        Row((Cell("Số máy:", "engine_number"),)),
        Row((Cell("Số khung:", "chassis_number", 0.62), Cell("Màu sơn:", "color", 0.38))),
        Row(
            (
                Cell("Trọng tải:", None, 0.26),
                Cell("Số chỗ ngồi, đứng, nằm:", "seats", 0.4),
                Cell("Năm sản xuất:", "year_of_manufacture", 0.34),
            )
        ),
        Row(
            (
                Cell("Khối lượng bản thân:", None, 0.4),
                Cell("toàn bộ:", None, 0.3),
                Cell("kéo theo:", None, 0.3),
            )
        ),
        Row((Cell("Nguồn gốc:", "origin", 0.55), Cell("Mã chứng từ LPTB:", "lptb_code", 0.45))),
        Row((Cell("Lý do:", "reason"),)),
        Row((Cell("Kèm theo giấy này có:", "attachments"),)),
        Paragraph(
            "Tôi xin cam đoan về nội dung khai trên là đúng và hoàn toàn chịu trách nhiệm trước pháp luật "
            "về các chứng từ trong hồ sơ xe.",
            italic=True,
        ),
        DateLine(gap_mm=6),
        Signatures(
            ("CÁN BỘ ĐĂNG KÝ XE", "CHỦ XE"),
            ("(Ký, ghi rõ họ tên)", "(Ký số hoặc ký, ghi rõ họ tên)"),
            (None, "owner_name_sig"),
            height_mm=24,
        ),
        PasteBox(("Nơi dán bản chà số máy", "Nơi dán bản chà số khung"), height_mm=30),
    ),
)

#: An older, simpler declaration (archives from before Circular 58/2020). Its labels are the
#: variants ``shared/fields.md`` lists (Họ tên chủ xe, Nơi thường trú, Số CMND, Biển số đăng ký,
#: Ngày đăng ký); the exact historic layout is not verified, so it stands for "older forms".
LEGACY_PRE2020 = FormSpec(
    layout="legacy_pre2020",
    corner=("Mẫu số 02",),
    elements=(
        Heading(NATIONAL, 12, bold=True, gap_mm=5.5),
        Heading(MOTTO, 12, bold=True, underline=True, gap_mm=12),
        Heading("GIẤY KHAI ĐĂNG KÝ XE", 15, bold=True, gap_mm=10),
        Heading("I. PHẦN KÊ KHAI CỦA CHỦ XE", 11, bold=True, align="left"),
        Row((Cell("Họ tên chủ xe:", "owner_name", 0.7), Cell("Năm sinh:", "birth_year", 0.3)), gap_mm=8),
        Row((Cell("Nơi thường trú:", "owner_address"),), gap_mm=8),
        Row(
            (
                Cell("Số CMND:", "owner_id_number", 0.42),
                Cell("Ngày cấp:", "id_issue_date", 0.28),
                Cell("Nơi cấp:", "id_issuer", 0.3),
            ),
            gap_mm=8,
        ),
        Row((Cell("Nhãn hiệu:", "brand", 0.5), Cell("Số loại:", "model", 0.5)), gap_mm=8),
        Row((Cell("Loại xe:", "vehicle_type", 0.5), Cell("Màu sơn:", "color", 0.5)), gap_mm=8),
        Row((Cell("Số máy:", "engine_number", 0.5), Cell("Số khung:", "chassis_number", 0.5)), gap_mm=8),
        Row(
            (
                Cell("Dung tích xi lanh:", "engine_capacity", 0.5),
                Cell("Năm sản xuất:", "year_of_manufacture", 0.5),
            ),
            gap_mm=8,
        ),
        Row((Cell("Nguồn gốc xe:", "origin"),), gap_mm=8),
        Row((Cell("Giấy tờ kèm theo:", "attachments"),), gap_mm=8),
        PasteBox(("Bản cà số máy", "Bản cà số khung"), height_mm=30, gap_mm=6),
        DateLine(gap_mm=6),
        Signatures(("", "CHỦ XE"), ("", "(Ký, ghi rõ họ tên)"), (None, "owner_name_sig"), height_mm=26),
        Heading("II. PHẦN GHI CỦA CƠ QUAN ĐĂNG KÝ XE", 11, bold=True, align="left", gap_mm=10),
        Row(
            (
                Cell("Biển số đăng ký:", "plate_number", 0.5, bold=True),
                Cell("Ngày đăng ký:", "registration_day", 0.5),
            ),
            gap_mm=8,
        ),
        Signatures(
            ("CÁN BỘ ĐĂNG KÝ", "TRƯỞNG PHÒNG"),
            ("(Ký, ghi rõ họ tên)", "(Ký tên, đóng dấu)"),
            (None, None),
            height_mm=20,
            gap_mm=5,
        ),
    ),
)

FORMS: dict[str, FormSpec] = {f.layout: f for f in (LEGACY_PRE2020, MAU01_TT58, DKX10_TT79)}


@dataclass(frozen=True)
class Hand:
    """How values are written onto the form: the face, the ink and how far off the line they land."""

    style: Style
    ink: InkName
    shift_px: float  # page-wide offset from the label's baseline (misfed typewriter), + = down
    jitter_px: float  # per-field extra offset (handwriting)
    tilt_deg: float  # max per-field tilt
    title_case: bool = False

    @classmethod
    def draw(cls, rng: np.random.Generator, dpi: int, colour: bool) -> Hand:
        """A typewriter (mono face, fixed offset) or a hand (slanted face, varying offset and tilt)."""
        scale = dpi / 200.0
        sign = 1.0 if rng.random() < 0.5 else -1.0
        if rng.random() < 0.5:
            family: Family = "typewriter" if rng.random() < 0.7 else "mono"
            style = Style(float(rng.uniform(10.5, 12.0)), family=family, serif=False, bold=bool(rng.random() < 0.4))
            return cls(style, "black", sign * float(rng.uniform(3, 9)) * scale, 1.0 * scale, 0.0)
        family = "noto" if rng.random() < 0.5 else "dejavu"  # slanted faces stand in for handwriting
        style = Style(float(rng.uniform(11.5, 13.5)), italic=True, serif=bool(rng.random() < 0.4), family=family)
        ink: InkName = "blue" if colour and rng.random() < 0.8 else "black"
        return cls(
            style,
            ink,
            sign * float(rng.uniform(3, 8)) * scale,
            3.0 * scale,
            1.2,
            title_case=bool(rng.random() < 0.4),
        )


Values = Mapping[str, str]


@dataclass
class FormRenderer:
    """Renders one form spec with values onto a canvas."""

    canvas: Canvas
    hand: Hand
    rng: np.random.Generator
    paste: Callable[[Canvas, tuple[float, float, float, float], int], None] | None = None

    margin: float = 15.0

    def render(self, spec: FormSpec, values: Values) -> None:
        """Print ``spec`` and write ``values`` onto it."""
        self.margin = spec.margin_mm
        c = self.canvas
        small = Style(9.0, italic=True, family="liberation")
        y = spec.top_mm
        for i, line in enumerate(spec.corner):
            c.text(c.width_mm - self.margin, y + 4 * i, line, small, anchor="rs")
        y += 8
        for el in spec.elements:
            y = self._element(el, values, y)

    # ------------------------------------------------------------ elements
    def _element(self, el: Element, values: Values, y: float) -> float:
        if isinstance(el, Heading):
            return self._heading(el, y)
        if isinstance(el, Paragraph):
            return self._paragraph(el, y)
        if isinstance(el, PasteBox):
            return self._paste_box(el, y)
        if isinstance(el, DateLine):
            return self._date_line(values, y)
        drawers: dict[type, Callable[[Any, Values, float], float]] = {
            Row: self._row,
            Checks: self._checks,
            Signatures: self._signatures,
        }
        return drawers[type(el)](el, values, y)

    def _heading(self, el: Heading, y: float) -> float:
        c = self.canvas
        style = Style(el.size_pt, bold=el.bold, italic=el.italic, family="liberation")
        y += el.gap_mm * 0.55
        if el.align == "center":
            width = c.text_width(el.text, style)
            c.centered(y, el.text, style)
            if el.underline:
                c.line(c.width_mm / 2 - width / 2, y + 1.2, c.width_mm / 2 + width / 2, y + 1.2, 0.3)
        elif el.align == "left":
            c.text(self.margin, y, el.text, style)
        else:
            c.text(c.width_mm - self.margin, y, el.text, style, anchor="rs")
        return y + el.gap_mm * 0.45

    def _paragraph(self, el: Paragraph, y: float) -> float:
        c = self.canvas
        style = Style(10.5, italic=el.italic, family="liberation")
        for part in wrap(el.text, c.font(style), c.px(c.width_mm - 2 * self.margin)):
            y += el.gap_mm
            c.text(self.margin + 5, y, part, style)
        return y + 1.5

    def _row(self, row: Row, values: Values, y: float) -> float:
        c = self.canvas
        y += row.gap_mm
        width = c.width_mm - 2 * self.margin
        x = self.margin
        for cell in row.cells:
            end = x + cell.width * width
            style = LABEL_BOLD if cell.bold else LABEL
            label_w = c.text(x, y, cell.label, style)
            c.dots(x + label_w + 0.8, end - 1.5, y, LABEL)
            value = values.get(cell.key, "") if cell.key else ""
            if value:
                self._write(value, x + label_w + float(self.rng.uniform(1.5, 4.0)), end - 1.0, y, cell.key)
            x = end
        return y

    def _write(self, value: str, x0: float, x1: float, y: float, key: str | None) -> None:
        """Write a value on the dots between x0 and x1, off the label's baseline by a few pixels."""
        c, hand = self.canvas, self.hand
        text = value.title() if hand.title_case and key in ("owner_name", "owner_name_sig") else value
        style = hand.style
        while c.text_width(text, style) > (x1 - x0) and style.size_pt > 7:
            style = Style(style.size_pt - 0.5, style.bold, style.italic, style.serif, style.family)
        offset = hand.shift_px + float(self.rng.uniform(-hand.jitter_px, hand.jitter_px))
        minimum = 2.0 * c.dpi / 200
        if abs(offset) < minimum:
            offset = math.copysign(minimum, offset if offset else 1.0)
        tilt = float(self.rng.uniform(-hand.tilt_deg, hand.tilt_deg)) if hand.tilt_deg else 0.0
        c.tilted(x0, c.px(y) + round(offset), text, style, ink=hand.ink, degrees=tilt)

    def _checks(self, el: Checks, values: Values, y: float) -> float:
        c = self.canvas
        y += el.gap_mm
        x = self.margin
        chosen = values.get(el.key)
        box = 3.4
        step = (c.width_mm - 2 * self.margin) / len(el.labels)
        for label in el.labels:
            c.rect((x, y - box + 0.4, x + box, y + 0.4), width_mm=0.25)
            if label == chosen:
                c.tilted(x + 0.3, c.px(y) - 1, "X", self.hand.style, ink=self.hand.ink, degrees=0.0)
            c.text(x + box + 1.5, y, label, Style(10.0, family="liberation"))
            x += step
        return y

    def _paste_box(self, el: PasteBox, y: float) -> float:
        c = self.canvas
        y += el.gap_mm
        x0, x1 = self.margin, c.width_mm - self.margin
        n = len(el.labels)
        w = (x1 - x0) / n
        for i, label in enumerate(el.labels):
            bx0 = x0 + i * w
            c.rect((bx0, y, bx0 + w, y + el.height_mm), width_mm=0.3)
            c.text(bx0 + w / 2, y + 5, label, Style(10.0, italic=True, family="liberation"), anchor="ms")
            if self.paste is not None:
                self.paste(c, (bx0 + 3, y + 8, w - 6, el.height_mm - 10), i)
        return y + el.height_mm

    def _date_line(self, values: Values, y: float) -> float:
        c = self.canvas
        y += 7.0
        parts: list[tuple[str, str | None, float]] = [
            ("", "place", 28.0),
            (", ngày", "day", 10.0),
            ("tháng", "month", 10.0),
            ("năm", "year", 16.0),
        ]
        total = sum(c.text_width(p + " ", LABEL) + w for p, _, w in parts)
        x = c.width_mm - self.margin - total
        for prefix, key, w in parts:
            if prefix:
                x += c.text(x, y, prefix + " ", LABEL)
            c.dots(x, x + w, y, LABEL)
            if key and values.get(key):
                self._write(values[key], x + 0.5, x + w + 4, y, key)
            x += w
        return y

    def _signatures(self, el: Signatures, values: Values, y: float) -> float:
        c = self.canvas
        n = len(el.titles)
        y += el.gap_mm
        width = (c.width_mm - 2 * self.margin) / n
        for i, (title, hint, key) in enumerate(zip(el.titles, el.hints, el.name_keys, strict=True)):
            cx = self.margin + width * (i + 0.5)
            c.text(cx, y + 6, title, Style(11.0, bold=True, family="liberation"), anchor="ms")
            c.text(cx, y + 10.5, hint, Style(9.5, italic=True, family="liberation"), anchor="ms")
            if key and values.get(key):
                self._signature(cx, y + 17)
                name = values[key]
                w = c.text_width(name, self.hand.style)
                self._write(name, cx - w / 2, cx + w / 2 + 5, y + el.height_mm - 1, key)
        return y + el.height_mm

    def _signature(self, cx: float, cy: float) -> None:
        """A scribbled signature: a few loops drawn as one polyline."""
        c, rng = self.canvas, self.rng
        t = np.linspace(0, 1, 80)
        loops = float(rng.uniform(2.5, 5))
        xs = cx - 14 + 28 * t + 2.5 * np.sin(2 * np.pi * loops * t)
        ys = cy + 3.0 * np.cos(2 * np.pi * loops * t + float(rng.uniform(0, 3))) * (1 - 0.6 * t)
        points = [(c.px(float(a)), c.px(float(b))) for a, b in zip(xs, ys, strict=True)]
        c.draw.line(points, fill=c.ink(self.hand.ink), width=max(1, c.px(0.3)), joint="curve")
