"""The OpenAPI entries of the answers a route gives besides its success: redirects and errors.

Errors are JSON (``ErrorPublic``; 422 is ``InvalidPublic``) for programs, and on the HTML screens an
error page for browsers (``Accept: text/html``). schemathesis checks in the test suite that every status
code a route answers is listed here for it.
"""

from __future__ import annotations

import logging
from typing import Any

from review_ui.schemas import ErrorPublic, InvalidPublic

log = logging.getLogger(__name__)

DESCRIPTIONS = {
    303: "Redirect: to the next screen after a change, or to the login page when a browser is not logged in",
    400: "Malformed request body (not parseable as the declared media type)",
    401: "Not logged in, or unknown API token",
    403: "CSRF token missing or invalid, read-only token, or the role may not do this",
    404: "No such dossier, page or field in the caller's communes",
    409: "Conflict: changed by someone else meanwhile, or not in a state that allows this",
    413: "Request body over the size limit",
    422: "Invalid request: the issues found, or the reason",
}
SCHEMAS = {
    "ErrorPublic": {"$ref": "#/components/schemas/ErrorPublic"},
    "InvalidPublic": {"$ref": "#/components/schemas/InvalidPublic"},
}

Responses = dict[int | str, dict[str, Any]]


def documented(*codes: int, html: bool = True) -> Responses:
    """OpenAPI ``responses`` for ``codes``: JSON errors, and with ``html`` also the browser's error page.

    JSON API routes (``html=False``) name the models, which makes FastAPI list them as components;
    the HTML screens refer to those components (their own media type is text/html)."""
    out: Responses = {}
    for code in codes:
        entry: dict[str, Any] = {"description": DESCRIPTIONS[code]}
        if code != 303 and not html:
            entry["model"] = InvalidPublic if code == 422 else ErrorPublic
        elif code != 303:
            schema = SCHEMAS["InvalidPublic" if code == 422 else "ErrorPublic"]
            entry["content"] = {"application/json": {"schema": schema}, "text/html": {"schema": {"type": "string"}}}
        out[code] = entry
    return out


# What every screen may answer besides 200: the login redirect, and JSON errors to non-browsers.
SCREEN = (303, 401)
# What every form post may answer besides its success: the CSRF refusal and body errors too.
FORM = (303, 400, 401, 403, 413, 422)
# What every JSON API call may answer besides its success.
API = (401, 403, 422)
API_BODY = (*API, 400, 413)
