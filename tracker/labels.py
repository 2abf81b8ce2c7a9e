"""Human, translatable labels for the enumerations of the domain."""

from __future__ import annotations

import enum

from tracker.dates import Precision
from tracker.i18n import _
from tracker.models import (
    ActionStatus,
    AgreementStatus,
    AutoRenewal,
    ChangeAction,
    DocumentKind,
    ImplementationStatus,
    InstrumentType,
    NoticeParty,
    NoticeUnit,
    PartyKind,
    PartyRole,
    Ratification,
    RelationKind,
    RenewalIntent,
    SourceCheckOutcome,
    SourceKind,
    UserRole,
)

LABELS: dict[enum.Enum, object] = {
    ActionStatus.OPEN: _("Open"),
    ActionStatus.DONE: _("Done"),
    ActionStatus.CANCELLED: _("Cancelled"),
    InstrumentType.MOU: _("Memorandum of understanding"),
    InstrumentType.AGREEMENT: _("Agreement"),
    InstrumentType.LETTER_OF_INTENT: _("Letter of intent"),
    InstrumentType.JOINT_STATEMENT: _("Joint statement"),
    InstrumentType.CONTRACT: _("Contract"),
    InstrumentType.IMPLEMENTING_ARRANGEMENT: _("Implementing arrangement"),
    InstrumentType.OTHER: _("Other instrument"),
    AgreementStatus.ANNOUNCED: _("Announced"),
    AgreementStatus.UNDER_NEGOTIATION: _("Under negotiation"),
    AgreementStatus.SIGNED: _("Signed"),
    AgreementStatus.IN_FORCE: _("In force"),
    AgreementStatus.EXPIRED: _("Expired"),
    AgreementStatus.TERMINATED: _("Terminated"),
    AgreementStatus.SUPERSEDED: _("Superseded"),
    AgreementStatus.SUSPENDED: _("Suspended"),
    AgreementStatus.CANCELLED: _("Cancelled"),
    RenewalIntent.NOT_RECORDED: _("Renewal not recorded"),
    RenewalIntent.NONE: _("No renewal planned"),
    RenewalIntent.INTENDED: _("Renewal intended"),
    RenewalIntent.IN_NEGOTIATION: _("Renewal in negotiation"),
    RenewalIntent.RENEWED: _("Renewed"),
    AutoRenewal.NO: _("No automatic renewal"),
    AutoRenewal.YES: _("Renews automatically"),
    NoticeUnit.MONTHS: _("months"),
    NoticeUnit.DAYS: _("days"),
    NoticeParty.NOT_RECORDED: _("Not recorded"),
    NoticeParty.EITHER: _("Either party"),
    NoticeParty.HOME: _("The Indonesian side"),
    NoticeParty.PARTNER: _("The partner"),
    NoticeParty.BOTH: _("Both parties"),
    Ratification.NOT_RECORDED: _("Ratification not recorded"),
    Ratification.NOT_REQUIRED: _("No ratification required"),
    Ratification.RATIFIED: _("Ratified"),
    Ratification.NOT_YET_RATIFIED: _("Not yet ratified"),
    ImplementationStatus.NOT_RECORDED: _("Implementation not recorded"),
    ImplementationStatus.NOT_STARTED: _("Not started"),
    ImplementationStatus.ONGOING: _("Ongoing"),
    ImplementationStatus.IMPLEMENTED: _("Implemented"),
    ImplementationStatus.STALLED: _("Stalled"),
    PartyRole.SIGNATORY: _("Signatory"),
    PartyRole.IMPLEMENTING_AGENCY: _("Implementing agency"),
    PartyRole.FUNDER: _("Funder"),
    PartyRole.WITNESS: _("Witness"),
    PartyRole.OTHER: _("Other role"),
    PartyKind.STATE: _("State or government"),
    PartyKind.MINISTRY: _("Ministry or agency"),
    PartyKind.COMPANY: _("Company"),
    PartyKind.ASSOCIATION: _("Association"),
    PartyKind.INTERNATIONAL_ORGANISATION: _("International organisation"),
    PartyKind.RESEARCH_INSTITUTE: _("Research institute"),
    PartyKind.OTHER: _("Other organisation"),
    RelationKind.RENEWS: _("renews"),
    RelationKind.AMENDS: _("amends"),
    RelationKind.SUPERSEDES: _("supersedes"),
    RelationKind.IMPLEMENTS: _("implements"),
    SourceKind.NEWS_ARTICLE: _("News article"),
    SourceKind.PRESS_RELEASE: _("Press release"),
    SourceKind.OFFICIAL_DOCUMENT: _("Official document"),
    SourceKind.OTHER: _("Other source"),
    DocumentKind.SIGNED_TEXT: _("Signed text"),
    DocumentKind.ANNEX: _("Annex"),
    DocumentKind.LETTER: _("Letter"),
    DocumentKind.OTHER: _("Other document"),
    SourceCheckOutcome.UNCHANGED: _("Alive, text unchanged"),
    SourceCheckOutcome.CHANGED: _("Alive, text changed"),
    SourceCheckOutcome.MOVED: _("Moved"),
    SourceCheckOutcome.GONE: _("Gone"),
    SourceCheckOutcome.FAILING: _("Failing"),
    UserRole.VIEWER: _("Viewer"),
    UserRole.EDITOR: _("Editor"),
    UserRole.ADMIN: _("Admin"),
    Precision.YEAR: _("year only"),
    Precision.MONTH: _("month only"),
    Precision.DAY: _("exact day"),
    ChangeAction.CREATE: _("Created"),
    ChangeAction.UPDATE: _("Edited"),
    ChangeAction.LINK: _("Linked"),
    ChangeAction.UNLINK: _("Unlinked"),
    ChangeAction.ARCHIVE: _("Archived"),
    ChangeAction.RESTORE: _("Restored"),
}

# How a relation reads from each side: "renews X" on the subject, "renewed by Y" on the object.
RELATION_PHRASES: dict[RelationKind, tuple[object, object]] = {
    RelationKind.RENEWS: (_("Renews"), _("Renewed by")),
    RelationKind.AMENDS: (_("Amends"), _("Amended by")),
    RelationKind.SUPERSEDES: (_("Supersedes"), _("Superseded by")),
    RelationKind.IMPLEMENTS: (_("Implements"), _("Implemented by")),
}


def label(member: enum.Enum) -> object:
    """The translatable label of an enum member."""
    return LABELS[member]


def choices(enum_class: type[enum.Enum]) -> list[tuple[str, object]]:
    """(value, label) pairs for a select field, in declaration order."""
    return [(member.value, LABELS[member]) for member in enum_class]
