"""``sohoa approve``, ``sohoa publish`` and ``sohoa verify``: from checked records to packages.

Approval follows review; publishing turns each approved dossier into a BagIt
package in the export bucket (see docs/registry-contract.md); verify re-reads
published packages and checks every checksum.
"""

from __future__ import annotations

import logging

import click
from tqdm import tqdm

from sohoa.errors import SohoaError, UsageError
from sohoa.settings import Settings

log = logging.getLogger(__name__)


@click.command("approve")
@click.argument("dossier_ids", nargs=-1)
@click.option("--unflagged", is_flag=True,
              help="Approve every processed or reviewed dossier with nothing flagged.")
@click.pass_context
def approve(ctx: click.Context, dossier_ids: tuple[str, ...], unflagged: bool) -> None:
    """Approve dossiers for publishing: the DOSSIER_IDS given, or all with nothing flagged (--unflagged).

    A dossier is approved only when no field still needs review. Exit status 1 when
    some of the given dossiers could not be approved.
    """
    from storage.factory import repository_from_settings

    if not dossier_ids and not unflagged:
        raise UsageError("give DOSSIER_IDS or --unflagged")
    repo = repository_from_settings(Settings())
    failed = 0
    approved = repo.approve_unflagged() if unflagged else []
    for dossier_id in dossier_ids:
        try:
            repo.approve(dossier_id)
            approved.append(dossier_id)
        except SohoaError as e:
            click.echo(f"not approved: {e}", err=True)
            failed += 1
    click.echo(f"{len(approved)} approved, {failed} not approved")
    ctx.exit(1 if failed else 0)


@click.command("publish")
@click.option("--dossier", "only", multiple=True, help="Publish only this approved dossier (repeatable).")
@click.pass_context
def publish(ctx: click.Context, only: tuple[str, ...]) -> None:
    """Publish every approved dossier not yet published as a BagIt package in the export bucket.

    A dossier corrected after publication gets a new package version beside the old one.
    Exit status 1 when some packages could not be published (the others are).
    """
    from sohoa.export import export_records
    from storage import factory
    from storage.publish import publish_dossier

    settings = Settings()
    repo = factory.repository_from_settings(settings)
    scans = factory.object_store_from_settings(settings)
    exports = factory.export_store_from_settings(settings)
    bucket = settings.s3_export_bucket if settings.s3_endpoint else "local"
    with repo.session() as session:
        records = [r for r in export_records(session, statuses=["approved"])
                   if not only or r["dossier_id"] in only]
    failed = 0
    for record in tqdm(records, desc="publishing", unit="dossier", disable=None):
        try:
            package = publish_dossier(repo, scans, exports, record["dossier_id"], record, bucket=bucket)
            click.echo(f"published {package.prefix}")
        except SohoaError as e:
            click.echo(f"not published: {record['dossier_id']}: {e}", err=True)
            failed += 1
    click.echo(f"{len(records) - failed} published, {failed} failed")
    ctx.exit(1 if failed else 0)


@click.command("verify")
@click.argument("prefix")
@click.pass_context
def verify(ctx: click.Context, prefix: str) -> None:
    """Re-read every package under PREFIX (e.g. exports/ha-noi/) and check every checksum.

    Exit status 1 when any package is incomplete or a checksum does not match.
    """
    from storage.bag import verify_all
    from storage.factory import export_store_from_settings

    bad = 0
    n = 0
    for package, problems in verify_all(export_store_from_settings(Settings()), prefix):
        n += 1
        if problems:
            bad += 1
            click.echo(f"FAILED {package}")
            for p in problems:
                click.echo(f"  {p}")
        else:
            click.echo(f"ok {package}")
    click.echo(f"{n - bad} of {n} package(s) sound")
    ctx.exit(1 if bad else 0)
