"""The agreement form and page with terms and treaty facts, and the expiring page saying which date it goes by."""

from __future__ import annotations

from sqlalchemy import select

from tests.web.test_agreements import form_data
from tracker.models import Agreement, AutoRenewal, NoticeParty, Ratification


def test_terms_and_treaty_facts_are_typed_saved_and_shown_with_the_decision_sentence(client, session):
    data = form_data(
        title="MoU on industrial cooperation",
        start="2014-01-01",
        end="",
        duration_months="60",
        auto_renewal="yes",
        notice_period="6",
        notice_unit="months",
        notice_by="either",
        in_force="2014-03",
        ratification="ratified",
        ratifying_instrument="Keppres No. 37 Tahun 1993",
        document_number="KS/2014/017",
    )
    response = client.post("/agreements/new", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    session.rollback()
    stored = session.scalars(select(Agreement)).one()
    assert (stored.duration_months, stored.auto_renewal, stored.notice_period) == (60, AutoRenewal.YES, 6)
    assert (stored.notice_by, stored.ratification, stored.in_force.iso()) == (
        NoticeParty.EITHER,
        Ratification.RATIFIED,
        "2014-03",
    )
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Keppres No. 37 Tahun 1993" in page and "KS/2014/017" in page and "March 2014" in page
    assert "months&#39; notice before the end of the current term" in page or "months' notice before" in page
    edit = client.get(f"/agreements/{stored.id}/edit").get_data(as_text=True)
    assert 'value="60"' in edit and '<option selected value="yes">' in edit


def test_a_number_out_of_range_is_refused_next_to_its_field(client):
    response = client.post("/agreements/new", data=form_data(title="Odd", duration_months="0"))
    assert response.status_code == 422


def test_the_expiring_page_says_it_goes_by_the_decision_date(client, session):
    data = form_data(
        title="Tacit MoU", start="2014-01-01", end="", duration_months="60", auto_renewal="yes", notice_period="6"
    )
    assert client.post("/agreements/new", data=data).status_code == 302
    page = client.get("/expiring/?as_of=2018-01-01&months=12").get_data(as_text=True)
    assert "Decide by 1 July 2018" in page and "decision date; the term ends 31 December 2018" in page
    late = client.get("/expiring/?as_of=2018-12-01&months=1").get_data(as_text=True)
    assert "decision 153 days overdue" in late


def test_the_list_filters_by_decision_date_and_treaty_facts_and_finds_the_numbers(client, session):
    tacit = form_data(
        title="Tacit MoU", start="2014-01-01", end="", duration_months="60", auto_renewal="yes", notice_period="6"
    )
    treaty = form_data(
        title="Treaty on industry", ratification="ratified", ratifying_instrument="Keppres No. 37 Tahun 1993"
    )
    for data in (tacit, treaty):
        assert client.post("/agreements/new", data=data).status_code == 302
    page = client.get("/agreements/?auto_renewal=yes&decision_after=Juli+2023&decision_before=2023").get_data(
        as_text=True
    )
    assert ">Tacit MoU</a>" in page and ">Treaty on industry</a>" not in page
    assert 'id="decision_after" maxlength="80" name="decision_after" type="text" value="Juli 2023"' in page  # kept
    found = client.get("/agreements/?q=Keppres+No.+37&ratification=ratified").get_data(as_text=True)
    assert ">Treaty on industry</a>" in found and ">Tacit MoU</a>" not in found
    refused = client.get("/agreements/?decision_after=2024&decision_before=2023")
    assert refused.status_code == 400 and "comes before the “decision date from” date" in refused.get_data(as_text=True)
