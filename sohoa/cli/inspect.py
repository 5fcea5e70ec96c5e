"""``sohoa inspect FILE``: what the preparation stages find on each page of one scan."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import click

from sohoa.context import StageContext
from sohoa.errors import InputRejected
from sohoa.model import PageWork
from sohoa.settings import Settings

log = logging.getLogger(__name__)


def inspect_pages(path: Path, ctx: StageContext) -> list[dict[str, Any]]:
    """Per page: rotation found, skew measured, resolution, quality scores, rescan advice."""
    from ingest.sources import discover
    from ingest.stage import load_dossier
    from ocr.deskew import deskew
    from ocr.orientation import upright

    sources, rejected = discover([path])
    if rejected:
        raise rejected[0]
    if not sources:
        raise InputRejected("no dossier found", path=str(path))
    return [_describe(deskew(upright(work, ctx), ctx)) for work in load_dossier(sources[0], ctx)]


def _describe(work: PageWork) -> dict[str, Any]:
    page = work.page
    quality = page.quality
    return {
        "page": page.index,
        "rotation": page.rotation,
        "skew_degrees": round(page.skew, 2),
        "dpi": page.dpi,
        "width": page.width,
        "height": page.height,
        "quality": None if quality is None else {
            "sharpness": round(quality.sharpness, 1),
            "contrast": round(quality.contrast, 1),
        },
        "rescan_advised": bool(quality and quality.rescan_advised),
        "reasons": list(quality.reasons) if quality else [],
    }


@click.command("inspect")
@click.argument("file", type=click.Path(exists=True, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def inspect_cmd(file: Path, as_json: bool) -> None:
    """Show, per page of FILE, the rotation (0/90/180/270), the skew in degrees
    (positive: the scan is turned counter-clockwise), the resolution, the quality
    scores and whether a rescan is advised."""
    pages = inspect_pages(file, StageContext.from_settings(Settings()))
    if as_json:
        click.echo(json.dumps({"file": str(file), "pages": pages}, ensure_ascii=False, indent=2))
        return
    click.echo(f"{'page':>4} {'rot':>4} {'skew':>7} {'dpi':>4}  rescan")
    for p in pages:
        advice = ", ".join(p["reasons"]) if p["rescan_advised"] else "-"
        click.echo(f"{p['page']:>4} {p['rotation']:>4} {p['skew_degrees']:>7.2f} {p['dpi']:>4}  {advice}")
