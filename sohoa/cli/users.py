"""``sohoa users``: manage the review UI's accounts and API tokens from the shell."""

from __future__ import annotations

import json
import logging
import sys

import click
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

ROLE_CHOICE = click.Choice(["clerk", "reviewer", "supervisor", "admin"])


def _db() -> Session:
    from sohoa.settings import get_settings
    from storage.db import ensure_migrated, session_factory

    url = get_settings().sqlalchemy_url
    ensure_migrated(url)
    return session_factory(url)()


@click.group("users")
def users() -> None:
    """Accounts of the review UI (sohoa serve) and read-only API tokens."""


@users.command("add")
@click.argument("name")
@click.option(
    "--role",
    type=ROLE_CHOICE,
    required=True,
    help="clerk: review own communes; reviewer: also approve; supervisor: a province and reports; admin: everything.",
)
@click.option("--commune", "communes", multiple=True, help="A commune the user may see (repeat for more).")
@click.option("--province", default=None, help="The province a supervisor oversees.")
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of standard input.")
def add(name: str, role: str, communes: tuple[str, ...], province: str | None, password_stdin: bool) -> None:
    """Add the account NAME (the password is prompted for, or read with --password-stdin)."""
    from review_ui.accounts import create_user

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    if role in ("clerk", "reviewer") and not communes:
        raise click.UsageError(f"a {role} needs at least one --commune")
    if role == "supervisor" and not province and not communes:
        raise click.UsageError("a supervisor needs --province (or --commune)")
    with _db() as db:
        create_user(db, name, password, role, communes=communes, province=province)
    click.echo(f"user {name} added ({role})")


@users.command("list")
def list_cmd() -> None:
    """List accounts: name, role, communes, province, locked or not."""
    from review_ui.accounts import list_users

    with _db() as db:
        for u in list_users(db):
            communes = ", ".join(json.loads(u.communes_json or "[]"))
            click.echo(f"{u.name}\t{u.role}\t{communes}\t{u.province or ''}\t{'locked' if u.locked_until else ''}")


@users.command("token")
@click.argument("label")
def token(label: str) -> None:
    """Mint a read-only API token called LABEL (for the registry system); it is printed once."""
    from review_ui.accounts import mint_token

    with _db() as db:
        click.echo(mint_token(db, label, created_by="cli"))
