"""The words import files use for statuses, instruments, roles and kinds, in Indonesian and English.

Each choice also accepts its stored value ("in_force") and its label in the interface language ("In force");
these tables add what spreadsheets, and the foreign ministry's treaty list, write instead.
"""

from __future__ import annotations

from tracker.models import (
    AgreementStatus,
    AutoRenewal,
    ImplementationStatus,
    InstrumentType,
    NoticeParty,
    NoticeUnit,
    PartyKind,
    PartyRole,
    Ratification,
    RenewalIntent,
)

STATUSES = {
    "berlaku": AgreementStatus.IN_FORCE,
    "sudah berlaku": AgreementStatus.IN_FORCE,
    "telah berlaku": AgreementStatus.IN_FORCE,
    "entered into force": AgreementStatus.IN_FORCE,
    "in effect": AgreementStatus.IN_FORCE,
    "belum berlaku": AgreementStatus.SIGNED,
    "not yet in force": AgreementStatus.SIGNED,
    "ditandatangani": AgreementStatus.SIGNED,
    "tidak berlaku": AgreementStatus.EXPIRED,
    "tidak berlaku lagi": AgreementStatus.EXPIRED,
    "sudah tidak berlaku": AgreementStatus.EXPIRED,
    "no longer in force": AgreementStatus.EXPIRED,
    "berakhir": AgreementStatus.EXPIRED,
    "kedaluwarsa": AgreementStatus.EXPIRED,
    "kadaluarsa": AgreementStatus.EXPIRED,
    "diakhiri": AgreementStatus.TERMINATED,
    "dihentikan": AgreementStatus.TERMINATED,
    "dibatalkan": AgreementStatus.CANCELLED,
    "batal": AgreementStatus.CANCELLED,
    "digantikan": AgreementStatus.SUPERSEDED,
    "diganti": AgreementStatus.SUPERSEDED,
    "ditangguhkan": AgreementStatus.SUSPENDED,
    "dalam perundingan": AgreementStatus.UNDER_NEGOTIATION,
    "dalam negosiasi": AgreementStatus.UNDER_NEGOTIATION,
    "diumumkan": AgreementStatus.ANNOUNCED,
}

# The treaty list's "Status Pengesahan": ratified, or needing none, means in force; awaiting it means signed.
RATIFICATIONS = {
    "sudah diratifikasi": AgreementStatus.IN_FORCE,
    "telah diratifikasi": AgreementStatus.IN_FORCE,
    "diratifikasi": AgreementStatus.IN_FORCE,
    "sudah disahkan": AgreementStatus.IN_FORCE,
    "disahkan": AgreementStatus.IN_FORCE,
    "sudah diratifikasi/dinotifikasi": AgreementStatus.IN_FORCE,
    "ratified": AgreementStatus.IN_FORCE,
    "already ratified": AgreementStatus.IN_FORCE,
    "already ratified/notified": AgreementStatus.IN_FORCE,
    "tidak memerlukan pengesahan": AgreementStatus.IN_FORCE,
    "tidak perlu pengesahan": AgreementStatus.IN_FORCE,
    "tidak memerlukan ratifikasi": AgreementStatus.IN_FORCE,
    "tidak perlu diratifikasi": AgreementStatus.IN_FORCE,
    "no ratification needed": AgreementStatus.IN_FORCE,
    "no ratification/notification needed": AgreementStatus.IN_FORCE,
    "belum diratifikasi": AgreementStatus.SIGNED,
    "belum disahkan": AgreementStatus.SIGNED,
    "belum diratifikasi/dinotifikasi": AgreementStatus.SIGNED,
    "not yet ratified": AgreementStatus.SIGNED,
    "not yet ratified/notified": AgreementStatus.SIGNED,
}

# The same words as the ratification itself, which the contract's field also keeps.
RATIFICATION_VALUES = {
    text: Ratification.NOT_REQUIRED
    if "tidak" in text or text.startswith("no ")
    else Ratification.RATIFIED
    if status is AgreementStatus.IN_FORCE
    else Ratification.NOT_YET_RATIFIED
    for text, status in RATIFICATIONS.items()
}
AUTO_RENEWALS = {
    "ya": AutoRenewal.YES,
    "yes": AutoRenewal.YES,
    "y": AutoRenewal.YES,
    "otomatis": AutoRenewal.YES,
    "automatic": AutoRenewal.YES,
    "tidak": AutoRenewal.NO,
    "n": AutoRenewal.NO,
}
NOTICE_UNITS = {"month": NoticeUnit.MONTHS, "bulan": NoticeUnit.MONTHS, "day": NoticeUnit.DAYS, "hari": NoticeUnit.DAYS}
NOTICE_PARTIES = {
    "either party": NoticeParty.EITHER,
    "salah satu pihak": NoticeParty.EITHER,
    "kedua pihak": NoticeParty.BOTH,
    "both": NoticeParty.BOTH,
    "pihak indonesia": NoticeParty.HOME,
    "indonesia": NoticeParty.HOME,
    "partner": NoticeParty.PARTNER,
    "mitra": NoticeParty.PARTNER,
}
# How far an agreement is carried out (issue 15), as desks write it in English and Indonesian.
IMPLEMENTATIONS = {
    "belum dilaksanakan": ImplementationStatus.NOT_STARTED,
    "belum terlaksana": ImplementationStatus.NOT_STARTED,
    "belum dimulai": ImplementationStatus.NOT_STARTED,
    "not yet started": ImplementationStatus.NOT_STARTED,
    "sedang berjalan": ImplementationStatus.ONGOING,
    "berjalan": ImplementationStatus.ONGOING,
    "dalam pelaksanaan": ImplementationStatus.ONGOING,
    "in progress": ImplementationStatus.ONGOING,
    "terlaksana": ImplementationStatus.IMPLEMENTED,
    "sudah dilaksanakan": ImplementationStatus.IMPLEMENTED,
    "telah dilaksanakan": ImplementationStatus.IMPLEMENTED,
    "selesai": ImplementationStatus.IMPLEMENTED,
    "done": ImplementationStatus.IMPLEMENTED,
    "completed": ImplementationStatus.IMPLEMENTED,
    "terhenti": ImplementationStatus.STALLED,
    "mandek": ImplementationStatus.STALLED,
    "macet": ImplementationStatus.STALLED,
    "tidak berjalan": ImplementationStatus.STALLED,
}

INSTRUMENTS = {
    "memorandum of understanding": InstrumentType.MOU,
    "nota kesepahaman": InstrumentType.MOU,
    "memorandum saling pengertian": InstrumentType.MOU,
    "loi": InstrumentType.LETTER_OF_INTENT,
    "surat pernyataan kehendak": InstrumentType.LETTER_OF_INTENT,
    "persetujuan": InstrumentType.AGREEMENT,
    "perjanjian": InstrumentType.AGREEMENT,
    "treaty": InstrumentType.AGREEMENT,
    "kontrak": InstrumentType.CONTRACT,
    "pernyataan bersama": InstrumentType.JOINT_STATEMENT,
    "joint declaration": InstrumentType.JOINT_STATEMENT,
    "deklarasi bersama": InstrumentType.JOINT_STATEMENT,
    "pengaturan pelaksanaan": InstrumentType.IMPLEMENTING_ARRANGEMENT,
    "lainnya": InstrumentType.OTHER,
}

# Checked in order against a title (lower case): the first that occurs names the instrument.
TITLE_INSTRUMENTS = (
    (r"implementing arrangement|pengaturan pelaksanaan", InstrumentType.IMPLEMENTING_ARRANGEMENT),
    (
        r"memorandum of understanding|\bmou\b|nota kesepahaman|memorandum saling pengertian",
        InstrumentType.MOU,
    ),
    (r"letter of intent|\bloi\b|surat pernyataan kehendak", InstrumentType.LETTER_OF_INTENT),
    (r"joint (statement|declaration)|pernyataan bersama|deklarasi bersama", InstrumentType.JOINT_STATEMENT),
    (r"\bcontract\b|\bkontrak\b", InstrumentType.CONTRACT),
    (r"\bagreement\b|\bpersetujuan\b|\bperjanjian\b|\btreaty\b|\bconvention\b|\bkonvensi\b", InstrumentType.AGREEMENT),
)

RENEWALS = {
    "not recorded": RenewalIntent.NOT_RECORDED,
    "unknown": RenewalIntent.NOT_RECORDED,
    "tidak diketahui": RenewalIntent.NOT_RECORDED,
    "belum dicatat": RenewalIntent.NOT_RECORDED,
    "no": RenewalIntent.NONE,
    "tidak": RenewalIntent.NONE,
    "not renewed": RenewalIntent.NONE,
    "no renewal": RenewalIntent.NONE,
    "will not be renewed": RenewalIntent.NONE,
    "tidak diperpanjang": RenewalIntent.NONE,
    "akan diperpanjang": RenewalIntent.INTENDED,
    "dalam perundingan": RenewalIntent.IN_NEGOTIATION,
    "diperpanjang": RenewalIntent.RENEWED,
}

ROLES = {
    "penandatangan": PartyRole.SIGNATORY,
    "signer": PartyRole.SIGNATORY,
    "pelaksana": PartyRole.IMPLEMENTING_AGENCY,
    "implementer": PartyRole.IMPLEMENTING_AGENCY,
    "penyandang dana": PartyRole.FUNDER,
    "donor": PartyRole.FUNDER,
    "saksi": PartyRole.WITNESS,
}

KINDS = {
    "government": PartyKind.STATE,
    "pemerintah": PartyKind.STATE,
    "negara": PartyKind.STATE,
    "kementerian": PartyKind.MINISTRY,
    "agency": PartyKind.MINISTRY,
    "perusahaan": PartyKind.COMPANY,
    "asosiasi": PartyKind.ASSOCIATION,
    "organisasi internasional": PartyKind.INTERNATIONAL_ORGANISATION,
    "international organization": PartyKind.INTERNATIONAL_ORGANISATION,
    "io": PartyKind.INTERNATIONAL_ORGANISATION,
    "lembaga penelitian": PartyKind.RESEARCH_INSTITUTE,
}
