"""Suite-wide fixtures: every test runs against its own data directory."""

from __future__ import annotations

from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[2] / "shared"
if not SHARED.is_dir():  # CI clones main with shared/ beside it
    SHARED = Path("/work/shared")


@pytest.fixture(autouse=True)
def _isolated_data_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point SOHOA_DATA_DIR at a fresh folder so no test touches a real data directory."""
    from sohoa.settings import get_settings

    data = tmp_path_factory.mktemp("sohoa-data")
    monkeypatch.setenv("SOHOA_DATA_DIR", str(data))
    monkeypatch.delenv("SOHOA_DATABASE_URL", raising=False)
    monkeypatch.delenv("SOHOA_S3_ENDPOINT", raising=False)
    get_settings.cache_clear()
    return data


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The shared reference folder (real scans with gold text, the data dictionary)."""
    return SHARED
