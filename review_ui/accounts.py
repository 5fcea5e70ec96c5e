"""Accounts, login sessions and API tokens.

Sessions are server-side: the cookie carries 32 random bytes (URL-safe), the ``sessions`` table only
their SHA-256, so a copy of the database lets nobody log in. Each session has its own CSRF secret.
A successful login always makes a new session (the id is rotated; no fixation). Five failed logins
lock an account for 15 minutes. API tokens are random too and stored hashed; their scope is read-only.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from review_ui.passwords import (
    LOCKOUT,
    MAX_FAILED_LOGINS,
    check_password_strength,
    hash_password,
    verify_password,
)
from review_ui.tables import ROLES, ApiTokenRow, SessionRow, UserRow
from sohoa.errors import AuthenticationFailed, Conflict, UsageError
from sohoa.model import nfc
from storage.tables import utcnow

log = logging.getLogger(__name__)

SESSION_TTL = dt.timedelta(hours=10)
TOKEN_PREFIX = "sohoa_"  # noqa: S105 - a prefix, not a secret


@dataclass(frozen=True)
class Principal:
    """Who is asking: a logged-in user (with a session) or a machine token."""

    name: str
    role: str
    communes: tuple[str, ...] = ()
    province: str | None = None
    session_hash: str | None = None
    csrf_secret: str | None = None
    token: bool = False

    @property
    def read_only(self) -> bool:
        """Machine tokens may only read."""
        return self.token

    def can(self, action: str) -> bool:
        """Whether the role allows ``action`` (review, approve, upload, reports, users)."""
        return self.role in PERMISSIONS.get(action, ()) and not (self.token and action != "read_records")


PERMISSIONS: dict[str, tuple[str, ...]] = {
    "review": ("clerk", "reviewer", "supervisor", "admin"),
    "approve": ("reviewer", "supervisor", "admin"),
    "upload": ("clerk", "reviewer", "supervisor", "admin"),
    "reports": ("supervisor", "admin"),
    "users": ("admin",),
    "read_records": ("reader", "reviewer", "supervisor", "admin"),
}


def sha256_hex(text: str) -> str:
    """Hex SHA-256 of a UTF-8 string."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def create_user(
    db: Session,
    name: str,
    password: str,
    role: str,
    *,
    communes: Sequence[str] = (),
    province: str | None = None,
) -> UserRow:
    """Add an account; ``Conflict`` if the name is taken, ``UsageError`` for a bad role or password."""
    if role not in ROLES:
        raise UsageError(f"unknown role {role!r} (one of {', '.join(ROLES)})")
    try:
        check_password_strength(password)
    except ValueError as e:
        raise UsageError(str(e)) from e
    if not name or len(name) > 64 or not name.isprintable():
        raise UsageError("user name must be 1-64 printable characters")
    row = UserRow(
        name=nfc(name),
        password_hash=hash_password(password),
        role=role,
        communes_json=json.dumps([nfc(c) for c in communes], ensure_ascii=False),
        province=nfc(province) if province else None,
        failed_logins=0,
        active=True,
        created_at=utcnow(),
    )
    db.add(row)
    try:
        db.commit()
    except IntegrityError as e:
        db.rollback()
        raise Conflict(f"user {name!r} already exists") from e
    log.info("user %s added with role %s", row.name, role)
    return row


def authenticate(db: Session, name: str, password: str) -> UserRow:
    """The user whose password this is; ``AuthenticationFailed`` otherwise (lock-out counted)."""
    user = db.scalars(select(UserRow).where(UserRow.name == nfc(name))).one_or_none()
    now = utcnow()
    ok = verify_password(user.password_hash if user else None, password)
    if user is None or not user.active:
        raise AuthenticationFailed("wrong user name or password")
    if user.locked_until is not None and user.locked_until > now:
        raise AuthenticationFailed("account locked after repeated failed logins; try again later")
    if not ok:
        _count_failure(db, user, now)
        raise AuthenticationFailed("wrong user name or password")
    user.failed_logins, user.locked_until = 0, None
    db.commit()
    return user


def _count_failure(db: Session, user: UserRow, now: dt.datetime) -> None:
    db.execute(update(UserRow).where(UserRow.id == user.id).values(failed_logins=UserRow.failed_logins + 1))
    db.commit()
    db.refresh(user)
    if user.failed_logins >= MAX_FAILED_LOGINS:
        user.locked_until, user.failed_logins = now + LOCKOUT, 0
        db.commit()
        log.warning("user %s locked for %s after %d failed logins", user.name, LOCKOUT, MAX_FAILED_LOGINS)


def start_session(db: Session, user: UserRow, old_session_id: str | None = None) -> str:
    """A new session for ``user`` (any previous session of this browser is ended); return its cookie value."""
    if old_session_id:
        end_session(db, old_session_id)
    session_id = secrets.token_urlsafe(32)
    now = utcnow()
    db.add(
        SessionRow(
            id_hash=sha256_hex(session_id),
            user_id=user.id,
            csrf_secret=secrets.token_hex(32),
            created_at=now,
            expires_at=now + SESSION_TTL,
        )
    )
    db.execute(delete(SessionRow).where(SessionRow.expires_at < now))
    db.commit()
    return session_id


def end_session(db: Session, session_id: str) -> None:
    """Log out: the session row is deleted, so its cookie and CSRF token are dead."""
    db.execute(delete(SessionRow).where(SessionRow.id_hash == sha256_hex(session_id)))
    db.commit()


def principal_for_session(db: Session, session_id: str) -> Principal | None:
    """The user behind a live session cookie, or None."""
    row = db.execute(
        select(
            SessionRow.id_hash,
            SessionRow.csrf_secret,
            SessionRow.expires_at,
            UserRow.name,
            UserRow.role,
            UserRow.communes_json,
            UserRow.province,
            UserRow.active,
        )
        .join(UserRow, UserRow.id == SessionRow.user_id)
        .where(SessionRow.id_hash == sha256_hex(session_id))
    ).one_or_none()
    if row is None or row.expires_at < utcnow() or not row.active:
        return None
    return Principal(
        name=row.name,
        role=row.role,
        communes=tuple(json.loads(row.communes_json or "[]")),
        province=row.province,
        session_hash=row.id_hash,
        csrf_secret=row.csrf_secret,
    )


def mint_token(db: Session, name: str, created_by: str | None = None) -> str:
    """A new read-only API token (shown once; only its hash is kept)."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    db.add(
        ApiTokenRow(
            name=name[:64],
            token_hash=sha256_hex(token),
            scope="read",
            created_by=created_by,
            created_at=utcnow(),
            revoked=False,
        )
    )
    db.commit()
    log.info("API token %s minted (read-only)", name[:64])
    return token


def principal_for_token(db: Session, token: str) -> Principal | None:
    """The machine behind a bearer token, or None for an unknown or revoked one."""
    row = db.scalars(select(ApiTokenRow).where(ApiTokenRow.token_hash == sha256_hex(token))).one_or_none()
    if row is None or row.revoked:
        return None
    return Principal(name=f"token:{row.name}", role="reader", token=True)


def list_users(db: Session) -> list[UserRow]:
    """Every account, by name."""
    return list(db.scalars(select(UserRow).order_by(UserRow.name)))
