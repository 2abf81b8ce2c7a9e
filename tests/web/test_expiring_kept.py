"""The expiring page keeps its ids and counts under the dates version (migration 0038): a write to what they do not
read leaves them kept while the rows shown are read afresh; a write to a date recounts them."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select, update

from tracker.models import Agreement, AgreementStatus, PartyKind, PartyRole
from tracker.queries import expiring
from tracker.queries.dashboard import data_version, dates_version, terms_version
from tracker.records.party import PartyData
from tracker.services.parties import update_party

PAGE = "/expiring/?as_of=2026-11-01"


def test_a_write_to_no_date_keeps_the_ids_and_shows_the_rows_afresh(
    client, session, make_agreement, make_party, monkeypatch
):
    party = make_party("Korea", PartyKind.STATE, "KR")
    agreement = make_agreement(title="Ending soon", end="2026-12-15", parties=[(party, PartyRole.SIGNATORY)])
    computed = []
    original = expiring.attention_ids
    monkeypatch.setattr(expiring, "attention_ids", lambda *args: computed.append(1) or original(*args))
    assert "Korea" in client.get(PAGE).get_data(as_text=True)
    # A new name and a touched agreement move the data version, not the dates version.
    update_party(session, party, PartyData(name="Republic of Korea", kind=party.kind, country_code="KR"))
    session.execute(update(Agreement).where(Agreement.id == agreement.id).values(updated_at=datetime.now(UTC)))
    session.commit()
    page = client.get(PAGE).get_data(as_text=True)
    assert "Republic of Korea" in page and "Ending soon" in page
    assert len(computed) == 1
    # An end moved out of the window moves the dates version: the list is read again.
    session.execute(update(Agreement).where(Agreement.id == agreement.id).values(end_on=date(2030, 1, 1)))
    session.commit()
    assert "Ending soon" not in client.get(PAGE).get_data(as_text=True)
    assert len(computed) == 2


def test_an_end_or_a_title_alone_keeps_the_terms_version(session, make_agreement):
    agreement = make_agreement(start="2020-01-01", end="2030-12-31")
    row = Agreement.id == agreement.id
    before = data_version(session)
    session.execute(update(Agreement).where(row).values(end_on=date(2031, 1, 1), title="Renamed"))
    session.commit()
    after = data_version(session)
    assert terms_version(after) == terms_version(before)
    assert dates_version(after) != dates_version(before)
    session.execute(update(Agreement).where(row).values(status=AgreementStatus.EXPIRED))
    session.commit()
    assert terms_version(data_version(session)) != terms_version(after)
    assert session.scalar(select(Agreement.title).where(row)) == "Renamed"
