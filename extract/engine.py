"""Engine numbers: upper case, hyphens kept as printed; the serial after a hyphen is digits.

Shapes vary by maker (``5C63645910``, ``JC52E-1234567``, ``VF3EA-0012345``); the loose
shape is ``^[A-Z0-9]{2,6}E?-?\\d{5,7}$``. Only the serial after a hyphen has a fixed
class (digits), so only there are OCR confusions corrected.
"""

from __future__ import annotations

import logging
import re

from extract.checked import Checked, reject
from extract.confusions import DIGITS, fit, upper_compact
from sohoa.domain.engines import model_code_shape

log = logging.getLogger(__name__)

SHAPE = re.compile(r"^[A-Z0-9]{2,7}E?-?\d{5,8}$")
#: a letter-ended model prefix and a 7-digit serial run together: makers that print 7-digit serials
#: print them after a hyphen (``JA39E-8812093``, ``1TR-2206219``, ``L15Z-6068495``), so the hyphen was
#: probably lost. 6-digit serials run on from the prefix as printed (``P5AT417560``, ``M831M344197``,
#: Yamaha ``5C63645910``): the former pattern (any prefix, 6-8 digits) doubted those, 10 of 84 training
#: dossiers' engine numbers, and missed ``1TR2206219``.
RUN_TOGETHER = re.compile(r"^[A-Z0-9]{1,4}[A-Z]\d{7}$")


def normalize(raw: str, brand: str | None = None) -> Checked:
    """Canonical engine number, or no value when nothing like one was read.

    With the brand read on the papers, a model code that breaks the maker's shape
    (:mod:`sohoa.domain.engines`) is doubted: Honda's ``JF58E`` read as ``JFB8E`` or
    ``JFS58E``. Only an O where the shape has a digit is mended (``HAO8E`` → ``HA08E``).
    """
    text = re.sub(r"-+", "-", upper_compact(raw, keep="-")).strip("-")
    if len(text.replace("-", "")) < 5:
        return reject("no engine number read")
    corrections = 0
    if "-" in text:
        head, _, tail = text.rpartition("-")
        fitted = fit(tail, (DIGITS,) * len(tail))
        if fitted is not None:
            text, corrections = f"{head}-{fitted[0]}", fitted[1]
    reasons = [f"engine: {corrections} character(s) corrected in the serial"] if corrections else []
    if not SHAPE.match(text) or len(text) > 20:
        return Checked(text, (*reasons, "engine: unusual engine-number shape"), corrections, doubt=True)
    if RUN_TOGETHER.match(text):
        return Checked(text, (*reasons, "engine: prefix and serial run together (hyphen lost?)"), corrections,
                       doubt=True)
    return _maker_shape(Checked(text, tuple(reasons), corrections), brand)


def _maker_shape(checked: Checked, brand: str | None) -> Checked:
    """``checked`` with its model code held to the brand's shape: an O at a digit's place mended, else doubted."""
    shape = model_code_shape(brand)
    text = checked.value or ""
    head, hyphen, tail = text.partition("-")
    if shape is None or not hyphen or not head.endswith("E") or len(head) not in (5, 6) or shape.fullmatch(head):
        return checked
    mended = head[:2] + head[2:4].replace("O", "0") + head[4:]
    if shape.fullmatch(mended):
        why = f"engine: O read as 0 in {brand}'s model code"
        return Checked(f"{mended}-{tail}", (*checked.reasons, why), checked.corrections + 1, checked.doubt)
    why = f"engine: model code {head} is not {brand}'s shape (two letters, two digits, E)"
    return Checked(text, (*checked.reasons, why), checked.corrections, doubt=True)
