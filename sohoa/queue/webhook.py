"""A small HTTP endpoint for MinIO's bucket notifications (``s3:ObjectCreated:*``).

MinIO posts one JSON event per created object to the webhook target configured with
``mc admin config set ALIAS notify_webhook:sohoa endpoint=http://HOST:PORT/ auth_token=...``.
Each event's objects are claimed through ``storage.inbox.Inbox.accept`` (so an object
seen by both the listing and the webhook is taken once) and enqueued. Only the
listing is needed for correctness; the webhook makes pick-up immediate.
"""

from __future__ import annotations

import hmac
import json
import logging
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

from sohoa.errors import SohoaError, UsageError

log = logging.getLogger(__name__)

MAX_BODY = 1024 * 1024


class WebhookServer(HTTPServer):
    """Accepts MinIO events on ``POST /``; ``on_event(body) -> objects queued``."""

    def __init__(self, address: tuple[str, int], on_event: Callable[[bytes], int], token: str | None) -> None:
        super().__init__(address, _Handler)
        self.on_event = on_event
        self.token = token

    def start(self) -> threading.Thread:
        """Serve in a daemon thread; return it."""
        thread = threading.Thread(target=self.serve_forever, name="sohoa-webhook", daemon=True)
        thread.start()
        log.info("MinIO webhook listening on %s:%d", *self.server_address[:2])
        return thread


class _Handler(BaseHTTPRequestHandler):
    server: WebhookServer

    def do_POST(self) -> None:
        if self.server.token and not hmac.compare_digest(
            self.headers.get("Authorization", ""), f"Bearer {self.server.token}"
        ):
            self._reply(401, {"error": "bad or missing bearer token"})
            return
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            self._reply(413, {"error": "event too large"})
            return
        try:
            queued = self.server.on_event(self.rfile.read(length))
        except UsageError as e:
            self._reply(400, {"error": e.message})
        except SohoaError as e:
            self._reply(e.http_status, {"error": e.message})
        else:
            self._reply(200, {"queued": queued})

    def do_GET(self) -> None:  # MinIO checks the target is up
        self._reply(200, {"status": "ok"})

    def _reply(self, status: int, payload: dict[str, Any]) -> None:
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("webhook: " + format, *args)
