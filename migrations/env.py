"""Alembic environment: URL from the app's configuration, batch mode for SQLite, no empty revisions."""

from __future__ import annotations

import os
import warnings

from alembic import context
from sqlalchemy import Connection

from tracker.db import make_engine
from tracker.models import Base

config = context.config
target_metadata = Base.metadata


def database_url() -> str:
    """The URL given by tracker.migrate, else DATABASE_URL, else the default SQLite file."""
    url = config.get_main_option("sqlalchemy.url") or os.environ.get("DATABASE_URL")
    if url:
        return url
    from tracker.config import default_database_url
    from tracker.migrate import PROJECT_ROOT

    return default_database_url(str(PROJECT_ROOT / "instance"))


def skip_empty_autogenerate(context_, revision, directives) -> None:
    """Refuse to write a revision when autogenerate found no change."""
    if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
        directives[:] = []
        print("No schema change detected; no revision written.")


# Full-text search objects the models cannot describe (migration 0006): SQLite's FTS5 table `agreement_fts` with
# its shadow tables, and PostgreSQL's tsvector columns of `agreement_search` with their GIN index.
SEARCH_TABLE_PREFIX = "agreement_fts"
SEARCH_ONLY_IN_DATABASE = {
    ("column", "agreement_search.document"),
    ("column", "agreement_search.rank_document"),
    ("index", "agreement_search.ix_agreement_search_document"),
}


# Indexes on expressions (lower(title), the party page's start order): SQLAlchemy cannot reflect them from SQLite, so
# they are left out of the comparison on both engines; tests/data/test_migrations.py checks that the migrations create
# them as the models declare them on each engine.
EXPRESSION_INDEXES = {"ix_agreement_live_title", "ix_agreement_live_began", "ix_source_live_published"}
warnings.filterwarnings("ignore", message="Skipped unsupported reflection of expression-based index")
warnings.filterwarnings("ignore", message="autogenerate skipping metadata-specified expression-based index")


def include_object(object_, name, type_, reflected, compare_to) -> bool:
    """Leave the engine-specific full-text search objects and expression indexes out of `alembic check`."""
    if type_ == "table" and name.startswith(SEARCH_TABLE_PREFIX):
        return False
    if type_ == "index" and name in EXPRESSION_INDEXES:
        return False
    table = getattr(object_, "table", None)
    qualified = f"{table.name}.{name}" if table is not None else name
    return not (reflected and compare_to is None and (type_, qualified) in SEARCH_ONLY_IN_DATABASE)


def configure(connection: Connection | None = None, url: str | None = None) -> None:
    """Shared context options for online and offline runs."""
    is_sqlite = (url or str(connection.engine.url)).startswith("sqlite")
    context.configure(
        connection=connection,
        url=url,
        target_metadata=target_metadata,
        render_as_batch=is_sqlite,
        compare_type=True,
        process_revision_directives=skip_empty_autogenerate,
        include_object=include_object,
        literal_binds=connection is None,
    )


def run_migrations_offline() -> None:
    """Emit SQL to stdout instead of running it."""
    configure(url=database_url())
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Run migrations in one transaction on a live connection."""
    connection = config.attributes.get("connection")
    if connection is not None:
        configure(connection=connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = make_engine(database_url())
    with engine.connect() as connection:
        configure(connection=connection)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
