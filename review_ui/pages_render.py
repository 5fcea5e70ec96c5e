"""Rendering server-side HTML pages: language, labels, CSRF token and the user in every template."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

from review_ui import csrf
from review_ui.accounts import Principal
from review_ui.context import AppContext
from review_ui.i18n import Translator, pick_language

log = logging.getLogger(__name__)

LANG_COOKIE = "lang"


def translator(request: Request) -> Translator:
    """The request's language (``?lang=`` wins over the cookie)."""
    return Translator(pick_language(request.query_params.get("lang"), request.cookies.get(LANG_COOKIE)))


def render(
    request: Request,
    ctx: AppContext,
    template: str,
    user: Principal | None,
    *,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    """Render ``template`` with the common context; remember a ``?lang=`` choice in a cookie."""
    t = translator(request)
    token = csrf.token_for(ctx.secret, "session", user.csrf_secret) if user and user.csrf_secret else ""
    response = ctx.templates.TemplateResponse(
        request,
        template,
        {"t": t, "lang": t.lang, "user": user, "csrf_token": token, **context},
        status_code=status_code,
    )
    if request.query_params.get("lang") == t.lang:
        response.set_cookie(
            LANG_COOKIE, t.lang, max_age=365 * 86400, samesite="lax", secure=ctx.cookie_secure, httponly=True
        )
    response.headers["cache-control"] = "no-store"
    return response
