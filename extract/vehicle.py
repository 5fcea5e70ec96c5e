"""The vehicle's details: brand, model, colour, type, engine capacity, year of manufacture.

Free-text fields are canonicalized against short vocabularies where the print
comes from one (brands, models, colours, vehicle types): a reading within a small
edit distance of one known entry takes that entry's spelling, diacritics included.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import unicodedata

from rapidfuzz.distance import Levenshtein

from extract.checked import Checked, reject
from extract.confusions import DIGITS, fit, upper_compact
from sohoa.domain.text import fold, fold_words
from sohoa.domain.vin import canonical_brand

log = logging.getLogger(__name__)

BRANDS = (
    "HONDA", "YAMAHA", "SUZUKI", "PIAGGIO", "VESPA", "SYM", "VINFAST", "KYMCO", "TOYOTA", "HYUNDAI", "KIA",
    "MAZDA", "FORD", "MITSUBISHI", "ISUZU", "MERCEDES-BENZ", "CHEVROLET", "NISSAN", "PEUGEOT", "THACO",
    "VPIC", "DAEWOO", "BMW", "AUDI", "LEXUS", "SUBARU", "HINO", "DUCATI", "KAWASAKI", "TRIUMPH",
    "HARLEY-DAVIDSON", "YADEA", "PEGA", "DIBAO",
)
COLOURS = ("Đen", "Trắng", "Đỏ", "Xanh", "Bạc", "Xám", "Vàng", "Nâu", "Hồng", "Cam", "Tím", "Ghi", "Be",
           "Dương", "Lá", "Lục", "Ngọc", "Đồng", "Kem", "Rêu", "Nhám", "Mờ", "Sần")
VEHICLE_TYPES = (
    "Xe mô tô hai bánh", "Xe mô tô ba bánh", "Xe gắn máy", "Xe máy điện", "Xe mô tô điện",
    "Ô tô con", "Ô tô tải", "Ô tô khách", "Ô tô tải VAN", "Ô tô tải pick up", "Ô tô tải (pick up cabin kép)",
    "Ô tô tải (pick up cabin đơn)", "Ô tô tải (thùng kín)", "Ô tô tải (có mui)", "Ô tô tải (tự đổ)", "Ô tô chuyên dùng",
    "Ô tô đầu kéo", "Rơ moóc", "Sơ mi rơ moóc",
)
_COLOUR_BY_KEY = {fold(c): c for c in COLOURS}
_TYPE_BY_KEY = {fold_words(t): t for t in VEHICLE_TYPES}
#: trade names of vehicles common on Vietnamese registers (written from the makers' ranges for this
#: project); a reading one letter from exactly one of them takes its spelling, any other is a soft doubt
MODELS = tuple(" ".join(line.split()) for text in (
    # Honda, Yamaha, Suzuki, Piaggio, SYM, VinFast and other two-wheelers
    "WAVE ALPHA|WAVE RSX|WAVE S|WAVE|FUTURE|FUTURE NEO|DREAM|SUPER DREAM|VISION|AIR BLADE|LEAD|SH|SH125I|"
    "SH150I|SH160I|SH350I|SH MODE|PCX|WINNER|WINNER X|BLADE|CLICK|VARIO|MSX|CBR150R|CB150R|REBEL|ZOOMER|"
    "DYLAN|SIRIUS|SIRIUS FI|JUPITER|EXCITER|EXCITER 150|EXCITER 155|JANUS|GRANDE|NOUVO|NVX|LATTE|FREEGO|"
    "ACRUZO|MIO|TAURUS|R15|MT-15|XSR155|LUVIAS|CUXI|AXELO|VIVA|SMASH|RAIDER|SATRIA|IMPULSE|HAYATE|"
    "GSX-R150|GSX-S150|BURGMAN|VESPA|VESPA PRIMAVERA|VESPA SPRINT|VESPA GTS|LIBERTY|MEDLEY|ZIP|FLY|ATTILA|"
    "ELIZABETH|ANGELA|GALAXY|ELEGANT|SHARK|KLARA|FELIZ|EVO200|THEON|VENTO|IMPES|LUDO|NINJA|Z1000|"
    "PANIGALE|MONSTER|XMEN|ODORA|G5",
    # cars, vans and trucks
    "VIOS|INNOVA|FORTUNER|CAMRY|COROLLA|COROLLA ALTIS|COROLLA CROSS|YARIS|YARIS CROSS|RAIZE|VELOZ|AVANZA|"
    "WIGO|HILUX|LAND CRUISER|HIACE|RUSH|ACCENT|GRAND I10|I10|ELANTRA|TUCSON|SANTA FE|CRETA|KONA|STARGAZER|"
    "VENUE|PORTER|H150|SOLATI|PALISADE|CUSTIN|MORNING|K3|K5|CERATO|SELTOS|SONET|SORENTO|CARNIVAL|SEDONA|"
    "CARENS|SOLUTO|RIO|FRONTIER|K200|K250|MAZDA2|MAZDA3|MAZDA6|MAZDA 2|MAZDA 3|MAZDA 6|CX-3|CX-30|CX-5|"
    "CX-8|CX-9|BT-50|RANGER|EVEREST|ECOSPORT|FIESTA|FOCUS|TRANSIT|TERRITORY|EXPLORER|XPANDER|"
    "XPANDER CROSS|ATTRAGE|MIRAGE|OUTLANDER|PAJERO SPORT|TRITON|XFORCE|D-MAX|MU-X|QKR|NPR|NQR|FRR|C200|"
    "C250|C300|E200|E300|GLC 200|GLC 300|S450|A200|SPRINTER|SPARK|AVEO|CRUZE|COLORADO|TRAILBLAZER|"
    "CAPTIVA|NAVARA|SUNNY|TERRA|ALMERA|KICKS|X-TRAIL|CITY|CIVIC|CR-V|HR-V|ACCORD|BR-V|BRIO|TOWNER|OLLIN|"
    "FORLAND|FADIL|LUX A2.0|LUX SA2.0|VF E34|VF 3|VF 5|VF 6|VF 7|VF 8|VF 9|SWIFT|ERTIGA|XL7|CIAZ|"
    "CELERIO|CARRY|3008|5008|2008|408|320I|520I|X5|A4|A6|Q5|RX350|LX570|ES250",
) for line in text.split("|"))
_MODEL_BY_KEY = {m: m for m in MODELS}


def _closest(key: str, options: dict[str, str], max_ratio: float = 0.2) -> str | None:
    """The one option whose folded key is within ``max_ratio`` edit distance of ``key``."""
    best: list[tuple[int, str]] = []
    for k, v in options.items():
        d = Levenshtein.distance(key, k)
        if d <= max(1, int(len(k) * max_ratio)) if len(k) >= 4 else d == 0:
            best.append((d, v))
    if not best:
        return None
    best.sort()
    return best[0][1] if len(best) == 1 or best[0][0] < best[1][0] else None


def _tidy(raw: str) -> str:
    text = unicodedata.normalize("NFC", raw)
    text = re.sub(r"[.…:_·]{2,}|…", " ", text)
    return " ".join(text.split()).strip(" .,:;_")


def normalize_brand(raw: str) -> Checked:
    """Upper-case brand, snapped to a known brand when within one or two letters."""
    text = _tidy(raw).upper()
    if not text:
        return reject("brand: nothing read")
    known = {fold(b).upper(): b for b in BRANDS}
    hit = _closest(fold(text).upper(), known)
    if hit is None:
        return Checked(text, ("brand: not a known brand",), doubt=True)
    return Checked(hit, ("brand: spelling snapped to a known brand",) if hit != text else (),
                   corrections=int(hit != text))


#: a trade name: Latin letters and digits, at most four words, at least one letter
_MODEL_SHAPE = re.compile(r"(?=.*[A-Z])[A-Z0-9][A-Z0-9+./-]*(?: [A-Z0-9+./-]+){0,3}")


def normalize_model(raw: str) -> Checked:
    """Upper-case model name, single spaces; doubted when not shaped like a trade name
    (Vietnamese marks, many words or long digit runs are OCR of something else)."""
    text = _tidy(raw).upper()
    if not re.search(r"\w", text):
        return reject("model: nothing read")
    if not _MODEL_SHAPE.fullmatch(text) or re.search(r"\d{5,}", text):
        return Checked(text, ("model: not shaped like a model name",), doubt=True)
    if text in _MODEL_BY_KEY:
        return Checked(text)
    hit = _closest(text, _MODEL_BY_KEY)
    if hit is not None:
        return Checked(hit, ("model: spelling snapped to a known model",), corrections=1)
    return Checked(text, ("model: not a known model name",))


def _modifier(c: str) -> bool:
    """A spacing accent OCR leaves alone ("ˆ"): a letter to Unicode, never a colour's."""
    return unicodedata.category(c) == "Lm"


#: what OCR makes of the dash between two colours ("Xanh, Đen", "Cam ~ Đen", "Đỏ — Đen", "Xanh + Đen")
_COLOUR_DASH = re.compile(r"(?<=\w)\s*[~,;:=+—–_]+\s*(?=\w)")


def normalize_colour(raw: str) -> Checked:
    """The colour as printed (``Đỏ - Đen``), each word snapped to the colour vocabulary."""
    text = _tidy(raw)
    # between two words, a dash read as a tilde, comma, equals sign or long dash ("Cam ~ Đen")
    dashed = _COLOUR_DASH.sub(" - ", text)
    words = [w for w in re.findall(r"\w+|-", dashed) if w == "-" or any(c.isalnum() and not _modifier(c) for c in w)]
    words = [w for i, w in enumerate(words) if not (w == "-" and i and words[i - 1] == "-")]  # "Cam - - Đen"
    while words and words[0] == "-":  # a leader's dash before the colour
        words = words[1:]
    while words and words[-1] == "-":
        words = words[:-1]
    if not words:
        return reject("colour: nothing read")
    out: list[str] = []
    unknown = 0
    for w in words:
        if w == "-":
            out.append(w)
            continue
        hit = _closest(fold(w), _COLOUR_BY_KEY)
        if hit is None:
            unknown += 1
            out.append(w)
        else:
            out.append(hit.upper() if w.isupper() and len(w) > 1 else (hit.lower() if w.islower() else hit))
    for i, w in enumerate(out):  # a colour opens with a capital, and so does each after a dash ("Trắng - Xanh")
        if w.islower() and (i == 0 or out[i - 1] == "-"):
            out[i] = w[:1].upper() + w[1:]
    if len(out) == 1 or any(w != "-" and not w.isupper() for w in out):
        # one colour in capitals (the certificate's "ĐEN") is "Đen"; so is a capitalized word beside
        # words in sentence case ("Bạc ĐEN", "ĐỎ đen"): the pages' cases were mixed
        out = [w.capitalize() if w.isupper() and len(w) > 1 else w for w in out]
    value = " ".join(out)
    if unknown:
        return Checked(value, ("colour: word not in the colour list",), doubt=True)
    return Checked(value, (), corrections=int(value != text))


def normalize_vehicle_type(raw: str) -> Checked:
    """The vehicle type as printed, snapped to the list of types when close."""
    text = _tidy(raw)
    if len(text) < 3:
        return reject("vehicle type: nothing read")
    hit = _closest(fold_words(text), _TYPE_BY_KEY, max_ratio=0.25)  # "Ô tô. tải." is "o to tai"
    if hit is None:
        return Checked(text, ("vehicle type: not in the list of types",), doubt=True)
    if text.count("(") > text.count(")"):  # "Ô tô tải (pick up" wrapped: which type it was is unsure
        return Checked(hit, ("vehicle type: cut short (a parenthesis left open)",), corrections=int(hit != text))
    return Checked(hit, (), corrections=int(hit != text))


def normalize_capacity(raw: str) -> Checked:
    """``109,1 cm3``: the number as printed (comma or point) and the unit."""
    text = re.sub(r"(?i)\s*(cm3|cm³|cc|cm)\s*$", "", _tidy(raw))
    m = re.search(r"[0-9OoIlSB]+(?:\s*[.,][\s.,]*[0-9OoIlSB]+)?", text)
    if m is None:
        return reject("capacity: no number read")
    # one decimal separator, however OCR doubled or spaced it ("149,,7", "108., 2"): a comma if it read one
    number = re.sub(r"\s*[.,][\s.,]*", lambda s: "," if "," in s.group(0) else ".", m.group(0).rstrip(".,"))
    spaced = int(number != m.group(0).rstrip(".,"))
    digits = re.sub(r"[.,]", "", number)
    fitted = fit(upper_compact(digits), (DIGITS,) * len(upper_compact(digits)))
    if fitted is None or not fitted[0]:
        return reject("capacity: no number read")
    fixed = iter(fitted[0])
    number = "".join(c if c in ".," else next(fixed) for c in number)
    value = float(number.replace(",", "."))
    if not 40 <= value <= 20000:
        return Checked(f"{number} cm3", ("capacity: outside 40-20000 cm3",), fitted[1] + spaced, doubt=True)
    return Checked(f"{number} cm3", (), fitted[1] + spaced)


def normalize_year(raw: str) -> Checked:
    """A four-digit year of manufacture, 1950 to next year."""
    text = upper_compact(_tidy(raw))
    fitted = fit(text, (DIGITS,) * len(text)) if text else None
    if fitted is None or len(fitted[0]) != 4:
        return reject("year: not four digits")
    year = int(fitted[0])
    if not 1950 <= year <= dt.date.today().year + 1:
        return Checked(fitted[0], ("year: out of range",), fitted[1], doubt=True)
    return Checked(fitted[0], (), fitted[1])


def same_brand(a: str, b: str) -> bool:
    """Two brand spellings name the same maker (``VESPA`` and ``PIAGGIO`` do)."""
    return canonical_brand(a) == canonical_brand(b)
