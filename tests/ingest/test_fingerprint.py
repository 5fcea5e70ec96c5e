"""Fingerprints: the same content is the same dossier, whatever its name; any change is a new one."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from ingest.fingerprint import CHUNK_BYTES, dossier_id_for, sha256_file, sha256_pixels, sha256_source
from ingest.sources import Source, discover
from sohoa.errors import InputRejected
from tests.ingest.badfiles import good_pdf
from tests.ingest.pagegen import text_page


def test_sha256_file_streams_and_matches_hashlib(tmp_path: Path) -> None:
    path = tmp_path / "big.pdf"
    data = os.urandom(CHUNK_BYTES * 2 + 12345)
    path.write_bytes(data)
    assert sha256_file(path) == hashlib.sha256(data).hexdigest()


def test_rewritten_file_gets_a_new_hash(tmp_path: Path) -> None:
    path = tmp_path / "a.pdf"
    path.write_bytes(b"%PDF-1 first")
    first = sha256_file(path)
    path.write_bytes(b"%PDF-1 second, longer")
    assert sha256_file(path) == hashlib.sha256(b"%PDF-1 second, longer").hexdigest() != first


def test_same_file_twice_is_the_same_dossier(tmp_path: Path) -> None:
    original = good_pdf(tmp_path, "ho-so.pdf", pages=1, dpi=40)
    (tmp_path / "lan-2").mkdir()
    copy = shutil.copy(original, tmp_path / "lan-2" / "ho-so (1).pdf")
    sources, _ = discover([original, Path(copy)])
    ids = {dossier_id_for(sha256_source(s)) for s in sources}
    assert len(sources) == 2 and len(ids) == 1
    (dossier_id,) = ids
    assert dossier_id == "d-" + hashlib.sha256(original.read_bytes()).hexdigest()[:16]


def test_folder_fingerprint_follows_its_pages_not_its_name(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    for folder in (first, second):
        folder.mkdir()
        for n in (1, 2):
            Image.fromarray(text_page(40, label=str(n))).save(folder / f"{n}.png")
    (first / "notes.txt").write_text("not a page")  # only page images count
    one, two = Source(first, "folder", "a"), Source(second, "folder", "b")
    assert sha256_source(one) == sha256_source(two)
    Image.fromarray(text_page(40, label="changed")).save(second / "2.png")
    assert sha256_source(one) != sha256_source(two)


def test_unreadable_file_is_rejected_not_crashing(tmp_path: Path) -> None:
    with pytest.raises(InputRejected, match="cannot read file"):
        sha256_file(tmp_path / "gone.pdf")


def test_pixel_fingerprint_sees_shape_and_values() -> None:
    a = np.zeros((4, 6), np.uint8)
    assert sha256_pixels(a) == sha256_pixels(a.copy())
    assert sha256_pixels(a) != sha256_pixels(a.reshape(6, 4))
    b = a.copy()
    b[3, 5] = 1
    assert sha256_pixels(a) != sha256_pixels(b)
    assert sha256_pixels(np.asfortranarray(b)) == sha256_pixels(b)


def test_dossier_id_format() -> None:
    assert dossier_id_for("ab" * 32) == "d-abababababababab"
