"""``sohoa serve``: run the review web application (uvicorn) on the deployment's settings."""

from __future__ import annotations

import ipaddress
import logging

import click

log = logging.getLogger(__name__)


def is_loopback(host: str) -> bool:
    """Whether ``host`` is a loopback name or address (plain http is only acceptable there)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="Port to listen on.")
@click.option(
    "--cookie-secure/--no-cookie-secure",
    default=None,
    help="Mark cookies Secure (HTTPS only). Default: on, except when listening on loopback over http.",
)
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64), help="uvicorn worker processes.")
def serve(host: str, port: int, cookie_secure: bool | None, workers: int) -> None:
    """Serve the review UI: queue, review beside the scan, approval, API under /api (docs at /docs)."""
    import uvicorn

    from review_ui.app import create_app
    from sohoa.settings import get_settings

    secure = (not is_loopback(host)) if cookie_secure is None else cookie_secure
    settings = get_settings()
    if workers == 1:
        app = create_app(settings, cookie_secure=secure)
        click.echo(f"sohoa review UI on http://{host}:{port}/ (docs at /docs)")
        uvicorn.run(app, host=host, port=port, log_level="info", server_header=False)
        return
    import os

    create_app(settings, cookie_secure=secure)  # migrate and make the secret key once, before forking
    os.environ["SOHOA_REVIEW_COOKIE_SECURE"] = "1" if secure else "0"
    uvicorn.run("review_ui.asgi:app", host=host, port=port, workers=workers, log_level="info", server_header=False)
