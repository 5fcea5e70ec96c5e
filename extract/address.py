"""Owner addresses: as printed, NFC, single spaces, leader dots and stray punctuation trimmed."""

from __future__ import annotations

import logging
import re
import unicodedata

from extract.checked import Checked, reject
from extract.gazetteer import key as unit_key
from extract.gazetteer import official_spellings, province_key, restore, unit_names
from extract.syllable import ill_formed
from sohoa.domain.provinces import PROVINCES, Province
from sohoa.domain.streets import streets_by_key
from sohoa.domain.text import fold

log = logging.getLogger(__name__)

_LEADERS = re.compile(r"[.…:_·]{2,}|…")
_EDGE = " .,:;-_…·"
#: a dot or hyphen glued between words by the dotted leader ("Xã.Phú-Lương"), not inside a number
_GLUE = re.compile(r"(?<=[^\W\d])[.\-–]+(?=\w)|(?<=\w)[.\-–]+(?=[^\W\d])")


_PROVINCE_KEYS: tuple[tuple[str, Province], ...] = tuple(
    sorted({(province_key(o.name), p) for p in PROVINCES for o in p.absorbed}
           | {(province_key(p.name), p) for p in PROVINCES}, key=lambda kv: (-len(kv[0]), kv[0]))
)
_PROVINCE_KEY_SET = frozenset(k for k, _ in _PROVINCE_KEYS)


def normalize(raw: str) -> Checked:
    """The address as printed with its spacing and punctuation tidied."""
    text = unicodedata.normalize("NFC", raw).replace("$", "S")  # no address has a dollar: "$ố 19" is "Số 19"
    text = _LEADERS.sub(" ", text)
    text = _GLUE.sub(" ", text)
    text = re.sub(r"\s*,\s*", ", ", text)
    text = re.sub(r"(?:(?<=\s)|^)[.\-–]+(?=\w)", "", text)  # ".Xã", "-Tỉnh" after a space
    text = " ".join(text.split()).strip(_EDGE)
    if len(text) < 5:
        return reject("address: nothing read")
    text = split_units(text)
    text, changed = restore(text)
    reasons: list[str] = [f"address: {changed} unit name(s) spelled as in the official list"] if changed else []
    text, street = street_spelling(text)
    if street:
        reasons.append("address: a well-known street name's marks restored")
    unplaced = province_of(text) is None
    if unplaced:
        reasons.append("address: no province named")
    if _unlisted_unit(text):
        reasons.append("address: a unit name is not spelled as any in the official lists")
    if ill_formed(text.split(",")[0]):  # the street or hamlet: unit names are checked against the gazetteer
        reasons.append("address: a word of the street or hamlet is not a Vietnamese syllable (a mark may be misread)")
    return Checked(text, tuple(reasons), corrections=changed + street, doubt=unplaced)


def street_spelling(address: str) -> tuple[str, int]:
    """The address with a well-known street name in its first part spelled as listed; (text, names changed).

    Only marks change: the words must fold to the listed name ("Phản Đình Phùng" → "Phan Đình Phùng").
    """
    first, sep, rest = address.partition(",")
    words = first.split()
    folded = [fold(w) for w in words]  # only marks change below, so these stay true
    table = streets_by_key()
    changed = 0
    for n in (5, 4, 3, 2):
        for i in range(len(words) - n + 1):
            known = table.get(tuple(folded[i : i + n]))
            if known is None:
                continue
            listed = known.upper().split() if all(w.isupper() for w in words[i : i + n]) else known.split()
            if words[i : i + n] != listed:
                words[i : i + n] = listed
                changed += 1
    return " ".join(words) + sep + rest, changed


def _unlisted_unit(address: str) -> bool:
    """A part after the first that opens with a kind word ("Xã …") but is no official unit name as
    spelled, or a part after such a unit that has no kind word and is no province ending the
    address ("Xã Phú Hồ, Thành Huế": a kind word misread)."""
    official = official_spellings()
    parts = [p.strip() for p in address.split(",")][1:]
    in_units = False
    for i, part in enumerate(parts):
        words = part.split()
        if not words:
            continue
        if not _opens_with_kind(words):
            if in_units and not _known(words, last=i == len(parts) - 1):
                return True
            continue
        in_units = True
        if unit_key(words[0]) != "tp" and part.casefold() not in official:  # "TP Huế" abbreviates
            return True
    return False


def province_of(address: str) -> Province | None:
    """The current province an address names (old or new name), looked for from the end."""
    tail = province_key(address.rsplit(",", maxsplit=1)[-1])
    text = province_key(address)
    for key, prov in _PROVINCE_KEYS:
        if tail == key or text.endswith(" " + key):
            return prov
    for key, prov in _PROVINCE_KEYS:
        if f" {key} " in f" {tail} ":
            return prov
    return None


#: the kind words that open an administrative unit's name ("Xã Kim Hy", "Thành phố Huế")
KINDS = frozenset(unit_key(k) for k in ("Xã", "Phường", "Thị trấn", "Huyện", "Quận", "Thị xã", "Thành phố", "Tỉnh",
                                        "TP"))
#: a leftover after the province that is OCR noise, not a word of the address ("h", "ˆ", "‹ về")
_NOISE_WORD = 3


def _opens_with_kind(words: list[str]) -> bool:
    return unit_key(words[0]) in KINDS or unit_key(" ".join(words[:2])) in KINDS


def _known(words: list[str], last: bool = True) -> bool:
    """The words are one unit's name with its kind word ("Xã Kim Hy"), or, as the last part,
    a province named without one ("Nghệ An"; two words at least, so "Huệ" is not "Huế")."""
    k = unit_key(" ".join(words))
    if not k:
        return False
    province = province_key(" ".join(words))  # without "Tỉnh", "Thành phố", "TP"
    if _opens_with_kind(words):
        return k in unit_names() or province in _PROVINCE_KEY_SET
    return last and len(words) >= 2 and province in _PROVINCE_KEY_SET


def _units(words: list[str], last: bool) -> list[str] | None:
    """``words`` read as consecutive unit names (the longest first); None when they are not.
    ``last``: they end the address, so the final one may be a province without its kind word."""
    if _known(words, last):
        return [" ".join(words)]
    for j in range(len(words) - 1, 0, -1):
        if _known(words[:j], last=False) and (rest := _units(words[j:], last)) is not None:
            return [" ".join(words[:j]), *rest]
    return None


def _split_part(part: str, last: bool) -> list[str]:
    """One comma-separated part, split where unit names run on without their commas.

    "Xã Nhôn Mai Nghệ An" → ["Xã Nhôn Mai", "Nghệ An"]: the part as a whole names no
    unit, and what follows "Xã Nhôn Mai" reads as unit names. A head that is only a
    kind word ("Phường" before "Thái Bình") is never split off.
    """
    words = part.split()
    if len(words) < 2 or _known(words, last):
        return [part]
    for i in range(1, len(words)):
        head = words[:i]
        if unit_key(head[-1]) in KINDS or unit_key(" ".join(head[-2:])) in KINDS:
            continue
        if (tail := _units(words[i:], last)) is not None:
            return [" ".join(head), *tail]
    return [part]


def _trimmed(words: list[str]) -> list[str]:
    """``words`` without the tokens at their end that hold no letter or digit ("‹", "ˆ")."""
    while len(words) > 1 and not any(c.isalnum() for c in words[-1]):
        words = words[:-1]
    return words


def _without_trailing_noise(parts: list[str]) -> list[str]:
    """Parts with the noise after a last part that names a unit dropped ("…Hà Nội h", "…An Giang ‹ về"):
    tokens without a letter or digit, then up to two short words, only if the part is not a unit as read."""
    last = _trimmed(parts[-1].split())
    if not _known(last):
        for cut in (1, 2):
            rest, noise = _trimmed(last[:-cut]), last[-cut:]
            if len(rest) >= 2 and all(len(w) <= _NOISE_WORD for w in noise) and _known(rest):
                last = rest
                break
    return [*parts[:-1], " ".join(last)]


def split_units(address: str) -> str:
    """The address with the commas OCR lost between unit names put back, and noise after the
    last unit dropped; unchanged when it does not read as ending in unit names."""
    parts = [p for raw in address.split(",") if (p := raw.strip())]
    if not parts:
        return address
    parts = _without_trailing_noise(parts)
    out = [q for i, p in enumerate(parts) for q in _split_part(p, last=i == len(parts) - 1)]
    return ", ".join(out)
