"""Engine-number facts: the shape of a maker's engine model code (the prefix before the hyphen).

Honda's motorcycle engine numbers print the frame's model code and ``E``: two letters,
two digits, ``E``, a hyphen and the serial (``JC52E-1234567``, ``JF58E-0556296``). This
shape is taken from papers' mock-ups and the makers' model codes (``shared/domain.md``
§4 marks it unverified on real papers), so a reading that breaks it is only doubted,
never changed beyond an O read where a digit must stand.
"""

from __future__ import annotations

import logging
import re

log = logging.getLogger(__name__)

#: brand printed on papers -> the shape of its motorcycle engine model codes (a five-character
#: prefix ending in E; other prefixes, such as car engines' ``L15Z``, are not checked)
MODEL_CODE: dict[str, re.Pattern[str]] = {
    "HONDA": re.compile(r"[A-Z]{2}\d{2}E"),
}


def model_code_shape(brand: str | None) -> re.Pattern[str] | None:
    """The shape a brand's motorcycle engine model codes take, if known."""
    return MODEL_CODE.get((brand or "").strip().upper())
