"""Street names found in nearly every Vietnamese city, as written (with their marks).

Streets are named after a few hundred historical figures, places and dates, and the
same names recur from city to city: "Trần Hưng Đạo", "Lê Lợi", "Hai Bà Trưng". OCR
that changes one mark of such a name usually leaves well-formed syllables
("Phản Đình Phùng", "Hùng Vượng"), which no syllable check catches; the known
spelling does. The list is written from common usage for this project.
"""

from __future__ import annotations

import logging
import unicodedata
from functools import lru_cache

from sohoa.domain.text import fold

log = logging.getLogger(__name__)

_TEXT = """
Trần Hưng Đạo|Lê Lợi|Nguyễn Trãi|Hai Bà Trưng|Quang Trung|Lý Thường Kiệt|Hùng Vương|Điện Biên Phủ|Lê Duẩn
Nguyễn Huệ|Phan Đình Phùng|Bà Triệu|Trần Phú|Ngô Quyền|Lê Lai|Nguyễn Du|Hoàng Văn Thụ|Phan Chu Trinh
Lạc Long Quân|Cách Mạng Tháng Tám|Lê Thánh Tông|Lý Thái Tổ|Lý Tự Trọng|Lê Hồng Phong|Nguyễn Thị Minh Khai
Võ Thị Sáu|Nguyễn Văn Cừ|Nguyễn Văn Linh|Phạm Văn Đồng|Võ Văn Kiệt|Tôn Đức Thắng|Trường Chinh|Lê Văn Lương
Nguyễn Chí Thanh|Nguyễn Tất Thành|Phan Bội Châu|Huỳnh Thúc Kháng|Trần Quốc Toản|Trần Nhân Tông|Trần Khánh Dư
Trần Quang Khải|Yết Kiêu|Phạm Ngũ Lão|Đinh Tiên Hoàng|Lê Đại Hành|Lý Nam Đế|An Dương Vương|Mạc Đĩnh Chi
Chu Văn An|Nguyễn Bỉnh Khiêm|Lê Quý Đôn|Nguyễn Đình Chiểu|Hàm Nghi|Duy Tân|Thành Thái|Hoàng Diệu|Nguyễn Tri Phương
Nguyễn Thái Học|Phó Đức Chính|Tô Hiến Thành|Lê Văn Sỹ|Lê Văn Tám|Nguyễn Văn Trỗi|Cù Chính Lan|Bế Văn Đàn
La Văn Cầu|Kim Đồng|Võ Nguyên Giáp|Nguyễn Lương Bằng|Nguyễn Sơn|Hoàng Hoa Thám|Đội Cấn|Phùng Hưng
Mai Hắc Đế|Bà Huyện Thanh Quan|Xuân Thủy|Xuân Diệu|Tố Hữu|Nguyễn Khuyến|Nguyễn Công Trứ|Cao Bá Quát
Hồ Xuân Hương|Đoàn Thị Điểm|Lê Thị Hồng Gấm|Nguyễn Thị Định|Trưng Trắc|Trưng Nhị|Ngô Gia Tự|Ngô Thì Nhậm
Trần Bình Trọng|Trần Cao Vân|Trần Hưng Đạo|Lê Lai|Lê Ngọc Hân|Nguyễn Văn Trỗi|Lý Chính Thắng|Nam Kỳ Khởi Nghĩa
Ba Tháng Hai|Ba Mươi Tháng Tư|Hai Tháng Chín|Mười Chín Tháng Năm|Độc Lập|Thống Nhất|Hòa Bình|Giải Phóng
Trần Khát Chân|Trần Đại Nghĩa|Giảng Võ|Kim Mã|Láng Hạ|Tây Sơn|Nguyễn Văn Huyên|Hoàng Quốc Việt|Phạm Hùng
Nguyễn Hữu Thọ|Lê Trọng Tấn|Nguyễn Phong Sắc|Tô Vĩnh Diện|Bạch Đằng|Chương Dương|Hàng Bài|Tràng Tiền
"""

#: every listed street, marks kept
STREETS: tuple[str, ...] = tuple(dict.fromkeys(
    unicodedata.normalize("NFC", name.strip()) for line in _TEXT.strip().splitlines() for name in line.split("|")
))


@lru_cache(maxsize=1)
def streets_by_key() -> dict[tuple[str, ...], str]:
    """Folded words of a street name → its spelling, for names no other listed name folds like."""
    table: dict[tuple[str, ...], set[str]] = {}
    for name in STREETS:
        table.setdefault(tuple(fold(name).split()), set()).add(name)
    return {k: next(iter(v)) for k, v in table.items() if len(v) == 1}
