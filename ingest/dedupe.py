"""Drop exact duplicate pages inside a dossier (the same sheet scanned twice)."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator

from ingest.rasterize import RasterPage

log = logging.getLogger(__name__)


def unique_pages(pages: Iterable[RasterPage]) -> Iterator[RasterPage]:
    """Yield each page whose pixel fingerprint was not seen before, keeping the first.

    Only fingerprints are remembered, never pixels, so memory stays one page deep.
    """
    first_seen: dict[str, int] = {}
    for page in pages:
        original = first_seen.setdefault(page.sha256, page.index)
        if original != page.index:
            log.info("page %d is an exact duplicate of page %d; dropped", page.index, original)
            continue
        yield page
