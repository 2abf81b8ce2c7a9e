"""Commands on a database whose schema is not the code's say what to do instead of failing on a missing column."""

from __future__ import annotations

from tracker import create_app, migrate


def test_commands_ask_for_the_upgrade_until_the_schema_is_the_codes(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    app = create_app({"DATABASE_URL": url, "TESTING": True, "SECRET_KEY": "test"})
    runner = app.test_cli_runner()
    out = tmp_path / "agreements.csv"
    empty = runner.invoke(args=["export", str(out)])
    assert empty.exit_code == 1 and "none (an empty database)" in empty.output and "upgrade-db" in empty.output
    migrate.upgrade(url, "0016")
    sheet = tmp_path / "sheet.csv"
    sheet.write_text("Judul,Tempat penandatanganan\nMoU kendaraan listrik,Jakarta\n")
    behind = runner.invoke(args=["import", str(sheet)])
    assert behind.exit_code == 1 and "revision 0016" in behind.output and "Traceback" not in behind.output
    assert not out.exists()
    assert runner.invoke(args=["upgrade-db"]).exit_code == 0
    assert runner.invoke(args=["export", str(out)]).exit_code == 0 and "Title," in out.read_text()
    app.extensions["tracker.engine"].dispose()
