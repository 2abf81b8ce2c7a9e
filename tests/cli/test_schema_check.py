"""Commands on a database whose schema is not the code's say what to do instead of failing on a missing column."""

from __future__ import annotations

from tracker import create_app, migrate
from tracker.cli import ON_RECORDS


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


def test_the_check_wraps_each_command_once_however_many_apps_are_made():
    def depth(callback) -> int:
        return 1 + depth(callback.__wrapped__) if hasattr(callback, "__wrapped__") else 0

    before = [depth(command.callback) for command in ON_RECORDS]
    for _ in range(3):
        create_app({"DATABASE_URL": "sqlite://", "TESTING": True, "SECRET_KEY": "test"})
    assert [depth(command.callback) for command in ON_RECORDS] == before


def test_the_head_read_from_the_files_is_alembics():
    """The check's head revision, read without importing Alembic, is the one Alembic finds."""
    assert migrate.head_revision() == migrate.alembic_head() != ""


def test_the_databases_revision_is_alembics(tmp_path):
    """None before any migration; then the revision Alembic wrote, on either side of the head."""
    from alembic.runtime.migration import MigrationContext
    from sqlalchemy import create_engine

    url = f"sqlite:///{tmp_path / 'check.db'}"
    engine = create_engine(url)
    assert migrate.revisions(engine) == (None, migrate.head_revision())
    for revision in ("0016", "head"):
        migrate.upgrade(url, revision)
        with engine.connect() as connection:
            stored = MigrationContext.configure(connection).get_current_revision()
        assert migrate.revisions(engine) == (stored, migrate.head_revision())
    assert stored == migrate.head_revision()
    engine.dispose()
