"""Label-anchored extraction over a page's words (the layout layoutparser carries).

1. Every label of every field (and the stop labels of the document type) is looked
   for in each OCR line, with and without diacritics, exactly or fuzzily (OCR damage
   to the label itself); where labels overlap the longest, best match wins.
2. A field's value is the words to the label's right on the same visual row (words
   whose vertical centre lies within the label's band, allowing values printed a
   little above or below the label's baseline), up to the next label; when there
   are none, the first row below the label.
3. Dotted leader characters (``….::..``) are stripped; the region the value came
   from (or would have come from) is kept for a crop re-read.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from sohoa.doctypes import DocTypeSpec, FieldSpec
from sohoa.domain.text import fold
from sohoa.layout import to_layout
from sohoa.model import BBox, Page

log = logging.getLogger(__name__)

_PART = re.compile(r"[^\W_]+")
_LEADER_ONLY = re.compile(r"^(?:[.…:_·,;'\"`~|]+|[.…:_·,;'\"`~\-–—|]{2,})$")  # a lone "-" is kept
_LEADER_RUN = re.compile(r"[.…_·:]{2,}|-{2,}")
_EDGE = ".…:_·;,'\"`~|"
SHORT = 3  # labels this short (folded) match only at the start of a line
BELOW = 4.5  # how far under a label (in label heights) a value may stand on cards and rubbings
BAND = 0.85  # half-height of the value band around the label's centre, in label heights
ROW = 0.5  # a label this near the row's centre (in label heights) is on the row
GAP = 5.0  # a horizontal gap this wide (in label heights) ends a value
GLOSS_WORDS = 5  # the English half of a bilingual label is at most this long ("/ Place of residence:")
COMPACT = 5  # labels this long without their spaces are also looked for run together into one word


@dataclass(frozen=True)
class Token:
    """One OCR word of the page in reading order."""

    index: int
    text: str
    bbox: BBox
    confidence: float
    line: int


@dataclass(frozen=True)
class Part:
    """An alphanumeric run of a token, folded for matching."""

    key: str
    token: int
    start: int
    end: int


@dataclass(frozen=True)
class LabelHit:
    """A label found on the page."""

    field: str | None  # None: a stop label or another thing's label
    label: str
    key: str
    bbox: BBox
    score: float
    line: int
    first: int  # first part index (in the line's parts)
    last: int  # last part index
    tokens: tuple[int, ...]
    rest: str  # text of the last token after the label (label and value run together)


@dataclass(frozen=True)
class ValueRead:
    """The text read beside a label on one page."""

    field: str
    raw: str
    bbox: BBox | None
    region: BBox
    confidence: float
    label: LabelHit
    line_height: int = 0
    below: bool = False


_LOOK_ALIKE = str.maketrans("601587", "oolsbt")


def _part_key(text: str) -> str:
    """A folded word; a short mix of letters and digits ("S6" for "Số", "N0") reads its digits as letters."""
    key = fold(text)
    if len(key) <= 4 and any(c.isdigit() for c in key) and any(c.isalpha() for c in key):
        key = key.translate(_LOOK_ALIKE)
    return key


def label_key(text: str) -> str:
    """The matching key of a label or text: folded, punctuation as spaces."""
    return " ".join(_part_key(m.group()) for m in _PART.finditer(text))


def page_tokens(page: Page) -> list[Token]:
    """The page's words in reading order, read from its layoutparser ``Layout``, each with its line number."""
    out: list[Token] = []
    lines: dict[str, int] = {}
    for element in to_layout(page.blocks, level="word"):
        line_no = lines.setdefault(str(element.parent), len(lines))
        box = BBox.of(round(v) for v in element.coordinates)
        out.append(Token(len(out), element.text or "", box, float(element.score or 0.0), line_no))
    return out


def _lines(tokens: Sequence[Token]) -> list[list[Part]]:
    lines: dict[int, list[Part]] = {}
    for t in tokens:
        for m in _PART.finditer(t.text):
            lines.setdefault(t.line, []).append(Part(_part_key(m.group()), t.index, m.start(), m.end()))
    return [lines[k] for k in sorted(lines)]


_TABLES: dict[tuple[int, str | None], tuple[tuple[str | None, str, str], ...]] = {}


def _label_table(spec: DocTypeSpec, page_type: str | None) -> tuple[tuple[str | None, str, str], ...]:
    """(field or None, label, key) for every label valid on the page type (cached per spec)."""
    cache_key = (id(spec), page_type)
    if cache_key not in _TABLES:
        _TABLES[cache_key] = _build_table(spec, page_type)
    return _TABLES[cache_key]


def _build_table(spec: DocTypeSpec, page_type: str | None) -> tuple[tuple[str | None, str, str], ...]:
    rows: list[tuple[str | None, str, str]] = []
    for f in spec.fields.values():
        rows += [(f.name, lab, label_key(lab)) for lab in f.labels_for(page_type)]
        rows += [(None, lab, label_key(lab)) for lab in f.not_labels]
    rows += [(None, lab, label_key(lab)) for lab in spec.stop_labels]
    return tuple(r for r in rows if r[2])


def _threshold(key: str, stop: bool) -> float | None:
    """Fuzzy score a label needs (None: exact only); stop labels only cut values, so looser."""
    n = len(key)
    if n < 6:
        return None
    if stop:
        return 80.0 if n >= 10 else 88.0
    return 90.0


def _find(key: str, parts: list[Part], text: str, starts: list[int],
          stop: bool) -> list[tuple[int, int, float]]:
    """(first part, last part, score) where ``key`` occurs in the line ``text``."""
    found: list[tuple[int, int, float]] = []
    for m in re.finditer(rf"(?<!\S){re.escape(key)}(?!\S)", text):
        if len(key) <= SHORT and m.start() > 0:
            continue  # "Số" inside an address is no label: short labels count only at a line's start
        found.append((_part_at(starts, m.start()), _part_at(starts, m.end() - 1), 100.0))
    need = _threshold(key, stop)
    if found or need is None:
        return found
    al = fuzz.partial_ratio_alignment(key, text, score_cutoff=need)
    if al is None:
        return found
    begin = al.dest_start
    while begin < al.dest_end - 1 and text[begin] == " ":  # an alignment may open on the space before the label
        begin += 1
    first, last = _part_at(starts, begin), _part_at(starts, max(begin, al.dest_end - 1))
    # the alignment must cover most of its parts, not clip a word in the middle,
    # and its first and last words must look like the label's (not "ngày" for "sang")
    covered = sum(len(p.key) for p in parts[first:last + 1])
    words = key.split()
    ends_fit = fuzz.ratio(words[0], parts[first].key) >= 70 and fuzz.ratio(words[-1], parts[last].key) >= 70
    if covered <= len(key) * 1.35 + 2 and ends_fit:
        found.append((first, last, min(99.0, float(al.score))))
    return found


def _part_at(starts: list[int], pos: int) -> int:
    lo = 0
    for i, s in enumerate(starts):
        if s <= pos:
            lo = i
        else:
            break
    return lo


def _hit(row: tuple[str | None, str, str], parts: list[Part], span: tuple[int, int, float],
         tokens: Sequence[Token], cut: int | None = None) -> LabelHit:
    field, label, key = row
    first, last, score = span
    tok_ids = tuple(sorted({parts[i].token for i in range(first, last + 1)}))
    box = tokens[tok_ids[0]].bbox
    for t in tok_ids[1:]:
        box = box.union(tokens[t].bbox)
    end_tok = tokens[parts[last].token]
    rest = end_tok.text[parts[last].end if cut is None else cut:].lstrip(_EDGE + " ")
    if not _PART.search(rest):
        rest = ""  # the label's own closing "):" is no value (it hid the rubbing under "Số khung (Chassis N0):")
    if rest and len(end_tok.text) > 0:
        share = parts[last].end / len(end_tok.text)
        x1 = end_tok.bbox.x0 + int(end_tok.bbox.width * share)
        box = BBox(x0=box.x0, y0=box.y0, x1=max(box.x0 + 1, x1), y1=box.y1)
    return LabelHit(field, label, key, box, score, end_tok.line, first, last, tok_ids, rest)


def find_labels(tokens: Sequence[Token], spec: DocTypeSpec, page_type: str | None) -> list[LabelHit]:
    """Every label on the page; overlapping matches resolved longest-then-best first."""
    table = _label_table(spec, page_type)
    compact = _compact_table(spec, page_type)
    hits: list[LabelHit] = []
    for parts in _lines(tokens):
        text = " ".join(p.key for p in parts)
        starts, pos = [], 0
        for p in parts:
            starts.append(pos)
            pos += len(p.key) + 1
        cands = [(row, span) for row in table for span in _find(row[2], parts, text, starts, row[0] is None)
                 if not _lookalike(row, parts[span[0]:span[1] + 1], tokens, span[2])]
        # exact matches first (longest first), then fuzzy ones by length and score
        cands.sort(key=lambda c: (c[1][2] < 100.0, -len(c[0][2]), -c[1][2]))
        used: set[int] = set()
        kept: list[tuple[tuple[str | None, str, str], tuple[int, int, float]]] = []
        for row, span in cands:
            covered = set(range(span[0], span[1] + 1))
            if covered & used:
                continue
            used |= covered
            kept.append((row, span))
        hits += [_hit(row, parts, span, tokens) for row, span in _merge(kept)]
        hits += [_hit(row, parts, (i, i, score), tokens, cut)
                 for row, i, score, cut in _run_together(parts, tokens, compact, used)]
    return hits


def _lookalike(row: tuple[str | None, str, str], parts: Sequence[Part], tokens: Sequence[Token],
               score: float) -> bool:
    """A near match of a label on words that are a value, not the label.

    Names are printed in capitals, and "NGUYỄN XUÂN" is one letter from "Nguyên quán"
    once the marks are folded away: a label printed in lower case never matches words
    all in capitals. A stop label (it only cuts values) must also be near with its marks
    ("Nguyễn Quang" in a street name is not "Nguyên quán" misread), and on capitals even
    an exact match of the folded letters must keep the marks: the given names "TRỌNG TÀI"
    are not the label "Trọng tải".
    """
    words = " ".join(tokens[p.token].text for p in parts)
    letters = "".join(c for c in words if c.isalpha())
    capitals = not row[1].isupper() and len(letters) > 1 and letters.isupper()
    if score >= 100.0:  # folded alike: a stop label on capitals must also keep its marks ("TRỌNG TÀI")
        return row[0] is None and capitals and words.lower() != row[1].lower()
    if capitals:
        return True
    return row[0] is None and fuzz.ratio(row[1].lower(), words.lower()) < STOP_WITH_MARKS


#: how near (0-100) a stop label's near match must be with its diacritics kept
STOP_WITH_MARKS = 80.0  # "Nguyen quan" (both marks lost) 81.8; "Nguyễn Quang" 78.3


def _compact_table(spec: DocTypeSpec, page_type: str | None) -> tuple[tuple[str | None, str, str], ...]:
    """(field, label, label without spaces) for the identifiers' labels of two or more words.

    The labels of other things that hold these words (``Số máy 2``, field None) are in too, so
    that they win where they are longer.
    """
    rows: list[tuple[str | None, str, str]] = []
    for f in spec.fields.values():
        if f.identifier:
            rows += [(f.name, lab, label_key(lab)) for lab in f.labels_for(page_type)]
            rows += [(None, lab, label_key(lab)) for lab in f.not_labels]
    return tuple((f, lab, key.replace(" ", "")) for f, lab, key in rows
                 if " " in key and len(key.replace(" ", "")) >= COMPACT)


def _run_together(parts: list[Part], tokens: Sequence[Token], table: tuple[tuple[str | None, str, str], ...],
                  used: set[int]) -> list[tuple[tuple[str | None, str, str], int, float, int]]:
    """Identifier labels whose words OCR ran into one word ("Sốmáy:", "SOmay", "5may"), maybe with the value.

    The word must begin with the label written without spaces, exactly or within one
    OCR slip (a ratio of 80); the longest such label wins. Returns (row, part, score,
    where the label ends in the token's text).
    """
    out = []
    for i, part in enumerate(parts):
        if i in used or len(part.key) < COMPACT - 1:
            continue
        best: tuple[float, int, tuple[str | None, str, str], int] | None = None
        for row in table:
            compact = row[2]
            for n in {len(compact) - 1, len(compact), len(compact) + 1}:
                if len(part.key) < n:
                    continue  # the word must hold the whole label ("bien" of "Biên Giới" is not "Biển số")
                score = 100.0 if part.key[:n] == compact else fuzz.ratio(part.key[:n], compact)
                if score >= 80 and (best is None or (score, len(compact)) > (best[0], best[1])):
                    best = (min(score, 99.0), len(compact), row, part.start + min(n, part.end - part.start))
        if best is not None:
            out.append((best[2], i, best[0], best[3]))
    return out


def _merge(kept: list[tuple[tuple[str | None, str, str], tuple[int, int, float]]]
           ) -> list[tuple[tuple[str | None, str, str], tuple[int, int, float]]]:
    """Join adjacent labels of one field ("Số khung (Chassis N°)", "Họ và tên / Full name")."""
    kept = sorted(kept, key=lambda k: k[1][0])
    out: list[tuple[tuple[str | None, str, str], tuple[int, int, float]]] = []
    for row, span in kept:
        if out and out[-1][0][0] == row[0] and row[0] is not None and out[-1][1][1] + 1 == span[0]:
            prev_row, prev = out[-1]
            out[-1] = ((row[0], f"{prev_row[1]} {row[1]}", f"{prev_row[2]} {row[2]}"),
                       (prev[0], span[1], min(prev[2], span[2])))
        else:
            out.append((row, span))
    return out


def _clean(text: str) -> str:
    """A word without leader runs and edge punctuation (a trailing comma is kept)."""
    return _LEADER_RUN.sub(" ", text).strip(_EDGE.replace(",", "") + " ")


def _height(hit: LabelHit, tokens: Sequence[Token]) -> int:
    hs = sorted(tokens[t].bbox.height for t in hit.tokens)
    return max(8, hs[len(hs) // 2])


def _cy(box: BBox) -> float:
    return (box.y0 + box.y1) / 2


def _rows(cands: list[Token], h: float) -> list[list[Token]]:
    """Group words into visual rows by their centres."""
    rows: list[list[Token]] = []
    for t in sorted(cands, key=lambda t: _cy(t.bbox)):
        if rows and abs(_cy(t.bbox) - _cy(rows[-1][-1].bbox)) <= 0.5 * h:
            rows[-1].append(t)
        else:
            rows.append([t])
    return rows


def _next_label_x(x: int, cy: float, hits: Sequence[LabelHit], h: int, default: int,
                  row: Sequence[Token] | None = None) -> int:
    """Left edge of the nearest label right of ``x`` on the row at ``cy``.

    Without ``row`` a label within one label height of ``cy`` counts. With ``row`` (the
    words Tesseract put on the label's line) a label that near counts only where no word
    of the row runs across its left edge: the next row of a card stands about one height
    below, and its labels do not end this row's value ("Ngày sinh / … 07/03/1965" over
    "Giới tính … Quốc tịch"), while a column of labels still does where this row's own
    label is too damaged to be found ("Nâu ung ích" beside "Dung tích" under "Số loại").
    """
    def counts(o: LabelHit) -> bool:
        dy = abs(_cy(o.bbox) - cy)
        if row is None or dy < ROW * h:
            return dy < h
        inside = h / 4
        return dy < h and not any(t.bbox.x0 + inside < o.bbox.x0 < t.bbox.x1 - inside for t in row)

    xs = [o.bbox.x0 for o in hits if o.bbox.x0 > x and counts(o)]
    return min(xs) if xs else default


def _free(t: Token, taken: set[int]) -> bool:
    return t.index not in taken and not _LEADER_ONLY.match(t.text)


def _right_words(hit: LabelHit, tokens: Sequence[Token], row: Sequence[Token], taken: set[int], h: int,
                 x_end: int) -> list[Token]:
    """The words right of the label up to ``x_end``: those Tesseract put on its line (``row``), else the
    nearest row of words within the label's band."""
    cy = _cy(hit.bbox)
    right = [t for t in tokens if _free(t, taken) and abs(_cy(t.bbox) - cy) <= BAND * h
             and hit.bbox.x1 - 2 <= (t.bbox.x0 + t.bbox.x1) / 2 < x_end]
    # words Tesseract put on the label's own line are the value (its lines follow a residual skew)
    same = [t for t in row if t.index not in taken and not _LEADER_ONLY.match(t.text)
            and t.bbox.x0 >= hit.bbox.x1 - 2 and t.bbox.x0 < x_end]
    if same:
        return same
    if not right:
        return []
    rows = _rows(right, h)
    return min(rows, key=lambda r: abs(sum(_cy(t.bbox) for t in r) / len(r) - cy))


def _below_words(hit: LabelHit, tokens: Sequence[Token], taken: set[int], h: int,
                 hits: Sequence[LabelHit]) -> list[Token]:
    box = hit.bbox
    below = [t for t in tokens if _free(t, taken) and box.y1 < _cy(t.bbox) <= box.y1 + BELOW * h
             and box.x0 - 2 * h <= t.bbox.x0 < box.x1 + 8 * h]
    if not below:
        return []
    row = sorted(_rows(below, h)[0], key=lambda t: t.bbox.x0)
    stop = _next_label_x(row[0].bbox.x0, _cy(row[0].bbox), hits, h, 10**9)
    return [t for t in row if t.bbox.x0 < stop]


def _after_gloss(words: list[Token]) -> list[Token]:
    """The value without the English half of a bilingual label that OCR damaged past matching.

    "Ngày sinh / Date of bịt: 05/10/1980" matches only "Ngày sinh"; the words from the
    "/" to the first one ending in ":" are the rest of the label, not the value, when
    they are words of letters ("/JÑ@O@NDA... Sðloại:" is a damaged value and the next label).
    """
    if not words or not words[0].text.startswith("/"):
        return words
    for i, t in enumerate(words[: GLOSS_WORDS + 1]):
        if t.text.endswith(":"):
            gloss = [w.text.strip("/:.,()") for w in words[: i + 1]]
            return words[i + 1 :] if all(g.isalpha() for g in gloss if g) else words
    return words


def _until_gap(words: list[Token], gap: float) -> list[Token]:
    """Words up to the first wide gap (the value ends where the leader dots run on alone)."""
    for i in range(1, len(words)):
        if words[i].bbox.x0 - words[i - 1].bbox.x1 > gap:
            return words[:i]
    return words


def _continuation(words: list[Token], hit: LabelHit, tokens: Sequence[Token], taken: set[int],
                  hits: Sequence[LabelHit], h: int, x_end: int) -> list[Token]:
    """Rows under a value that carry it on (a long address wrapped under its label), up to two."""
    out = list(words)
    for _ in range(2):
        last_cy = max(_cy(t.bbox) for t in out)
        left = min(t.bbox.x0 for t in out)
        nxt = [t for t in tokens if _free(t, taken) and t not in out and 0.7 * h < _cy(t.bbox) - last_cy <= 1.9 * h
               and hit.bbox.x0 - 4 * h <= t.bbox.x0 < x_end and t.bbox.x1 <= max(u.bbox.x1 for u in out) + 8 * h]
        if not nxt:
            break
        row = sorted(_rows(nxt, h)[0], key=lambda t: t.bbox.x0)
        row_cy = _cy(row[0].bbox)
        if any(abs(_cy(o.bbox) - row_cy) < 0.7 * h and o.bbox.x0 < row[-1].bbox.x1 for o in hits):
            break  # the next row is another field's
        if row[0].bbox.x0 > left + 6 * h:
            break
        out += row
    return out


def _union(words: Sequence[Token]) -> BBox:
    box = words[0].bbox
    for t in words[1:]:
        box = box.union(t.bbox)
    return box


def _pad(box: BBox, pad: int, page: Page) -> BBox:
    return BBox(x0=max(0, box.x0 - pad), y0=max(0, box.y0 - pad), x1=min(page.width, box.x1 + pad),
                y1=min(page.height, box.y1 + pad))


def _empty_region(hit: LabelHit, h: int, x_end: int, page: Page, below: bool) -> BBox:
    """Where a value missing from the page OCR would be: right of the label to the next one, or under it."""
    cy = _cy(hit.bbox)
    if below:
        y1 = min(page.height, int(hit.bbox.y1 + BELOW * h))
        return BBox(x0=max(0, hit.bbox.x0 - h), y0=min(page.height - 2, hit.bbox.y1 + h // 4),
                    x1=min(page.width, hit.bbox.x0 + 40 * h), y1=y1)
    x0 = min(page.width - 2, hit.bbox.x1 + h // 4)
    x1 = max(x0 + 1, min(x_end - h // 4, hit.bbox.x1 + 40 * h, page.width))
    return BBox(x0=x0, y0=max(0, int(cy - 0.9 * h)), x1=x1, y1=min(page.height, int(cy + 0.9 * h)))


def read_value(hit: LabelHit, field: FieldSpec, tokens: Sequence[Token], hits: Sequence[LabelHit],
               page: Page, *, below: bool = False) -> ValueRead:
    """The value beside one label: right on the same row, else (``below``) the row under it."""
    h = _height(hit, tokens)
    row = [t for t in tokens if t.line == hit.line]
    x_end = _next_label_x(hit.bbox.x1 - 2, _cy(hit.bbox), [o for o in hits if o is not hit], h, page.width, row)
    taken = {t for o in hits for t in o.tokens}
    words = right_words = _right_words(hit, tokens, row, taken, h, x_end)
    if not any(_PART.search(t.text) for t in words):
        words = right_words = []  # only punctuation beside the label
    if not words and not hit.rest and below:
        words = _below_words(hit, tokens, taken, h, hits)
    words = _until_gap(_after_gloss(sorted(words, key=lambda t: t.bbox.x0)), GAP * h)
    if field.multiline and words:
        words = _continuation(words, hit, tokens, taken, hits, h, x_end)
    words = words[: field.max_words]
    pieces = [_clean(p) for p in ([hit.rest] if hit.rest else []) + [t.text for t in words]]
    raw = " ".join(" ".join(p for p in pieces if p).split()).strip(_EDGE + " -")
    raw = re.sub(r"^\([^)]*\)\s*", "", raw)  # "(Chassis N0)" left of the value
    raw = re.sub(r"^[)\]}°º*]+\s*", "", raw)  # the end of a bilingual label
    bbox = _union(words) if words else None
    region = _pad(bbox, h // 3, page) if bbox else _empty_region(hit, h, x_end, page, below)
    confs = [t.confidence for t in words]
    conf = min(confs) if confs else (tokens[hit.tokens[-1]].confidence if hit.rest else 0.0)
    return ValueRead(field.name, raw, bbox, region, conf, hit, h, below and not right_words)


def _date_regex(parts: Sequence[str]) -> re.Pattern[str]:
    sep = r"[\s.:…,;_\-]*"
    value = r"([^\s.…,;_]+)"
    return re.compile(sep.join(f"{re.escape(label_key(p))}{sep}{value}" for p in parts))


def read_date_line(field: FieldSpec, tokens: Sequence[Token], hits: Sequence[LabelHit],
                   page: Page) -> ValueRead | None:
    """A date written on ``…, ngày … tháng … năm …``: the words after each of the three parts."""
    first = label_key(field.date_parts[0])
    pattern = _date_regex(field.date_parts)
    taken = {t for o in hits for t in o.tokens}
    for t in tokens:
        if t.index in taken or first not in label_key(t.text).split():
            continue
        h = max(8, t.bbox.height)
        row = sorted((u for u in tokens if abs(_cy(u.bbox) - _cy(t.bbox)) <= BAND * h
                      and t.bbox.x0 <= u.bbox.x0 < t.bbox.x0 + 30 * h and u.index not in taken),
                     key=lambda u: u.bbox.x0)
        m = pattern.search(fold(" ".join(u.text for u in row)))
        if m is None:
            continue
        raw = "/".join(m.groups())
        box = _union(row)
        label = " ".join(field.date_parts)
        hit = LabelHit(field.name, label, first, t.bbox, 100.0, t.line, 0, 0, (t.index,), "")
        conf = min(u.confidence for u in row)
        return ValueRead(field.name, raw, box, _pad(box, h // 3, page), conf, hit, h)
    return None


def read_fields(page: Page, spec: DocTypeSpec, page_type: str | None) -> dict[str, list[ValueRead]]:
    """For each field printed on the page type, every value found beside one of its labels."""
    tokens = page_tokens(page)
    hits = find_labels(tokens, spec, page_type)
    wanted = {f.name: f for f in spec.fields_on(page_type)}
    pt = spec.page_types.get(page_type or "")
    below = pt.values_below if pt else False
    out: dict[str, list[ValueRead]] = {}
    for hit in sorted(hits, key=lambda x: (x.bbox.y0, x.bbox.x0)):
        if hit.field in wanted:
            read = read_value(hit, wanted[hit.field], tokens, hits, page, below=below)
            out.setdefault(hit.field, []).append(read)
    for f in wanted.values():
        if f.date_parts and (got := read_date_line(f, tokens, hits, page)) is not None:
            out.setdefault(f.name, []).append(got)
    return out
