"""An export of the whole database imports into an empty one with no hand work, and exports back identical."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from openpyxl import load_workbook
from sqlalchemy import select

from tests.conftest import reset_database
from tracker.models import Sector


def run(app: Flask, *args: str) -> str:
    """Invoke a CLI command of the app, which must succeed; its output."""
    result = app.test_cli_runner().invoke(args=list(args))
    assert result.exit_code == 0, result.output
    return result.output


def contents(path: Path) -> object:
    """What a file says: its bytes, or for a workbook the values of every sheet (a zip's dates differ)."""
    if path.suffix != ".xlsx":
        return path.read_bytes()
    workbook = load_workbook(path, read_only=True)
    return {sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)] for sheet in workbook.worksheets}


@pytest.fixture
def whole_database(app: Flask, make_sector) -> None:
    """Synthetic agreements, filed under sectors a fresh database lacks (the synthetic ones and an admin's own)."""
    run(app, "seed-synthetic", "--agreements", "80", "--seed", "5")
    make_sector(name="Nickel downstreaming", slug="nickel-downstreaming")
    run(app, "load-demo")


@pytest.mark.parametrize("file_format", ["csv", "json", "xlsx"])
def test_an_export_imports_into_an_empty_database_and_exports_back_identical(
    app: Flask, whole_database, engine, seed_rows, session, tmp_path: Path, file_format: str
) -> None:
    first, second = tmp_path / f"first.{file_format}", tmp_path / f"second.{file_format}"
    run(app, "export", str(first))
    reset_database(engine, seed_rows)  # what `flask upgrade-db` makes of a new database
    refused = app.test_cli_runner().invoke(args=["import", str(first)])
    assert "--create-sectors" in refused.output  # the dry run names what is missing, and the way out
    imported = run(app, "import", str(first), "--commit", "--create-sectors")
    assert "Added" in imported and "sectors to the sector list" in imported
    run(app, "export", str(second))
    assert contents(second) == contents(first)
    names = dict(session.execute(select(Sector.slug, Sector.name)).all())
    assert names["steel-and-metals"] == "Steel and metals"  # a slug in the file makes a sector that reads as one


def test_exported_sectors_are_in_slug_order_whatever_their_names(
    app: Flask, make_sector, make_agreement, get_sector, session, tmp_path: Path
) -> None:
    # A sector renamed in Indonesian keeps its slug: "Smelter nikel" (nickel) sorts after "Renewable energy" by name.
    nickel = make_sector(name="Smelter nikel", slug="nickel")
    make_agreement(title="MoU on nickel and solar", sectors=[get_sector("renewable-energy"), nickel])
    session.commit()
    exported = tmp_path / "agreements.json"
    run(app, "export", str(exported))
    assert '"nickel",\n      "renewable-energy"' in exported.read_text(encoding="utf-8")
