"""Issue 15's checks, search and indexes: the entry into force and the implementation's as-of date are stored whole
(date and precision together, as the other partial dates); the document number and the ratifying instrument are
found by the free-text search; indexes for the expiring count, the dashboard's implemented agreements and the
agreement list's decision date filter.

- CHECK constraints `ck_agreement_in_force_complete` and `ck_agreement_implementation_as_of_complete`. A row with
  half a date (never written by the app) is made whole first: a day without its precision keeps the day, read as
  exact; a precision without a day is dropped. PostgreSQL adds the constraints; SQLite cannot add a constraint to a
  table, so they are written into its stored statement in place (as 0014 changes one), never by batch mode's copy
  of `agreement`, which would cascade to its links and lose its search triggers. The rows already satisfy them.
- Search: the title part of each agreement's document also holds its document number and ratifying instrument
  when recorded ("B-123/M-IND/KS/IX/2019", "Keppres No. 37 Tahun 1993": they name the agreement as its titles do),
  so an agreement without them keeps its text. The stored trigger (SQLite) and trigger function (PostgreSQL) that
  write the title part are edited where they write it, the update trigger also fires on the two columns, and the
  documents of agreements that record either are rewritten (the index follows through the triggers of 0006/0012).
- `ix_agreement_status_end_on` gains INCLUDE (id) on PostgreSQL: the expiring count checks each term-less
  agreement of its range against agreement_term, which needs the id, so without it every match's row was read.
  SQLite keeps the rowid in every index already.
- `ix_agreement_implementation` (implementation, archived_at; INCLUDE (id) on PostgreSQL): the dashboard's
  implemented agreements per partner country start from the implemented live agreements, read from it alone.
- `ix_agreement_term_decision_on` (decision_on, end_on, agreement_id): the agreement list's decision date filter
  reads the agreements with a term deciding within its range, and the expiring count those with a term deciding by
  the window's end that has not ended before its start (ix_agreement_term_end_on leads with the end: from the
  reference day on, it holds every term written out to 2100).

The SQL is frozen with this revision; tracker/search.py repeats the title expression to check and rebuild.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07 09:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0021"
down_revision: str | Sequence[str] | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Partial dates without a completeness check before this revision: (constraint name, date column).
DATES = (("in_force_complete", "in_force"), ("implementation_as_of_complete", "implementation_as_of"))
# Columns that name an agreement besides its titles, searched with them.
IDENTIFIERS = ("document_number", "ratifying_instrument")
TITLES = "{row}.title || ' ' || {row}.title_local"
STATUS_END_COLUMNS = ["status", "end_on", "archived_at", "signed_on", "start_on"]
UPDATE_OF = "UPDATE OF title, title_local, summary, notes"


def check_sql(name: str) -> str:
    """SQL: the CHECK that a partial date's day and precision are both set or both empty."""
    return f"({name}_on IS NULL) = ({name}_precision IS NULL)"


def title_sql(row: str, identifiers: bool) -> str:
    """SQL: the title part of a document, given a row alias ("new", "NEW", "a"); with the identifiers, each when
    recorded, so that an agreement without them keeps its text."""
    titles = TITLES.format(row=row)
    if not identifiers:
        return titles
    extra = " || ".join(f"CASE WHEN {row}.{name} = '' THEN '' ELSE ' ' || {row}.{name} END" for name in IDENTIFIERS)
    return f"{titles} || {extra}"


def upgrade() -> None:
    """Apply this revision."""
    complete_dates()
    add_checks()
    search_identifiers(True)
    indexes(True)


def downgrade() -> None:
    """Revert this revision."""
    indexes(False)
    search_identifiers(False)
    drop_checks()


# --- checks ---------------------------------------------------------------------------------------------------


def complete_dates() -> None:
    """Make every half-recorded date whole: a day alone is exact; a precision alone goes."""
    for _constraint, name in DATES:
        op.execute(
            f"UPDATE agreement SET {name}_precision = 'day' WHERE {name}_on IS NOT NULL AND {name}_precision IS NULL"
        )
        op.execute(
            f"UPDATE agreement SET {name}_precision = NULL WHERE {name}_on IS NULL AND {name}_precision IS NOT NULL"
        )


def add_checks() -> None:
    """The completeness checks: added on PostgreSQL, written into the table's statement on SQLite."""
    if op.get_bind().dialect.name != "sqlite":
        for constraint, name in DATES:
            op.create_check_constraint(op.f(f"ck_agreement_{constraint}"), "agreement", check_sql(name))
        return
    create = agreement_statement()
    anchor = "CONSTRAINT ck_agreement_end_complete CHECK ((end_on IS NULL) = (end_precision IS NULL))"
    if create.count(anchor) != 1:
        raise RuntimeError(f'expected "{anchor}" once in the agreement table\'s statement')
    added = "".join(
        f", \n\tCONSTRAINT ck_agreement_{constraint} CHECK ({check_sql(name)})" for constraint, name in DATES
    )
    write_agreement_statement(create.replace(anchor, anchor + added))


def drop_checks() -> None:
    """Take the completeness checks away again."""
    if op.get_bind().dialect.name != "sqlite":
        for constraint, _name in DATES:
            op.drop_constraint(op.f(f"ck_agreement_{constraint}"), "agreement", type_="check")
        return
    create = agreement_statement()
    for constraint, name in DATES:
        added = f", \n\tCONSTRAINT ck_agreement_{constraint} CHECK ({check_sql(name)})"
        if create.count(added) != 1:
            raise RuntimeError(f"ck_agreement_{constraint}: not found once in the agreement table's statement")
        create = create.replace(added, "")
    write_agreement_statement(create)


def agreement_statement() -> str:
    """SQLite: the agreement table's stored CREATE statement."""
    statement = "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'agreement'"
    return op.get_bind().exec_driver_sql(statement).scalar_one()


def write_agreement_statement(create: str) -> None:
    """SQLite: replace the agreement table's stored statement, the procedure of sqlite.org/lang_altertable.html
    ("Making Other Kinds Of Table Schema Changes"); every connection re-reads the schema after the version moves."""
    bind = op.get_bind()
    version = bind.exec_driver_sql("PRAGMA schema_version").scalar_one()
    bind.exec_driver_sql("PRAGMA writable_schema = ON")
    bind.exec_driver_sql("UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = 'agreement'", (create,))
    bind.exec_driver_sql(f"PRAGMA schema_version = {version + 1}")
    bind.exec_driver_sql("PRAGMA writable_schema = OFF")


# --- search ---------------------------------------------------------------------------------------------------


def search_identifiers(searched: bool) -> None:
    """Write the title part with (`searched`) or without the identifiers, in the triggers and the documents."""
    if op.get_bind().dialect.name == "sqlite":
        sqlite_title_triggers(searched)
    else:
        postgresql_title_function(searched)
    # Only documents of agreements recording an identifier change; the others' text is the same either way.
    recorded = " OR ".join(f"{name} <> ''" for name in IDENTIFIERS)
    op.execute(
        f"UPDATE agreement_search SET title = (SELECT {title_sql('a', searched)} FROM agreement a "
        "WHERE a.id = agreement_search.agreement_id) "
        f"WHERE agreement_id IN (SELECT id FROM agreement WHERE {recorded})"
    )


def replaced(text: str, old: str, new: str, times: int, what: str) -> str:
    """`text` with `old` (found exactly `times` times) replaced by `new`."""
    if text.count(old) != times:
        raise RuntimeError(f'{what}: expected "{old}" {times} time(s)')
    return text.replace(old, new)


def update_of(searched: bool) -> str:
    """The columns whose update rewrites the document's own parts."""
    return f"{UPDATE_OF}, {', '.join(IDENTIFIERS)}" if searched else UPDATE_OF


def sqlite_title_triggers(searched: bool) -> None:
    """Edit the insert and update triggers of `agreement` where they write the title part."""
    bind = op.get_bind()
    old, new = title_sql("new", not searched), title_sql("new", searched)
    for name in ("search_agreement_insert", "search_agreement_update"):
        statement = "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?"
        create = replaced(bind.exec_driver_sql(statement, (name,)).scalar_one(), old, new, 1, name)
        if name == "search_agreement_update":
            create = replaced(create, f"{update_of(not searched)} ON", f"{update_of(searched)} ON", 1, name)
        op.execute(f"DROP TRIGGER {name}")
        op.execute(create)


def postgresql_title_function(searched: bool) -> None:
    """Edit `search_on_agreement()` where it writes the title part (insert and update), and the update trigger."""
    definition = (
        op.get_bind().exec_driver_sql("SELECT pg_get_functiondef('search_on_agreement()'::regprocedure)").scalar_one()
    )
    old, new = title_sql("NEW", not searched), title_sql("NEW", searched)
    op.execute(replaced(definition, old, new, 2, "search_on_agreement()"))
    op.execute("DROP TRIGGER search_agreement_update ON agreement")
    op.execute(
        f"CREATE TRIGGER search_agreement_update AFTER {update_of(searched)} ON agreement "
        "FOR EACH ROW EXECUTE FUNCTION search_on_agreement()"
    )


# --- indexes --------------------------------------------------------------------------------------------------


def indexes(added: bool) -> None:
    """The implementation and decision indexes, and the id in ix_agreement_status_end_on on PostgreSQL."""
    postgresql = op.get_bind().dialect.name == "postgresql"
    if added:
        op.create_index(
            "ix_agreement_implementation", "agreement", ["implementation", "archived_at"], postgresql_include=["id"]
        )
        op.create_index("ix_agreement_term_decision_on", "agreement_term", ["decision_on", "end_on", "agreement_id"])
    else:
        op.drop_index("ix_agreement_term_decision_on", table_name="agreement_term")
        op.drop_index("ix_agreement_implementation", table_name="agreement")
    if postgresql:
        op.drop_index("ix_agreement_status_end_on", table_name="agreement")
        op.create_index(
            "ix_agreement_status_end_on", "agreement", STATUS_END_COLUMNS, postgresql_include=["id"] if added else []
        )
