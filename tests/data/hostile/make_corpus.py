"""Write the hostile-file corpus: inputs that must be refused, each with the reason it must give.

Tiny files are checked in beside this script (see README.md); the big ones (a 10,000-page
PDF, a real PNG decompression bomb) and those built from a valid scan are written at test
time into a temporary folder::

    python tests/data/hostile/make_corpus.py OUT_DIR          # everything into OUT_DIR
    python tests/data/hostile/make_corpus.py --checked-in     # rewrite the tiny checked-in files

Nothing here allocates the pixels a file claims: headers are packed by hand, and the bomb's
pixel data is compressed from a stream of zero rows.
"""

from __future__ import annotations

import argparse
import io
import struct
import sys
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw

HERE = Path(__file__).resolve().parent
GIANT = 60_000  # pixels per side of the "page" the giant headers claim


@dataclass(frozen=True)
class Hostile:
    """One hostile input: its file name, what writes it, and a phrase its rejection must contain."""

    name: str
    expect: str
    make: Callable[[Path], bytes]
    checked_in: bool = False


def text_image(dpi: int = 100, label: str = "trang 1") -> Image.Image:
    """A small A4 greyscale page with a few lines of Vietnamese text (default PIL font is enough)."""
    width, height = round(8.27 * dpi), round(11.69 * dpi)
    img = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(img)
    for i, line in enumerate((label, "GIAY KHAI DANG KY XE", "So khung: RLHJC5212KY000123")):
        draw.text((dpi, dpi + i * dpi // 3), line, fill=0)
    return img


def good_pdf_bytes(pages: int = 1, dpi: int = 100) -> bytes:
    """A valid scanned PDF (one JPEG image per page)."""
    images = [text_image(dpi, f"trang {i + 1}") for i in range(pages)]
    out = io.BytesIO()
    images[0].save(out, format="PDF", save_all=True, append_images=images[1:], resolution=float(dpi))
    return out.getvalue()


def good_png_bytes(dpi: int = 100, label: str = "anh trang") -> bytes:
    """A valid PNG page scan; a different ``label`` makes a different dossier."""
    out = io.BytesIO()
    text_image(dpi, label).save(out, format="PNG", dpi=(dpi, dpi))
    return out.getvalue()


def raw_pdf(objects: list[bytes], root: int = 1) -> bytes:
    """A PDF from numbered object bodies (1-based), with a correct xref table and trailer."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, root, xref)
    return bytes(out)


def thousands_pdf(pages: int = 10_000) -> bytes:
    """A real PDF of ``pages`` empty A4 pages (about 0.6 MB), written without a PDF library."""
    kids = b" ".join(b"%d 0 R" % (3 + i) for i in range(pages))
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Count %d /Kids [%s] >>" % (pages, kids)]
    objects += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"] * pages
    return raw_pdf(objects)


def pagetree_loop_pdf() -> bytes:
    """A page tree whose /Kids contains the tree itself (an endless walk for a naive reader)."""
    return raw_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Count 2 /Kids [3 0 R 2 0 R] >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
    ])


def lying_count_pdf() -> bytes:
    """A one-page tree that declares /Count 2147483647."""
    return raw_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Count 2147483647 /Kids [3 0 R] >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
    ])


def malformed_pdf() -> bytes:
    """Starts and ends like a PDF; nothing in between is one."""
    return b"%PDF-1.7\n" + b"1 0 obj << /Type /Catalog /Pages 9 0 R >> garbage ]]>> \n" * 20 + b"%%EOF\n"


def truncated_pdf() -> bytes:
    whole = good_pdf_bytes(pages=2)
    return whole[: len(whole) // 2]


def encrypted_pdf() -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(good_pdf_bytes())))
    writer.encrypt(user_password="mat-khau-2024", owner_password="chu-so-huu", algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png(width: int, height: int, idat: bytes) -> bytes:
    """A greyscale 8-bit PNG with the given header size and (compressed) pixel data."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header) + _png_chunk(b"IDAT", idat) + _png_chunk(b"IEND", b"")


def giant_png_header() -> bytes:
    """A 60,000 x 60,000 PNG header (3.6 gigapixels) and one row of data: 100 bytes on disk."""
    return png(GIANT, GIANT, zlib.compress(b"\x00" * (GIANT + 1)))


def png_bomb(width: int = 20_000, height: int = 20_000) -> bytes:
    """A real decompression bomb: 400 megapixels of zero rows deflated to about 0.4 MB."""
    deflate = zlib.compressobj(9)
    row = b"\x00" * (width + 1)
    parts = [deflate.compress(row) for _ in range(height)]
    return png(width, height, b"".join(parts) + deflate.flush())


def giant_tiff_header() -> bytes:
    """A little-endian TIFF whose one IFD claims 60,000 x 60,000 8-bit pixels in one strip."""
    entries = [  # (tag, type, count, value)
        (256, 4, 1, GIANT), (257, 4, 1, GIANT), (258, 3, 1, 8), (259, 3, 1, 1), (262, 3, 1, 1),
        (273, 4, 1, 8 + 2 + 12 * 9 + 4), (277, 3, 1, 1), (278, 4, 1, GIANT), (279, 4, 1, GIANT * GIANT),
    ]
    ifd = struct.pack("<H", len(entries))
    for tag, kind, count, value in entries:
        packed = struct.pack("<HI", value, 0)[:4] if kind == 3 else struct.pack("<I", value)
        ifd += struct.pack("<HHI", tag, kind, count) + packed
    return b"II*\x00" + struct.pack("<I", 8) + ifd + struct.pack("<I", 0) + b"\x00" * 64


def broken_ifd_tiff() -> bytes:
    """A three-page TIFF whose second page's next-IFD pointer points past the end of the file."""
    frames = [text_image(40, f"p{i}") for i in range(3)]
    out = io.BytesIO()
    frames[0].save(out, format="TIFF", save_all=True, append_images=frames[1:], compression="raw")
    data = bytearray(out.getvalue())
    offset, pointers = struct.unpack_from("<I", data, 4)[0], []
    while offset:
        pointer = offset + 2 + 12 * struct.unpack_from("<H", data, offset)[0]
        pointers.append(pointer)
        offset = struct.unpack_from("<I", data, pointer)[0]
    struct.pack_into("<I", data, pointers[1], len(data) + 4096)
    return bytes(data)


def html_jpeg() -> bytes:
    return b"<!DOCTYPE html>\n<html><head><title>404 Not Found</title></head><body>nginx</body></html>\n"


def zip_of_scans() -> bytes:
    """A zip holding a scan and an entry that would climb out of any folder it was unpacked in."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for name, data in (("ho-so/trang-1.png", good_png_bytes(40)), ("../../etc/cron.d/evil", b"true\n")):
            zf.writestr(zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0)), data)
    return out.getvalue()


def _const(data: bytes) -> Callable[[Path], bytes]:
    return lambda _folder: data


CORPUS: tuple[Hostile, ...] = (
    Hostile("truncated.pdf", "truncated PDF", lambda _f: truncated_pdf()),
    Hostile("encrypted.pdf", "encrypted PDF", lambda _f: encrypted_pdf()),
    Hostile("malformed.pdf", "PDF", lambda _f: malformed_pdf(), checked_in=True),
    Hostile("pagetree-loop.pdf", "PDF", lambda _f: pagetree_loop_pdf(), checked_in=True),
    Hostile("lying-count.pdf", "PDF has 2147483647 pages", lambda _f: lying_count_pdf(), checked_in=True),
    Hostile("thousands.pdf", "PDF has 10000 pages (limit 500)", lambda _f: thousands_pdf()),
    Hostile("giant-header.png", "3,600,000,000 pixels", lambda _f: giant_png_header(), checked_in=True),
    Hostile("giant-header.tif", "3,600,000,000 pixels", lambda _f: giant_tiff_header(), checked_in=True),
    Hostile("bomb.png", "decompression bomb", lambda _f: png_bomb()),
    Hostile("broken-ifd.tif", "TIFF", lambda _f: broken_ifd_tiff()),
    Hostile("scan-0001.jpg", "not a JPEG (content is HTML)", lambda _f: html_jpeg(), checked_in=True),
    Hostile("scans.zip", "unsupported file type ('.zip')", lambda _f: zip_of_scans(), checked_in=True),
)


def write(out: Path, *, only_checked_in: bool = False) -> list[Path]:
    """Write the corpus (or just its checked-in part) into ``out``; return the paths written."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for item in CORPUS:
        if only_checked_in and not item.checked_in:
            continue
        path = out / item.name
        path.write_bytes(item.make(out))
        written.append(path)
    return written


def write_good(out: Path) -> list[Path]:
    """Two valid tiny dossiers (a one-page PDF and a PNG) to ride in the same batch."""
    out.mkdir(parents=True, exist_ok=True)
    pdf, image = out / "ho-so-tot.pdf", out / "ho-so-anh.png"
    pdf.write_bytes(good_pdf_bytes())
    image.write_bytes(good_png_bytes())
    return [pdf, image]


def expected(name: str) -> str:
    """The phrase the rejection of the corpus file ``name`` must contain."""
    return next(item.expect for item in CORPUS if item.name == name)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", type=Path, help="folder to write the whole corpus into")
    parser.add_argument("--checked-in", action="store_true", help="rewrite the tiny checked-in files here")
    args = parser.parse_args(argv)
    if args.checked_in:
        paths = write(HERE, only_checked_in=True)
    elif args.out is not None:
        paths = write(args.out) + write_good(args.out)
    else:
        parser.error("give OUT or --checked-in")
    for path in paths:
        print(f"{path.stat().st_size:>9} {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
