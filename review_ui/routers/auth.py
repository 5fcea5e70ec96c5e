"""Log in and out. The login form has its own CSRF token tied to a per-browser nonce cookie; a successful
login ends any previous session of the browser and starts a new one (the session id is rotated)."""

from __future__ import annotations

import logging
import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from review_ui import csrf
from review_ui.accounts import authenticate, end_session, start_session
from review_ui.deps import SESSION_COOKIE, Ctx, Db, MaybeUser, Writer
from review_ui.openapi_responses import FORM, documented
from review_ui.pages_render import render
from sohoa.errors import AuthenticationFailed, PermissionDenied

log = logging.getLogger(__name__)

router = APIRouter(tags=["auth"])


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def home(user: MaybeUser) -> Response:
    """Start at the queue (or the login page)."""
    return RedirectResponse("/queue" if user else "/login", status_code=303)


@router.get("/login", response_class=HTMLResponse)
def login_form(*, request: Request, ctx: Ctx) -> Response:
    """The login form, with a CSRF token bound to this browser's nonce cookie (also to switch user)."""
    return _login_page(request, ctx, None, 200)


def _login_page(request: Request, ctx: Ctx, error: str | None, status: int) -> Response:
    nonce = request.cookies.get(csrf.PRE_COOKIE) or secrets.token_urlsafe(24)
    response = render(
        request,
        ctx,
        "login.html",
        None,
        status_code=status,
        error=error,
        login_token=csrf.token_for(ctx.secret, "login", nonce),
    )
    response.set_cookie(
        csrf.PRE_COOKIE, nonce, httponly=True, samesite="strict", secure=ctx.cookie_secure, max_age=3600
    )
    return response


@router.post("/login", response_class=HTMLResponse, responses=documented(*FORM))
def login(
    *,
    request: Request,
    ctx: Ctx,
    db: Db,
    username: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=256)],
    csrf_token: Annotated[str, Form(max_length=128)] = "",
) -> Response:
    """Check the password (lock-out after repeated failures) and start a fresh session."""
    if not csrf.check(ctx.secret, "login", request.cookies.get(csrf.PRE_COOKIE), csrf_token):
        raise PermissionDenied("CSRF token missing or invalid")
    try:
        user = authenticate(db, username, password)
    except AuthenticationFailed as e:
        return _login_page(request, ctx, e.message, 401)
    session_id = start_session(db, user, request.cookies.get(SESSION_COOKIE))
    log.info("user %s logged in", user.name)
    response = RedirectResponse("/queue", status_code=303)
    response.set_cookie(SESSION_COOKIE, session_id, httponly=True, samesite="lax", secure=ctx.cookie_secure, path="/")
    response.delete_cookie(csrf.PRE_COOKIE, httponly=True, samesite="strict", secure=ctx.cookie_secure)
    return response


@router.post("/logout", response_class=HTMLResponse, responses=documented(*FORM))
def logout(*, request: Request, db: Db, ctx: Ctx, user: Writer) -> Response:
    """End the session: its cookie and CSRF token stop working at once."""
    session_id = request.cookies.get(SESSION_COOKIE)
    if session_id:
        end_session(db, session_id)
    log.info("user %s logged out", user.name)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/", secure=ctx.cookie_secure, httponly=True, samesite="lax")
    return response
