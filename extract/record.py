"""A dossier's record: every field read from every page, reconciled, checked and scored.

For each page (classified first), each field printed on its type is read beside
its labels; identifier fields (those with a character whitelist) are also re-read
from the image crop of their box when a crop reader and the page image are given.
Per page the best reading is kept; across pages, readings that agree raise the
confidence and readings that disagree lower it (all are kept for review). Cross-
field checks then run on the chosen values, and each field gets its calibrated
confidence and ``needs_review``. This module never imports ``ocr/``: the pipeline
passes the crop reader in.
"""

from __future__ import annotations

import itertools
import logging
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from dataclasses import field as dataclass_field

import cv2
import numpy as np
from rapidfuzz.distance import Levenshtein

from extract import confidence as conf_mod
from extract import engine as engine_mod
from extract import mrz
from extract import plate as plate_mod
from extract import vin as vin_mod
from extract.checked import Checked
from extract.classify import classify
from extract.confusions import upper_compact
from extract.crops import rubbing_letters, rubbing_strip, value_box, without_dots
from extract.crossfield import CheckFailure, cross_check
from extract.dates import year_of
from extract.labels import ValueRead, read_fields
from extract.names import richest
from extract.normalizers import normalize
from extract.syllable import is_syllable
from extract.vin import same_vehicle
from sohoa.doctypes import DocTypeSpec, FieldSpec
from sohoa.domain import vin as vin_facts
from sohoa.domain.cccd import parse_cccd
from sohoa.domain.names import is_name_syllable
from sohoa.domain.plates import VehicleClass
from sohoa.domain.text import fold, fold_words
from sohoa.domain.vin import is_valid_vin
from sohoa.errors import SohoaError
from sohoa.model import BBox, FieldValue, Page, Reading
from sohoa.settings import get_settings

log = logging.getLogger(__name__)

#: (image, bbox, whitelist, psm, languages) -> (text, confidence in [0, 1])
CropReader = Callable[[np.ndarray, BBox, str | None, int, str], tuple[str, float]]


@dataclass(frozen=True)
class Candidate:
    """One reading of a field on one page, normalized."""

    field: str
    page: int
    raw: str
    checked: Checked
    bbox: BBox | None
    ocr: float
    source: str  # "page" | "crop" | "mrz"
    crop_agree: bool = False
    crop_disagree: bool = False
    label_exact: bool = True

    @property
    def value(self) -> str | None:
        return self.checked.value

    def cross_read(self) -> tuple[int, int]:
        """Higher is better: the crop re-read agreed, and fewer characters were corrected.

        Between equally supported readings of two pages this comes before OCR confidence:
        ``26-U2 638.72`` read alike on the page and in its crop beats ``28-U2 638.72``
        whose crop said otherwise, however sure the engine was of each. A crop that
        disagreed is no worse than none (one of the two readings was kept).
        """
        return (int(self.crop_agree), -self.checked.corrections)

    def rank(self) -> tuple[int, int, int, float]:
        """Higher is better: a value, no doubt, found by an exact label, OCR confidence."""
        return (int(self.value is not None), int(self.checked.ok), int(self.label_exact), self.ocr)


def _vehicle_class(values: Mapping[str, str | None]) -> VehicleClass | None:
    kind = fold(values.get("vehicle_type") or "")
    if "mo to" in kind or "gan may" in kind or "xe may" in kind:
        return "motorcycle"
    if "o to" in kind:
        return "car"
    return None


#: pixels of crops sent to the engine in one batch (about 32 MB of greyscale)
PREFETCH_PIXELS = 32_000_000
#: a rubbing's letters are read with O and Q allowed: a stamped zero has a dot in it that the engine
#: takes for "O" (or drops when "O" is not allowed); the normalizers read O and Q by their grammar.
#: I is left out: the engine reads the stamped J as I (chosen on training seeds 7, 8, 31).
RUBBING_WHITELIST = "0123456789ABCDEFGHJKLMNOPQRSTUVWXYZ-"
#: on a rubbing, O and Q are the stamped zero (its dot or slash inside): the stamp's O has none
_STAMPED_ZERO = str.maketrans("OQ", "00")
#: a crop narrower or lower than this (pixels) is not handed to the engine: Tesseract 5.3 can die of a
#: floating-point exception on slivers (an image too small to scale)
MIN_CROP_SIDE = 4
#: pixels kept around a free-text crop: the crop reader pads its box by this much
CROP_MARGIN = 4


@dataclass(frozen=True)
class CropRequest:
    """One box to re-read: the image to read it from, the box in it, the engine options, the page box."""

    image: np.ndarray
    bbox: BBox
    whitelist: str | None
    psm: int
    box: BBox  # where the value is on the page (what the reviewer is shown)
    lang: str = "eng"


@dataclass(frozen=True)
class _Reader:
    """What a field's readings need besides the page: the crop reader, images, other fields."""

    reread: CropReader | None
    images: Mapping[int, np.ndarray] | None
    hints: Mapping[str, str | None]
    #: page types whose values are pencil rubbings (their crops are cleaned differently)
    rubbings: frozenset[str] = frozenset()
    #: crop re-reads done ahead in a batch, by (field, page, region)
    done: dict[tuple[str, int, BBox], tuple[str, float, BBox]] = dataclass_field(default_factory=dict)

    def normalize(self, field: FieldSpec, raw: str) -> Checked:
        if field.normalizer == "plate":
            return plate_mod.normalize(raw, _vehicle_class(self.hints))
        if field.normalizer == "engine":
            return engine_mod.normalize(raw, self.hints.get("brand"))
        return normalize(field.normalizer, raw)

    def request(self, read: ValueRead, field: FieldSpec, page: Page) -> CropRequest | None:
        """What to re-read for this value: the image (dots erased for identifiers) and its box; None if nothing.

        Free-text fields are re-read only when their spec names a crop language
        (``crop_lang``): an English re-read would drop the diacritics.
        """
        if self.reread is None or self.images is None or page.index not in self.images:
            return None
        if field.whitelist is None and field.crop_lang is None:
            return None
        image = self.images[page.index]
        h = read.line_height or 24
        if field.whitelist is not None and page.page_type in self.rubbings:
            rubbing = self._rubbing(image, read, field, page)
            if rubbing is not None:
                return rubbing
        box = value_box(image, read.region, h, below=read.below) or read.region
        if field.whitelist is not None and (field.identifier if field.erase_dots is None else field.erase_dots):
            clean = without_dots(image, box, h)
            full = BBox(x0=0, y0=0, x1=max(1, clean.shape[1]), y1=max(1, clean.shape[0]))
            return CropRequest(clean, full, field.whitelist, field.psm, box, _crop_lang(field))
        return CropRequest(*_cut(image, box), field.whitelist, field.psm, box, _crop_lang(field))

    def _rubbing(self, image: np.ndarray, read: ValueRead, field: FieldSpec, page: Page) -> CropRequest | None:
        """The letters of the rubbing strip under the label, to re-read; None when there is no readable strip.

        A strip whose letters could not be cut out (an OpenCV error on an odd image, or
        fewer than ``MIN_CROP_SIDE`` pixels a side) falls back to the ordinary value box.
        """
        try:
            strip = rubbing_strip(image, read.label.bbox, read.line_height or 24)
            letters = rubbing_letters(image, strip) if strip is not None else None
        except (cv2.error, ValueError) as e:
            log.warning("page %d: rubbing strip of %s not cut out (%s)", page.index, field.name, type(e).__name__)
            return None
        if strip is None or letters is None or min(letters.shape[:2], default=0) < MIN_CROP_SIDE:
            return None
        full = BBox(x0=0, y0=0, x1=letters.shape[1], y1=letters.shape[0])
        return CropRequest(letters, full, RUBBING_WHITELIST, field.psm, strip, _crop_lang(field))

    def prefetch(self, pages: Sequence[Page], fields: Sequence[FieldSpec],
                 reads: Mapping[int, dict[str, list[ValueRead]]]) -> None:
        """Re-read every crop the fields will want in as few engine runs as the reader allows (``many``).

        Crops are sent in batches of at most ``PREFETCH_PIXELS`` pixels, so a dossier of
        hundreds of pages never holds all its crops at once.
        """
        many = getattr(self.reread, "many", None)
        if many is None:
            return
        batch: dict[tuple[str, int, BBox], CropRequest] = {}
        pixels = 0
        for f in fields:
            for p in pages:
                for r in reads[p.index].get(f.name, []):
                    if (req := self.request(r, f, p)) is None:
                        continue
                    batch[(f.name, p.index, r.region)] = req
                    pixels += req.image.shape[0] * req.image.shape[1]
                    if pixels >= PREFETCH_PIXELS:
                        self._answer(many, batch)
                        batch, pixels = {}, 0
        self._answer(many, batch)

    def _answer(self, many: Callable[[list[CropRequest]], list[tuple[str, float]]],
                batch: Mapping[tuple[str, int, BBox], CropRequest]) -> None:
        """Read one batch into ``done``; a failing batch is read in halves, so one bad crop loses only itself."""
        if not batch:
            return
        try:
            answers = many(list(batch.values()))
        except (SohoaError, ValueError) as e:
            if len(batch) == 1:
                (key, req), = batch.items()
                log.warning("page %d: crop re-read of %s failed: %s", key[1], key[0], e)
                self.done[key] = ("", 0.0, req.box)  # read as nothing: the page's own reading stands
                return
            log.warning("batched crop re-reads failed, reading the batch in halves: %s", e)
            items = list(batch.items())
            half = len(items) // 2
            self._answer(many, dict(items[:half]))
            self._answer(many, dict(items[half:]))
            return
        for (key, req), (text, score) in zip(batch.items(), answers, strict=True):
            self.done[key] = (text, score, req.box)

    def crop(self, read: ValueRead, field: FieldSpec, page: Page) -> Candidate | None:
        """Re-read the value's ink from the page image (whitelisted for identifiers), if possible."""
        answer = self.done.get((field.name, page.index, read.region)) or self._read_one(read, field, page)
        if answer is None:
            return None
        text, score, box = answer
        meant = text.translate(_STAMPED_ZERO) if page.page_type in self.rubbings else text
        return Candidate(field.name, page.index, text, self.normalize(field, meant), box, score, "crop",
                         label_exact=read.label.score >= 100)

    def _read_one(self, read: ValueRead, field: FieldSpec, page: Page) -> tuple[str, float, BBox] | None:
        """Re-read one crop now (it was not read ahead in a batch); None when there is none or it failed."""
        req = self.request(read, field, page)
        if req is None or self.reread is None:
            return None
        try:
            text, score = self.reread(req.image, req.bbox, req.whitelist, req.psm, req.lang)
        except (SohoaError, KeyError, ValueError, cv2.error) as e:
            log.warning("page %d: crop re-read of %s failed: %s", page.index, field.name, e)
            return None
        return text, score, req.box

    def best_of(self, read: ValueRead, field: FieldSpec, page: Page) -> Candidate:
        """The page reading, or the crop re-read when that is better; agreement noted."""
        own = Candidate(field.name, page.index, read.raw, self.normalize(field, read.raw),
                        read.bbox or read.region, read.confidence, "page",
                        label_exact=read.label.score >= 100)
        crop = self.crop(read, field, page)
        if crop is None or crop.value is None:
            return own
        if own.value is not None and _same(field.name, own.value, crop.value):
            kept = crop if crop.checked.ok and not own.checked.ok else own  # "FRLCS1…" on the page, the VIN in the crop
            return replace(kept, crop_agree=True, ocr=max(own.ocr, crop.ocr))
        return replace(_settle(own, crop), crop_disagree=own.value is not None)

    def candidates(self, pages: Sequence[Page], field: FieldSpec,
                   reads: Mapping[int, dict[str, list[ValueRead]]]) -> list[Candidate]:
        """Per page the best reading of the field (pages where it was found)."""
        out: list[Candidate] = []
        for page in pages:
            cands = [self.best_of(r, field, page) for r in reads[page.index].get(field.name, [])]
            if cands:
                out.append(max(cands, key=lambda c: c.rank()))
        return out


def _crop_lang(field: FieldSpec) -> str:
    """The languages a field's box is re-read in: its spec's, else English (whitelisted identifiers)."""
    return field.crop_lang or "eng"


def _settle(own: Candidate, crop: Candidate) -> Candidate:
    """Of a page reading and a crop re-read that disagree, the one to keep.

    A valid reading over a doubted one; of two doubted ones, the one with fewer doubts
    (a 17-character VIN whose check digit fails over an 18-character read); a reading
    that saw what the other only had from its grammar; else the crop unless clearly
    less confident.
    """
    if own.checked.ok != crop.checked.ok:
        return own if own.checked.ok else crop
    if not own.checked.ok and len(own.checked.reasons) != len(crop.checked.reasons):
        return own if len(own.checked.reasons) < len(crop.checked.reasons) else crop  # both doubted: fewer doubts
    if _read_where_guessed(own, crop):
        return crop
    if _read_where_guessed(crop, own):
        return own
    return crop if crop.ocr >= own.ocr - 0.05 else own


def _read_where_guessed(guessed: Candidate, read: Candidate) -> bool:
    """``read`` saw, with nothing corrected, the characters ``guessed`` got only from its grammar.

    ``RLHIF…`` on the page becomes ``RLH1F…`` (no I in a VIN; J weighs as much as 1 in the
    check digit, which cannot choose): a crop re-read that saw ``RLHJF…`` there says which.
    """
    if guessed.value is None or read.value is None or read.checked.corrections or not guessed.checked.corrections:
        return False
    raw = upper_compact(guessed.raw)
    if not len(raw) == len(guessed.value) == len(read.value):
        return False
    fixed = {i for i, (a, b) in enumerate(zip(raw, guessed.value, strict=True)) if a != b}
    differ = {i for i, (a, b) in enumerate(zip(guessed.value, read.value, strict=True)) if a != b}
    return bool(differ) and differ <= fixed


def _cut(image: np.ndarray, box: BBox, margin: int = CROP_MARGIN) -> tuple[np.ndarray, BBox]:
    """A copy of ``box`` with ``margin`` pixels around it, and the box inside that copy.

    A request keeps only this, not the whole page, so batched requests never hold page images.
    """
    h, w = image.shape[:2]
    x0, y0 = max(0, box.x0 - margin), max(0, box.y0 - margin)
    x1, y1 = min(w, box.x1 + margin), min(h, box.y1 + margin)
    inner = BBox(x0=box.x0 - x0, y0=box.y0 - y0, x1=min(box.x1, w) - x0, y1=min(box.y1, h) - y0)
    return image[y0:y1, x0:x1].copy(), inner


def _same(field: str, a: str, b: str) -> bool:
    """Whether two pages' values of ``field`` are one reading (they are grouped and agree)."""
    return _SAME.get(field, str.__eq__)(a, b)


def _same_compact(a: str, b: str) -> bool:
    return plate_mod.upper_compact(a) == plate_mod.upper_compact(b)


def _same_address(a: str, b: str) -> bool:
    """A line cut short (the card wraps the address) agrees with the whole."""
    return _prefix_of(_words(a), _words(b)) or _prefix_of(_words(b), _words(a))


_SAME: dict[str, Callable[[str, str], bool]] = {
    "chassis_number": same_vehicle,
    # the 2020 form prints the year only
    "owner_birth_date": lambda a, b: a == b or (a[:4] == b[:4] and 4 in (len(a), len(b))),
    "plate_number": _same_compact,
    "engine_number": _same_compact,
    "owner_id_number": _same_compact,
    "owner_address": _same_address,
    "color": lambda a, b: _words(a) == _words(b),  # "Trắng Xanh" is "Trắng - Xanh" with its dash lost
    "engine_capacity": lambda a, b: a.replace(",", ".") == b.replace(",", "."),  # comma or point (fields.md)
    "owner_name": lambda a, b: fold(a) == fold(b),
    "vehicle_type": lambda a, b: fold(a) == fold(b),
}


def _words(text: str) -> list[str]:
    return fold_words(text).split()


def _prefix_of(short: list[str], long: list[str]) -> bool:
    """``short`` is ``long`` or its first words (at least three of them)."""
    return short == long or (len(short) >= 3 and long[: len(short)] == short)


@dataclass(frozen=True)
class Reconciled:
    """The chosen value of a field and what the pages said about it."""

    chosen: Candidate | None
    agree: int
    disagree: int
    candidates: tuple[Candidate, ...]
    #: the strongest valid reading that disagrees: its OCR confidence and its group's size
    rival: float = 0.0
    rival_support: int = 0
    #: other readings identical to the chosen value, marks included (``agree`` compares names and
    #: addresses without their marks)
    exact_agree: int = 0

    @property
    def contested(self) -> bool:
        """A valid rival as well supported and nearly as confident as the chosen value: a person decides."""
        if self.chosen is None or not self.disagree:
            return False
        return self.rival_support >= self.agree + 1 and self.rival >= self.chosen.ocr - 0.15


def j_as_other_pages_read_it(cands: Sequence[Candidate]) -> list[Candidate]:
    """A VIN's 1 read as J where more of the other pages read J there than 1.

    J weighs as much as 1 in the check digit, so the check cannot tell them apart (nor an
    I, which no VIN holds and the grammar reads as 1): only another page can. The other
    readings that cover the place (whole VINs, and suffixes aligned at the end) vote. A J
    is never made a 1: OCR often reads a J as 1 or I, hardly ever a 1 as J (on training
    seed 10, letting pages outvote a J lost four right VINs).
    """
    out = list(cands)
    heads = _vin_heads(cands)
    places = [_vin_places(o.value or "", heads) for o in cands]  # each reading placed once
    for k, c in enumerate(cands):
        if c.value is None or len(c.value) != 17:
            continue
        others = [p for o, p in zip(cands, places, strict=True) if o.page != c.page]
        value = list(c.value)
        for i, ch in enumerate(c.value):
            votes = [o[i] for o in others if i in o]
            if ch == "1" and votes.count("J") > votes.count("1"):
                value[i] = "J"
        if (new := "".join(value)) != c.value:
            changes = ", ".join(f"{a}→{b}" for a, b in zip(c.value, new, strict=True) if a != b)
            why = f"chassis: {changes} where other pages read J (J and 1 weigh the same in the check digit)"
            out[k] = replace(c, checked=replace(c.checked, value=new, reasons=(*c.checked.reasons, why)))
    return out


def _vin_heads(cands: Sequence[Candidate]) -> set[str]:
    """The first three characters of every 17-character reading (a shorter reading beginning so is a VIN's head)."""
    return {(c.value or "")[:3] for c in cands if c.value and len(c.value) == 17}


def _vin_places(text: str, heads: set[str]) -> dict[int, str]:
    """The VIN positions a reading covers, with its characters (I, O, Q as 1, 0, 0); none when not VIN-like.

    A 17-character reading covers every position. Any other reading that begins with a
    maker code, or as a whole VIN read on another page begins, covers the first
    ``VIN_HEAD`` positions only (a character lost or read twice shifts the rest). A
    reading of at most ``VIN_SUFFIX_MAX`` characters that does not is the VIN's end, as
    certificates print it; a longer one is a VIN misread beyond placing.
    """
    text = text.translate(vin_mod.NO_IOQ)
    if len(text) == 17:
        return dict(enumerate(text))
    if len(text) >= VIN_HEAD and (text[:3] in heads or vin_facts.brand_for_wmi(text)):
        return dict(enumerate(text[:VIN_HEAD]))
    if 8 <= len(text) <= VIN_SUFFIX_MAX:
        return {17 - len(text) + k: ch for k, ch in enumerate(text)}
    return {}


#: how much of a VIN's start a reading of another length is trusted with (the maker code and what
#: precedes the 12 characters a certificate prints)
VIN_HEAD = 5
#: the longest VIN suffix a certificate prints (``C630CY645859``)
VIN_SUFFIX_MAX = 12


def pieced_vins(cands: Sequence[Candidate], brand: str | None = None) -> list[Candidate]:
    """``cands`` with a misread VIN repaired from the pages' other readings when the check digit then passes.

    Some certificates print only the VIN's end (``5808EY104314``); when a form or rubbing
    read the whole VIN but misread some of it (``RLHHA9862AY427719``), the characters the
    pages read at each position (a VIN's head aligned at its start, a suffix at its end)
    may make exactly one valid VIN (``RLHHA0802AY427719``). The brand's maker code (WMI)
    counts as one more reading of the first three characters. Every character was read
    somewhere and is at least half as well supported as the best at its place (see
    :func:`_vin_votes`): nothing is invented. The VIN is taken only when exactly one
    combination passes; it is doubted (a person confirms it), for the check digit lets
    one wrong combination in 11 pass. Nothing is changed when a page read a valid VIN
    outright (not only by cutting a character off an 18-character read).
    """
    out = list(cands)
    heads = _vin_heads(cands)
    places = [_vin_places(c.value or "", heads) for c in cands]  # each reading placed once
    full = [i for i, p in enumerate(places) if 0 in p]
    if not full or any(is_valid_vin(c.value or "") and c.checked.ok for c in cands):
        return out
    votes = _vin_votes(cands, places, brand)
    vin = _best_supported_vin(votes)
    if vin is None or any(c.value == vin for c in cands):  # a page read it so: nothing to piece
        return out
    i = max(full, key=lambda k: cands[k].rank())
    c = cands[i]
    pages = sorted({x.page for x in cands if x.value})
    why = f"chassis: VIN pieced from the readings of pages {', '.join(map(str, pages))} by its check digit"
    if brand and vin[:3] != (c.value or "")[:3] and vin_facts.brand_for_wmi(vin) is not None:
        why += f" and the maker code of the brand {brand}"
    corrections = c.checked.corrections + Levenshtein.distance(vin, c.value or "")
    out[i] = replace(c, checked=Checked(vin, (why,), corrections, doubt=True),
                     ocr=min(x.ocr for x in cands if x.value))
    return out


#: at most this many combinations of the pages' characters are tried for a VIN
MAX_VIN_COMBINATIONS = 4096
#: the least a reading weighs in a VIN's vote (an OCR confidence of 0 still read something)
MIN_VOTE = 0.05


def _vin_votes(cands: Sequence[Candidate], places: Sequence[Mapping[int, str]],
               brand: str | None) -> list[dict[str, float]]:
    """Per VIN position, the characters the readings hold there, each weighed by how well it was read.

    ``places`` are the readings placed by :func:`_vin_places`, one per candidate. A reading
    weighs its OCR confidence (at least ``MIN_VOTE``), twice that when its crop re-read
    agreed; the brand's maker code weighs as a well-read reading of the first three characters.
    """
    votes: list[dict[str, float]] = [{} for _ in range(17)]
    for c, placed in zip(cands, places, strict=True):
        weight = max(min(1.0, c.ocr), MIN_VOTE) * (1 + c.crop_agree)
        for k, ch in placed.items():
            votes[k][ch] = votes[k].get(ch, 0.0) + weight
    for code in _brand_wmis(brand):
        for k, ch in enumerate(code):
            votes[k][ch] = votes[k].get(ch, 0.0) + 1.0
    return votes


def _brand_wmis(brand: str | None) -> list[str]:
    """The maker codes (WMI) of a brand read on the papers (none when unknown)."""
    if not brand:
        return []
    mine = vin_facts.canonical_brand(brand)
    return [code for code, (_, printed) in vin_facts.WMI.items() if printed == mine]


def _best_supported_vin(votes: Sequence[Mapping[str, float]]) -> str | None:
    """The one valid VIN made of well-supported characters (each at least half as weighed as its place's best).

    None when no combination, or more than one, is valid: a weakly read character is never taken
    over a well-read one.
    """
    options = [[ch for ch in v if v[ch] >= max(v.values()) / 2] for v in votes if v]
    if len(options) != 17 or math.prod(len(o) for o in options) > MAX_VIN_COMBINATIONS:
        return None
    valid = [text for text in map("".join, itertools.product(*options))
             if is_valid_vin(text) and vin_facts.model_years(text[9])]
    return valid[0] if len(valid) == 1 else None


def reconcile(field: str, cands: Sequence[Candidate], hints: Mapping[str, str | None] | None = None) -> Reconciled:
    """Group the pages' values; the best-supported group wins (a full VIN over its suffix)."""
    if field == "chassis_number":
        cands = pieced_vins(j_as_other_pages_read_it(cands), (hints or {}).get("brand"))
    valued = [c for c in cands if c.value is not None]
    if not valued:
        return Reconciled(None, 0, 0, tuple(cands))
    groups: list[list[Candidate]] = []
    for c in sorted(valued, key=lambda c: c.rank(), reverse=True):
        for g in groups:
            if _same(field, g[0].value or "", c.value or ""):
                g.append(c)
                break
        else:
            groups.append([c])
    everyone = [(c.value or "", c.ocr) for c in valued if c.checked.ok]
    groups.sort(key=lambda g: _standing(field, g, everyone), reverse=True)
    best = groups[0]
    # a full VIN over its suffix, a full date over a year
    # engine: with its hyphen; address: not a line cut short; a valid VIN before all
    longest = field in ("chassis_number", "owner_birth_date", "engine_number", "owner_address")
    pool = best
    if field == "engine_number":  # a smudge reads as a hyphen too: only a well-read reading brings one
        pool = [c for c in best if _read_well(c)] or best
    fullest = max(pool, key=lambda c: (is_valid_vin(c.value or ""), len(c.value or ""), c.rank()))
    chosen = fullest if longest else best[0]
    chosen = _as_printed(field, chosen, best)
    if field in _MARKED_TEXT and len(best) > 1:
        merged = richest([c.value or "" for c in best], _KNOWN_WORD[field])
        if merged != chosen.value:
            chosen = replace(chosen, checked=replace(chosen.checked, value=merged))
    rivals = [g for g in groups[1:] if any(c.checked.ok for c in g)]
    disagree = sum(len(g) for g in rivals)
    rival = max((c.ocr for g in rivals for c in g if c.checked.ok), default=0.0)
    support = max((len(g) for g in rivals), default=0)
    exact = max(0, sum(c.value == chosen.value for c in best) - 1)
    return Reconciled(chosen, len(best) - 1, disagree, tuple(cands), min(1.0, rival), support, exact)


_Standing = tuple[float, float, tuple[int, int], tuple[int, int, int, float]]


def _standing(field: str, group: Sequence[Candidate], everyone: Sequence[tuple[str, float]]) -> _Standing:
    """How a group of agreeing readings ranks (higher wins): its support; for an engine number, how near
    it is to all the readings; for an identifier, whether a crop confirmed it; its best reading."""
    return (sum(_support(field, c) for c in group), _centrality(field, group[0].value or "", everyone),
            max(c.cross_read() for c in group) if field in _IDENTIFIERS else (0, 0),
            max(c.rank() for c in group))


def _read_well(c: Candidate) -> bool:
    """Confidently read and not contradicted by its crop: a smudge on a poor page reads as a dash or a comma too."""
    return c.ocr >= _SEPARATOR_READ_WELL and not c.crop_disagree


def _support(field: str, c: Candidate) -> float:
    """What one reading adds to its group's weight: one page, and more when its value is valid.

    A VIN whose check digit passes counts one more (a misread passes one time in 11, while
    a VIN's suffix or an older frame number has nothing to check).
    """
    vin_bonus = float(field == "chassis_number" and is_valid_vin(c.value or ""))
    return 1 + _OK_WEIGHT.get(field, 1.0) * c.checked.ok + vin_bonus


def _centrality(field: str, value: str, everyone: Sequence[tuple[str, float]]) -> float:
    """Between equally supported readings of an identifier, the one nearest all the pages' readings wins.

    Minus the sum of edit distances to every valid reading, each weighed between one half
    and one by its OCR confidence: of ``JFB8E-…``, ``GF58E-…`` and ``JF58E-…``, each
    misread differs from the true number in one place, and from each other in two. Zero
    for other fields, and under three valid readings (two are equally near each other:
    their order is kept).
    """
    if field not in _CENTRAL or len(everyone) < 3:
        return 0.0
    return -sum(Levenshtein.distance(upper_compact(value), upper_compact(v)) * (1 + min(1.0, ocr)) / 2
                for v, ocr in everyone)


def _as_printed(field: str, chosen: Candidate, agreeing: Sequence[Candidate]) -> Candidate:
    """Of readings that agree, the one written as the form prints the value."""
    value = chosen.value or ""

    if field in _AS_WRITTEN and value.isupper():  # the certificate prints "ĐEN", the form "Đen"
        return next((c for c in agreeing if not (c.value or "").isupper()), chosen)
    if field == "engine_capacity" and "." in value:  # a decimal comma loses its tail, a point grows none
        return next((c for c in agreeing if "," in (c.value or "") and _read_well(c)), chosen)
    if field == "color" and "-" not in value:  # OCR loses the dash of "Trắng - Xanh", never invents one
        return next((c for c in agreeing if "-" in (c.value or "") and not (c.value or "").isupper()
                     and _read_well(c)), chosen)
    return chosen


#: how much a reading's validity counts beside agreement when pages' groups are weighed (1: as much as
#: one more page). An engine number's shape says little (4JH1049623 looks like a lost hyphen but is
#: Isuzu's shape): two pages agreeing on a doubted shape beat one odd reading of a plain shape.
_OK_WEIGHT: dict[str, float] = {"engine_number": 0.5}

#: identifiers, re-read from their crops with a character whitelist: between equally supported
#: readings, the one its crop confirmed wins before OCR confidence (free text is not ranked so: a
#: crop agrees with the page on a short scrap like "IE" as readily as on "WAVE ALPHA")
_IDENTIFIERS = ("plate_number", "chassis_number", "engine_number", "owner_id_number")

#: identifiers with nothing to check them by but the pages' agreement: between equally supported
#: readings, the most central one is chosen
_CENTRAL = ("engine_number",)

#: OCR confidence from which a colour's dash or a capacity's comma one page read and another lost
#: is trusted
_SEPARATOR_READ_WELL = 0.5

#: free text kept as written in sentence case, where one page prints it in capitals
_AS_WRITTEN = ("color", "vehicle_type")

#: free text whose pages are merged word by word, keeping the fullest diacritics
_MARKED_TEXT = ("owner_name", "owner_address")

#: the spellings a merge prefers: a name syllable, a well-formed syllable (never "Hưệ" for "Huệ")
_KNOWN_WORD: dict[str, Callable[[str], bool]] = {
    "owner_name": is_name_syllable, "owner_address": lambda w: is_syllable(w.rstrip(",;.")),
}


def _reading(c: Candidate) -> Reading:
    return Reading(raw=c.raw, value=c.value, page=c.page, bbox=c.bbox, confidence=round(min(1.0, c.ocr), 4))


def _strong(field: str, value: str, values: Mapping[str, str | None]) -> bool:
    """A check that a misread rarely passes: the VIN check digit, the CCCD against the birth year."""
    if field == "chassis_number":
        return is_valid_vin(value)
    if field in ("owner_id_number", "owner_birth_date"):
        info = parse_cccd(values.get("owner_id_number") or "")
        return info is not None and info.birth_year == year_of(values.get("owner_birth_date"))
    return False


def _evidence(field: FieldSpec, rec: Reconciled, failures: Sequence[CheckFailure],
              expected: int, values: Mapping[str, str | None]) -> conf_mod.Evidence:
    c = rec.chosen
    mine = [f for f in failures if field.name in f.fields]
    if c is None:
        return conf_mod.Evidence(field=field.name, found=False, ocr=0.0, valid=False)
    notes = len(c.checked.reasons) - int(c.checked.corrections > 0) - c.checked.info
    return conf_mod.Evidence(
        field=field.name, found=True, ocr=min(1.0, c.ocr), valid=c.checked.ok,
        corrections=c.checked.corrections, soft_doubts=max(0, notes), agree=rec.agree, disagree=rec.disagree,
        rival=rec.rival, crop_agree=c.crop_agree, crop_disagree=c.crop_disagree, cross_hard=sum(f.hard for f in mine),
        cross_soft=sum(not f.hard for f in mine), expected_pages=expected,
        strong=_strong(field.name, c.value or "", values), contested=rec.contested,
        marks_disputed=rec.exact_agree < rec.agree,
    )


def _field_value(field: FieldSpec, rec: Reconciled, failures: Sequence[CheckFailure], expected: int,
                 threshold: float, values: Mapping[str, str | None]) -> tuple[FieldValue, conf_mod.Evidence]:
    ev = _evidence(field, rec, failures, expected, values)
    readings = tuple(_reading(c) for c in rec.candidates)
    c = rec.chosen
    if c is None:
        first = "not found on any page" if not rec.candidates else "no valid reading"
        why = (first, *(r for x in rec.candidates for r in x.checked.reasons))
        return FieldValue(value=None, confidence=0.0, needs_review=True, readings=readings,
                          reasons=tuple(dict.fromkeys(why))), ev
    p = conf_mod.load().probability(ev)
    reasons: list[str] = list(c.checked.reasons)
    if rec.disagree:
        reasons.append(f"pages disagree ({rec.disagree} other reading(s))")
    if c.crop_disagree:
        reasons.append("page OCR and crop re-read disagree")
    reasons += [f.reason for f in failures if field.name in f.fields]
    floor = threshold if field.review_threshold is None else max(threshold, field.review_threshold)
    review = p < floor or forced_review(ev)
    fv = FieldValue(value=c.value, confidence=round(p, 4), needs_review=review, page=c.page, bbox=c.bbox,
                    reasons=tuple(dict.fromkeys(reasons)), readings=readings)
    return fv, ev


def forced_review(ev: conf_mod.Evidence) -> bool:
    """Review whatever the confidence: a doubtful value or a failed hard cross-check. (A contested
    reading lowers the confidence through the calibrated model; both readings stay on the field.)"""
    return not ev.valid or ev.cross_hard > 0


Extracted = tuple[dict[str, FieldValue], dict[str, conf_mod.Evidence]]


def zone_candidates(field: FieldSpec, zones: Mapping[int, mrz.ZoneOnPage | None], reader: _Reader) -> list[Candidate]:
    """The field's readings in the machine-readable zones of the pages (only items whose check digit passed)."""
    out = []
    for index, zone in zones.items():
        value = getattr(zone.reading, field.mrz) if zone is not None and field.mrz else None
        if zone is None or value is None:
            continue
        raw = "/".join(reversed(value.split("-"))) if field.mrz == "birth_date" else value  # as printed
        out.append(Candidate(field.name, index, zone.reading.text, reader.normalize(field, raw), zone.bbox,
                             zone.confidence, "mrz"))
    return out


def extract_with_evidence(pages: Sequence[Page], *, spec: DocTypeSpec, reread: CropReader | None = None,
                          images: Mapping[int, np.ndarray] | None = None,
                          threshold: float | None = None) -> Extracted:
    """As :func:`extract_record`, also returning each field's evidence (for calibration)."""
    threshold = get_settings().review_threshold if threshold is None else threshold
    typed = [classify(p, spec) for p in pages]
    reads = {p.index: read_fields(p, spec, p.page_type) for p in typed}
    # the plate last (its grammar depends on the vehicle type), the chassis and engine numbers after the
    # brand (its maker code, its engine codes' shape)
    order = sorted(spec.fields.values(), key=lambda f: (f.normalizer == "plate", f.normalizer in ("chassis", "engine")))
    hints: dict[str, str | None] = {}
    rubbings = frozenset(name for name, pt in spec.page_types.items() if pt.group == "rubbing")
    reader = _Reader(reread, images, hints, rubbings)
    reader.prefetch(typed, order, reads)
    zones = {p.index: mrz.read_page(p) for p in typed
             if any(f.mrz and p.page_type in f.page_types for f in spec.fields.values())}
    recs: dict[str, Reconciled] = {}
    for field in order:
        cands = reader.candidates(typed, field, reads) + zone_candidates(field, zones, reader)
        recs[field.name] = reconcile(field.name, cands, hints)
        chosen = recs[field.name].chosen
        hints[field.name] = chosen.value if chosen else None
    failures = cross_check(hints)
    fields: dict[str, FieldValue] = {}
    evidence: dict[str, conf_mod.Evidence] = {}
    for name, field in spec.fields.items():
        expected = sum(1 for p in typed if p.page_type in field.page_types) or 1
        fields[name], evidence[name] = _field_value(field, recs[name], failures, expected, threshold, hints)
    return fields, evidence


def extract_record(pages: Sequence[Page], *, spec: DocTypeSpec, reread: CropReader | None = None,
                   images: Mapping[int, np.ndarray] | None = None) -> dict[str, FieldValue]:
    """Every field of the document type, read from the dossier's pages (see module doc)."""
    return extract_with_evidence(pages, spec=spec, reread=reread, images=images)[0]
