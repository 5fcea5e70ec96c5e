"""Owner names: upper case, NFC, single spaces; letters only."""

from __future__ import annotations

import logging
import re
import unicodedata

from extract.checked import Checked, reject
from sohoa.domain.text import fold

log = logging.getLogger(__name__)

#: common Vietnamese surnames (folded), for a soft plausibility check
_SURNAME_TEXT = (
    "Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Đào Đinh Lâm Mai Trịnh "
    "Trương Hà Tạ Lưu Cao Chu Tô Lương Quách Văn Châu Đoàn Kiều Thái Triệu Khúc Vương Tôn Thân Lại Phùng"
)
SURNAMES = frozenset(fold(s) for s in _SURNAME_TEXT.split())
#: name syllables that are never written without their marks ("NGUYEN" is always "NGUYỄN"):
#: read bare, the OCR lost the diacritics
_MARKED_TEXT = (
    "NGUYEN TRAN LE PHAM HOANG HUYNH VU VO DANG BUI DO HO NGO DUONG LY DAO VAN THI DUC TUAN THANG HUNG "
    "DUNG CUONG THUY XUAN HUONG LUONG TRUONG QUYNH THAO HIEU HIEP NGOC YEN DIEP TIEN KIEN LIEN DINH "
    "THE TRONG QUOC VIET HAI HIEN HUYEN NHUNG PHUONG DIEU TRUC DAT PHUC LOC THO TRI NGHIA HAU"
)
ALWAYS_MARKED = frozenset(_MARKED_TEXT.split())


def normalize(raw: str) -> Checked:
    """Canonical name; no value when fewer than two words of letters were read."""
    text = unicodedata.normalize("NFC", raw)
    had_digits = any(c.isdigit() for c in text)
    letters = re.sub(r"[^\w\s]|[\d_]", " ", text)
    words = letters.upper().split()
    if len(words) < 2:
        return reject("name: fewer than two words read")
    value = " ".join(words)
    reasons: list[str] = []
    if had_digits:
        reasons.append("name: digits removed")
    if len(words) > 7:
        reasons.append("name: unusually many words")
    if fold(words[0]) not in SURNAMES:
        reasons.append("name: uncommon surname")
    bare = [w for w in words if w in ALWAYS_MARKED]
    if bare:
        reasons.append("name: diacritics probably lost in reading")
    doubt = had_digits or len(words) > 7 or bool(bare)
    return Checked(value, tuple(reasons), doubt=doubt)
