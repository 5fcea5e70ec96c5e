"""Write the golden Page JSON inputs from readable row descriptions (run once; outputs are checked in).

Each page is a list of visual rows ``(y, [(x, text, confidence), ...])``; a word's box is
``x .. x + 19 px per character`` wide and 34 px tall, starting at ``y`` (values are given
their own ``y`` a few pixels off the label's, as on filled-in forms). The expected fields
(``*.fields.json``) are written by hand, not by running the extractor.

    .venv/bin/python tests/data/extract/make_pages.py
"""

from __future__ import annotations

from pathlib import Path

from sohoa.model import BBox, Block, Line, Page, Word

HERE = Path(__file__).parent
CHAR_W, H = 19, 34


def _line(words: list[tuple[int, int, str, float]]) -> Line:
    ws = tuple(
        Word(text=t, bbox=BBox(x0=x, y0=y, x1=x + CHAR_W * len(t), y1=y + H), confidence=c)
        for x, y, t, c in words
    )
    box = ws[0].bbox
    for w in ws[1:]:
        box = box.union(w.bbox)
    return Line(bbox=box, words=ws)


def page(name: str, index: int, rows: list[list[tuple[int, int, str, float]]]) -> Page:
    """A page whose OCR lines are ``rows`` (each a list of (x, y, text, confidence))."""
    lines = tuple(_line(r) for r in rows)
    box = lines[0].bbox
    for ln in lines[1:]:
        box = box.union(ln.bbox)
    return Page(
        dossier_id=name,
        index=index,
        width=2480,
        height=3508,
        dpi=300,
        sha256="0" * 64,
        blocks=(Block(bbox=box, lines=lines),),
    )


def words(y: int, *items: tuple[int, str] | tuple[int, str, float] | tuple[int, str, float, int]) -> list:
    """Words of one OCR line at ``y``; an item may carry its own confidence and y offset."""
    out = []
    for it in items:
        x, text = it[0], it[1]
        conf = it[2] if len(it) > 2 else 0.93  # type: ignore[misc]
        dy = it[3] if len(it) > 3 else 0  # type: ignore[misc]
        out.append((x, y + dy, text, conf))
    return out


def mau01() -> list[Page]:
    """A TT58 Mẫu 01 form page: values written a little above/below the labels, one label damaged."""
    rows = [
        words(120, (1500, "Mẫu"), (1590, "số"), (1650, "01")),
        words(260, (700, "GIẤY"), (820, "KHAI"), (940, "ĐĂNG"), (1060, "KÝ"), (1120, "XE")),
        words(320, (640, "(Vehicle"), (820, "registration"), (1080, "declaration)")),
        words(
            400,
            (150, "A."),
            (200, "PHẦN"),
            (310, "CHỦ"),
            (400, "XE"),
            (460, "TỰ"),
            (520, "KÊ"),
            (580, "KHAI"),
        ),
        words(
            500,
            (150, "Tên"),
            (230, "chủ"),
            (320, "xe:"),
            (400, "Trần", 0.91, -9),
            (500, "Thị", 0.9, -9),
            (580, "Mai", 0.92, -9),
            (700, "......................"),
            (1600, "Năm"),
            (1690, "sinh:"),
            (1800, "1990", 0.95, 7),
        ),
        words(
            580,
            (150, "Địa"),
            (230, "chỉ:"),
            (330, "Số", 0.9, 6),
            (390, "8", 0.9, 6),
            (430, "ngõ", 0.9, 6),
            (510, "4", 0.9, 6),
            (550, "Kim", 0.9, 6),
            (640, "Mã,", 0.9, 6),
            (730, "phường", 0.88, 6),
            (880, "Ngọc", 0.9, 6),
            (990, "Hà,", 0.9, 6),
            (1070, "Hà", 0.9, 6),
            (1130, "Nội", 0.9, 6),
            (1230, "..................."),
        ),
        words(
            660,
            (150, "Số"),
            (210, "CCCD/CMND/Hộ"),
            (460, "chiếu"),
            (580, "của"),
            (660, "chủ"),
            (750, "xe:"),
            (840, "001190O12345", 0.8, -8),
            (1300, "Cấp"),
            (1380, "ngày:"),
            (1500, "03/05/2021", 0.9, 5),
        ),
        words(
            740,
            (150, "Số"),
            (210, "CCCD/CMND/Hộ"),
            (460, "chiếu"),
            (580, "của"),
            (660, "người"),
            (780, "làm"),
            (860, "thủ"),
            (930, "tục:"),
            (1030, "................"),
        ),
        words(
            820,
            (150, "Số"),
            (210, "máy"),
            (300, "1"),
            (340, "(Engine"),
            (500, "N0):"),
            (600, "JC52E-1234S67", 0.78, -6),
            (1300, "Số"),
            (1360, "máy"),
            (1450, "2"),
            (1490, "(Engine"),
            (1650, "N0):"),
            (1750, "........."),
        ),
        # the label is damaged by OCR ("Sô khunq"), the VIN has an O where only 0 may stand
        words(
            900,
            (150, "Sô"),
            (210, "khunq"),
            (330, "(Chassis"),
            (500, "N0):"),
            (600, "RLHJC5217KYOOOOO1", 0.82, 8),
        ),
        words(
            980,
            (150, "Loại"),
            (250, "xe:"),
            (330, "Xe", 0.9, -5),
            (390, "mô", 0.9, -5),
            (460, "tô", 0.9, -5),
            (520, "hai", 0.9, -5),
            (600, "bánh", 0.9, -5),
            (1300, "Màu"),
            (1390, "sơn:"),
            (1500, "Đỏ", 0.9, 4),
            (1560, "-", 0.9, 4),
            (1600, "Đen", 0.9, 4),
        ),
        words(
            1060,
            (150, "Nhãn"),
            (260, "hiệu:"),
            (380, "HONDA", 0.95, -6),
            (1300, "Số"),
            (1360, "loại:"),
            (1480, "WAVE", 0.94, 5),
            (1590, "ALPHA", 0.94, 5),
        ),
        words(1200, (150, "B."), (200, "PHẦN"), (310, "KIỂM"), (420, "TRA"), (500, "XÁC"), (580, "ĐỊNH")),
        words(
            1280,
            (150, "BIỂN"),
            (260, "SỐ"),
            (330, "MỚI:"),
            (440, "29-B1", 0.9, -7),
            (560, "123.45", 0.9, -7),
            (1300, "BIỂN"),
            (1410, "SỐ"),
            (1480, "CŨ:"),
            (1580, "29-B1", 0.9, 3),
            (1700, "999.99", 0.9, 3),
        ),
        words(
            1360,
            (150, "Năm"),
            (240, "sản"),
            (320, "xuất:"),
            (440, "2O19", 0.85, 6),
            (900, "Dung"),
            (1000, "tích"),
            (1090, "xi"),
            (1140, "lanh:"),
            (1260, "109,1", 0.9, -4),
            (1380, "cm3", 0.9, -4),
        ),
        words(
            1500,
            (1300, "Hà"),
            (1360, "Nội,"),
            (1460, "ngày"),
            (1560, "15", 0.9, -6),
            (1620, "tháng"),
            (1740, "03", 0.9, -6),
            (1800, "năm"),
            (1890, "2020", 0.9, -6),
        ),
    ]
    return [page("golden-mau01", 1, rows)]


def certificate_and_id() -> list[Page]:
    """A certificate card (bilingual labels) and an ID card copy (values under their labels)."""
    cert = [
        words(
            200,
            (300, "CHỨNG"),
            (430, "NHẬN"),
            (540, "ĐĂNG"),
            (650, "KÝ"),
            (710, "XE"),
            (770, "MÔ"),
            (840, "TÔ"),
        ),
        words(
            300,
            (200, "Tên"),
            (270, "chủ"),
            (350, "xe"),
            (400, "(Owner's"),
            (570, "full"),
            (650, "name):"),
            (790, "NGUYỄN"),
            (940, "VĂN"),
            (1030, "AN"),
        ),
        words(
            370,
            (200, "Địa"),
            (270, "chỉ"),
            (340, "(Address):"),
            (560, "Thôn"),
            (660, "3,"),
            (710, "xã"),
            (770, "Yên"),
            (850, "Phong,"),
            (990, "tỉnh"),
            (1080, "Bắc"),
            (1160, "Ninh"),
        ),
        words(
            440,
            (200, "Biển"),
            (300, "số"),
            (360, "đăng"),
            (460, "ký"),
            (510, "(N°"),
            (590, "plate):"),
            (740, "98-B1"),
            (860, "234.56"),
        ),
        words(
            510,
            (200, "Ngày"),
            (300, "đăng"),
            (400, "ký"),
            (450, "(Date"),
            (570, "of"),
            (620, "registration):"),
            (900, "12/06/2023"),
        ),
        words(
            580,
            (200, "Nhãn"),
            (300, "hiệu"),
            (390, "(Brand):"),
            (560, "YAMAHA"),
            (1000, "Số"),
            (1060, "loại"),
            (1150, "(Model"),
            (1290, "code):"),
            (1420, "SIRIUS"),
        ),
        words(
            650,
            (200, "Màu"),
            (290, "sơn"),
            (370, "(Color):"),
            (530, "Xanh"),
            (630, "-"),
            (660, "Đen"),
            (1000, "Dung"),
            (1100, "tích"),
            (1190, "(Capacity):"),
            (1420, "110,3"),
            (1540, "cm3"),
        ),
        words(720, (200, "Số"), (260, "máy"), (350, "(Engine"), (510, "N°):"), (600, "5C63645910")),
        words(790, (200, "Số"), (260, "khung"), (380, "(Chassis"), (550, "N°):"), (650, "C630CY645859")),
        words(
            860,
            (200, "Loại"),
            (300, "xe"),
            (360, "(Type):"),
            (510, "Xe"),
            (570, "mô"),
            (640, "tô"),
            (700, "hai"),
            (780, "bánh"),
        ),
        words(930, (200, "Năm"), (290, "sản"), (370, "xuất"), (470, "(Year):"), (620, "2012")),
    ]
    idc = [
        words(1600, (600, "CĂN"), (690, "CƯỚC"), (820, "CÔNG"), (940, "DÂN")),
        words(1650, (650, "Citizen"), (800, "Identity"), (970, "Card")),
        words(1720, (400, "Số"), (460, "/"), (490, "No.:"), (580, "024190001234")),
        words(1790, (400, "Họ"), (460, "và"), (520, "tên"), (600, "/"), (630, "Full"), (720, "name:")),
        words(1850, (420, "NGUYỄN"), (570, "VĂN"), (660, "AN")),
        words(
            1920,
            (400, "Ngày"),
            (500, "sinh"),
            (590, "/"),
            (620, "Date"),
            (720, "of"),
            (770, "birth:"),
            (900, "20/11/1990"),
        ),
        words(1990, (400, "Giới"), (490, "tính"), (580, "/"), (610, "Sex:"), (700, "Nam")),
        words(
            2060,
            (400, "Nơi"),
            (480, "thường"),
            (620, "trú"),
            (700, "/"),
            (730, "Place"),
            (850, "of"),
            (900, "residence:"),
            (1120, "Thôn"),
            (1220, "3,"),
            (1270, "xã"),
            (1330, "Yên"),
            (1410, "Phong,"),
        ),
    ]
    return [page("golden-cert", 1, cert), page("golden-cert", 2, idc)]


def main() -> None:
    for name, pages in (("mau01", mau01()), ("certificate_id", certificate_and_id())):
        text = "[\n" + ",\n".join(p.model_dump_json() for p in pages) + "\n]\n"
        (HERE / f"{name}.pages.json").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
