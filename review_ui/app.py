"""The review web application: ``create_app(settings) -> FastAPI``.

Server-rendered HTML (Jinja2) for people, a JSON API under ``/api`` for the same operations (OpenAPI
at ``/docs``, served from local files so it works offline and under the CSP), bearer tokens for
machines. One exception handler turns sohoa's errors into responses: JSON for the API, an HTML page
(or a redirect to the login page) for people. Error pages carry only the error's message, which by
the errors module's rule never holds personal data.
"""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException

from review_ui.context import STATIC_DIR, TEMPLATES_DIR, AppContext
from review_ui.middleware import BodyLimit, SecurityHeaders
from review_ui.pages_render import translator
from review_ui.routers import auth, dashboard, dossiers, fields, pages, queue, uploads, users
from review_ui.routers.api import docs as api_docs
from review_ui.routers.api import dossiers as api_dossiers
from review_ui.routers.api import fields as api_fields
from review_ui.routers.api import records as api_records
from review_ui.secret import load_secret_key
from sohoa.errors import AuthenticationFailed, SohoaError
from sohoa.settings import Settings
from storage.db import ensure_migrated, session_factory
from storage.factory import object_store_from_settings

log = logging.getLogger(__name__)

FORM_LIMIT = 1024 * 1024
UPLOAD_PATHS = ("/upload",)


def create_app(
    settings: Settings,
    *,
    cookie_secure: bool = True,
    max_upload_bytes: int | None = None,
    migrate: bool = True,
) -> FastAPI:
    """The review UI for a deployment's settings (database migrated to head unless ``migrate=False``)."""
    url = settings.sqlalchemy_url
    if migrate:
        ensure_migrated(url)
    templates = Jinja2Templates(directory=str(TEMPLATES_DIR))
    limit = max_upload_bytes if max_upload_bytes is not None else min(settings.max_file_bytes, 500 * 1024**2)
    ctx = AppContext(
        settings=settings,
        secret=load_secret_key(settings),
        sessions=session_factory(url),
        store=object_store_from_settings(settings),
        templates=templates,
        cookie_secure=cookie_secure,
        max_upload_bytes=limit,
    )

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        ctx.warm_up()  # the queue index is kept in step in the background; the server answers at once
        yield
        ctx.stop()

    app = FastAPI(
        title="sohoa review",
        version="1",
        docs_url=None,
        redoc_url=None,
        description="Review, approve and read digitized vehicle-registration dossiers.",
        lifespan=lifespan,
    )
    app.state.ctx = ctx
    for router in (
        auth.router,
        queue.router,
        dossiers.router,
        fields.router,
        pages.router,
        dashboard.router,
        uploads.router,
        users.router,
        api_dossiers.router,
        api_fields.router,
        api_records.router,
        api_docs.router,
    ):
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static")
    api_docs.mount_assets(app)
    app.add_exception_handler(SohoaError, _sohoa_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, _invalid_request)  # type: ignore[arg-type]
    app.add_exception_handler(HTTPException, _http_error)  # type: ignore[arg-type]
    app.add_middleware(BodyLimit, limit=FORM_LIMIT, upload_limit=limit, upload_paths=UPLOAD_PATHS)
    app.add_middleware(SecurityHeaders)
    return app


def _wants_html(request: Request) -> bool:
    return not request.url.path.startswith("/api") and "text/html" in request.headers.get("accept", "")


async def _sohoa_error(request: Request, exc: SohoaError) -> Response:
    """The one translation of sohoa's errors into HTTP responses."""
    if exc.http_status >= 500:
        log.error("%s %s failed: %s", request.method, request.url.path, exc.code)
    if not _wants_html(request):
        headers = {"www-authenticate": "Bearer"} if isinstance(exc, AuthenticationFailed) else None
        return JSONResponse({"error": exc.code, "detail": exc.message}, status_code=exc.http_status, headers=headers)
    if isinstance(exc, AuthenticationFailed) and request.method == "GET":
        return RedirectResponse("/login", status_code=303)
    ctx: AppContext = request.app.state.ctx
    t = translator(request)
    return ctx.templates.TemplateResponse(
        request,
        "error.html",
        {
            "t": t,
            "lang": t.lang,
            "user": None,
            "csrf_token": "",
            "status": exc.http_status,
            "message": exc.message,
        },
        status_code=exc.http_status,
    )


async def _invalid_request(request: Request, exc: RequestValidationError) -> Response:
    """422 naming what was wrong where, without echoing the submitted values (they may be personal data);
    an unexpected key is named only when it looks like a field name (a client may put anything there)."""
    errors = [{"loc": _safe_loc(e), "msg": e.get("msg", ""), "type": e.get("type", "")} for e in exc.errors()]
    return JSONResponse({"error": "invalid", "detail": errors}, status_code=422)


KEY_LIKE = re.compile(r"[a-z_][a-z0-9_]{0,63}")


def _safe_loc(error: Any) -> list[str | int]:
    loc = list(error.get("loc", ()))
    if error.get("type") == "extra_forbidden" and loc and not KEY_LIKE.fullmatch(str(loc[-1])):
        loc[-1] = "(unexpected key)"
    return loc


async def _http_error(request: Request, exc: HTTPException) -> Response:
    """Starlette's own refusals (unknown path, wrong method, unparseable body) in the API's error shape."""
    code = HTTP_ERROR_CODES.get(exc.status_code, "http_error")
    return JSONResponse({"error": code, "detail": str(exc.detail)}, status_code=exc.status_code, headers=exc.headers)


HTTP_ERROR_CODES = {400: "bad_request", 404: "not_found", 405: "method_not_allowed", 413: "too_large"}


def static_path() -> Path:
    """Where the CSS and JS files live (for packaging checks)."""
    return STATIC_DIR


__all__ = ["HTMLResponse", "create_app", "static_path"]
