"""Vietnamese spelling: is a word a well-formed syllable?

Vietnamese is written one syllable per word: an optional initial consonant, a rhyme
from a closed list, and at most one tone mark; a rhyme closed by a stop (c, ch, p, t)
carries only the sắc or nặng tone. OCR that drops or swaps a mark often breaks one of
these rules ("Quôc", "Viêt", "Nguyẻ̂n"), so a name or street with an ill-formed
syllable was probably misread. Used as a soft check: place names of the Central
Highlands ("Đắk", "Krông") and loan words are not syllables of the standard
language, so a failure asks for a look, it never changes a value.
"""

from __future__ import annotations

import logging
import unicodedata

log = logging.getLogger(__name__)

#: combining tone marks: grave (huyền), acute (sắc), hook (hỏi), tilde (ngã), dot below (nặng)
_TONES = {"\u0300": "huyen", "\u0301": "sac", "\u0309": "hoi", "\u0303": "nga", "\u0323": "nang"}
_INITIALS = ("ngh", "ng", "gh", "gi", "kh", "nh", "ph", "th", "tr", "ch", "qu",
             "b", "c", "d", "đ", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x")
#: the rhymes (vần) without tone, by nucleus
_RHYME_LINES = (
    "a ac ach ai am an ang anh ao ap at au ay",
    "ăc ăm ăn ăng ăp ăt",
    "âc âm ân âng âp ât âu ây",
    "e ec em en eng eo ep et",
    "ê êch êm ên ênh êp êt êu êng",
    "i ia ich im in inh ip it iu iêc iêm iên iêng iêp iêt iêu",
    "o oc oi om on ong op ot oa oac oach oai oam oan oang oanh oao oap oat oay oăc oăm oăn oăng oăt",
    "oe oen oeo oet ooc oong",
    "ô ôc ôi ôm ôn ông ôp ôt",
    "ơ ơi ơm ơn ơp ơt",
    "u ua uân uâng uât uây uc ui um un ung up ut uy uya uych uyên uyêt uyn uynh uyp uyt uyu",
    "uê uêch uênh uơ uôc uôi uôm uôn uông uôt",
    "ư ưa ưc ưi ưm ưn ưng ưt ưu ươc ươi ươm ươn ương ươp ươt ươu",
    "y yêm yên yêt yêu ynh yt ych yn yu",
)
_RHYMES = frozenset(w for line in _RHYME_LINES for w in line.split())
_STOPS = ("c", "ch", "p", "t")


def _split_tone(word: str) -> tuple[str, list[str]] | None:
    """(the word without its tone, the tones found); None when it holds a non-letter."""
    decomposed = unicodedata.normalize("NFD", word.lower())
    tones = [_TONES[c] for c in decomposed if c in _TONES]
    base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONES))
    if not base or not all(c.isalpha() for c in base):
        return None
    return base, tones


def _rhyme(base: str) -> str | None:
    """The rhyme after the longest initial that leaves a listed rhyme (None when none does)."""
    for initial in sorted(_INITIALS, key=len, reverse=True):
        if base.startswith(initial):
            rest = base[len(initial):]
            if initial == "gi" and (rest == "" or (rest[0] not in "aăâeêoôơuưy" and rest not in _RHYMES)):
                rest = "i" + rest  # "gì", "gin": the i is the vowel, not part of "gi"
            if rest in _RHYMES:
                return rest
    return base if base in _RHYMES else None


def is_syllable(word: str) -> bool:
    """True when ``word`` (any case, NFC or not) is a well-formed Vietnamese syllable."""
    split = _split_tone(word)
    if split is None:
        return False
    base, tones = split
    if len(tones) > 1:
        return False
    rhyme = _rhyme(base)
    if rhyme is None:
        return False
    return not rhyme.endswith(_STOPS) or (bool(tones) and tones[0] in ("sac", "nang"))


def ill_formed(text: str) -> list[str]:
    """The words of ``text`` made of letters that are not well-formed syllables."""
    words = [w.strip(".,;:()-'\"") for w in text.split()]
    return [w for w in words if w and w.isalpha() and not is_syllable(w)]
