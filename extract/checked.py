"""The result every field normalizer returns: the canonical value and the reasons to doubt it.

``Checked`` unpacks as ``(value, reasons)``; ``corrections`` counts characters the
grammar changed (an OCR confusion fixed), ``doubt`` is True when a reason should
send the field to review even if the value is well-formed (wrong check digit,
unknown brand, a structure that contradicts itself). ``value`` is None when the
text cannot be read as the field at all.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Checked:
    """A normalizer's outcome."""

    value: str | None
    reasons: tuple[str, ...] = ()
    corrections: int = 0
    doubt: bool = False
    info: int = 0  # how many of the reasons inform and doubt nothing ("9-digit CMND: no structure to check")

    def __iter__(self) -> Iterator[object]:
        yield self.value
        yield self.reasons

    @property
    def ok(self) -> bool:
        """A value, and nothing that asks for review."""
        return self.value is not None and not self.doubt


def reject(reason: str) -> Checked:
    """No value could be read; ``reason`` says why."""
    return Checked(None, (reason,), doubt=True)
