"""Fixtures of the ingest tests: settings, a stage context, the checked-in real scans."""

from __future__ import annotations

from pathlib import Path

import pytest

from sohoa.context import StageContext
from sohoa.settings import Settings

DATA = Path(__file__).resolve().parents[1] / "data" / "ingest"


@pytest.fixture
def settings() -> Settings:
    """Default deployment settings (limits: 500 pages, 200 Mpx, 2 GB, 300 DPI raster)."""
    return Settings()


@pytest.fixture
def ctx(settings: Settings) -> StageContext:
    return StageContext.from_settings(settings)


@pytest.fixture(scope="session")
def real_scans() -> Path:
    """tests/data/ingest: real scanned pages (Apache-2.0, see the README there)."""
    return DATA
