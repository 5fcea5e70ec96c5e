"""``sohoa samples``: write realistic scanned sample dossiers with their ground truth."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

import click
from tqdm import tqdm

if TYPE_CHECKING:
    from sohoa.samples.generator import FormatChoice, QualityChoice

log = logging.getLogger(__name__)


@click.command("samples")
@click.argument("out", type=click.Path(file_okay=False, dir_okay=True, writable=True, path_type=Path))
@click.option(
    "-n",
    "--n",
    "count",
    type=click.IntRange(min=0),
    default=10,
    show_default=True,
    help="Number of dossiers to write.",
)
@click.option(
    "-s",
    "--seed",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Random seed; the same seed writes the same dossiers.",
)
@click.option(
    "-q",
    "--quality",
    type=click.Choice(["clean", "fair", "poor", "mixed"]),
    default="mixed",
    show_default=True,
    help="Scan quality: skew, blur, noise, contrast, JPEG, stamps, DPI.",
)
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(["mixed", "pdf", "tiff", "png", "jpeg"]),
    default="mixed",
    show_default=True,
    help="Output format; mixed is mostly PDF, some TIFF and page folders.",
)
@click.option(
    "--dpi",
    type=click.IntRange(100, 600),
    default=None,
    help="Scan resolution for every dossier [default: drawn per quality, 150-300].",
)
@click.option("--progress/--no-progress", default=True, show_default=True, help="Show a progress bar.")
def samples(
    out: Path, count: int, seed: int, quality: QualityChoice, fmt: FormatChoice, dpi: int | None, progress: bool
) -> None:
    """Write N scanned vehicle-registration dossiers into OUT, each with <stem>.truth.json.

    Each dossier holds the declaration form (Circular 58/2020 Mẫu 01 or Circular
    79/2024 ĐKX10), a photocopy of the registration certificate, the pencil
    rubbing of the engine and chassis numbers and a copy of the owner's ID card,
    scanned with faults of the chosen quality, as a PDF, a multi-page TIFF or a
    folder of page images. The truth file gives every field of the data
    dictionary and each page's true skew and rotation.
    """
    from sohoa.samples.generator import generate  # heavy imports only when the command runs

    with tqdm(total=count, unit="dossier", disable=not progress, desc="samples") as bar:
        truths = generate(
            out,
            count,
            seed,
            quality,
            fmt=fmt,
            dpi=dpi,
            on_dossier=lambda _t: bar.update(1),
        )
    click.echo(f"{len(truths)} sample dossiers written to {out}")
