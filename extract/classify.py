"""Page classification: which page type of the document type a read page is.

Each page type lists keywords with weights; a keyword counts when its folded form
occurs in the folded page text, exactly or within OCR damage (fuzzy partial match).
The best-scoring type wins if it scores enough; otherwise the page stays unknown
and every field is looked for on it.
"""

from __future__ import annotations

import logging

from rapidfuzz import fuzz

from extract.labels import label_key
from sohoa.doctypes import DocTypeSpec
from sohoa.model import Page

log = logging.getLogger(__name__)

MIN_SCORE = 2.0


def _present(key: str, text: str) -> float:
    """1.0 when ``key`` is in ``text``, a fraction for a damaged occurrence, else 0."""
    if f" {key} " in text:
        return 1.0
    if len(key) < 6:
        return 0.0
    score = fuzz.partial_ratio(key, text, score_cutoff=85)
    return (score - 80) / 20 if score else 0.0


def scores(text: str, spec: DocTypeSpec) -> dict[str, float]:
    """Score of every page type for a page's text."""
    folded = f" {label_key(text)} "
    return {
        name: sum(k.weight * _present(label_key(k.text), folded) for k in pt.keywords)
        for name, pt in spec.page_types.items()
    }


def classify_text(text: str, spec: DocTypeSpec) -> str | None:
    """The best page type for a text, or None when nothing scores ``MIN_SCORE``."""
    got = scores(text, spec)
    if not got:
        return None
    best = max(got, key=lambda k: got[k])
    return best if got[best] >= MIN_SCORE else None


def classify(page: Page, spec: DocTypeSpec) -> Page:
    """The page with ``page_type`` set (kept when already set to a known type)."""
    if page.page_type in spec.page_types:
        return page
    kind = classify_text(page.text, spec)
    log.debug("page %d classified as %s", page.index, kind)
    return page.model_copy(update={"page_type": kind})
