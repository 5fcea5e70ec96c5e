"""Text folding for matching (never for storing): diacritics off, case folded.

Stored values keep their diacritics (NFC); these helpers only decide whether two
spellings of a label or name are the same words.
"""

from __future__ import annotations

import logging
import re
import unicodedata

log = logging.getLogger(__name__)

_EXTRA = str.maketrans({"đ": "d", "Đ": "D", "ð": "d", "Ð": "D"})


def strip_marks(text: str) -> str:
    """``text`` without combining marks, đ → d (``'Số khung'`` → ``'So khung'``)."""
    decomposed = unicodedata.normalize("NFD", text.translate(_EXTRA))
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))


def fold(text: str) -> str:
    """Diacritic-free, lower case, single-spaced: the key used to compare spellings."""
    return " ".join(strip_marks(text).casefold().split())


def fold_words(text: str) -> str:
    """:func:`fold` with punctuation as spaces: the words only (``'Ô tô. tải. (pick'`` → ``'o to tai pick'``)."""
    return " ".join(re.sub(r"[^\w]+", " ", fold(text)).split())
