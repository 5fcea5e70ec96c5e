"""What every stage receives beside its value: read-only run options."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sohoa.settings import Settings


@dataclass(frozen=True)
class StageContext:
    """Options of one run, shared read-only by all stages (``(page, ctx) -> page``)."""

    settings: Settings = field(default_factory=Settings)
    languages: str = "vie"
    tesseract_timeout: float = 120.0
    scratch_dir: Path | None = None

    @classmethod
    def from_settings(cls, settings: Settings, scratch_dir: Path | None = None) -> StageContext:
        """A context carrying a deployment's settings."""
        return cls(
            settings=settings,
            languages=settings.languages,
            tesseract_timeout=settings.tesseract_timeout,
            scratch_dir=scratch_dir,
        )
