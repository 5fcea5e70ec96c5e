"""Syllables of Vietnamese personal names, as written (with their marks).

Vietnamese names are drawn from a small stock of syllables: a few dozen surnames and
a few hundred middle and given names cover nearly everyone. OCR that changes one
mark ("HẰNG" → "HÃNG", "MINH" → "MỊNH", "NHUNG" → "NHŨNG") usually leaves a
well-formed syllable that nobody is named, so a name word outside this stock is a
reason to look again, never a reason to change it (rare names exist). The list is
written from common usage for this project, not taken from a register of people.
"""

from __future__ import annotations

import logging
import unicodedata
from functools import lru_cache

from sohoa.domain.text import fold

log = logging.getLogger(__name__)

_TEXT = """
An Anh Ân Ấn Ẩn Ánh Bá Bách Bạch Ban Bản Bang Bảng Bảo Bắc Bằng Bẩy Bé Bền Bích Biên Biển Bình Bính Bội
Bồng Bông Bùi Bửu Ca Cai Cảnh Cao Cát Cầm Cần Cẩm Cận Cấp Cầu Châm Chân Chấn Chánh Chí Chi Chiến Chiêu
Chính Chinh Chỉnh Chu Châu Chúc Chung Chương Chưởng Cơ Công Cúc Cung Cường Cương Cửu Dạ Danh Dao Dân Dần
Diễm Diên Diệp Diệu Dinh Doãn Doanh Du Dung Dũng Duy Duyên Duyệt Dư Dự Dương Dưỡng Đài Đan Đàn Đảm Đạm Đán
Đào Đảo Đạo Đạt Đắc Đăng Đằng Đặng Đẩu Đậu Điền Điềm Điểm Điệp Đinh Định Đình Đoan Đoàn Đô Đỗ Độ Đông Đồng
Đức Được Gấm Gia Giang Giản Giao Giáp Giới Hà Hạ Hải Hạc Hai Hán Hàn Hạnh Hào Hảo Hạo Hằng Hân Hậu Hiên
Hiền Hiển Hiện Hiến Hiệp Hiếu Hiểu Hinh Hòa Hoà Hoài Hoan Hoàn Hoán Hoàng Hoành Hoạt Hóa Hoá Học Hội Hồ Hồng Hợi
Hợp Huân Huấn Huế Huệ Hùng Hưng Hứa Hương Hường Hướng Hữu Huy Huyền Huynh Huỳnh Hy Kha Khả Khải Khang
Khanh Khánh Khảm Khiêm Khiết Khoa Khôi Khuê Khúc Khương Khuyên Kiên Kiến Kiều Kim Kính Kỳ Kỷ Kha La Lai Lài
Lam Lâm Lan Lãm Lành Lãnh Lạc Lập Lễ Lệ Liêm Liên Liễu Linh Loan Lộc Lợi Long Lợi Luân Luận Lục Luyến Lực
Lương Lưu Ly Lý Lụa Mai Mạnh Mẫn Mận Mến Miên Minh Mơ Mỹ My Na Nam Nga Ngà Ngân Nghĩa Nghị Nghi Ngọc Ngô
Nguyên Nguyễn Nguyệt Nhã Nhàn Nhân Nhẫn Nhất Nhật Nhi Nhiên Nhị Nhu Nhung Như Ninh Nông Nữ Nương Oanh Phạm
Phan Pháp Phát Phi Phong Phú Phúc Phùng Phụng Phước Phượng Phương Quách Quân Quang Quảng Quế Quốc Quý Quyên
Quyết Quyền Quỳnh Sa Sang Sáng Sâm Sen Sinh Sơn Sử Sương Tạ Tài Tâm Tân Tấn Tần Tiến Tiên Tiền Tiệp Tín
Tình Tịnh Toại Toàn Toán Tô Tôn Tống Tú Tuấn Tuân Tuệ Tùng Tuyên Tuyền Tuyết Tú Tư Từ Tường Tước Thạch Thái
Thanh Thành Thạnh Thảo Thắm Thắng Thân Thẩm Thể Thế Thi Thị Thiên Thiện Thiều Thịnh Thọ Thoa Thông Thơ
Thu Thuận Thục Thúy Thủy Thuý Thuỷ Thùy Thuỳ Thư Thương Thường Thy Trà Trác Trâm Trân Trần Trang Tráng Trí
Triết Triều Triệu Trinh Trình Trọng Trúc Trung Trực Trương Trường Tùng Uyên Uy Văn Vân Vi Việt Viên Viễn
Vinh Vĩnh Võ Vũ Vỹ Vy Vương Vượng Xuân Xuyến Yên Yến Ý Bảy Cúc Đào Hoa Hồng Lan Huế Sáu Tám Tư Út Nhàn
Thuần Khắc Kế Thừa Tiểu Trọng Hậu Hầu Lại Lư Mạc Âu Bạch Diệp Giang Kha Lữ Quản Thái Tăng Thạch Viên
Doan Đàm Lưu Mẫn Nhâm Ông Phó Phí Phương Sầm Ung Vòng Hùynh Khổng Lò Hà Đinh Triệu Chử Cù Đồ Đàng Lạc
Luyện Mông Nghiêm Nhan Ninh Quan Thân Thiều Tiêu Trịnh Vi Yên Ân Khang Đoan Diệu Hạnh Kiệt Lĩnh Nhiệm Phấn
Tuyến Thiết Toản Hòe Hoè Huyên Lăng Mỵ Nhạn Nhật Phụng Quyến Sỹ Sĩ Tín Tường Xoan Yên
Lượng Kiện Khoát Lãng Lụa Mỹ Nhàn Thoại Giáp Hứa Lục Mạc Nông Vi Ma
Ba Bốn Năm Chín Mười Tí Tèo Tý Bạc Giàu Lựu Mị Mừng Nhài Nhường Nết Nở Nụ Súng Thêm Thơm Tươi Vui Vàng Ước
Sửu Dần Mão Thìn Tỵ Ngọ Mùi Dậu Tuất
"""

#: common Vietnamese surnames, as written
SURNAME_TEXT = (
    "Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Đào Đinh Lâm Mai Trịnh "
    "Trương Hà Tạ Lưu Cao Chu Tô Lương Quách Văn Châu Đoàn Kiều Thái Triệu Khúc Vương Tôn Thân Lại Phùng"
)

#: name syllables (surnames included), upper case, NFC
NAME_SYLLABLES: frozenset[str] = frozenset(
    unicodedata.normalize("NFC", w).upper() for w in (_TEXT + " " + SURNAME_TEXT).split())


def is_name_syllable(word: str) -> bool:
    """True when ``word`` (any case) is a syllable Vietnamese names are made of."""
    return unicodedata.normalize("NFC", word).upper() in NAME_SYLLABLES


@lru_cache(maxsize=1)
def _folded_syllables() -> frozenset[str]:
    return frozenset(fold(w) for w in NAME_SYLLABLES)


def is_misread_name_syllable(word: str) -> bool:
    """True when ``word`` is no name syllable but one folds like it ("HÃNG" for "HẰNG": its marks
    were misread, as OCR reads the breve and grave of ằ as a tilde)."""
    return not is_name_syllable(word) and fold(word) in _folded_syllables()
