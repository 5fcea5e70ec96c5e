"""CSRF tokens: derived from a per-session secret (or, before login, a per-browser nonce) with the app key.

A token is ``HMAC-SHA256(app secret, purpose | secret)``: it is useless in another session, dies with
its session at logout, and the raw session secret never leaves the server.
"""

from __future__ import annotations

import hashlib
import hmac
import logging

log = logging.getLogger(__name__)

PRE_COOKIE = "sohoa_pre"


def token_for(app_secret: bytes, purpose: str, secret: str) -> str:
    """The CSRF token for ``secret`` (a session's CSRF secret, or the pre-login nonce)."""
    return hmac.new(app_secret, f"{purpose}|{secret}".encode(), hashlib.sha256).hexdigest()


def check(app_secret: bytes, purpose: str, secret: str | None, sent: str | None) -> bool:
    """Whether ``sent`` is the token of ``secret`` (constant-time comparison)."""
    if not secret or not sent:
        return False
    return hmac.compare_digest(token_for(app_secret, purpose, secret), sent)
