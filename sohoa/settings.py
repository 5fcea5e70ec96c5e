"""Deployment settings: one ``BaseSettings`` class, read from ``SOHOA_*`` variables.

Options carry their constraints in their types; secrets that look like
placeholders are refused at start-up rather than discovered in production.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

log = logging.getLogger(__name__)

PLACEHOLDER_SECRETS = frozenset(
    {"changeme", "change-me", "changethis", "secret", "password", "admin", "minioadmin", "xxx", "todo"}
)


def _refuse_placeholder(value: SecretStr | None) -> SecretStr | None:
    if value is None:
        return None
    raw = value.get_secret_value()
    if raw.strip().lower() in PLACEHOLDER_SECRETS or len(raw) < 8:
        raise ValueError("placeholder or too-short secret refused (set a real value of 8+ characters)")
    return value


class Settings(BaseSettings):
    """Everything a deployment can set. Environment variables are ``SOHOA_<NAME>``."""

    model_config = SettingsConfigDict(env_prefix="SOHOA_", env_file=None, extra="ignore")

    data_dir: Path = Field(default=Path("sohoa-data"), description="embedded default store")
    database_url: str | None = Field(default=None, description="SQLAlchemy URL; default SQLite in data_dir")

    # object storage (MinIO); unset endpoint means the local folder in data_dir
    s3_endpoint: str | None = None
    s3_access_key: str | None = None
    s3_secret_key: SecretStr | None = None
    s3_secure: bool = True
    s3_inbox_bucket: str = "sohoa-inbox"
    s3_export_bucket: str = "sohoa-exports"
    s3_scan_bucket: str = "sohoa-scans"
    s3_part_size: int = Field(default=16 * 1024 * 1024, ge=5 * 1024 * 1024, le=5 * 1024**3)

    # ingest limits
    max_pages: int = Field(default=500, ge=1, le=100_000)
    max_pixels: int = Field(default=200_000_000, ge=1_000_000)
    max_file_bytes: int = Field(default=2 * 1024**3, ge=1024)
    raster_dpi: int = Field(default=300, ge=72, le=600)

    # OCR
    #: page reading language(s). ``vie`` alone: with ``vie+eng`` Tesseract takes upper-case
    #: Vietnamese words for English and drops their diacritics (owner names right on 14 held-out
    #: clean/fair dossiers: 29 % with ``vie+eng``, 71 % with ``vie``), and it is 25–40 % slower.
    #: English still reads identifiers: whitelisted crop re-reads use ``eng``.
    languages: str = "vie"
    tesseract_timeout: float = Field(default=120.0, gt=0, le=3600)
    workers: int = Field(default=0, ge=0, le=256, description="0 = one per core")

    # review
    review_threshold: float = Field(default=0.9, ge=0.0, le=1.0)
    secret_key: SecretStr | None = None

    # queue
    broker_url: str = "redis://127.0.0.1:6379/0"
    queue_name: str = Field(default="sohoa", pattern=r"^[A-Za-z0-9_.-]{1,64}$")
    queue_max_length: int = Field(default=1000, ge=1, le=10_000_000, description="enqueuers wait above this")
    queue_max_retries: int = Field(default=5, ge=0, le=100, description="retries of a failing dossier")
    queue_retry_backoff: float = Field(default=10.0, gt=0, le=3600, description="first retry delay, s, doubled")
    queue_retry_backoff_max: float = Field(default=600.0, gt=0, le=86400)
    queue_visibility_timeout: int = Field(default=3600, ge=1, le=7 * 86400,
                                          description="s before an unacknowledged task is redelivered")
    queue_max_worker_losses: int = Field(default=2, ge=1, le=100,
                                         description="worker deaths on one dossier before dead-letter")
    worker_max_tasks_per_child: int = Field(default=50, ge=1, le=100_000)
    worker_max_memory_mb: int = Field(default=1500, ge=64, le=1_000_000,
                                      description="a worker child over this is replaced after its task")

    _check_secret = field_validator("secret_key", "s3_secret_key")(_refuse_placeholder)

    @property
    def sqlalchemy_url(self) -> str:
        """The metadata database URL (SQLite in the data directory by default)."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'sohoa.db').resolve()}"

    @property
    def objects_dir(self) -> Path:
        """Root of the embedded object store."""
        return self.data_dir / "objects"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (read once from the environment)."""
    return Settings()
