"""Campaign reports and the discrepancy list, through the API and the ``sohoa`` command."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from sqlalchemy import update
from sqlalchemy.orm import Session

from reconcile.importer import COLUMNS, load_rows
from reconcile.report import campaign, campaign_html, discrepancies, discrepancy_types
from reconcile.run import reconcile_all
from sohoa.cli import cli
from sohoa.settings import Settings
from storage.db import dispose_engine, migrate, session_factory
from storage.tables import DossierRow, FieldRow

from .conftest import store_records
from .world import World

HK = ("Phường Hoàn Kiếm", "Thành phố Hà Nội")
SG = ("Phường Sài Gòn", "Thành phố Hồ Chí Minh")


def _places(world: World) -> dict[str, tuple[str, str]]:
    return {c.dossier_id: (SG if i % 3 == 0 else HK) for i, c in enumerate(world.cases)}


def _expected(world: World, commune: str) -> dict[str, int]:
    places = _places(world)
    mine = [c for c in world.cases if places[c.dossier_id][0] == commune]
    out: dict[str, int] = {"dossiers": len(mine)}
    for source in ("registry", "population"):
        for verdict in ("match", "mismatch", "missing", "ambiguous"):
            out[f"{source}_{verdict}"] = sum(c.expect[source] == verdict for c in mine)
    out["ok"] = sum(c.expect["overall"] == "ok" for c in mine)
    return out


def _fill(session: Session, world: World) -> None:
    store_records(session, world.records, _places(world))
    store_records(session, {"d-rejected": {}}, {"d-rejected": HK}, status="rejected")
    load_rows(session, "registry", enumerate(world.registry_rows, start=2), "registry.csv")
    load_rows(session, "population", enumerate(world.population_rows, start=2), "population.csv")
    reconcile_all(session)


def test_campaign_counts_per_commune(session: Session, world: World) -> None:
    _fill(session, world)
    match_id = world.case("match").dossier_id
    session.execute(
        update(FieldRow)
        .where(FieldRow.dossier_id == match_id, FieldRow.name.in_(["brand", "color"]))
        .values(reviewed=True)
    )
    # an approved dossier is done whatever reconciliation said; an "ok" one with a field left to review is not
    session.execute(update(DossierRow).where(DossierRow.id == world.case("moved").dossier_id).values(status="approved"))
    session.execute(
        update(FieldRow)
        .where(FieldRow.dossier_id == world.case("old_address").dossier_id, FieldRow.name == "brand")
        .values(needs_review=True)
    )
    session.commit()
    rows = {r.unit: r for r in campaign(session)}
    assert set(rows) == {HK[0], SG[0]}
    places = _places(world)
    for commune in (HK[0], SG[0]):
        want, got = _expected(world, commune), rows[commune]
        assert got.dossiers == want["dossiers"]
        for key, n in want.items():
            if key.startswith(("registry_", "population_")):
                source, verdict = key.split("_", 1)
                assert got.verdicts[source][verdict] == n, (commune, key)
        assert got.reconciled == want["dossiers"]
        done = {
            c.dossier_id
            for c in world.cases
            if places[c.dossier_id][0] == commune
            and ((c.expect["overall"] == "ok" and None not in c.record.values()) or c.kind == "moved")
            and c.kind != "old_address"
        }  # unread fields (None) still need review
        assert got.done == len(done), commune
        assert got.share_done == pytest.approx(len(done) / want["dossiers"])
    assert rows[HK[0]].rejected == 1
    assert rows[places[match_id][0]].fields_reviewed == 2
    by_province = {r.unit: r for r in campaign(session, by="province")}
    assert set(by_province) == {HK[1], SG[1]}


def test_discrepancy_list_has_both_values(session: Session, world: World) -> None:
    _fill(session, world)
    listed = list(discrepancies(session))
    expected = {(c.dossier_id, f, r) for c in world.cases for f, r in c.reasons.items()}
    assert {(d.dossier_id, d.field, d.reason) for d in listed} >= expected
    for d in listed:
        assert d.paper and d.electronic and d.paper != d.electronic
    kinds = dict(discrepancy_types(session))
    assert kinds["chassis_number: possible misread"] == 1
    assert kinds["owner_address: moved: different commune"] == 1


def test_html_report_is_self_contained_with_charts(session: Session, world: World) -> None:
    _fill(session, world)
    page = campaign_html(campaign(session), discrepancy_types(session), "commune")
    assert page.count("<svg") == 2 and "<rect" in page
    assert "<script" not in page and "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "https://" not in page
    assert HK[0] in page and "owner_address: moved: different commune" in page


def _write(path: Path, kind: str, rows: list[dict[str, str | None]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(COLUMNS[kind])
        w.writerows([[r[c] or "" for c in COLUMNS[kind]] for r in rows])
    return path


def test_cli_import_reconcile_and_report(tmp_path: Path, world: World) -> None:
    data = tmp_path / "data"
    url = Settings(data_dir=data).sqlalchemy_url
    migrate(url)
    with session_factory(url)() as s:
        store_records(s, world.records, _places(world))
    runner = CliRunner()
    reg = _write(tmp_path / "registry.csv", "registry", world.registry_rows)
    bad = tmp_path / "population.csv"
    _write(bad, "population", world.population_rows)
    with bad.open("a", encoding="utf-8") as f:
        f.write("not-an-id,X,1990-01-01,Hà Nội\n")
    d = ["--data-dir", str(data)]
    r = runner.invoke(cli, ["electronic", "import", "registry", str(reg), *d])
    assert r.exit_code == 0, r.output
    r = runner.invoke(cli, ["electronic", "import", "population", str(bad), *d])
    assert r.exit_code == 1
    assert f"line {len(world.population_rows) + 2}: id_number is not 9 or 12 digits" in r.output
    r = runner.invoke(cli, ["electronic", "import", "population", *d])
    assert r.exit_code == 2  # neither FILE nor --url
    r = runner.invoke(cli, ["electronic", "reconcile", *d])
    assert r.exit_code == 0, r.output
    assert f"{len(world.cases)} records reconciled" in r.output
    r = runner.invoke(cli, ["report", "campaign", "--format", "csv", *d])
    assert r.exit_code == 0, r.output
    table = {row["unit"]: row for row in csv.DictReader(io.StringIO(r.output))}
    assert int(table[HK[0]]["dossiers"]) == _expected(world, HK[0])["dossiers"]
    assert int(table[SG[0]]["registry_match"]) == _expected(world, SG[0])["registry_match"]
    r = runner.invoke(cli, ["report", "campaign", "--format", "xlsx", *d])
    assert r.exit_code == 2  # xlsx needs -o
    out = tmp_path / "campaign.xlsx"
    r = runner.invoke(cli, ["report", "campaign", "--by", "province", "--format", "xlsx", "-o", str(out), *d])
    assert r.exit_code == 0, r.output
    sheet = load_workbook(out, read_only=True).worksheets[0]
    cells = list(sheet.iter_rows(values_only=True))
    assert cells[0][0] == "unit" and {c[0] for c in cells[1:]} == {HK[1], SG[1]}
    html_out = tmp_path / "campaign.html"
    r = runner.invoke(cli, ["report", "campaign", "--format", "html", "-o", str(html_out), *d])
    assert r.exit_code == 0 and "<svg" in html_out.read_text(encoding="utf-8")
    r = runner.invoke(cli, ["report", "discrepancies", "--format", "csv", *d])
    assert r.exit_code == 0, r.output
    listed = list(csv.DictReader(io.StringIO(r.output)))
    assert {"chassis_number", "owner_address", "owner_birth_date"} <= {row["field"] for row in listed}
    r = runner.invoke(cli, ["report", "discrepancies", *d])
    assert r.exit_code == 0 and "possible misread" in r.output
    dispose_engine(url)
