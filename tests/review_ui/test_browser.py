"""Browser test in real headless Chromium (Debian's, driven by Playwright) against uvicorn on loopback:
log in, open the queue, fix a flagged chassis number with the keyboard only, see the live validator
message, approve, see the audit entry. A screenshot of the dossier view is kept in tests/artifacts/."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import expect, sync_playwright

from review_ui.app import create_app

from .conftest import Env
from .world import BAD_VIN, GOOD_VIN, PASSWORD

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="Debian's chromium is not installed (/usr/bin/chromium); scripts/setup.sh installs it",
    ),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def server(env: Env) -> Iterator[str]:
    """The real app (plain http on loopback, so cookies without Secure) under uvicorn in a thread."""
    app = create_app(env.settings, cookie_secure=False)
    port = free_port()
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


def test_clerk_clears_a_dossier_with_the_keyboard_only(server: str, env: Env) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        csp_errors: list[str] = []
        page.on("console", lambda m: csp_errors.append(m.text) if "Content Security Policy" in m.text else None)
        try:
            page.goto(f"{server}/login")
            # the user name field has autofocus; a loaded machine may apply it after "load"
            expect(page.locator("input[name=username]")).to_be_focused()
            page.keyboard.type("rev_a")
            page.keyboard.press("Tab")
            page.keyboard.type(PASSWORD)
            page.keyboard.press("Enter")
            page.wait_for_url("**/queue")
            expect(page.locator("#queue tbody tr").first).to_contain_text("d-a1")  # failed check first
            page.keyboard.press("Enter")  # the first row's link has the focus
            page.wait_for_url("**/dossiers/d-a1")
            chassis = page.locator("#f-chassis_number input.value")
            expect(chassis).to_be_focused()  # the first flagged field
            page.keyboard.press("Escape")
            page.keyboard.press("e")  # jump to the edit, value selected
            page.keyboard.type(BAD_VIN)
            live = page.locator("#live-chassis_number")
            expect(live).to_contain_text("check digit", timeout=5000)
            expect(live).to_have_class("live bad")
            page.screenshot(path=str(ARTIFACTS / "dossier_view.png"), full_page=False)
            page.keyboard.press("Control+A")
            page.keyboard.type(GOOD_VIN)
            expect(live).to_contain_text("✓", timeout=5000)
            page.keyboard.press("Enter")  # accept: saved as reviewed, on to the next flagged (none: approve)
            page.wait_for_url("**/dossiers/d-a1?focus=approve")
            expect(page.locator("#approve")).to_be_focused()
            page.keyboard.press("a")  # approve
            page.wait_for_url("**/dossiers/d-a1?approved=1")
            history = page.locator("#history")
            expect(history).to_contain_text("approve")
            expect(history.locator("tr", has_text="edit")).to_contain_text(GOOD_VIN)
            expect(history.locator("tr", has_text="edit")).to_contain_text("rev_a")
            page.screenshot(path=str(ARTIFACTS / "dossier_approved.png"), full_page=True)
        finally:
            browser.close()
    assert csp_errors == []
    assert env.repo.dossier_info("d-a1").status == "approved"
