"""FastAPI dependencies (used as ``Annotated`` aliases): context, DB session, principal, CSRF check."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from review_ui import csrf
from review_ui.accounts import Principal, principal_for_session, principal_for_token
from review_ui.context import AppContext
from sohoa.errors import AuthenticationFailed, PermissionDenied

log = logging.getLogger(__name__)

SESSION_COOKIE = "sohoa_session"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"


def get_ctx(request: Request) -> AppContext:
    """The app's shared context."""
    ctx: AppContext = request.app.state.ctx
    return ctx


Ctx = Annotated[AppContext, Depends(get_ctx)]


def get_db(ctx: Ctx) -> Iterator[Session]:
    """A database session for one request (closed after it; callers commit their own changes)."""
    db = ctx.sessions()
    try:
        yield db
    finally:
        db.close()


Db = Annotated[Session, Depends(get_db)]


def optional_principal(request: Request, db: Db) -> Principal | None:
    """The caller: bearer token (machines) or session cookie (people), or None."""
    auth = request.headers.get("authorization", "")
    if auth[:7].lower() == "bearer ":
        p = principal_for_token(db, auth[7:].strip())
        if p is None:
            raise AuthenticationFailed("unknown or revoked API token")
        return p
    session_id = request.cookies.get(SESSION_COOKIE)
    return principal_for_session(db, session_id) if session_id else None


MaybeUser = Annotated[Principal | None, Depends(optional_principal)]


def current_principal(p: MaybeUser) -> Principal:
    """The caller, who must be logged in (or hold a token)."""
    if p is None:
        raise AuthenticationFailed("log in first")
    return p


User = Annotated[Principal, Depends(current_principal)]


async def csrf_checked(request: Request, p: User, ctx: Ctx) -> Principal:
    """For every unsafe method: refuse read-only tokens, and require the session's CSRF token."""
    if request.method in SAFE_METHODS:
        return p
    if p.read_only:
        raise PermissionDenied("this API token is read-only")
    sent = request.headers.get(CSRF_HEADER)
    if sent is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        value = (await request.form()).get(CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    if not csrf.check(ctx.secret, "session", p.csrf_secret, sent):
        log.warning("CSRF check failed for %s %s", request.method, request.url.path)
        raise PermissionDenied("CSRF token missing or invalid")
    return p


Writer = Annotated[Principal, Depends(csrf_checked)]
