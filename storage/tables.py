"""The core tables of the metadata database (SQLAlchemy 2 declarative).

Names are the contract in ``SCHEMA.md``: reconcile/ and review_ui/ declare
their own tables on the same ``Base`` so there is one metadata and one chain of
Alembic revisions. Times are timezone-aware UTC on every backend.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> dt.datetime:
    """The current time, timezone-aware UTC."""
    return dt.datetime.now(dt.UTC)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A timestamp stored as UTC and always read back timezone-aware (SQLite drops the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime refused: store timezone-aware UTC times")
        return value.astimezone(dt.UTC)

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


class Base(DeclarativeBase):
    """The one declarative base of sohoa's tables."""

    metadata = MetaData(naming_convention=NAMING)


class DossierRow(Base):
    """One dossier (source file or folder) and where it is in its life."""

    __tablename__ = "dossiers"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    source: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    status: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    doc_type: Mapped[str] = mapped_column(String(64), default="vehicle_registration")
    page_count: Mapped[int] = mapped_column(Integer, default=0)
    province: Mapped[str | None] = mapped_column(String(128), nullable=True)
    commune: Mapped[str | None] = mapped_column(String(128), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)
    published_version: Mapped[int | None] = mapped_column(Integer, nullable=True)

    __table_args__ = (Index("ix_dossiers_status", "status"), Index("ix_dossiers_commune", "commune"))


class PageRow(Base):
    """One page of a dossier (its words live in the Page JSON named by ``ocr_key``)."""

    __tablename__ = "pages"

    dossier_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("dossiers.id", ondelete="CASCADE"), primary_key=True
    )
    idx: Mapped[int] = mapped_column(Integer, primary_key=True)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    dpi: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    rotation: Mapped[int] = mapped_column(Integer, default=0)
    skew: Mapped[float] = mapped_column(Float, default=0.0)
    page_type: Mapped[str | None] = mapped_column(String(64), nullable=True)
    rescan_advised: Mapped[bool] = mapped_column(Boolean, default=False)
    rescan_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    quality_json: Mapped[str | None] = mapped_column(Text, nullable=True)
    image_key: Mapped[str | None] = mapped_column(Text, nullable=True)
    ocr_key: Mapped[str | None] = mapped_column(Text, nullable=True)
    ocr_confidence: Mapped[float | None] = mapped_column(Float, nullable=True)
    stages_json: Mapped[str | None] = mapped_column(Text, nullable=True)


class FieldRow(Base):
    """One field of a dossier's record, with its confidence, provenance and review state."""

    __tablename__ = "fields"

    dossier_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("dossiers.id", ondelete="CASCADE"), primary_key=True
    )
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str | None] = mapped_column(Text, nullable=True)
    confidence: Mapped[float] = mapped_column(Float, default=0.0)
    needs_review: Mapped[bool] = mapped_column(Boolean, default=True)
    page: Mapped[int | None] = mapped_column(Integer, nullable=True)
    bbox_json: Mapped[str | None] = mapped_column(Text, nullable=True)
    reasons_json: Mapped[str] = mapped_column(Text, default="[]")
    readings_json: Mapped[str] = mapped_column(Text, default="[]")
    reviewed: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __table_args__ = (Index("ix_fields_needs_review", "needs_review"),)


class ObjectRow(Base):
    """The objects ledger: what sohoa published where, with its checksum."""

    __tablename__ = "objects"

    bucket: Mapped[str] = mapped_column(String(128), primary_key=True)
    key: Mapped[str] = mapped_column(String(1024), primary_key=True)
    dossier_id: Mapped[str | None] = mapped_column(
        String(64), ForeignKey("dossiers.id", ondelete="SET NULL"), nullable=True
    )
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)

    __table_args__ = (Index("ix_objects_dossier_id", "dossier_id"),)


class InboxClaimRow(Base):
    """One inbox object taken by one watcher: the primary key makes a second claim fail."""

    __tablename__ = "inbox_claims"

    bucket: Mapped[str] = mapped_column(String(128), primary_key=True)
    key: Mapped[str] = mapped_column(String(1024), primary_key=True)
    etag: Mapped[str] = mapped_column(String(128), primary_key=True)
    claimed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    dossier_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
