"""Accounts page for admins: list users and add one (the shell has ``sohoa users`` for the same)."""

from __future__ import annotations

import json
import logging
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from review_ui import audit
from review_ui.access import require
from review_ui.accounts import create_user, list_users
from review_ui.deps import Ctx, Db, User, Writer
from review_ui.openapi_responses import FORM, SCREEN, documented
from review_ui.pages_render import render
from review_ui.tables import ROLES
from sohoa.errors import Conflict, UsageError

log = logging.getLogger(__name__)

router = APIRouter(tags=["users"], responses=documented(*SCREEN, 403))


def _page(request: Request, ctx: Ctx, db: Db, user: User, status: int = 200, **extra: object) -> Response:
    rows = [(u, json.loads(u.communes_json or "[]")) for u in list_users(db)]
    return render(request, ctx, "users.html", user, status_code=status, rows=rows, roles=ROLES, **extra)


@router.get("/admin/users", response_class=HTMLResponse)
def users_page(*, request: Request, ctx: Ctx, db: Db, user: User) -> Response:
    """Every account with its role and communes (admins only)."""
    require(user, "users")
    return _page(request, ctx, db, user)


@router.post("/admin/users", response_class=HTMLResponse, responses=documented(*FORM, 409))
def add_user(
    *,
    request: Request,
    ctx: Ctx,
    db: Db,
    user: Writer,
    name: Annotated[str, Form(min_length=1, max_length=64)],
    password: Annotated[str, Form(max_length=256)],
    role: Annotated[str, Form(max_length=16)],
    communes: Annotated[str, Form(max_length=4000)] = "",
    province: Annotated[str, Form(max_length=128)] = "",
) -> Response:
    """Add an account; communes are one per line (or separated by semicolons)."""
    require(user, "users")
    names = [c.strip() for c in communes.replace(";", "\n").splitlines() if c.strip()]
    try:
        create_user(db, name, password, role, communes=names, province=province.strip() or None)
    except (Conflict, UsageError) as e:
        return _page(request, ctx, db, user, status=e.http_status, error=e.message)
    audit.record(db, user.name, "user_add", "users", field=role, new=name)
    db.commit()
    return _page(request, ctx, db, user, added=name)
