"""Facts with citations and conflicting reports (issue 17): `citation`, `conflict` and `agreement.evidence`.

- `citation`: one fact of an agreement (a party's link, signing, start, end, status, renewal intent, instrument,
  terms) cited to a source or a document, with the quote, whether it supports the record or says something else
  (and what), the snapshot the quote was read against and whether it was found there.
- `conflict`: a disagreement about one fact between the record and its evidence or between sources, with its
  claims as detected, open or resolved (by whom, the preferred claim and why).
- `agreement.evidence`: the strongest kind of evidence among an agreement's supporting citations, kept by the
  services; no citation exists yet, so every agreement starts at "none". Added in place (SQLite: the enum's CHECK
  written with the column, never batch mode, which would copy the table and lose its search triggers; see 0018).

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-06 20:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0028"
down_revision: str | Sequence[str] | None = "0027"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

EVIDENCE = ("none", "news", "official", "signed_text")
FACTS = ("party", "signed", "start", "end", "status", "renewal_intent", "instrument", "terms")


def enum(name: str, values: Sequence[str]) -> sa.Enum:
    """A value enum as models.value_enum stores it: a VARCHAR(32) with a named CHECK constraint."""
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=32)


def add_evidence() -> None:
    """`agreement.evidence`, NOT NULL with "none" for every agreement, and its CHECK constraint."""
    if op.get_bind().dialect.name == "sqlite":
        listed = ", ".join(f"'{value}'" for value in EVIDENCE)
        op.execute(
            "ALTER TABLE agreement ADD COLUMN evidence VARCHAR(32) NOT NULL DEFAULT 'none' "
            f"CONSTRAINT ck_agreement_evidence CHECK (evidence IN ({listed}))"
        )
    else:
        op.add_column(
            "agreement", sa.Column("evidence", enum("evidence", EVIDENCE), server_default="none", nullable=False)
        )
    op.create_index("ix_agreement_evidence", "agreement", ["evidence", "archived_at"])


def upgrade() -> None:
    """Apply this revision."""
    add_evidence()
    op.create_table(
        "citation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agreement_id", sa.Integer(), nullable=False),
        sa.Column("fact", enum("fact", FACTS), nullable=False),
        sa.Column("party_id", sa.Integer(), nullable=True),
        sa.Column("source_id", sa.Integer(), nullable=True),
        sa.Column("document_id", sa.Integer(), nullable=True),
        sa.Column("snapshot_id", sa.Integer(), nullable=True),
        sa.Column("quote", sa.Text(), nullable=False),
        sa.Column("stance", enum("stance", ("supports", "differs")), nullable=False),
        sa.Column("says", sa.String(500), nullable=False),
        sa.Column("quote_found", sa.Boolean(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("(source_id IS NULL) <> (document_id IS NULL)", name=op.f("ck_citation_one_origin")),
        sa.CheckConstraint("(fact = 'party') = (party_id IS NOT NULL)", name=op.f("ck_citation_party_fact")),
        sa.ForeignKeyConstraint(
            ["agreement_id"], ["agreement.id"], name=op.f("fk_citation_agreement_id_agreement"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["party_id"], ["party.id"], name=op.f("fk_citation_party_id_party"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["source_id"], ["source.id"], name=op.f("fk_citation_source_id_source"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["document_id"], ["document.id"], name=op.f("fk_citation_document_id_document"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["snapshot_id"],
            ["source_snapshot.id"],
            name=op.f("fk_citation_snapshot_id_source_snapshot"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user.id"], name=op.f("fk_citation_created_by_id_user"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_citation")),
    )
    op.create_index("ix_citation_agreement_id", "citation", ["agreement_id", "fact"])
    for column in ("party_id", "source_id", "document_id"):
        op.create_index(f"ix_citation_{column}", "citation", [column])
    op.create_table(
        "conflict",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agreement_id", sa.Integer(), nullable=False),
        sa.Column("fact", sa.String(32), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("claims", sa.JSON(), nullable=False),
        sa.Column("state", enum("state", ("open", "resolved")), nullable=False),
        sa.Column("detected_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("current", sa.Boolean(), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved_by_id", sa.Integer(), nullable=True),
        sa.Column("preferred", sa.String(40), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["agreement_id"], ["agreement.id"], name=op.f("fk_conflict_agreement_id_agreement"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["resolved_by_id"], ["user.id"], name=op.f("fk_conflict_resolved_by_id_user"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conflict")),
        sa.UniqueConstraint(
            "agreement_id", "fact", "fingerprint", name=op.f("uq_conflict_agreement_id_fact_fingerprint")
        ),
    )
    op.create_index("ix_conflict_agreement_id", "conflict", ["agreement_id"])
    op.create_index("ix_conflict_state_detected", "conflict", ["state", "detected_at"])


def downgrade() -> None:
    """Revert this revision: the tables go, and the agreements' evidence column."""
    op.drop_table("conflict")
    op.drop_table("citation")
    op.drop_index("ix_agreement_evidence", table_name="agreement")
    if op.get_bind().dialect.name == "sqlite":
        drop_sqlite_check()
    op.execute("ALTER TABLE agreement DROP COLUMN evidence")


def drop_sqlite_check() -> None:
    """Take the evidence column's CHECK constraint out of the table's stored statement (as 0018 does)."""
    bind = op.get_bind()
    create = bind.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'agreement'"
    ).scalar_one()
    start = create.index(" CONSTRAINT ck_agreement_evidence CHECK (")
    end = create.index("))", start) + 2
    create = create[:start] + create[end:]
    version = bind.exec_driver_sql("PRAGMA schema_version").scalar_one()
    bind.exec_driver_sql("PRAGMA writable_schema = ON")
    bind.exec_driver_sql("UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = 'agreement'", (create,))
    bind.exec_driver_sql(f"PRAGMA schema_version = {version + 1}")
    bind.exec_driver_sql("PRAGMA writable_schema = OFF")
