"""``sohoa ocr FILE``: what the OCR stage reads from the prepared pages of one scan."""

from __future__ import annotations

import logging
from pathlib import Path

import click

from sohoa.context import StageContext
from sohoa.errors import InputRejected
from sohoa.model import Page
from sohoa.settings import Settings

log = logging.getLogger(__name__)


def read_file(path: Path, ctx: StageContext) -> list[tuple[Page, str]]:
    """Prepare and read every page of one dossier; return each page with its hOCR."""
    from ingest.sources import discover
    from ingest.stage import load_dossier
    from sohoa.pipeline import run_page_stages

    sources, rejected = discover([path])
    if rejected:
        raise rejected[0]
    if not sources:
        raise InputRejected("no dossier found", path=str(path))
    out = []
    for work in load_dossier(sources[0], ctx):
        done = run_page_stages(work, ctx)
        out.append((done.page, str(done.extras.get("hocr", ""))))
    return out


def as_tsv(page: Page) -> str:
    """One line per word: page, block, line, word, box and confidence, then the text."""
    rows = []
    for b, block in enumerate(page.blocks, 1):
        for li, line in enumerate(block.lines, 1):
            for w, word in enumerate(line.words, 1):
                box = word.bbox
                rows.append(f"{page.index}\t{b}\t{li}\t{w}\t{box.x0}\t{box.y0}\t{box.x1}\t{box.y1}"
                            f"\t{word.confidence:.3f}\t{word.text}")
    return "\n".join(rows)


@click.command("ocr")
@click.argument("file", type=click.Path(exists=True, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "tsv", "hocr"]), default="text", show_default=True,
              help="text: plain text per page; tsv: words with boxes and confidences; hocr: Tesseract's hOCR.")
def ocr_cmd(file: Path, fmt: str) -> None:
    """Print what the OCR stage reads from the prepared (upright, deskewed, cleaned) pages of FILE."""
    ctx = StageContext.from_settings(Settings())
    if fmt == "tsv":
        click.echo("page\tblock\tline\tword\tx0\ty0\tx1\ty1\tconf\ttext")
    for page, hocr in read_file(file, ctx):
        if fmt == "text":
            click.echo(f"--- page {page.index} (rotation {page.rotation}, skew {page.skew:.2f}) ---")
            click.echo(page.text)
        elif fmt == "tsv":
            click.echo(as_tsv(page))
        else:
            click.echo(hocr)
