"""Saving a reviewed field (form), the field's crop of the scan, and the group check of identifiers."""

from __future__ import annotations

import datetime as dt
import json
import logging
from typing import Annotated

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from review_ui import audit
from review_ui.crops import crop_png
from review_ui.deps import Ctx, Db, User, Writer
from review_ui.openapi_responses import FORM, SCREEN, documented
from review_ui.pages_render import render
from review_ui.params import DossierId, FieldName
from review_ui.review import (
    CHAR_CLASSES,
    FIELD_ORDER,
    FieldConflict,
    InvalidValue,
    flagged_names,
    get_dossier,
    group_items,
    load_view,
    safe_chars,
    save_field,
    split_uncertain,
)
from review_ui.routers.dossiers import view_context
from sohoa.errors import Conflict, NotFound
from sohoa.model import BBox
from storage.tables import FieldRow, PageRow, utcnow

log = logging.getLogger(__name__)

router = APIRouter(tags=["fields"], responses=documented(*SCREEN))
GROUP_FIELDS = ("chassis_number", "engine_number", "plate_number", "owner_id_number")


@router.post(
    "/dossiers/{dossier_id}/fields/{name}", response_class=HTMLResponse, responses=documented(*FORM, 404, 409)
)
def save_field_form(
    *,
    request: Request,
    ctx: Ctx,
    db: Db,
    user: Writer,
    dossier_id: DossierId,
    name: FieldName,
    version: Annotated[int, Form(ge=1, le=2**31 - 1)],
    value: Annotated[str, Form(max_length=500)] = "",
    confirm: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    """Save the value as reviewed and move to the next flagged field (Enter on the keyboard)."""
    try:
        save_field(
            db,
            user,
            dossier_id,
            name,
            value=value,
            expected_version=version,
            screen="dossier",
            confirm=bool(confirm) and confirm == value,
        )
    except InvalidValue as e:
        return _again(
            request,
            ctx,
            db,
            user,
            dossier_id=dossier_id,
            name=name,
            status=422,
            error=e.message,
            confirm_value=value,
        )
    except FieldConflict as e:
        return _again(request, ctx, db, user, dossier_id=dossier_id, name=name, status=409, conflict=e.current)
    except Conflict as e:
        return _again(request, ctx, db, user, dossier_id=dossier_id, name=name, status=409, error=e.message)
    still = flagged_names(db, dossier_id)
    focus = next((n for n in still if FIELD_ORDER.get(n, 99) > FIELD_ORDER.get(name, 99)), None)
    focus = focus or (still[0] if still else "approve")
    return RedirectResponse(f"/dossiers/{dossier_id}?focus={focus}", status_code=303)


def _again(
    request: Request,
    ctx: Ctx,
    db: Db,
    user: Writer,
    *,
    dossier_id: DossierId,
    name: FieldName,
    status: int,
    **extra: object,
) -> Response:
    view = load_view(db, user, dossier_id, "dossier")
    context = view_context(view, name)
    context["focus"] = name
    page = next((f.page for f in view.fields if f.name == name and f.page), None)
    return render(
        request,
        ctx,
        "dossier.html",
        user,
        status_code=status,
        shown_page=page or 1,
        history=audit.history(db, dossier_id, 50, changes_only=True),
        error_field=name,
        approved=False,
        **context,
        **extra,
    )


@router.get(
    "/dossiers/{dossier_id}/fields/{name}/crop.png",
    response_class=Response,
    responses={200: {"content": {"image/png": {}}}, **documented(404, 422)},
)
def field_crop(*, ctx: Ctx, db: Db, user: User, dossier_id: DossierId, name: FieldName) -> Response:
    """The scan around the field's box (access-checked like the dossier; each fetch is audited)."""
    get_dossier(db, user, dossier_id)
    f = db.get(FieldRow, (dossier_id, name))
    if f is None or f.page is None or not f.bbox_json:
        raise NotFound(f"no crop for field {name} of dossier {dossier_id}")
    return _crop(ctx, db, user, dossier_id, name, f.page, BBox.of(json.loads(f.bbox_json)))


@router.get(
    "/dossiers/{dossier_id}/fields/{name}/readings/{i}/crop.png",
    response_class=Response,
    responses={200: {"content": {"image/png": {}}}, **documented(404, 422)},
)
def reading_crop(
    *, ctx: Ctx, db: Db, user: User, dossier_id: DossierId, name: FieldName, i: Annotated[int, Path(ge=0, le=99)]
) -> Response:
    """The scan around one page's reading of the field (to compare pages that disagree; audited)."""
    get_dossier(db, user, dossier_id)
    f = db.get(FieldRow, (dossier_id, name))
    readings = json.loads(f.readings_json or "[]") if f is not None else []
    if i >= len(readings) or not readings[i].get("bbox"):
        raise NotFound(f"no reading {i} of field {name} in dossier {dossier_id}")
    return _crop(ctx, db, user, dossier_id, name, int(readings[i]["page"]), BBox.model_validate(readings[i]["bbox"]))


def _crop(ctx: Ctx, db: Db, user: User, dossier_id: str, name: str, page_no: int, box: BBox) -> Response:
    """The crop as PNG; the fetch is audited (a crop shows personal data), one row per fetch."""
    page = db.get(PageRow, (dossier_id, page_no))
    if page is None or not page.image_key:
        raise NotFound(f"no image for page {page_no} of dossier {dossier_id}")
    png = crop_png(ctx.store, page.image_key, box)
    audit.record(db, user.name, "view", "crop", dossier_id=dossier_id, field=name)
    db.commit()
    return Response(png, media_type="image/png", headers={"cache-control": "private, max-age=60"})


@router.get("/group", response_class=HTMLResponse, responses=documented(422))
def group_page(
    *,
    request: Request,
    ctx: Ctx,
    db: Db,
    user: User,
    field: Annotated[str, Query(pattern=r"^[a-z_]{1,64}$")] = "chassis_number",
    chars: Annotated[str, Query(max_length=8)] = "0ODQ",
    day: Annotated[str, Query(pattern=r"^(today|all)$")] = "today",
) -> Response:
    """Every flagged identifier holding a character of one confusion class, as crops, fixed in one pass."""
    field = field if field in GROUP_FIELDS else "chassis_number"
    chars = safe_chars(chars)
    since = dt.datetime.combine(utcnow().date(), dt.time(), dt.UTC) if day == "today" else None
    items = group_items(db, user, field, chars, since=since)
    audit.record_many(db, user.name, "view", "group", [i.dossier_id for i in items])
    db.commit()
    runs = {i.dossier_id: split_uncertain(i.value, i.uncertain) for i in items}
    return render(
        request,
        ctx,
        "group.html",
        user,
        items=items,
        runs=runs,
        field=field,
        chars=chars,
        day=day,
        classes=CHAR_CLASSES,
        group_fields=GROUP_FIELDS,
        results=None,
    )


@router.post("/group", response_class=HTMLResponse, responses=documented(*FORM, 404))
async def group_save(*, request: Request, ctx: Ctx, db: Db, user: Writer) -> Response:
    """Save every row of the group form; each row is its own optimistic write, conflicts are reported."""
    form = await request.form()
    field = str(form.get("field", ""))
    if field not in GROUP_FIELDS:
        raise NotFound(f"no group check for field {field[:64]}")
    results: list[tuple[str, str]] = []
    for key, raw in form.multi_items():
        if not key.startswith("v:") or not isinstance(raw, str):
            continue
        dossier_id = key[2:]
        try:
            version = int(str(form.get(f"ver:{dossier_id}", "0")))
            if not 1 <= version < 2**31:
                raise ValueError("version out of range")
            save_field(
                db,
                user,
                dossier_id,
                field,
                value=raw[:500],
                expected_version=version,
                screen="group",
                confirm=form.get(f"ok:{dossier_id}") == "1",
            )
            results.append((dossier_id, "saved"))
        except (Conflict, InvalidValue, NotFound, ValueError) as e:
            results.append((dossier_id, getattr(e, "message", "invalid version")))
    return render(
        request,
        ctx,
        "group.html",
        user,
        items=[],
        runs={},
        field=field,
        chars=str(form.get("chars", "")),
        day="today",
        classes=CHAR_CLASSES,
        group_fields=GROUP_FIELDS,
        results=results,
    )
