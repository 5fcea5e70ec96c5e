"""Campaign reports: per commune (or province), how far digitization and reconciliation have come.

Counts are computed in SQL (grouped by unit), so a report over millions of records costs a few
aggregate queries. Formats: a plain text table, CSV, XLSX and a self-contained HTML page with
inline SVG bar charts (no script, no external resource) for readers who will not read a table.
"""

from __future__ import annotations

import csv
import html
import io
import json
import logging
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from openpyxl import Workbook
from sqlalchemy import and_, case, exists, func, literal, or_, select
from sqlalchemy.orm import Session

from reconcile.compare import SOURCES
from reconcile.tables import Reconciliation, ReconciliationResult
from storage.tables import Base

log = logging.getLogger(__name__)

UNKNOWN = "(chưa rõ / unknown)"
VERDICTS = ("match", "mismatch", "missing", "ambiguous")
DONE_STATUSES = ("approved", "published")
COLUMNS = (
    "unit",
    "dossiers",
    "rejected",
    "fields_reviewed",
    *(f"{s}_{v}" for s in SOURCES for v in VERDICTS),
    "not_reconciled",
    "done",
    "share_done",
)


@dataclass
class CampaignRow:
    """The figures of one commune or province."""

    unit: str
    dossiers: int = 0
    rejected: int = 0
    fields_reviewed: int = 0
    verdicts: dict[str, Counter[str]] = field(default_factory=lambda: {s: Counter() for s in SOURCES})
    reconciled: int = 0
    done: int = 0

    @property
    def share_done(self) -> float:
        """Share of digitized dossiers done: approved, or reconciled "ok" with no field left to review."""
        return self.done / self.dossiers if self.dossiers else 0.0

    def values(self) -> list[Any]:
        return [
            self.unit,
            self.dossiers,
            self.rejected,
            self.fields_reviewed,
            *(self.verdicts[s][v] for s in SOURCES for v in VERDICTS),
            max(self.dossiers - self.reconciled, 0),
            self.done,
            round(self.share_done, 4),
        ]


def _tables() -> tuple[Any, Any]:
    return Base.metadata.tables["dossiers"], Base.metadata.tables["fields"]


def campaign(session: Session, by: str = "commune") -> list[CampaignRow]:
    """The campaign figures per ``by`` ("commune" or "province"), worst share done first."""
    dossiers, fields = _tables()
    unit = func.coalesce(dossiers.c[by], literal(UNKNOWN)).label("unit")
    rows: dict[str, CampaignRow] = defaultdict(lambda: CampaignRow(""))

    def row(name: str) -> CampaignRow:
        r = rows[name]
        r.unit = name
        return r

    live = dossiers.c.status != "rejected"
    for name, n, rejected in session.execute(
        select(unit, func.sum(case((live, 1), else_=0)), func.sum(case((live, 0), else_=1))).group_by(unit)
    ):
        row(name).dossiers, row(name).rejected = int(n or 0), int(rejected or 0)
    for name, n in session.execute(
        select(unit, func.count())
        .select_from(fields)
        .join(dossiers, dossiers.c.id == fields.c.dossier_id)
        .where(fields.c.reviewed.is_(True))
        .group_by(unit)
    ):
        row(name).fields_reviewed = int(n)
    res = ReconciliationResult.__table__
    for name, source, verdict, n in session.execute(
        select(unit, res.c.source, res.c.verdict, func.count())
        .join(dossiers, dossiers.c.id == res.c.dossier_id)
        .where(live)
        .group_by(unit, res.c.source, res.c.verdict)
    ):
        row(name).verdicts[source][verdict] = int(n)
    rec = Reconciliation.__table__
    for name, reconciled, done in session.execute(_done_query(unit, dossiers, fields, rec)):
        row(name).reconciled, row(name).done = int(reconciled or 0), int(done or 0)
    return sorted(rows.values(), key=lambda r: (r.share_done, r.unit))


def _done_query(unit: Any, dossiers: Any, fields: Any, rec: Any) -> Any:
    pending_review = exists().where(
        and_(
            fields.c.dossier_id == dossiers.c.id,
            fields.c.needs_review.is_(True),
            fields.c.reviewed.is_(False),
        )
    )
    done = or_(dossiers.c.status.in_(DONE_STATUSES), and_(rec.c.overall == "ok", ~pending_review))
    return (
        select(unit, func.count(rec.c.dossier_id), func.sum(case((done, 1), else_=0)))
        .select_from(dossiers)
        .outerjoin(rec, rec.c.dossier_id == dossiers.c.id)
        .where(dossiers.c.status != "rejected")
        .group_by(unit)
    )


@dataclass(frozen=True)
class Discrepancy:
    """One differing field of one dossier against one source."""

    dossier_id: str
    source_file: str
    commune: str
    source: str
    field: str
    paper: str
    electronic: str
    reason: str


DISCREPANCY_COLUMNS = (
    "dossier_id",
    "source_file",
    "commune",
    "source",
    "field",
    "paper",
    "electronic",
    "reason",
)


def discrepancies(session: Session, batch: int = 5000) -> Iterator[Discrepancy]:
    """Every mismatching field, streamed in dossier order (for the verification work)."""
    dossiers, _ = _tables()
    res = ReconciliationResult.__table__
    stmt = (
        select(res.c.dossier_id, dossiers.c.source, dossiers.c.commune, res.c.source, res.c.differences_json)
        .join(dossiers, dossiers.c.id == res.c.dossier_id)
        .where(res.c.verdict == "mismatch")
        .order_by(res.c.dossier_id, res.c.source)
        .execution_options(yield_per=batch)
    )
    for dossier_id, source_file, commune, source, diffs in session.execute(stmt):
        for d in json.loads(diffs):
            yield Discrepancy(
                dossier_id,
                source_file,
                commune or UNKNOWN,
                source,
                d["field"],
                d["paper"],
                d["electronic"],
                d["reason"],
            )


def discrepancy_types(session: Session, top: int = 10) -> list[tuple[str, int]]:
    """The most frequent kinds of discrepancy ("field: reason"), most frequent first."""
    counts: Counter[str] = Counter(f"{d.field}: {d.reason}" for d in discrepancies(session))
    return counts.most_common(top)


# ---------------------------------------------------------------- writers


def write_table(rows: Sequence[Sequence[Any]], header: Sequence[str], out: TextIO) -> None:
    """A plain text table with aligned columns."""
    cells = [[str(h) for h in header]] + [[_fmt(v) for v in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    for i, r in enumerate(cells):
        out.write(
            "  ".join(c.ljust(w) if j == 0 else c.rjust(w) for j, (c, w) in enumerate(zip(r, widths, strict=True)))
        )
        out.write("\n")
        if i == 0:
            out.write("  ".join("-" * w for w in widths) + "\n")


def _fmt(value: Any) -> str:
    return f"{value:.1%}" if isinstance(value, float) else str(value)


def write_csv(rows: Sequence[Sequence[Any]] | Iterator[Sequence[Any]], header: Sequence[str], out: TextIO) -> None:
    """CSV with a header line."""
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)


def write_xlsx(
    rows: Sequence[Sequence[Any]] | Iterator[Sequence[Any]], header: Sequence[str], path: Path, title: str
) -> None:
    """An XLSX workbook written in streaming (write-only) mode."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title[:31])
    ws.append(list(header))
    for r in rows:
        ws.append(list(r))
    wb.save(path)


def campaign_html(rows: Sequence[CampaignRow], worst: Sequence[tuple[str, int]], by: str) -> str:
    """A self-contained HTML page: a bar per commune and source, the worst discrepancy types, the table."""
    total = CampaignRow("Tổng / total")
    for r in rows:
        total.dossiers += r.dossiers
        total.done += r.done
    parts = [
        '<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">',
        "<title>Báo cáo chiến dịch số hóa / campaign report</title><style>",
        "body{font-family:sans-serif;margin:1.5em;color:#222}h1{font-size:1.4em}td,th{padding:.2em .6em}"
        "table{border-collapse:collapse}tr:nth-child(even){background:#f4f4f4}th{text-align:left}"
        ".legend span{display:inline-block;margin-right:1em}.sw{display:inline-block;width:.9em;height:.9em;"
        "margin-right:.3em;vertical-align:middle}</style></head><body>",
        f"<h1>Báo cáo chiến dịch số hóa hồ sơ đăng ký xe — theo {html.escape(UNIT_LABELS.get(by, by))}</h1>",
        f"<p><b>{total.dossiers}</b> hồ sơ đã số hóa (dossiers digitized); <b>{total.share_done:.1%}</b> "
        "hoàn thành (done).</p>",
        _legend(),
        _bars_svg(rows),
        "<h2>Sai lệch thường gặp nhất / worst discrepancy types</h2>",
        _worst_svg(worst),
        "<h2>Bảng số liệu / figures</h2>",
        _html_table(rows),
        "</body></html>",
    ]
    return "\n".join(parts)


#: Vietnamese labels for the HTML page (field labels as in shared/fields.md)
FIELD_LABELS = {
    "plate_number": "Biển số",
    "chassis_number": "Số khung",
    "engine_number": "Số máy",
    "owner_name": "Tên chủ xe",
    "owner_id_number": "Số định danh",
    "owner_birth_date": "Ngày sinh",
    "owner_address": "Địa chỉ",
    "brand": "Nhãn hiệu",
    "model": "Số loại",
    "color": "Màu sơn",
}
REASON_LABELS = {
    "possible misread": "có thể đọc nhầm",
    "different value": "khác",
    "different name": "khác tên",
    "different date": "khác ngày",
    "moved: different commune": "chuyển đi: khác xã/phường",
    "moved: different province": "chuyển đi: khác tỉnh",
    "different street or house number": "khác số nhà / đường",
}
UNIT_LABELS = {"commune": "xã/phường (commune)", "province": "tỉnh/thành phố (province)"}


def _kind_label(kind: str) -> str:
    """``"chassis_number: possible misread"`` -> ``"Số khung: có thể đọc nhầm (chassis_number: ...)"``."""
    name, _, reason = kind.partition(": ")
    return f"{FIELD_LABELS.get(name, name)}: {REASON_LABELS.get(reason, reason)} ({kind})"


_COLORS = {"match": "#2e7d32", "mismatch": "#c62828", "missing": "#9e9e9e", "ambiguous": "#f9a825"}
_LABELS = {
    "match": "khớp / matched",
    "mismatch": "sai lệch / mismatched",
    "missing": "không có / missing",
    "ambiguous": "trùng / duplicate",
}


def _legend() -> str:
    items = "".join(
        f'<span><i class="sw" style="background:{c}"></i>{html.escape(_LABELS[v])}</span>' for v, c in _COLORS.items()
    )
    sources = (
        "<span>đăng ký = cơ sở dữ liệu đăng ký xe (registry); dân cư = CSDL quốc gia về dân cư "
        "(population); % = hoàn thành (done)</span>"
    )
    return f'<p class="legend">{items}<br>{sources}</p>'


def _bars_svg(rows: Sequence[CampaignRow]) -> str:
    label_w, bar_w, line_h = 260, 520, 18
    height = len(rows) * (2 * line_h + 14) + 10
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{label_w + bar_w + 90}" height="{height}" '
        'role="img" aria-label="matched, mismatched and missing per commune">'
    ]
    y = 5
    for r in rows:
        out.append(f'<text x="0" y="{y + line_h}" font-size="13">{html.escape(r.unit)}</text>')
        for i, source in enumerate(SOURCES):
            yy = y + i * line_h
            x = float(label_w)
            n = max(r.dossiers, 1)
            for verdict in VERDICTS:
                w = bar_w * r.verdicts[source][verdict] / n
                if w > 0:
                    out.append(
                        f'<rect x="{x:.1f}" y="{yy}" width="{w:.1f}" height="{line_h - 3}" '
                        f'fill="{_COLORS[verdict]}"><title>{source} {verdict}: '
                        f"{r.verdicts[source][verdict]}</title></rect>"
                    )
                x += w
            out.append(
                f'<text x="{label_w - 4}" y="{yy + line_h - 5}" font-size="10" text-anchor="end">'
                f"{'đăng ký' if source == 'registry' else 'dân cư'}</text>"
            )
        out.append(f'<text x="{label_w + bar_w + 6}" y="{y + line_h + 4}" font-size="13">{r.share_done:.0%}</text>')
        y += 2 * line_h + 14
    out.append("</svg>")
    return "".join(out)


def _worst_svg(worst: Sequence[tuple[str, int]]) -> str:
    if not worst:
        return "<p>Không có sai lệch / no discrepancies.</p>"
    top = max(n for _, n in worst)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="960" height="{len(worst) * 22 + 6}" role="img" '
        'aria-label="worst discrepancy types">'
    ]
    for i, (kind, n) in enumerate(worst):
        y = 3 + i * 22
        out.append(
            f'<text x="0" y="{y + 14}" font-size="13">{html.escape(_kind_label(kind))}</text>'
            f'<rect x="500" y="{y}" width="{380 * n / top:.1f}" height="17" fill="#c62828"/>'
            f'<text x="{506 + 380 * n / top:.1f}" y="{y + 14}" font-size="12">{n}</text>'
        )
    out.append("</svg>")
    return "".join(out)


def _html_table(rows: Sequence[CampaignRow]) -> str:
    buf = io.StringIO()
    buf.write("<table><tr>" + "".join(f"<th>{html.escape(c)}</th>" for c in COLUMNS) + "</tr>")
    for r in rows:
        buf.write("<tr>" + "".join(f"<td>{html.escape(_fmt(v))}</td>" for v in r.values()) + "</tr>")
    buf.write("</table>")
    return buf.getvalue()
