"""Generated pages for the OCR tests: Vietnamese text drawn with PIL at a chosen font, size and
resolution (the truth is what we drew). Scanner faults (skew, sideways turns, noise...) come
from ``sohoa.samples.faults``, the same functions the sample dossiers use."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

FONTS = Path("/usr/share/fonts/truetype")
SERIF = FONTS / "dejavu" / "DejaVuSerif.ttf"
SANS = FONTS / "dejavu" / "DejaVuSans.ttf"
NOTO_SERIF = FONTS / "noto" / "NotoSerif-Regular.ttf"

# Our own text, written for these tests (no third-party source); full of the thin marks
# (ệ ở ữ ặ ỵ ạ) that a careless binarization erases.
VIETNAMESE = unicodedata.normalize("NFC", """GIẤY KHAI ĐĂNG KÝ XE
Tên chủ xe: Nguyễn Thị Ngọc Hường
Năm sinh: 1987, giới tính nữ
Địa chỉ: số 12 ngõ 45 phố Trần Hưng Đạo, phường Cửa Nam, Hà Nội
Số định danh cá nhân: 001187012345
Nhãn hiệu: Honda, số loại: Vision, màu sơn: đỏ đen
Số máy: JF58E1234567, số khung: RLHJF5810KY123456
Biển số đăng ký: 29-Y3 456.78, ngày đăng ký lần đầu 15/03/2019
Tôi xin cam đoan những nội dung khai trên là đúng sự thật.
Nếu sai, tôi xin chịu hoàn toàn trách nhiệm trước pháp luật.
Xe đã được kiểm tra thực tế, đối chiếu hồ sơ gốc đầy đủ.
Người khai ký, ghi rõ họ tên và đóng dấu của cơ quan.
Chữ ký của cán bộ tiếp nhận hồ sơ tại bộ phận một cửa.
Ghi chú: hồ sơ được số hóa theo kế hoạch của Bộ Công an.""")

LOREM = unicodedata.normalize("NFC", """Hồ sơ đăng ký xe gồm giấy khai, bản cà số khung số máy
và bản sao căn cước của chủ xe, được lưu trữ tại công an xã.
Cán bộ rà soát từng trường thông tin, đối chiếu với dữ liệu
quốc gia về dân cư và cơ sở dữ liệu đăng ký xe điện tử.
Những hồ sơ có sai lệch được đánh dấu để kiểm tra lại.""")


def draw_page(
    text: str = VIETNAMESE,
    *,
    dpi: int = 150,
    font: Path = SERIF,
    point_size: float = 11.0,
    size_inches: tuple[float, float] = (8.27, 11.69),
    margin_inches: float = 0.8,
    line_spacing: float = 1.6,
) -> np.ndarray:
    """A white A4 page (greyscale uint8) with ``text`` drawn line by line at ``dpi``."""
    width, height = (round(s * dpi) for s in size_inches)
    page = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(page)
    face = ImageFont.truetype(str(font), round(point_size * dpi / 72))
    x = y = round(margin_inches * dpi)
    step = round(point_size * dpi / 72 * line_spacing)
    for line in text.splitlines():
        draw.text((x, y), line, fill=0, font=face)
        y += step
    return np.asarray(page)
