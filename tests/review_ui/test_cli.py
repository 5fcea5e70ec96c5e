"""The shell side: ``sohoa users add/list/token`` and ``sohoa serve`` as a real process on loopback."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import httpx
from click.testing import CliRunner

from review_ui.accounts import authenticate, principal_for_token
from sohoa.cli import cli
from sohoa.settings import get_settings
from storage.db import dispose_engine, session_factory

from .test_browser import free_port


def test_users_add_list_and_token(_isolated_data_dir: Path) -> None:
    runner = CliRunner()
    r = runner.invoke(
        cli,
        ["users", "add", "lan", "--role", "clerk", "--commune", "Phường Hoàn Kiếm", "--password-stdin"],
        input="a long enough password\n",
    )
    assert r.exit_code == 0, r.output
    again = runner.invoke(
        cli,
        ["users", "add", "lan", "--role", "clerk", "--commune", "X", "--password-stdin"],
        input="a long enough password\n",
    )
    assert again.exit_code != 0
    assert (
        runner.invoke(
            cli, ["users", "add", "bad", "--role", "clerk", "--password-stdin"], input="a long enough password\n"
        ).exit_code
        == 2
    )  # a clerk needs a commune
    listed = runner.invoke(cli, ["users", "list"])
    assert "lan\tclerk\tPhường Hoàn Kiếm" in listed.output
    token = runner.invoke(cli, ["users", "token", "registry"]).output.strip()
    url = get_settings().sqlalchemy_url
    with session_factory(url)() as db:
        assert authenticate(db, "lan", "a long enough password").role == "clerk"
        p = principal_for_token(db, token)
        assert p is not None and p.read_only
    dispose_engine(url)


def test_sohoa_serve_answers_on_loopback_with_a_private_generated_key(_isolated_data_dir: Path) -> None:
    port = free_port()
    env = {**os.environ, "SOHOA_DATA_DIR": str(_isolated_data_dir)}
    sohoa = Path(sys.executable).with_name("sohoa")
    proc = subprocess.Popen(
        [str(sohoa), "serve", "--port", str(port)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                r = httpx.get(f"http://127.0.0.1:{port}/login", timeout=2)
                break
            except httpx.HTTPError:
                assert time.monotonic() < deadline and proc.poll() is None, "sohoa serve did not start"
                time.sleep(0.2)
        assert r.status_code == 200 and "csrf_token" in r.text
        cookie = r.headers["set-cookie"]
        assert "HttpOnly" in cookie and "Secure" not in cookie  # plain http on loopback
        assert httpx.get(f"http://127.0.0.1:{port}/openapi.json", timeout=5).json()["info"]["title"]
        key = _isolated_data_dir / "secret_key"
        assert stat.S_IMODE(key.stat().st_mode) == 0o600
    finally:
        proc.terminate()
        proc.wait(timeout=20)
