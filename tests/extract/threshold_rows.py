"""Training rows of a known structure, shared by the threshold and ``sohoa calibrate`` tests.

60 dossiers x 3 fields: right values read confidently with two agreeing pages, some wrong
values read badly, and in field b every tenth dossier a wrong value read as confidently as
the right ones (so b alone needs a threshold over the floor).
"""

from __future__ import annotations

import random

from extract.confidence import Evidence
from extract.thresholds import Row

FIELDS = ("a", "b", "c")


def training_rows(dossiers: int = 60, seed: int = 7) -> list[Row]:
    """Rows of the known structure described in the module docstring."""
    rng = random.Random(seed)
    rows = []
    for d in range(dossiers):
        for i, field in enumerate(FIELDS):
            name = f"d{d:02}"
            if field == "b" and d % 10 == 3:  # wrong, yet read as confidently as the right ones
                ev = Evidence(field, True, rng.uniform(0.86, 0.9), True, agree=2, expected_pages=2)
                rows.append(Row(name, ev, False))
            elif (d + i) % 7 == 0:  # wrong, read badly
                ev = Evidence(field, True, rng.uniform(0.3, 0.5), True, agree=0, expected_pages=2)
                rows.append(Row(name, ev, False))
            else:
                ev = Evidence(field, True, rng.uniform(0.86, 1.0), True, agree=2, expected_pages=2)
                rows.append(Row(name, ev, True))
    return rows
