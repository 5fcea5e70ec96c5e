"""Tables of review_ui/, on the one metadata of ``storage.tables.Base``.

- ``users``: accounts (argon2 hash, role, communes, province, lock-out state).
- ``sessions``: server-side login sessions; the cookie holds a random id, the table its SHA-256.
- ``api_tokens``: bearer tokens for machines, stored hashed, read-only scope.
- ``audit``: who changed or viewed what, when, from which screen. Insert-only: no route updates or
  deletes a row.
- ``review_queue``: a denormalized index of the dossiers awaiting review with their priority, kept in
  step with the core tables by ``review_ui.queue_index.sync`` so the queue answers in milliseconds.
- ``review_state``: small key/value facts of the app (the queue index watermark).
- ``rescan_requests``: pages a reviewer sent back for rescanning, with the reason.

The migration ``storage/migrations/versions/0003_review.py`` creates the same tables.
"""

from __future__ import annotations

import datetime as dt
import logging

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.tables import Base, UTCDateTime, utcnow

log = logging.getLogger(__name__)

ROLES = ("clerk", "reviewer", "supervisor", "admin")


class UserRow(Base):
    """A person who logs in to the review UI."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(Text)
    role: Mapped[str] = mapped_column(String(16))
    communes_json: Mapped[str] = mapped_column(Text, default="[]")
    province: Mapped[str | None] = mapped_column(String(128), nullable=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class SessionRow(Base):
    """One login session (server-side); the cookie carries the id, the table only its hash."""

    __tablename__ = "sessions"

    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(Integer, ForeignKey("users.id", ondelete="CASCADE"))
    csrf_secret: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())

    __table_args__ = (Index("ix_sessions_user_id", "user_id"), Index("ix_sessions_expires_at", "expires_at"))


class ApiTokenRow(Base):
    """A bearer token for machines; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(64))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scope: Mapped[str] = mapped_column(String(16), default="read")
    created_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)


class AuditRow(Base):
    """One audited event: a change (old -> new) or an access to a dossier's personal data."""

    __tablename__ = "audit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    user_name: Mapped[str] = mapped_column(String(64))
    dossier_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    field: Mapped[str | None] = mapped_column(String(64), nullable=True)
    old: Mapped[str | None] = mapped_column(Text, nullable=True)
    new: Mapped[str | None] = mapped_column(Text, nullable=True)
    screen: Mapped[str] = mapped_column(String(32))
    action: Mapped[str] = mapped_column(String(32))

    __table_args__ = (Index("ix_audit_dossier_id_at", "dossier_id", "at"),)


class QueueRow(Base):
    """A dossier's place in the review queue (derived from the core and reconcile tables)."""

    __tablename__ = "review_queue"

    dossier_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    status: Mapped[str] = mapped_column(String(16))
    open: Mapped[int] = mapped_column(Integer, default=1, doc="1 while processed or reviewed (awaiting approval)")
    commune: Mapped[str | None] = mapped_column(String(128), nullable=True)
    province: Mapped[str | None] = mapped_column(String(128), nullable=True)
    priority: Mapped[int] = mapped_column(Integer, default=0, doc="sort key, ascending: most urgent first")
    flagged: Mapped[int] = mapped_column(Integer, default=0)
    failed: Mapped[int] = mapped_column(Integer, default=0)
    mismatches: Mapped[int] = mapped_column(Integer, default=0)
    flagged_fields: Mapped[str] = mapped_column(Text, default=",")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)

    __table_args__ = (
        Index("ix_review_queue_open_priority", "open", "priority", "created_at"),
        Index("ix_review_queue_status_priority", "status", "priority", "created_at"),
        Index("ix_review_queue_commune_open", "commune", "open", "priority", "created_at"),
        Index("ix_review_queue_province_open", "province", "open", "priority", "created_at"),
    )


class ReviewStateRow(Base):
    """A small named fact of the review app (e.g. the queue index watermark)."""

    __tablename__ = "review_state"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class RescanRequestRow(Base):
    """A page sent back for rescanning by a reviewer."""

    __tablename__ = "rescan_requests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    dossier_id: Mapped[str] = mapped_column(String(64), ForeignKey("dossiers.id", ondelete="CASCADE"))
    page: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text)
    requested_by: Mapped[str] = mapped_column(String(64))
    requested_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    resolved: Mapped[bool] = mapped_column(Boolean, default=False)

    __table_args__ = (Index("ix_rescan_requests_resolved", "resolved", "requested_at"),)
