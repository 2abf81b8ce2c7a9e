"""Typed SQLAlchemy models: the single description of the schema that migrations follow."""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Enum,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
    func,
)
from sqlalchemy import text as sql_text
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column, relationship

from tracker.dates import PartialDate, Precision

# Ids beyond a 32-bit integer cannot exist (PostgreSQL's integer); refusing them early keeps queries from overflowing.
MAX_ID = 2**31 - 1

# The condition of the partial indexes over live (not archived) rows.
LIVE_ROW = sql_text("archived_at IS NULL")
# The archived rows, which are few: aggregates over links count every link and take off those of archived agreements
# listed from this partial index, rather than probing each linked agreement's row (0032).
ARCHIVED_ROW = sql_text("archived_at IS NOT NULL")

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Store UTC; always hand back aware datetimes, also from SQLite which keeps no zone."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime given; use an aware UTC datetime")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


class Base(DeclarativeBase):
    """Declarative base with the constraint naming convention used since the first migration."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def value_enum(enum_class: type[enum.Enum], name: str) -> Enum:
    """A portable enum column storing the member's value, guarded by a named CHECK constraint."""
    return Enum(
        enum_class,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=32,
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
    )


class InstrumentType(enum.Enum):
    """The legal form of an agreement."""

    MOU = "mou"
    AGREEMENT = "agreement"
    LETTER_OF_INTENT = "letter_of_intent"
    JOINT_STATEMENT = "joint_statement"
    CONTRACT = "contract"
    IMPLEMENTING_ARRANGEMENT = "implementing_arrangement"
    OTHER = "other"


class AgreementStatus(enum.Enum):
    """Where an agreement stands in its life."""

    ANNOUNCED = "announced"
    UNDER_NEGOTIATION = "under_negotiation"
    SIGNED = "signed"
    IN_FORCE = "in_force"
    EXPIRED = "expired"
    TERMINATED = "terminated"
    SUPERSEDED = "superseded"
    SUSPENDED = "suspended"
    CANCELLED = "cancelled"


# Statuses that claim the agreement is still binding; past its end they need attention.
LIVE_STATUSES = (AgreementStatus.SIGNED, AgreementStatus.IN_FORCE)


class RenewalIntent(enum.Enum):
    """What is planned for the agreement's renewal, kept apart from its status.

    NOT_RECORDED says nobody has entered it; NONE is a decision that no renewal is planned.
    """

    NOT_RECORDED = "not_recorded"
    NONE = "none"
    INTENDED = "intended"
    IN_NEGOTIATION = "in_negotiation"
    RENEWED = "renewed"


# No renewal is under way: nobody recorded one, or none is planned (a record past its end with these is stale).
UNDECIDED_RENEWALS = (RenewalIntent.NOT_RECORDED, RenewalIntent.NONE)


# --- issue 15: terms and treaty facts (tracker/terms.py computes the current term and the decision date) ---------


class AutoRenewal(enum.Enum):
    """Whether the agreement renews itself at the end of each term unless notice is given."""

    NO = "no"
    YES = "yes"


class NoticeUnit(enum.Enum):
    """The unit of the notice period: calendar months ("six months' notice") or days ("90 days")."""

    MONTHS = "months"
    DAYS = "days"


class NoticeParty(enum.Enum):
    """Who must give notice to end (or not renew) the agreement."""

    NOT_RECORDED = "not_recorded"
    EITHER = "either"
    HOME = "home"
    PARTNER = "partner"
    BOTH = "both"


class Ratification(enum.Enum):
    """Whether the agreement needs ratification at home, and whether it has it."""

    NOT_RECORDED = "not_recorded"
    NOT_REQUIRED = "not_required"
    RATIFIED = "ratified"
    NOT_YET_RATIFIED = "not_yet_ratified"


class ImplementationStatus(enum.Enum):
    """How far the cooperation an agreement sets up is carried out, kept apart from its legal status."""

    NOT_RECORDED = "not_recorded"
    NOT_STARTED = "not_started"
    ONGOING = "ongoing"
    IMPLEMENTED = "implemented"
    STALLED = "stalled"


class PartyRole(enum.Enum):
    """The part a party plays in an agreement."""

    SIGNATORY = "signatory"
    IMPLEMENTING_AGENCY = "implementing_agency"
    FUNDER = "funder"
    WITNESS = "witness"
    OTHER = "other"


class PartyKind(enum.Enum):
    """What sort of organisation a party is."""

    STATE = "state"
    MINISTRY = "ministry"
    COMPANY = "company"
    ASSOCIATION = "association"
    INTERNATIONAL_ORGANISATION = "international_organisation"
    RESEARCH_INSTITUTE = "research_institute"
    OTHER = "other"


class RelationKind(enum.Enum):
    """How one agreement relates to another: "<subject> renews <object>"."""

    RENEWS = "renews"
    AMENDS = "amends"
    SUPERSEDES = "supersedes"
    IMPLEMENTS = "implements"


class SourceKind(enum.Enum):
    """What a source is."""

    NEWS_ARTICLE = "news_article"
    PRESS_RELEASE = "press_release"
    OFFICIAL_DOCUMENT = "official_document"
    OTHER = "other"


class CitedFact(enum.Enum):
    """A fact of an agreement's record that a source or document can be cited for (issue 17)."""

    PARTY = "party"
    SIGNED = "signed"
    START = "start"
    END = "end"
    STATUS = "status"
    RENEWAL_INTENT = "renewal_intent"
    INSTRUMENT = "instrument"
    TERMS = "terms"


class CitationStance(enum.Enum):
    """Whether the cited passage bears out the recorded value or says something else."""

    SUPPORTS = "supports"
    DIFFERS = "differs"


class EvidenceLevel(enum.Enum):
    """The strongest kind of evidence an agreement's supporting citations come from, weakest first."""

    NONE = "none"
    NEWS = "news"
    OFFICIAL = "official"
    SIGNED_TEXT = "signed_text"


class ConflictState(enum.Enum):
    """Whether a disagreement between the evidence and the record is still open."""

    OPEN = "open"
    RESOLVED = "resolved"


class TimestampMixin:
    """Created and last-updated times, set by the ORM."""

    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class ArchivableMixin:
    """A record that "delete" archives: hidden from lists and queries, kept with its history."""

    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    archived_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="RESTRICT"), default=None)

    @property
    def is_archived(self) -> bool:
        """Whether the record has been archived."""
        return self.archived_at is not None


class VersionedMixin:
    """A record edited by several people: every UPDATE checks and bumps `version` (optimistic locking)."""

    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.version}


class UserRole(enum.Enum):
    """What a user may do: each role can do everything the roles before it can."""

    VIEWER = "viewer"
    EDITOR = "editor"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        """viewer 0 < editor 1 < admin 2."""
        return list(UserRole).index(self)

    def allows(self, needed: UserRole) -> bool:
        """Whether this role may do what `needed` may."""
        return self.rank >= needed.rank


class User(TimestampMixin, Base):
    """A member of staff who signs in."""

    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored lower-cased: e-mail addresses are compared without regard to case.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[UserRole] = mapped_column(value_enum(UserRole, "role"))
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")
    # Part of every session cookie; bumping it signs the user out everywhere.
    session_version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    last_sign_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The e-mail digest of expiries: whether the user wants it, and how many months ahead it looks.
    digest_opt_in: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    digest_months: Mapped[int] = mapped_column(Integer, default=3, server_default="3")
    # The digest about the agreements one is responsible for and one's follow-up actions: on unless opted out.
    owner_digest: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")
    # The interface language the user chose ("en", "id"); None follows the browser's Accept-Language.
    locale: Mapped[str | None] = mapped_column(String(10))

    # Flask-Login's user protocol, written out so that the models do not import Flask.
    is_authenticated = True
    is_anonymous = False

    @property
    def is_active(self) -> bool:
        """Deactivated users cannot sign in or use a session."""
        return self.active

    def get_id(self) -> str:
        """What the session cookie keeps: id and session version, so bumping the version ends sessions."""
        return f"{self.id}:{self.session_version}"


class SignInFailure(Base):
    """A failed sign-in, counted per account and per client address to slow down and lock out guessing."""

    __tablename__ = "sign_in_failure"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    address: Mapped[str] = mapped_column(String(64), index=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)


class ChangeAction(enum.Enum):
    """What a recorded change did."""

    CREATE = "create"
    UPDATE = "update"
    LINK = "link"
    UNLINK = "unlink"
    ARCHIVE = "archive"
    RESTORE = "restore"


class Change(Base):
    """One entry of the history: who changed which record when, and each field's value before and after."""

    __tablename__ = "change"
    __table_args__ = (Index("ix_change_record", "record_type", "record_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    # None for changes made outside any signed-in session (CLI, migrations, demo data).
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="RESTRICT"), index=True)
    record_type: Mapped[str] = mapped_column(String(32))
    record_id: Mapped[int] = mapped_column(Integer)
    action: Mapped[ChangeAction] = mapped_column(value_enum(ChangeAction, "action"))
    # The record's version after the change, for records that carry one.
    version: Mapped[int | None] = mapped_column(Integer)
    summary: Mapped[str] = mapped_column(String(500), default="")
    # {"field": [before, after], ...} with JSON-friendly values.
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    user: Mapped[User | None] = relationship()


agreement_sector = Table(
    "agreement_sector",
    Base.metadata,
    Column("agreement_id", ForeignKey("agreement.id", ondelete="CASCADE"), primary_key=True),
    Column("sector_id", ForeignKey("sector.id", ondelete="RESTRICT"), primary_key=True),
    # The sector filter goes from a sector to its agreements; the key (agreement, sector) serves the other way.
    Index("ix_agreement_sector_sector_id", "sector_id", "agreement_id"),
)


class Sector(ArchivableMixin, TimestampMixin, Base):
    """An entry of the small, editable sector vocabulary."""

    __tablename__ = "sector"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    # Words that point to this sector in a text, one per line, in any language ("energi terbarukan").
    keywords: Mapped[str] = mapped_column(Text, default="", server_default="")

    agreements: Mapped[list[Agreement]] = relationship(secondary=agreement_sector, back_populates="sectors")


class Party(VersionedMixin, ArchivableMixin, TimestampMixin, Base):
    """An organisation or a state that takes part in agreements."""

    __tablename__ = "party"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300), index=True)
    kind: Mapped[PartyKind] = mapped_column(value_enum(PartyKind, "kind"))
    # ISO 3166-1 alpha-2; None for bodies without a country (international organisations).
    country_code: Mapped[str | None] = mapped_column(String(2), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("party.id", ondelete="RESTRICT"), index=True)
    notes: Mapped[str] = mapped_column(Text, default="")

    parent: Mapped[Party | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Party]] = relationship(back_populates="parent", order_by="Party.name")
    aliases: Mapped[list[PartyAlias]] = relationship(
        back_populates="party", cascade="all, delete-orphan", order_by="PartyAlias.alias"
    )
    agreement_links: Mapped[list[AgreementParty]] = relationship(back_populates="party")


class PartyAlias(Base):
    """Another name a party is known by ("AITEC" for "AITEC Co., Ltd")."""

    __tablename__ = "party_alias"
    __table_args__ = (UniqueConstraint("party_id", "alias"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    party_id: Mapped[int] = mapped_column(ForeignKey("party.id", ondelete="CASCADE"), index=True)
    alias: Mapped[str] = mapped_column(String(300), index=True)

    party: Mapped[Party] = relationship(back_populates="aliases")


# The party page's order, latest start (or signing) first and unknown ones last (tracker/queries/parties.py), per
# engine: SQLite's CREATE INDEX takes no NULLS LAST and needs none (NULLs sort first ascending, so last descending);
# PostgreSQL's DESC puts NULLs first unless told, and its planner uses an index only for exactly the order it holds.
LATEST_START = {
    "sqlite": "coalesce(start_on, signed_on) DESC",
    "postgresql": "coalesce(start_on, signed_on) DESC NULLS LAST",
}


LATEST_PUBLISHED = {"sqlite": "published_on DESC", "postgresql": "published_on DESC NULLS LAST"}


def live_published_index(dialect: str, published: str) -> Index:
    """The index of live sources in the source list's order, as `dialect` writes it."""
    return Index(
        "ix_source_live_published",
        sql_text(published),
        sql_text("id DESC"),
        sqlite_where=LIVE_ROW,
        postgresql_where=LIVE_ROW,
    ).ddl_if(dialect=dialect)


def live_began_index(dialect: str, began: str) -> Index:
    """The index of live agreements in the party page's order, as `dialect` writes it."""
    return Index(
        "ix_agreement_live_began",
        sql_text(began),
        func.lower(sql_text("title")),
        "id",
        sqlite_where=LIVE_ROW,
        postgresql_where=LIVE_ROW,
    ).ddl_if(dialect=dialect)


class Agreement(VersionedMixin, ArchivableMixin, TimestampMixin, Base):
    """A cooperation agreement: an MoU, a technology-cooperation agreement, a letter of intent..."""

    __tablename__ = "agreement"
    __table_args__ = (
        CheckConstraint("(signed_on IS NULL) = (signed_precision IS NULL)", name="signed_complete"),
        CheckConstraint("(start_on IS NULL) = (start_precision IS NULL)", name="start_complete"),
        CheckConstraint("(end_on IS NULL) = (end_precision IS NULL)", name="end_complete"),
        CheckConstraint("(in_force_on IS NULL) = (in_force_precision IS NULL)", name="in_force_complete"),
        CheckConstraint(
            "(implementation_as_of_on IS NULL) = (implementation_as_of_precision IS NULL)",
            name="implementation_as_of_complete",
        ),
        # With `archived_at`, the filtered query and the expiring view count live matches from the index alone; with
        # the signing and the start, so do the counts as of a day, which leave out what began after it (0016). The id
        # (PostgreSQL; SQLite's every index holds the rowid) lets the expiring count check a term-less agreement
        # against agreement_term from the index alone too (0021).
        Index(
            "ix_agreement_status_end_on",
            "status",
            "end_on",
            "archived_at",
            "signed_on",
            "start_on",
            postgresql_include=["id"],
        ),
        # The agreements still needing a source (`evidence=none`) and the evidence facet (0028).
        Index("ix_agreement_evidence", "evidence", "archived_at"),
        # The dashboard's implemented agreements per partner country start from the implemented live ones (0021).
        Index("ix_agreement_implementation", "implementation", "archived_at", postgresql_include=["id"]),
        # The list's default order (last updated first); with `archived_at` it also counts live agreements
        # without reading the table. An index on `archived_at` alone would lure SQLite away from better ones.
        Index("ix_agreement_updated_at", "updated_at", "archived_at"),
        # The list's orders over live agreements, ties broken by id in the same direction (migration 0007).
        Index("ix_agreement_live_updated", "updated_at", "id", sqlite_where=LIVE_ROW, postgresql_where=LIVE_ROW),
        # A status filter in the list's default order (last updated first), ties by id (0035): the benchmark's filtered
        # query reads its page in order, checking the end from the index, rather than sorting every match by
        # `updated_at` (13 ms at 100,000 agreements).
        Index(
            "ix_agreement_live_status_updated",
            "status",
            "updated_at",
            "id",
            "end_on",
            sqlite_where=LIVE_ROW,
            postgresql_where=LIVE_ROW,
        ),
        # The archived agreements' ids, from a small index (0032): tracker/queries/live.py takes their links off.
        Index("ix_agreement_archived", "id", sqlite_where=ARCHIVED_ROW, postgresql_where=ARCHIVED_ROW),
        # Open agreements past their end with no renewal decided ("needs attention"), counted from it (0009), as of
        # a day too: the signing and the start say whether an agreement existed then (0016). `archived_at` is always
        # NULL here, yet SQLite counts from an index alone only when it holds every column the statement names.
        Index(
            "ix_agreement_attention",
            "renewal_intent",
            "status",
            "end_on",
            "signed_on",
            "start_on",
            "archived_at",
            sqlite_where=LIVE_ROW,
            postgresql_where=LIVE_ROW,
        ),
        Index(
            "ix_agreement_live_title",
            func.lower(sql_text("title")),
            "id",
            sqlite_where=LIVE_ROW,
            postgresql_where=LIVE_ROW,
        ),
        # A party page's order, latest start first (0033): a party on most agreements reads one page from it.
        *(live_began_index(dialect, began) for dialect, began in LATEST_START.items()),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(500), index=True)
    title_local: Mapped[str] = mapped_column(String(500), default="")
    instrument_type: Mapped[InstrumentType] = mapped_column(value_enum(InstrumentType, "instrument_type"), index=True)
    summary: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[AgreementStatus] = mapped_column(value_enum(AgreementStatus, "status"))
    renewal_intent: Mapped[RenewalIntent] = mapped_column(
        value_enum(RenewalIntent, "renewal_intent"), default=RenewalIntent.NOT_RECORDED, index=True
    )
    # Each date is stored as its earliest possible day plus the precision it is known at.
    signed_on: Mapped[date | None] = mapped_column(Date, index=True)
    signed_precision: Mapped[Precision | None] = mapped_column(value_enum(Precision, "signed_precision"))
    start_on: Mapped[date | None] = mapped_column(Date, index=True)
    start_precision: Mapped[Precision | None] = mapped_column(value_enum(Precision, "start_precision"))
    end_on: Mapped[date | None] = mapped_column(Date, index=True)
    end_precision: Mapped[Precision | None] = mapped_column(value_enum(Precision, "end_precision"))
    place_of_signing: Mapped[str] = mapped_column(String(200), default="", server_default="")
    # Terms and treaty facts (issue 15, migration 0018): all optional; periods in whole months, notice in its unit.
    duration_months: Mapped[int | None] = mapped_column(Integer)
    auto_renewal: Mapped[AutoRenewal] = mapped_column(
        value_enum(AutoRenewal, "auto_renewal"), default=AutoRenewal.NO, server_default=AutoRenewal.NO.value
    )
    renewal_months: Mapped[int | None] = mapped_column(Integer)
    notice_period: Mapped[int | None] = mapped_column(Integer)
    notice_unit: Mapped[NoticeUnit] = mapped_column(
        value_enum(NoticeUnit, "notice_unit"), default=NoticeUnit.MONTHS, server_default=NoticeUnit.MONTHS.value
    )
    notice_by: Mapped[NoticeParty] = mapped_column(
        value_enum(NoticeParty, "notice_by"),
        default=NoticeParty.NOT_RECORDED,
        server_default=NoticeParty.NOT_RECORDED.value,
    )
    in_force_on: Mapped[date | None] = mapped_column(Date)
    in_force_precision: Mapped[Precision | None] = mapped_column(value_enum(Precision, "in_force_precision"))
    ratification: Mapped[Ratification] = mapped_column(
        value_enum(Ratification, "ratification"),
        default=Ratification.NOT_RECORDED,
        server_default=Ratification.NOT_RECORDED.value,
    )
    ratifying_instrument: Mapped[str] = mapped_column(String(300), default="", server_default="")
    document_number: Mapped[str] = mapped_column(String(200), default="", server_default="")
    # Implementation (issue 15, migration 0020): apart from the legal status, with a note and when it was assessed.
    implementation: Mapped[ImplementationStatus] = mapped_column(
        value_enum(ImplementationStatus, "implementation"),
        default=ImplementationStatus.NOT_RECORDED,
        server_default=ImplementationStatus.NOT_RECORDED.value,
    )
    implementation_note: Mapped[str] = mapped_column(String(1000), default="", server_default="")
    implementation_as_of_on: Mapped[date | None] = mapped_column(Date)
    implementation_as_of_precision: Mapped[Precision | None] = mapped_column(
        value_enum(Precision, "implementation_as_of_precision")
    )
    # Who answers for the agreement (issue 15): a responsible officer and a responsible unit on the home side.
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="RESTRICT"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("party.id", ondelete="RESTRICT"), index=True)
    # The strongest evidence among the supporting citations (issue 17): derived, kept by services/evidence.py.
    evidence: Mapped[EvidenceLevel] = mapped_column(
        value_enum(EvidenceLevel, "evidence"), default=EvidenceLevel.NONE, server_default=EvidenceLevel.NONE.value
    )
    owner: Mapped[User | None] = relationship(foreign_keys=[owner_id])
    unit: Mapped[Party | None] = relationship(foreign_keys=[unit_id])
    actions: Mapped[list[FollowUpAction]] = relationship(
        back_populates="agreement",
        order_by=lambda: (FollowUpAction.due_on.is_(None), FollowUpAction.due_on, FollowUpAction.id),
    )
    # By their own date (undated last), then as attached; archived ones are hidden by tracker/archiving.py.
    documents: Mapped[list[Document]] = relationship(
        back_populates="agreement",
        order_by=lambda: (Document.dated_on.is_(None), Document.dated_on, Document.id),
    )
    # Conflicting reports about its facts (issue 17); an agreement is never deleted (the foreign key cascades).
    conflicts: Mapped[list[Conflict]] = relationship(
        back_populates="agreement", order_by=lambda: Conflict.id, passive_deletes=True
    )

    citations: Mapped[list[Citation]] = relationship(
        back_populates="agreement", cascade="all, delete-orphan", order_by=lambda: Citation.id
    )
    sectors: Mapped[list[Sector]] = relationship(
        secondary=agreement_sector, back_populates="agreements", order_by="Sector.name"
    )
    party_links: Mapped[list[AgreementParty]] = relationship(
        back_populates="agreement", cascade="all, delete-orphan", order_by="AgreementParty.id"
    )
    source_links: Mapped[list[AgreementSource]] = relationship(
        back_populates="agreement", cascade="all, delete-orphan", order_by="AgreementSource.created_at"
    )
    relations_out: Mapped[list[AgreementRelation]] = relationship(
        foreign_keys="AgreementRelation.subject_id", back_populates="subject", cascade="all, delete-orphan"
    )
    relations_in: Mapped[list[AgreementRelation]] = relationship(
        foreign_keys="AgreementRelation.object_id", back_populates="object", cascade="all, delete-orphan"
    )

    @property
    def signed(self) -> PartialDate | None:
        """The signing date at its known precision."""
        return PartialDate.from_columns(self.signed_on, self.signed_precision)

    @signed.setter
    def signed(self, value: PartialDate | None) -> None:
        self.signed_on, self.signed_precision = (value.value, value.precision) if value else (None, None)

    @property
    def start(self) -> PartialDate | None:
        """The start at its known precision."""
        return PartialDate.from_columns(self.start_on, self.start_precision)

    @start.setter
    def start(self, value: PartialDate | None) -> None:
        self.start_on, self.start_precision = (value.value, value.precision) if value else (None, None)

    @property
    def end(self) -> PartialDate | None:
        """The end at its known precision."""
        return PartialDate.from_columns(self.end_on, self.end_precision)

    @end.setter
    def end(self, value: PartialDate | None) -> None:
        self.end_on, self.end_precision = (value.value, value.precision) if value else (None, None)

    @property
    def in_force(self) -> PartialDate | None:
        """The entry into force at its known precision."""
        return PartialDate.from_columns(self.in_force_on, self.in_force_precision)

    @in_force.setter
    def in_force(self, value: PartialDate | None) -> None:
        self.in_force_on, self.in_force_precision = (value.value, value.precision) if value else (None, None)

    @property
    def implementation_as_of(self) -> PartialDate | None:
        """When the implementation was last assessed, at its known precision."""
        return PartialDate.from_columns(self.implementation_as_of_on, self.implementation_as_of_precision)

    @implementation_as_of.setter
    def implementation_as_of(self, value: PartialDate | None) -> None:
        self.implementation_as_of_on, self.implementation_as_of_precision = (
            (value.value, value.precision) if value else (None, None)
        )


class AgreementTerm(Base):
    """One term of an agreement with terms: its end and its decision date (the end less the notice), earliest days.

    Kept by services/terms.py whenever an agreement is written, up to tracker.terms.HORIZON, so the expiring view
    finds an auto-renewing agreement's current term as of any day in SQL (tracker/terms.py says why).
    """

    __tablename__ = "agreement_term"
    __table_args__ = (
        Index("ix_agreement_term_end_on", "end_on", "decision_on", "agreement_id"),
        # Terms by decision date (0021): the agreement list's decision date filter, and the expiring count's terms
        # deciding by the window's end that have not ended before its start (mostly the past, where the terms by end
        # run to 2100).
        Index("ix_agreement_term_decision_on", "decision_on", "end_on", "agreement_id"),
        # Whether an agreement has a term running on a day, from the index alone (0040): the expiring list and the
        # dashboard check every agreement ending in their window for one (the primary key read each term's row).
        Index("ix_agreement_term_agreement_end", "agreement_id", "end_on"),
    )

    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreement.id", ondelete="CASCADE"), primary_key=True)
    number: Mapped[int] = mapped_column(Integer, primary_key=True)
    end_on: Mapped[date] = mapped_column(Date)
    decision_on: Mapped[date] = mapped_column(Date)


class ActionStatus(enum.Enum):
    """Where a follow-up action stands."""

    OPEN = "open"
    DONE = "done"
    CANCELLED = "cancelled"


class FollowUpAction(VersionedMixin, TimestampMixin, Base):
    """Something to do about an agreement by a date: a working group's meeting, a report, drafting the renewal."""

    __tablename__ = "follow_up_action"
    __table_args__ = (
        CheckConstraint("(due_on IS NULL) = (due_precision IS NULL)", name="due_complete"),
        # Overdue open actions ("needs attention") and one's open actions, found by status and due day.
        Index("ix_follow_up_action_status_due_on", "status", "due_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreement.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    # Stored as its earliest possible day plus the precision it is known at, as the agreement's dates.
    due_on: Mapped[date | None] = mapped_column(Date)
    due_precision: Mapped[Precision | None] = mapped_column(value_enum(Precision, "due_precision"))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="RESTRICT"), index=True)
    status: Mapped[ActionStatus] = mapped_column(value_enum(ActionStatus, "status"), default=ActionStatus.OPEN)
    note: Mapped[str] = mapped_column(Text, default="")

    agreement: Mapped[Agreement] = relationship(back_populates="actions")
    assignee: Mapped[User | None] = relationship()

    @property
    def due(self) -> PartialDate | None:
        """The due date at its known precision."""
        return PartialDate.from_columns(self.due_on, self.due_precision)

    @due.setter
    def due(self, value: PartialDate | None) -> None:
        self.due_on, self.due_precision = (value.value, value.precision) if value else (None, None)


class DocumentKind(enum.Enum):
    """What a document attached to an agreement is."""

    SIGNED_TEXT = "signed_text"
    ANNEX = "annex"
    LETTER = "letter"
    OTHER = "other"


class Document(ArchivableMixin, Base):
    """A file attached to an agreement (its signed text, an annex, a letter), kept as uploaded and never deleted.

    The bytes live in the documents folder under their SHA-256 (tracker/documents.py), so the same file attached
    twice is stored once; the row holds what was said about it and the text read from it for the search index.
    """

    __tablename__ = "document"
    __table_args__ = (
        CheckConstraint("(dated_on IS NULL) = (dated_precision IS NULL)", name="dated_complete"),
        Index("ix_document_agreement_id", "agreement_id", "archived_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreement.id", ondelete="CASCADE"))
    kind: Mapped[DocumentKind] = mapped_column(value_enum(DocumentKind, "kind"), default=DocumentKind.OTHER)
    # BCP 47 language tag of the document's text ("id", "en"), empty when not said.
    language: Mapped[str] = mapped_column(String(16), default="")
    # The document's own date (signing, letter), at the precision it is known: earliest day plus precision.
    dated_on: Mapped[date | None] = mapped_column(Date)
    dated_precision: Mapped[Precision | None] = mapped_column(value_enum(Precision, "dated_precision"))
    filename: Mapped[str] = mapped_column(String(255))
    media_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    # The text read from the file (empty for a scanned image): searched with the agreement, and suggestions.
    text: Mapped[str] = mapped_column(Text, default="", deferred=True)
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="RESTRICT"))

    agreement: Mapped[Agreement] = relationship(back_populates="documents")
    uploaded_by: Mapped[User | None] = relationship(foreign_keys=[uploaded_by_id])

    @property
    def dated(self) -> PartialDate | None:
        """The document's date at its known precision."""
        return PartialDate.from_columns(self.dated_on, self.dated_precision)

    @dated.setter
    def dated(self, value: PartialDate | None) -> None:
        self.dated_on, self.dated_precision = (value.value, value.precision) if value else (None, None)


class Citation(TimestampMixin, Base):
    """One fact of an agreement cited to a source or a document, with the passage that says it.

    A party's citation names the party (its link to the agreement is the fact); the others name the fact alone.
    `snapshot_id` is the kept text of the source the quote was read against, so the mark opens the evidence even
    after the page changed or died; `quote_found` says whether the quote is in that text (or the document's).
    """

    __tablename__ = "citation"
    __table_args__ = (
        CheckConstraint("(source_id IS NULL) <> (document_id IS NULL)", name="one_origin"),
        CheckConstraint("(fact = 'party') = (party_id IS NOT NULL)", name="party_fact"),
        Index("ix_citation_agreement_id", "agreement_id", "fact"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreement.id", ondelete="CASCADE"))
    fact: Mapped[CitedFact] = mapped_column(value_enum(CitedFact, "fact"))
    party_id: Mapped[int | None] = mapped_column(ForeignKey("party.id", ondelete="RESTRICT"), index=True)
    source_id: Mapped[int | None] = mapped_column(ForeignKey("source.id", ondelete="RESTRICT"), index=True)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("document.id", ondelete="RESTRICT"), index=True)
    snapshot_id: Mapped[int | None] = mapped_column(ForeignKey("source_snapshot.id", ondelete="RESTRICT"))
    quote: Mapped[str] = mapped_column(Text, default="")
    stance: Mapped[CitationStance] = mapped_column(
        value_enum(CitationStance, "stance"), default=CitationStance.SUPPORTS
    )
    # What the passage says instead, in the person's words, when it differs from the record ("KITECH", "2006–2016").
    says: Mapped[str] = mapped_column(String(500), default="")
    quote_found: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="RESTRICT"))

    agreement: Mapped[Agreement] = relationship(back_populates="citations")
    party: Mapped[Party | None] = relationship()
    source: Mapped[Source | None] = relationship()
    document: Mapped[Document | None] = relationship()
    snapshot: Mapped[SourceSnapshot | None] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])


class Conflict(TimestampMixin, Base):
    """A disagreement about one fact of an agreement between its record and its evidence, or between sources.

    `claims` holds who says what ([{"origin": "record"|"source"|"document", "id": …, "label": …, "value": …}]) as
    detected; `fingerprint` identifies that disagreement, so a resolved one stays resolved until the evidence says
    something new. Resolving records which claim was preferred and why.
    """

    __tablename__ = "conflict"
    __table_args__ = (
        UniqueConstraint("agreement_id", "fact", "fingerprint"),
        Index("ix_conflict_state_detected", "state", "detected_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreement.id", ondelete="CASCADE"), index=True)
    fact: Mapped[str] = mapped_column(String(32))
    fingerprint: Mapped[str] = mapped_column(String(64))
    claims: Mapped[list[Any]] = mapped_column(JSON, default=list)
    state: Mapped[ConflictState] = mapped_column(value_enum(ConflictState, "state"), default=ConflictState.OPEN)
    detected_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Whether the evidence still disagrees this way (a later detection may no longer find it).
    current: Mapped[bool] = mapped_column(Boolean, default=True)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="RESTRICT"))
    # The preferred claim: "record", "source:<id>" or "document:<id>".
    preferred: Mapped[str] = mapped_column(String(40), default="")
    reason: Mapped[str] = mapped_column(Text, default="")

    agreement: Mapped[Agreement] = relationship(back_populates="conflicts")
    resolved_by: Mapped[User | None] = relationship(foreign_keys=[resolved_by_id])


class AgreementParty(Base):
    """A party's part in an agreement, with its role."""

    __tablename__ = "agreement_party"
    __table_args__ = (
        UniqueConstraint("agreement_id", "party_id", "role"),
        # From a party (or a country's parties) to its agreements without reading the link rows.
        Index("ix_agreement_party_party_id", "party_id", "agreement_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreement.id", ondelete="CASCADE"))
    party_id: Mapped[int] = mapped_column(ForeignKey("party.id", ondelete="RESTRICT"))
    role: Mapped[PartyRole] = mapped_column(value_enum(PartyRole, "role"))

    agreement: Mapped[Agreement] = relationship(back_populates="party_links")
    party: Mapped[Party] = relationship(back_populates="agreement_links")


class AgreementRelation(Base):
    """A directed link between agreements: subject renews / amends / supersedes / implements object."""

    __tablename__ = "agreement_relation"
    __table_args__ = (
        UniqueConstraint("subject_id", "object_id", "kind"),
        CheckConstraint("subject_id <> object_id", name="not_self"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("agreement.id", ondelete="CASCADE"))
    object_id: Mapped[int] = mapped_column(ForeignKey("agreement.id", ondelete="CASCADE"), index=True)
    kind: Mapped[RelationKind] = mapped_column(value_enum(RelationKind, "kind"))
    note: Mapped[str] = mapped_column(Text, default="")

    subject: Mapped[Agreement] = relationship(foreign_keys=[subject_id], back_populates="relations_out")
    object: Mapped[Agreement] = relationship(foreign_keys=[object_id], back_populates="relations_in")


class Source(VersionedMixin, ArchivableMixin, TimestampMixin, Base):
    """A news article or document that reports on agreements: the evidence."""

    __tablename__ = "source"
    # The dashboard's sources added last; with `archived_at` it also counts live sources from the index alone.
    __table_args__ = (
        Index("ix_source_created_at", "created_at", "archived_at"),
        # The outlets and languages the source list suggests, read by skipping through them (migration 0008).
        Index("ix_source_live_outlet", "outlet", sqlite_where=LIVE_ROW, postgresql_where=LIVE_ROW),
        Index("ix_source_live_language", "language", sqlite_where=LIVE_ROW, postgresql_where=LIVE_ROW),
        # The source list's order, latest publication first (0037): its first page read in order, never sorted.
        *(live_published_index(dialect, published) for dialect, published in LATEST_PUBLISHED.items()),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str | None] = mapped_column(String(2000))
    # Unique when present; several documents without a URL are allowed (NULLs are distinct).
    url_normalized: Mapped[str | None] = mapped_column(String(2000), unique=True)
    kind: Mapped[SourceKind] = mapped_column(value_enum(SourceKind, "kind"), default=SourceKind.NEWS_ARTICLE)
    title: Mapped[str] = mapped_column(String(500))
    outlet: Mapped[str] = mapped_column(String(200), default="")
    author: Mapped[str] = mapped_column(String(300), default="")
    published_on: Mapped[date | None] = mapped_column(Date, index=True)
    # The moment of publication when the page gives the time of day, and the page's UTC offset in minutes.
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    published_utc_offset: Mapped[int | None] = mapped_column(Integer)
    # The page's own canonical URL (<link rel="canonical">, og:url), normalised, when it differs from `url`.
    canonical_url: Mapped[str | None] = mapped_column(String(2000), index=True)
    # BCP 47 language tag of the text ("id", "en", "ko").
    language: Mapped[str] = mapped_column(String(16), default="")
    excerpt: Mapped[str] = mapped_column(Text, default="")

    # No delete cascade: a source that agreements cite must not vanish with its links.
    agreement_links: Mapped[list[AgreementSource]] = relationship(back_populates="source")
    snapshots: Mapped[list[SourceSnapshot]] = relationship(
        back_populates="source", order_by="SourceSnapshot.retrieved_at.desc()"
    )


class AgreementSource(Base):
    """Evidence link: a source supports something about an agreement, as the note says."""

    __tablename__ = "agreement_source"

    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreement.id", ondelete="CASCADE"), primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("source.id", ondelete="RESTRICT"), primary_key=True, index=True)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    agreement: Mapped[Agreement] = relationship(back_populates="source_links")
    source: Mapped[Source] = relationship(back_populates="agreement_links")


class SnapshotMethod(enum.Enum):
    """How the text of a snapshot was obtained."""

    FETCH = "fetch"
    PASTE = "paste"
    UPLOAD = "upload"


class SourceSnapshot(Base):
    """The text of a source as retrieved at one moment: the evidence that survives when the link dies."""

    __tablename__ = "source_snapshot"
    __table_args__ = (Index("ix_source_snapshot_source_retrieved", "source_id", "retrieved_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("source.id", ondelete="RESTRICT"))
    retrieved_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    method: Mapped[SnapshotMethod] = mapped_column(value_enum(SnapshotMethod, "method"))
    # The address the text came from after redirects; None for pasted text and uploads.
    final_url: Mapped[str | None] = mapped_column(String(2000))
    title: Mapped[str] = mapped_column(String(500), default="")
    text: Mapped[str] = mapped_column(Text, default="")
    # SHA-256 of the extracted text: equal hashes mean the text did not change between snapshots.
    content_hash: Mapped[str] = mapped_column(String(64))
    retrieved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="RESTRICT"))

    source: Mapped[Source] = relationship(back_populates="snapshots")


# Each agreement's searchable text, written only by the triggers of migrations 0006, 0012 and 0025 (tracker/search.py).
# SQLite indexes it with the FTS5 table `agreement_fts`, PostgreSQL with its tsvector columns `document` and
# `rank_document`; both are engine-specific and left out of the models (migrations/env.py keeps `alembic check`
# from reporting them).
SEARCH_COLUMNS = ("title", "summary", "notes", "parties", "sectors", "sources", "documents")
agreement_search = Table(
    "agreement_search",
    Base.metadata,
    Column("agreement_id", ForeignKey("agreement.id", ondelete="CASCADE"), primary_key=True),
    *(Column(name, Text, nullable=False, server_default="") for name in SEARCH_COLUMNS),
)


class KeptCount(Base):
    """How many live agreements count under a key of the dashboard's figures, kept by the database's triggers
    (migration 0036) in the writing transaction: kind "status" (key: the status), "sector" (the sector's id),
    "country" (a partner's country code, each agreement once), "implemented" (the same, implemented ones only) and
    "total" (key "source": the live sources) and "version" (key "dates": moved on by every write to what the
    dashboard's date-dependent figures read, migration 0038; key "terms": by every write to what the figures from
    the terms read, 0040; key "people": by every change of a user's name or e-mail address, 0041; key "parties": by
    every write to what a party page's figures read, 0043), "bound" (key "notice days": at least every term's end
    less its decision date, 0040); for the list's facets also "instrument", "renewal", "evidence" (the value) and
    "owner" (the officer's user id), migration 0039.

    A count is never written by the app; a key whose agreements are all gone stays with 0.
    """

    __tablename__ = "kept_count"

    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    total: Mapped[int] = mapped_column(Integer)


class ApiToken(Base):
    """A personal token for the JSON API; only its hash is kept, the token itself is shown once."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="RESTRICT"), index=True)
    name: Mapped[str] = mapped_column(String(100), default="")
    # SHA-256 of the token: tokens are long random strings, so a fast hash is enough to look them up.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The first characters, so the owner can tell tokens apart in the list.
    prefix: Mapped[str] = mapped_column(String(16), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()


class CalendarFeed(Base):
    """A secret calendar URL of expiries: all agreements or a saved query's, revocable."""

    __tablename__ = "calendar_feed"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="RESTRICT"), index=True)
    name: Mapped[str] = mapped_column(String(100), default="")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The agreement query string the feed follows ("sector=ev&country=KR"); empty for every agreement.
    query: Mapped[str] = mapped_column(String(2000), default="")
    # Review reminders, in months before the end ("12,6,3").
    lead_months: Mapped[str] = mapped_column(String(100), default="12,6,3")
    # Whether the feed also shows the follow-up actions of its agreements on their due dates (issue 15).
    include_actions: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()


class SavedQuery(TimestampMixin, Base):
    """A named agreement query (issue 18): personal, or shared with everyone; its owner alone edits it."""

    __tablename__ = "saved_query"
    __table_args__ = (UniqueConstraint("owner_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="RESTRICT"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    # The agreement query string it names, as the list takes it ("sector=ev&country=KR"); empty for every agreement.
    query: Mapped[str] = mapped_column(String(2000), default="")
    shared: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    # Whether the owner's digest has a section of this query's agreements ending soon and new ones.
    in_digest: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")

    owner: Mapped[User] = relationship()


class ImportPreset(Base):
    """A saved column mapping for importing spreadsheets of agreements (e.g. the foreign ministry's treaty list)."""

    __tablename__ = "import_preset"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    # {"target field": "source column", ...} plus parsing options.
    mapping: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="RESTRICT"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class GlossaryEntry(TimestampMixin, Base):
    """Phrases of the search glossary that stand for one another, in any language ("baterai", "battery")."""

    __tablename__ = "glossary_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    # One phrase per line; a query's phrase matches agreements with any phrase of its entries.
    phrases: Mapped[str] = mapped_column(Text, default="")

    # How long an entry's name may grow where one line names it (the activity feed, its history's title).
    LABEL_MAX = 80

    @property
    def label(self) -> str:
        """The entry named on one line: its phrases joined by " | ", shortened."""
        return self.label_of(self.phrases.splitlines())

    @classmethod
    def label_of(cls, phrases: list[str]) -> str:
        """Phrases joined by " | ", cut to LABEL_MAX characters with "…" (also for a deleted entry's phrases)."""
        text = " | ".join(phrases)
        return text if len(text) <= cls.LABEL_MAX else text[: cls.LABEL_MAX - 1].rstrip() + "…"


class JobState(enum.Enum):
    """Where a background job is: waiting for a worker, at work, finished with a result, or failed."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"

    @property
    def finished(self) -> bool:
        """Whether the job will change no more."""
        return self in (JobState.DONE, JobState.FAILED)


class Job(Base):
    """A piece of long work a worker does for a user (tracker/jobs.py); its progress is written here as it goes,
    so that pages read it from the database whatever queue carries the work."""

    __tablename__ = "job"

    id: Mapped[int] = mapped_column(primary_key=True)
    # What the work is ("agreement_export") and what it was asked with (the export's query and format).
    kind: Mapped[str] = mapped_column(String(32))
    parameters: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    state: Mapped[JobState] = mapped_column(value_enum(JobState, "state"), default=JobState.QUEUED)
    done: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int | None] = mapped_column(Integer)
    # The error a failed job shows its user.
    message: Mapped[str] = mapped_column(String(1000), default="")
    # The finished file, relative to the jobs folder; None until done, and again once purged.
    result_path: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Written with every progress step: a running job whose heartbeat is old has lost its worker.
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()


class ScheduleRunState(enum.Enum):
    """Where a schedule's run is: asked for ("Run now"), at work, finished, failed, or not run (still running)."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    SKIPPED = "skipped"


class ScheduleRun(Base):
    """One run of a periodic task (tracker/schedules.py): when, how it ended, what it did.

    A run belongs to a slot — the scheduled minute in UTC ("2026-12-07T00:30Z"), or "now-…" for a Run now — and a
    schedule has one run per slot, so workers on several machines that all fire it run it once. At most one run of a
    schedule is running at a time (a partial unique index), so a slow run is never overlapped by the next.
    """

    __tablename__ = "schedule_run"
    __table_args__ = (
        UniqueConstraint("schedule", "slot"),
        Index(
            "ix_schedule_run_running",
            "schedule",
            unique=True,
            sqlite_where=sql_text("state = 'running'"),
            postgresql_where=sql_text("state = 'running'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    schedule: Mapped[str] = mapped_column(String(32))
    slot: Mapped[str] = mapped_column(String(40))
    state: Mapped[ScheduleRunState] = mapped_column(value_enum(ScheduleRunState, "state"))
    # Who asked for a Run now; None for the scheduled runs.
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Written every few seconds while the run works: a running run whose heartbeat is old lost its worker.
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # What the run did, as counts the admin page words in the reader's language; the error of a failed run.
    result: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    error: Mapped[str] = mapped_column(Text, default="")

    requested_by: Mapped[User | None] = relationship()


class SourceCheckOutcome(enum.Enum):
    """What fetching a source's page again found: the link's health."""

    # Alive: the page answered at its address with the text last kept.
    UNCHANGED = "unchanged"
    # Alive, and its text changed: a new snapshot was kept.
    CHANGED = "changed"
    # The page answered only after redirects to another address (noted); its text was compared too.
    MOVED = "moved"
    # The page is not there any more: 404, 410, or the site's name is not found.
    GONE = "gone"
    # Any other failure (a timeout, a server error, an address the fetch policy refuses): perhaps passing.
    FAILING = "failing"


# The outcomes that say the link needs looking at.
PROBLEM_OUTCOMES = (SourceCheckOutcome.MOVED, SourceCheckOutcome.GONE, SourceCheckOutcome.FAILING)


class SourceCheck(Base):
    """A source's page fetched again (by the re-check schedule, or a "Check now"): whether the link is alive, moved,
    gone or failing, whether its text changed (a new snapshot was then kept, and how much changed) and why a fetch
    failed."""

    __tablename__ = "source_check"
    __table_args__ = (Index("ix_source_check_source_checked", "source_id", "checked_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("source.id", ondelete="CASCADE"))
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    outcome: Mapped[SourceCheckOutcome] = mapped_column(value_enum(SourceCheckOutcome, "outcome"))
    # The address checked (the source's URL then): a check of an address since edited away says nothing of the link.
    # None for checks recorded before link health.
    url: Mapped[str | None] = mapped_column(String(2000))
    # The fetch error's code ("timeout", "dns", "http_status", "private_address"...); empty when the page answered.
    reason: Mapped[str] = mapped_column(String(32), default="", server_default="")
    # The HTTP status of a page that answered with an error (404, 410, 503); None otherwise.
    http_status: Mapped[int | None] = mapped_column(Integer)
    # Where the redirects ended, when the page moved.
    moved_to: Mapped[str | None] = mapped_column(String(2000))
    # Characters of normalised text added and removed since the last snapshot, when the text changed.
    chars_added: Mapped[int | None] = mapped_column(Integer)
    chars_removed: Mapped[int | None] = mapped_column(Integer)
    # Why the fetch failed, as data worded in the reader's language (tracker/messages.py); None otherwise.
    message: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # Why, in words, for checks recorded before the message was kept as data and not recognised by migration 0029.
    detail: Mapped[str] = mapped_column(String(1000), default="")


class NewsFeed(TimestampMixin, Base):
    """An RSS or Atom feed of an outlet or a ministry's press releases that the feeds schedule reads for the inbox."""

    __tablename__ = "news_feed"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    url: Mapped[str] = mapped_column(String(2000), unique=True)
    # What the address gives (tracker/ingest/newsfeed.py): "feed" (RSS or Atom), "sitemap", "listing" (a page of
    # article links), or "auto": told apart at each run by what it gives.
    kind: Mapped[str] = mapped_column(String(16), default="auto", server_default="auto")
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    last_fetched_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The last run's counts (new, filed, skipped, failed) and, when the feed itself failed, why.
    last_result: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    last_error: Mapped[str] = mapped_column(String(1000), default="")
    # Why the last run could not read the feed, as data worded in the reader's language (tracker/messages.py); the
    # text above is kept for runs recorded before (migration 0029) and is empty for later ones.
    last_error_message: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    added_by: Mapped[User | None] = relationship()


class InboxState(enum.Enum):
    """Where a news item stands: waiting in the inbox, triaged (linked, made into a new agreement, dismissed), read
    and left out for matching nothing, or another address of a page seen before (both kept so that the address is
    not fetched again)."""

    NEW = "new"
    LINKED = "linked"
    CREATED = "created"
    DISMISSED = "dismissed"
    UNMATCHED = "unmatched"
    DUPLICATE = "duplicate"


class InboxItem(Base):
    """A news item a feed brought: its page as extracted, how well it matches what the tracker records and why.

    Its normalised URL is unique, and so is its canonical URL where the page names one: an item once seen (filed,
    triaged or left out) never comes back, whichever address the feed gives it next time.
    """

    __tablename__ = "inbox_item"
    __table_args__ = (Index("ix_inbox_item_state_score", "state", "score"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    feed_id: Mapped[int | None] = mapped_column(ForeignKey("news_feed.id", ondelete="SET NULL"), index=True)
    url: Mapped[str] = mapped_column(String(2000))
    url_normalized: Mapped[str] = mapped_column(String(2000), unique=True)
    canonical_url: Mapped[str | None] = mapped_column(String(2000), unique=True)
    title: Mapped[str] = mapped_column(String(500), default="")
    outlet: Mapped[str] = mapped_column(String(200), default="")
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    language: Mapped[str] = mapped_column(String(16), default="")
    # The extracted page (tracker/ingest/review.py `plain`), for the review screen; an unmatched item keeps it for
    # TRACKER_INBOX_RESCORE_DAYS days, to be scored again (tracker/inbox.py), then it is emptied.
    page: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    score: Mapped[float] = mapped_column(Float, default=0.0)
    # What matched, as data the inbox words in the reader's language: [{"kind": "party", "name": ...}, ...].
    reasons: Mapped[list[Any]] = mapped_column(JSON, default=list)
    state: Mapped[InboxState] = mapped_column(value_enum(InboxState, "state"), default=InboxState.NEW)
    found_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    triaged_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    triaged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    source_id: Mapped[int | None] = mapped_column(ForeignKey("source.id", ondelete="SET NULL"))

    feed: Mapped[NewsFeed | None] = relationship()
    triaged_by: Mapped[User | None] = relationship()
