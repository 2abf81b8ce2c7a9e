"""The AITEC agreement as the citation tests start from it: the ministry and AITEC as signatories, 2006–2018, the
tirto.id report linked with the page's text kept as a snapshot."""

from __future__ import annotations

import hashlib
from typing import Any

from tracker.models import Document, DocumentKind, PartyKind, PartyRole, SnapshotMethod, SourceSnapshot

# The seed article's words as tirto.id printed them (curly quotes, the date in brackets).
TIRTO_TEXT = (
    "Dirjen KPAII Kementerian Perindustrian, Harjanto mengungkapkan akan melanjutkan kerja sama antara Indonesia\n"
    "dengan industri elektronika Korea Selatan AITEC Co.Ltd dalam bidang pengembangan teknologi. “Kita dengan AITEC "
    "kan kerja samanya sudah berlangsung dari 2006 dan akan berakhir 2018. Kami ingin memperpanjang kerja sama "
    "pengembangan teknologi ini, karena masih dibutuhkan,” kata Harjanto di Jakarta, Rabu (4/10/2017)."
)
AITEC_TITLE = "Technology development cooperation between the Ministry of Industry and AITEC Co., Ltd"


def aitec_story(session, make_party, make_agreement, make_source, text: str = TIRTO_TEXT) -> dict[str, Any]:
    """The agreement, its source, the source's snapshot holding `text`, and the two parties, committed."""
    ministry = make_party("Kementerian Perindustrian", aliases=["Kemenperin"])
    aitec = make_party("AITEC Co., Ltd", kind=PartyKind.COMPANY, country_code="KR", aliases=["AITEC"])
    agreement = make_agreement(
        AITEC_TITLE, start="2006", end="2018", parties=[(ministry, PartyRole.SIGNATORY), (aitec, PartyRole.SIGNATORY)]
    )
    source = make_source(agreements=[(agreement, "Start, end and the wish to extend")])
    snapshot = SourceSnapshot(source=source, method=SnapshotMethod.FETCH, text=text, content_hash="0")
    session.add(snapshot)
    session.commit()
    return {"agreement": agreement, "source": source, "snapshot": snapshot, "ministry": ministry, "aitec": aitec}


def attached(session, agreement_id: int, filename: str, text: str, kind: DocumentKind = DocumentKind.SIGNED_TEXT):
    """A document row of the agreement (no file kept: the page only links its download), added and flushed."""
    digest = hashlib.sha256(filename.encode()).hexdigest()
    document = Document(
        agreement_id=agreement_id, kind=kind, language="id", filename=filename, media_type="application/pdf",
        size=len(text) or 1, sha256=digest, text=text,
    )  # fmt: skip
    session.add(document)
    session.flush()
    return document
