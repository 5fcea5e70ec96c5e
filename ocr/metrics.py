"""OCR quality measures: character error rate against a reference text."""

from __future__ import annotations

import unicodedata


def normalize_text(text: str) -> str:
    """NFC, with every run of whitespace (spaces, line breaks) made one space; ends trimmed."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def levenshtein(a: str, b: str) -> int:
    """Edit distance (insertions, deletions, substitutions each cost 1) between two strings."""
    if len(a) < len(b):
        a, b = b, a
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i]
        for j, cb in enumerate(b, start=1):
            cost = 0 if ca == cb else 1
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost))
        previous = current
    return previous[-1]


def cer(reference: str, hypothesis: str) -> float:
    """Character error rate: edits to turn ``hypothesis`` into ``reference`` over the reference's length.

    Both texts are normalized first (NFC, whitespace runs as one space), so line
    breaks and layout spacing don't count; diacritics do. An empty reference
    gives 0.0 for an empty hypothesis and 1.0 otherwise.
    """
    ref, hyp = normalize_text(reference), normalize_text(hypothesis)
    if not ref:
        return 0.0 if not hyp else 1.0
    return levenshtein(ref, hyp) / len(ref)
