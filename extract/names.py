"""Owner names: upper case, NFC, single spaces; letters only."""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Callable, Sequence

from extract.checked import Checked, reject
from sohoa.domain.names import SURNAME_TEXT, is_misread_name_syllable, is_name_syllable
from sohoa.domain.text import fold

log = logging.getLogger(__name__)

#: common Vietnamese surnames (folded), for a soft plausibility check
SURNAMES = frozenset(fold(s) for s in SURNAME_TEXT.split())
#: the surnames as written (upper case, NFC), by their folded spelling where only one has it
_SURNAME_BY_FOLD: dict[str, str] = {}
for _s in SURNAME_TEXT.split():
    _SURNAME_BY_FOLD[fold(_s)] = "" if fold(_s) in _SURNAME_BY_FOLD else _s.upper()
#: name syllables that are never written without their marks ("NGUYEN" is always "NGUYỄN"):
#: read bare, the OCR lost the diacritics ("DUNG", "LY", "HAI" and "NHUNG" are names as they stand)
_MARKED_TEXT = (
    "NGUYEN TRAN LE PHAM HOANG HUYNH VU VO DANG BUI DO HO NGO DUONG DAO VAN THI DUC TUAN THANG HUNG "
    "CUONG THUY XUAN HUONG LUONG TRUONG QUYNH THAO HIEU HIEP NGOC YEN DIEP TIEN KIEN LIEN DINH "
    "THE TRONG QUOC VIET HIEN HUYEN PHUONG DIEU TRUC DAT PHUC LOC THO TRI NGHIA HAU"
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
    reasons: list[str] = []
    corrections = 0
    surname = restore_surname(words[0])
    if surname != words[0]:
        words[0], corrections = surname, 1
        reasons.append("name: surname's diacritics restored from the list of surnames")
    value = " ".join(words)
    if had_digits:
        reasons.append("name: digits removed")
    if len(words) > 7:
        reasons.append("name: unusually many words")
    if fold(words[0]) not in SURNAMES:
        reasons.append("name: uncommon surname")
    bare = [w for w in words if w in ALWAYS_MARKED]
    misread = any(is_misread_name_syllable(w) for w in words)
    if bare:
        reasons.append("name: diacritics probably lost in reading")
    elif misread:
        reasons.append("name: a word is a name syllable with its marks misread")
    elif not all(is_name_syllable(w) for w in words):
        reasons.append("name: a word outside the common name syllables (a mark may be misread)")
    doubt = had_digits or len(words) > 7 or bool(bare) or misread
    return Checked(value, tuple(reasons), corrections=corrections, doubt=doubt)


def restore_surname(word: str) -> str:
    """A surname read with marks lost or changed ("NGUYÊN", "NGUYEN") as the one listed surname
    spelled with the same letters ("NGUYỄN"); unchanged when listed as read, unknown, or ambiguous."""
    known = _SURNAME_BY_FOLD.get(fold(word))
    return known if known and known != word else word


def marks(word: str) -> int:
    """How many diacritical marks ``word`` carries (đ counts as one)."""
    decomposed = unicodedata.normalize("NFD", word)
    return sum(1 for c in decomposed if unicodedata.combining(c)) + sum(c in "đĐ" for c in word)


def richest(spellings: Sequence[str], known: Callable[[str], bool] | None = None) -> str:
    """Of spellings with the same letters, word by word the one most pages read, then the most marked.

    Tesseract drops Vietnamese marks more often than it invents them, so where pages
    split evenly on a word, the fuller marks win. With ``known`` (the name syllables), a
    spelling it knows beats one it does not, whatever the votes: "HÃNG" read twice is
    still a misread "HẰNG". A spelling cut short (an address wrapped on a card) votes on
    the words it has; the longest gives the word count.
    """
    split = [s.split() for s in spellings]
    if not split:
        return ""
    longest = max(split, key=len)
    out = []
    for i, own in enumerate(longest):
        column = [words[i].rstrip(_TRAILING) for words in split if len(words) > i]
        best = max(dict.fromkeys(column), key=lambda w: (bool(known and known(w)), column.count(w), marks(w)))
        out.append(best + own[len(own.rstrip(_TRAILING)):])  # the longest spelling's comma stays
    return " ".join(out)


#: punctuation that ends a word of an address part ("Huệ," in the full address, "Huệ" where cut short)
_TRAILING = ",;"
