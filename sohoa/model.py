"""The document model: dossier -> page -> block -> line -> word.

This is the contract between ocr/, extract/, reconcile/, review_ui/ and storage/.
Every class is a frozen pydantic model and round-trips through JSON losslessly
(``Model.model_validate_json(m.model_dump_json()) == m``). Text is Unicode NFC:
validators normalize every string on the way in.

Pixels are not part of the model: a page names its image by an object-store
key; stages that need pixels carry them beside the page (see ``PageWork``).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from enum import Enum
from typing import Annotated, Any

import numpy as np
from pydantic import AfterValidator, BaseModel, ConfigDict, Field


def nfc(text: str) -> str:
    """Return ``text`` in Unicode NFC (the only form sohoa stores)."""
    return unicodedata.normalize("NFC", text)


NFCStr = Annotated[str, AfterValidator(nfc)]
Confidence = Annotated[float, Field(ge=0.0, le=1.0)]


class Frozen(BaseModel):
    """Base of every model value: immutable, strict about unknown keys."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class BBox(Frozen):
    """An axis-aligned box in pixels of the prepared (upright, deskewed) page."""

    x0: int
    y0: int
    x1: int
    y1: int

    @classmethod
    def of(cls, seq: Any) -> BBox:
        """Build a box from ``[x0, y0, x1, y1]``."""
        x0, y0, x1, y1 = (int(v) for v in seq)
        return cls(x0=x0, y0=y0, x1=x1, y1=y1)

    def as_list(self) -> list[int]:
        """``[x0, y0, x1, y1]``, the form the export contract uses."""
        return [self.x0, self.y0, self.x1, self.y1]

    @property
    def width(self) -> int:
        return self.x1 - self.x0

    @property
    def height(self) -> int:
        return self.y1 - self.y0

    def union(self, other: BBox) -> BBox:
        """The smallest box holding both."""
        return BBox(
            x0=min(self.x0, other.x0),
            y0=min(self.y0, other.y0),
            x1=max(self.x1, other.x1),
            y1=max(self.y1, other.y1),
        )


class Word(Frozen):
    """One OCR word with its box and Tesseract confidence in [0, 1]."""

    text: NFCStr
    bbox: BBox
    confidence: Confidence


class Line(Frozen):
    """A text line: words left to right."""

    bbox: BBox
    words: tuple[Word, ...] = ()

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)


class BlockKind(str, Enum):
    """Layout block types (the TextBlock types layoutparser carries)."""

    TEXT = "text"
    TITLE = "title"
    TABLE = "table"
    FIGURE = "figure"


class Block(Frozen):
    """A layout block: lines top to bottom."""

    bbox: BBox
    kind: BlockKind = BlockKind.TEXT
    lines: tuple[Line, ...] = ()

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)


class Quality(Frozen):
    """Scan-quality scores of one page."""

    sharpness: float = Field(ge=0.0, description="variance of the Laplacian at 300 DPI scale")
    contrast: float = Field(ge=0.0, description="spread of grey levels (p95 - p5), 0-255")
    dpi: int = Field(ge=1)
    rescan_advised: bool = False
    reasons: tuple[str, ...] = ()


class Page(Frozen):
    """One page of a dossier, after whatever stages have run so far."""

    dossier_id: str
    index: int = Field(ge=1, description="1-based page number in the dossier")
    width: int = Field(ge=1)
    height: int = Field(ge=1)
    dpi: int = Field(ge=1)
    sha256: str = Field(description="fingerprint of the page's raster as ingested")
    rotation: int = Field(default=0, description="clockwise degrees applied to make it upright")
    skew: float = Field(default=0.0, description="measured skew in degrees, + = counter-clockwise")
    quality: Quality | None = None
    page_type: str | None = None
    blocks: tuple[Block, ...] = ()
    ocr_confidence: Confidence | None = None
    image_key: str | None = None
    stages: tuple[str, ...] = ()

    @property
    def words(self) -> tuple[Word, ...]:
        return tuple(w for b in self.blocks for line in b.lines for w in line.words)

    @property
    def text(self) -> str:
        return "\n\n".join(b.text for b in self.blocks)


class FieldValue(Frozen):
    """One field of a record: canonical value, calibrated confidence and provenance."""

    value: NFCStr | None = None
    confidence: Confidence = 0.0
    needs_review: bool = True
    page: int | None = None
    bbox: BBox | None = None
    reasons: tuple[str, ...] = ()
    readings: tuple[Reading, ...] = ()
    reviewed: bool = False


class Reading(Frozen):
    """One raw reading of a field on one page, before reconciliation across pages."""

    raw: NFCStr
    value: NFCStr | None
    page: int
    bbox: BBox | None = None
    confidence: Confidence = 0.0


FieldValue.model_rebuild()


class DossierStatus(str, Enum):
    """Where a dossier is in its life."""

    RECEIVED = "received"
    PROCESSED = "processed"
    REJECTED = "rejected"
    REVIEWED = "reviewed"
    APPROVED = "approved"
    PUBLISHED = "published"


class Dossier(Frozen):
    """A dossier: one source file or folder, its pages and the record read from them."""

    dossier_id: str
    source: NFCStr
    sha256: str
    status: DossierStatus = DossierStatus.RECEIVED
    reason: NFCStr | None = None
    pages: tuple[Page, ...] = ()
    fields: dict[str, FieldValue] = Field(default_factory=dict)
    doc_type: str = "vehicle_registration"


@dataclass(frozen=True)
class PageWork:
    """A page together with its pixels, as it flows through in-process stages.

    ``image`` is a greyscale or BGR uint8 array and is never mutated in place:
    a stage returns a new ``PageWork`` with a new array.
    """

    page: Page
    image: np.ndarray = field(repr=False)
    extras: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def evolve(self, image: np.ndarray | None = None, **changes: Any) -> PageWork:
        """Return a copy with a new image and/or page fields changed."""
        page = self.page.model_copy(update=changes) if changes else self.page
        return PageWork(page=page, image=self.image if image is None else image, extras=self.extras)
