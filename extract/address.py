"""Owner addresses: as printed, NFC, single spaces, leader dots and stray punctuation trimmed."""

from __future__ import annotations

import logging
import re
import unicodedata

from extract.checked import Checked, reject
from extract.gazetteer import restore
from sohoa.domain.provinces import PROVINCES, Province
from sohoa.domain.text import fold

log = logging.getLogger(__name__)

_LEADERS = re.compile(r"[.…:_·]{2,}|…")
_EDGE = " .,:;-_…·"
#: a dot or hyphen glued between words by the dotted leader ("Xã.Phú-Lương"), not inside a number
_GLUE = re.compile(r"(?<=[^\W\d])[.\-–]+(?=\w)|(?<=\w)[.\-–]+(?=[^\W\d])")
_PREFIX = re.compile(r"^(thanh pho|tp|tinh)\s+")


def _key(text: str) -> str:
    """Folded, punctuation as spaces, without "Tỉnh"/"Thành phố"/"TP" in front."""
    return _PREFIX.sub("", " ".join(re.sub(r"[^\w]+", " ", fold(text)).split()))


_PROVINCE_KEYS: tuple[tuple[str, Province], ...] = tuple(
    sorted({(_key(o.name), p) for p in PROVINCES for o in p.absorbed}
           | {(_key(p.name), p) for p in PROVINCES}, key=lambda kv: (-len(kv[0]), kv[0]))
)


def normalize(raw: str) -> Checked:
    """The address as printed with its spacing and punctuation tidied."""
    text = unicodedata.normalize("NFC", raw)
    text = _LEADERS.sub(" ", text)
    text = _GLUE.sub(" ", text)
    text = re.sub(r"\s*,\s*", ", ", text)
    text = re.sub(r"(?:(?<=\s)|^)[.\-–]+(?=\w)", "", text)  # ".Xã", "-Tỉnh" after a space
    text = " ".join(text.split()).strip(_EDGE)
    if len(text) < 5:
        return reject("address: nothing read")
    text, changed = restore(text)
    reasons: list[str] = [f"address: {changed} unit name(s) spelled as in the official list"] if changed else []
    if province_of(text) is None:
        reasons.append("address: no province named")
    return Checked(text, tuple(reasons), corrections=changed, doubt=province_of(text) is None)


def province_of(address: str) -> Province | None:
    """The current province an address names (old or new name), looked for from the end."""
    tail = _key(address.rsplit(",", maxsplit=1)[-1])
    text = _key(address)
    for key, prov in _PROVINCE_KEYS:
        if tail == key or text.endswith(" " + key):
            return prov
    for key, prov in _PROVINCE_KEYS:
        if f" {key} " in f" {tail} ":
            return prov
    return None
