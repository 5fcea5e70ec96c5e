"""OpenAPI docs at /docs with Swagger UI served from local files (swagger-ui-bundle), no CDN and no
inline script, so the page works offline and under the app's CSP."""

from __future__ import annotations

import logging

from fastapi import APIRouter, FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

log = logging.getLogger(__name__)

router = APIRouter(include_in_schema=False)

DOCS_HTML = """<!doctype html><html><head><meta charset="utf-8"><title>sohoa API</title>
<link rel="stylesheet" href="/docs-assets/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/docs-assets/swagger-ui-bundle.js"></script>
<script src="/static/docs-init.js"></script></body></html>"""


@router.get("/docs", response_class=HTMLResponse)
def docs() -> HTMLResponse:
    """Swagger UI for /openapi.json."""
    return HTMLResponse(DOCS_HTML)


def mount_assets(app: FastAPI) -> None:
    """Serve Swagger UI's files from the installed swagger-ui-bundle package."""
    try:
        from swagger_ui_bundle import swagger_ui_path
    except ImportError:
        log.warning("swagger-ui-bundle not installed: /docs has no assets (the schema is at /openapi.json)")
        return
    app.mount("/docs-assets", StaticFiles(directory=str(swagger_ui_path)), name="docs-assets")
