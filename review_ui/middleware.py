"""Pure ASGI middleware: security headers on every response, and a bound on request body sizes."""

from __future__ import annotations

import json
import logging
from typing import Any

log = logging.getLogger(__name__)

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'"
)
HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
]

NO_STORE = (b"cache-control", b"no-store")  # pages and API answers hold personal data
STATIC_CACHE = (b"cache-control", b"public, max-age=86400")  # CSS/JS: cached on slow links
STATIC_PREFIXES = ("/static/", "/docs-assets/")

Scope = dict[str, Any]


class SecurityHeaders:
    """Adds CSP (no inline scripts, no framing), nosniff and friends to every HTTP response."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        cache = STATIC_CACHE if scope["path"].startswith(STATIC_PREFIXES) else NO_STORE

        async def send_with_headers(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", [])}
                extra = [h for h in (*HEADERS, cache) if h[0] not in present]
                message["headers"] = list(message.get("headers", [])) + extra
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodyLimit:
    """Refuses request bodies over a limit with 413: by Content-Length up front, or while streaming.

    ``upload_paths`` get ``upload_limit``; every other path gets ``limit`` (forms and JSON are small).
    """

    def __init__(self, app: Any, limit: int, upload_limit: int, upload_paths: tuple[str, ...]) -> None:
        self.app, self.limit, self.upload_limit, self.upload_paths = app, limit, upload_limit, upload_paths

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.upload_limit if scope["path"] in self.upload_paths else self.limit
        length = dict(scope.get("headers", [])).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > limit):
            await _too_large(send, limit)
            return
        seen = 0

        async def counting_receive() -> dict[str, Any]:
            nonlocal seen
            message: dict[str, Any] = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise BodyTooLargeError(limit)
            return message

        try:
            await self.app(scope, counting_receive, send)
        except BodyTooLargeError:
            await _too_large(send, limit)


class BodyTooLargeError(Exception):
    """The request body went over its limit while streaming."""


async def _too_large(send: Any, limit: int) -> None:
    detail = f"request body too large: the limit is {_size(limit)} ({limit} bytes); nothing was stored"
    body = json.dumps({"error": "too_large", "detail": detail}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})


def _size(n: int) -> str:
    """``n`` bytes for people: 500 MB, 1 MB, 4 kB."""
    for unit, factor in (("GB", 1024**3), ("MB", 1024**2), ("kB", 1024)):
        if n >= factor:
            return f"{n / factor:.3g} {unit}"
    return f"{n} bytes"
