"""Importing electronic rows: CSV with malformed lines, mapping files, XLSX, a SQL source, re-imports."""

from __future__ import annotations

import csv
import datetime as dt
import json
import sqlite3
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from reconcile.importer import COLUMNS, import_file, import_sql, load_mapping, load_rows
from reconcile.tables import ElectronicImport, PopulationRow, RegistryRow
from sohoa.errors import InputRejected, StorageError

from .world import World

POP_HEADER = ",".join(COLUMNS["population"])


def _write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)
    return path


def test_malformed_csv_rows_are_reported_by_line_and_skipped(session: Session, tmp_path: Path) -> None:
    text = (
        "\n".join(
            [
                POP_HEADER,  # line 1
                '001090000001,NGUYỄN VĂN AN,1990-05-12,"12 Hàng Bạc, Phường Hoàn Kiếm, Hà Nội"',  # 2 ok
                "001090000002,TRẦN THỊ BÌNH,12/05/1990,Hà Nội",  # 3 ok (dd/mm/yyyy)
                "001090000003,LÊ VĂN C,1990-05-12",  # 4 three columns
                "00109000000X,PHẠM VĂN D,1990-05-12,Hà Nội",  # 5 letter in the ID
                "001090000005,HOÀNG E,1990-13-40,Hà Nội",  # 6 impossible date
                ",VŨ F,1990-01-01,Hà Nội",  # 7 no ID
                "",  # 8 blank: ignored
                '"001090000006","ĐỖ\nG",1991-01-01,Hà Nội',  # 9-10 quoted newline: ok
                "12345,BÙI H,1990-01-01,Hà Nội",  # 11 five digits
            ]
        )
        + "\n"
    )
    path = tmp_path / "population.csv"
    path.write_text(text, encoding="utf-8")
    report = import_file(session, "population", path)
    assert report.errors == [
        (4, "expected 4 columns, found 3"),
        (5, "id_number is not 9 or 12 digits"),
        (6, "birth_date is not a date"),
        (7, "id_number is empty"),
        (11, "id_number is not 9 or 12 digits"),
    ]
    assert (report.rows_read, report.rows_loaded) == (8, 3)
    stored = {r.id_number: r for r in session.scalars(select(PopulationRow))}
    assert set(stored) == {"001090000001", "001090000002", "001090000006"}
    assert stored["001090000002"].birth_date == "1990-05-12"
    assert stored["001090000006"].full_name == "ĐỖ G"  # whitespace folded, letters untouched
    log = session.scalars(select(ElectronicImport)).one()
    assert (log.rows_read, log.rows_loaded, log.rows_rejected) == (8, 3, 5)
    assert json.loads(log.errors_json)[0] == [4, "expected 4 columns, found 3"]
    assert "NGUYỄN" not in log.errors_json  # the log names lines and reasons, never values


def test_invalid_utf8_and_bad_identifiers_are_rejected_not_fixed(session: Session, tmp_path: Path) -> None:
    header = ",".join(COLUMNS["registry"]).encode()
    good = "29-B1 123.45,RLHJC5210KY123456,JC52E-1234567,AN,001090000001,HONDA,WAVE,Đỏ,Hà Nội".encode()
    bad_bytes = b"29-B1 123.46,RLHJC5210KY123457,JC52E-1234568,\xff\xfe,001090000001,HONDA,WAVE,Do,HN"
    bad_chars = "29-B1 123.47,RLHJC5210KY1234?8,JC52E-1234569,AN,,HONDA,WAVE,Đỏ,Hà Nội".encode()
    no_keys = ",,,AN,,HONDA,WAVE,Đỏ,Hà Nội".encode()
    path = tmp_path / "registry.csv"
    path.write_bytes(b"\n".join([header, good, bad_bytes, bad_chars, no_keys]) + b"\n")
    report = import_file(session, "registry", path)
    assert report.errors == [
        (3, "not valid UTF-8"),
        (4, "chassis_number has characters other than letters, digits, space, '.', '-', '/'"),
        (5, "no plate, chassis or engine number"),
    ]
    row = session.scalars(select(RegistryRow)).one()
    assert (row.chassis_key, row.engine_key, row.plate_key) == (
        "RLHJC5210KY123456",
        "JC52E1234567",
        "29B112345",
    )
    assert row.chassis_tail == "KY123456"
    assert row.chassis_number == "RLHJC5210KY123456" and row.plate_number == "29-B1 123.45"


def test_reimport_replaces_rows_by_key(session: Session, tmp_path: Path, world: World) -> None:
    header = list(COLUMNS["registry"])
    rows = [[r[c] or "" for c in header] for r in world.registry_rows]
    import_file(session, "registry", _write_csv(tmp_path / "a.csv", header, rows))
    first = session.scalar(select(func.count()).select_from(RegistryRow))
    assert first == len(rows)
    rows[0][header.index("owner_name")] = "CHỦ MỚI"
    import_file(session, "registry", _write_csv(tmp_path / "b.csv", header, rows))
    assert session.scalar(select(func.count()).select_from(RegistryRow)) == first
    names = set(session.scalars(select(RegistryRow.owner_name)))
    assert "CHỦ MỚI" in names and world.registry_rows[0]["owner_name"] not in names


def test_mapping_file_renames_headers_and_unknown_headers_are_refused(session: Session, tmp_path: Path) -> None:
    mapping = tmp_path / "map.json"
    mapping.write_text(
        json.dumps(
            {
                "Số định danh": "id_number",
                "Họ và tên": "full_name",
                "Ngày sinh": "birth_date",
                "Nơi thường trú": "address",
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    path = _write_csv(
        tmp_path / "dan_cu.csv",
        ["Số định danh", "Họ và tên", "Ngày sinh", "Nơi thường trú", "Ghi chú"],
        [["038190000123", "LÊ THỊ HÀ", "01.02.1990", "Thanh Hóa", "x"]],
    )
    report = import_file(session, "population", path, load_mapping(mapping))
    assert report.rows_loaded == 1 and not report.errors
    row = session.get(PopulationRow, "038190000123")
    assert row is not None and row.birth_date == "1990-02-01" and row.full_name == "LÊ THỊ HÀ"
    with pytest.raises(InputRejected, match="header names none of id_number"):
        import_file(session, "population", path)


def test_xlsx_input_streams_rows_and_rejects_numbers_that_lost_their_zeros(
    session: Session, tmp_path: Path, world: World
) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(list(COLUMNS["population"]))
    for r in world.population_rows:
        ws.append([r[c] for c in COLUMNS["population"]])

    ws.append(["079085000001", "TRẦN VĂN DATE", dt.datetime(1985, 3, 4), "TP Hồ Chí Minh"])  # a date cell
    ws.append([1090000777, "ZERO LOST", "1990-01-01", "Hà Nội"])  # a numeric cell: the leading 00 is gone
    path = tmp_path / "population.xlsx"
    wb.save(path)
    report = import_file(session, "population", path)
    n = len(world.population_rows)
    assert report.rows_loaded == n + 1
    assert report.errors == [(n + 3, "id_number is not 9 or 12 digits")]
    assert session.get(PopulationRow, "079085000001").birth_date == "1985-03-04"  # type: ignore[union-attr]


def test_sql_source_is_read_from_another_database(session: Session, tmp_path: Path, world: World) -> None:
    other = tmp_path / "national.db"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE xe (bien_so TEXT, so_khung TEXT, so_may TEXT, chu_xe TEXT, dinh_danh TEXT)")
    con.executemany(
        "INSERT INTO xe VALUES (?,?,?,?,?)",
        [
            (
                r["plate_number"],
                r["chassis_number"],
                r["engine_number"],
                r["owner_name"],
                r["owner_id_number"],
            )
            for r in world.registry_rows
        ]
        + [(None, None, None, "NO KEYS", None)],
    )
    con.commit()
    con.close()
    mapping = {
        "bien_so": "plate_number",
        "so_khung": "chassis_number",
        "so_may": "engine_number",
        "chu_xe": "owner_name",
        "dinh_danh": "owner_id_number",
    }
    report = import_sql(session, "registry", f"sqlite:///{other}", "xe", mapping, batch=3)
    assert report.rows_loaded == len(world.registry_rows)
    assert report.errors == [(len(world.registry_rows) + 1, "no plate, chassis or engine number")]
    stored = {r.chassis_number for r in session.scalars(select(RegistryRow))}
    assert stored == {r["chassis_number"] for r in world.registry_rows}
    with pytest.raises(InputRejected, match="cannot read table nope"):
        import_sql(session, "registry", f"sqlite:///{other}", "nope")


def test_excel_style_semicolon_csv_with_bom(session: Session, tmp_path: Path) -> None:
    path = tmp_path / "dan_cu.csv"
    rows = [
        "id_number;full_name;birth_date;address",
        "001090000001;NGUYỄN VĂN AN;12/05/1990;Phường Hoàn Kiếm, Hà Nội",
    ]
    path.write_bytes("\r\n".join(rows).encode("utf-8-sig") + b"\r\n")
    report = import_file(session, "population", path)
    assert (report.rows_loaded, report.errors) == (1, [])
    row = session.get(PopulationRow, "001090000001")
    assert row is not None and row.address == "Phường Hoàn Kiếm, Hà Nội" and row.birth_date == "1990-05-12"


def test_a_failed_batch_write_is_rolled_back_whole_and_earlier_batches_stay(session: Session) -> None:
    session.execute(
        text(
            "CREATE TRIGGER refuse BEFORE INSERT ON population_rows WHEN NEW.full_name = 'REFUSED' "
            "BEGIN SELECT RAISE(ABORT, 'refused by the database'); END"
        )
    )
    session.commit()
    rows = [
        {
            "id_number": f"00109000000{i}",
            "full_name": "REFUSED" if i == 3 else f"P{i}",
            "birth_date": "1990-01-01",
            "address": "Hà Nội",
        }
        for i in range(1, 5)
    ]
    with pytest.raises(StorageError, match="earlier batches are kept"):
        load_rows(session, "population", enumerate(rows, start=2), "p.csv", batch=2)
    stored = set(session.scalars(select(PopulationRow.id_number)))
    assert stored == {"001090000001", "001090000002"}  # batch 1 committed, batch 2 (rows 3-4) not at all


def test_replace_all_applies_a_snapshot_unless_rows_were_malformed(session: Session) -> None:
    def person(i: int, name: str = "P") -> dict[str, str]:
        return {
            "id_number": f"00109000000{i}",
            "full_name": f"{name}{i}",
            "birth_date": "1990-01-01",
            "address": "Hà Nội",
        }

    load_rows(session, "population", enumerate([person(1), person(2), person(3)], start=2), "old.csv")
    bad = [person(1, "Q"), {"id_number": "12", "full_name": "X", "birth_date": "", "address": ""}]
    report = load_rows(session, "population", enumerate(bad, start=2), "bad.csv", replace_all=True)
    assert report.rows_dropped == 0
    assert len(set(session.scalars(select(PopulationRow.id_number)))) == 3  # nothing lost to a bad snapshot
    report = load_rows(
        session, "population", enumerate([person(1, "Q"), person(3)], start=2), "new.csv", replace_all=True
    )
    assert report.rows_dropped == 1
    stored = {r.id_number: r.full_name for r in session.scalars(select(PopulationRow))}
    assert stored == {"001090000001": "Q1", "001090000003": "P3"}
