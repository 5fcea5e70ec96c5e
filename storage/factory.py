"""Build the object stores and the repository a deployment's settings ask for.

The local folder in the data directory is the default; ``SOHOA_S3_ENDPOINT``
switches every store to MinIO (scans, exports and the inbox each in their bucket).
"""

from __future__ import annotations

import logging

from sohoa.errors import ConfigError
from sohoa.settings import Settings
from storage.db import ensure_migrated, session_factory
from storage.objectstore import LocalObjectStore, ObjectStore
from storage.repository import Repository

log = logging.getLogger(__name__)


def _minio(settings: Settings, bucket: str, *, any_keys: bool = False) -> ObjectStore:
    from storage.minio_store import MinioObjectStore  # minio imported only when configured

    if not settings.s3_access_key or settings.s3_secret_key is None:
        raise ConfigError("SOHOA_S3_ENDPOINT is set but SOHOA_S3_ACCESS_KEY or SOHOA_S3_SECRET_KEY is not")
    return MinioObjectStore(
        str(settings.s3_endpoint), settings.s3_access_key, settings.s3_secret_key.get_secret_value(), bucket,
        secure=settings.s3_secure, part_size=settings.s3_part_size, any_keys=any_keys,
    )


def object_store_from_settings(settings: Settings) -> ObjectStore:
    """The store for scans, page images and outputs: MinIO's scan bucket, or ``<data_dir>/objects``."""
    if settings.s3_endpoint:
        return _minio(settings, settings.s3_scan_bucket)
    return LocalObjectStore(settings.objects_dir)


def export_store_from_settings(settings: Settings) -> ObjectStore:
    """Where published packages go: MinIO's export bucket, or ``<data_dir>/exports-bucket``."""
    if settings.s3_endpoint:
        return _minio(settings, settings.s3_export_bucket)
    return LocalObjectStore(settings.data_dir / "exports-bucket")


def inbox_store_from_settings(settings: Settings) -> ObjectStore:
    """The inbox scanners drop files into: MinIO's inbox bucket, or ``<data_dir>/inbox``.

    Inbox keys are chosen by clients, so they are only checked to be safe to address; they
    never become local file names.
    """
    if settings.s3_endpoint:
        return _minio(settings, settings.s3_inbox_bucket, any_keys=True)
    return LocalObjectStore(settings.data_dir / "inbox", any_keys=True)


def inbox_bucket_name(settings: Settings) -> str:
    """The bucket name inbox claims are recorded under (``local`` for the folder inbox)."""
    return settings.s3_inbox_bucket if settings.s3_endpoint else "local-inbox"


def repository_from_settings(settings: Settings, *, migrate: bool = True) -> Repository:
    """The repository on the deployment's database, migrated to the newest schema first."""
    url = settings.sqlalchemy_url
    if migrate:
        ensure_migrated(url)
    return Repository(session_factory(url))
