"""An importable ASGI app for multi-worker servers: ``uvicorn review_ui.asgi:app``.

Settings come from the environment (``SOHOA_*``); ``SOHOA_REVIEW_COOKIE_SECURE=0`` turns the Secure
cookie flag off for plain http on loopback.
"""

from __future__ import annotations

import logging
import os

from review_ui.app import create_app
from sohoa.settings import get_settings

log = logging.getLogger(__name__)

app = create_app(get_settings(), cookie_secure=os.environ.get("SOHOA_REVIEW_COOKIE_SECURE", "1") != "0")
