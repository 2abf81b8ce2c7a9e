"""The agreement form and page with terms and treaty facts, and the expiring page saying which date it goes by."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from tests.html_forms import form_values, replaced, value_of
from tests.web.test_agreements import form_data
from tracker.models import Agreement, AutoRenewal, NoticeParty, Ratification, UserRole


def test_terms_and_treaty_facts_are_typed_saved_and_shown_with_the_decision_sentence(client, session):
    data = form_data(
        title="MoU on industrial cooperation",
        start="2014-01-01",
        end="",
        **{"duration_months-years": "5", "duration_months-months": "0"},
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
    assert "Duration: 5 years." in page
    edit = client.get(f"/agreements/{stored.id}/edit").get_data(as_text=True)
    pairs = form_values(edit, f"/agreements/{stored.id}/edit")
    assert (value_of(pairs, "duration_months-years"), value_of(pairs, "duration_months-months")) == ("5", "0")
    assert (value_of(pairs, "renewal_months-years"), value_of(pairs, "renewal_months-months")) == ("", "")
    assert '<option selected value="yes">' in edit


def span(name, years, months):
    """The two inputs of a span of the terms."""
    return {f"{name}-years": years, f"{name}-months": months}


@pytest.mark.parametrize(
    ("years", "months", "stored"),
    [
        ("5", "0", 60),
        ("5", "", 60),
        ("", "18", 18),
        ("1", "6", 18),
        (" 2 ", "13", 37),
        ("100", "0", 1200),
        ("", "", None),
    ],
)
def test_years_and_months_are_stored_as_months(client, session, years, months, stored):
    data = form_data(title="Kerja sama", **span("duration_months", years, months), **span("renewal_months", "", "6"))
    assert client.post("/agreements/new", data=data).status_code == 302
    session.rollback()
    saved = session.scalars(select(Agreement)).one()
    assert (saved.duration_months, saved.renewal_months) == (stored, 6)


@pytest.mark.parametrize(
    ("years", "months", "message"),
    [
        ("-1", "0", "Years and months cannot be negative."),
        ("5", "-6", "Years and months cannot be negative."),
        ("0", "0", "Give at least one month, or leave both blank."),
        ("101", "0", "At most 100 years."),
        ("99", "13", "At most 100 years."),
        ("99999999999999999999999", "", "At most 100 years."),
        ("lima", "", "Give whole numbers of years and months, such as 5 and 0."),
        ("2.5", "", "Give whole numbers of years and months, such as 5 and 0."),
        ("5_0", "", "Give whole numbers of years and months, such as 5 and 0."),
    ],
)
def test_a_wrong_span_is_refused_next_to_its_field_and_kept_as_typed(client, session, years, months, message):
    response = client.post("/agreements/new", data=form_data(title="Odd", **span("renewal_months", years, months)))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'<p class="error" id="renewal_months-error">{message}</p>' in html
    assert 'href="#renewal_months"' in html  # the summary leads to the years input
    pairs = form_values(html, "/agreements/new")
    assert (value_of(pairs, "renewal_months-years"), value_of(pairs, "renewal_months-months")) == (years, months)
    assert session.scalars(select(Agreement)).all() == []


def test_a_form_without_the_span_keeps_the_recorded_one(client, session, make_agreement):
    agreement = make_agreement(duration_months=60, renewal_months=18)
    path = f"/agreements/{agreement.id}/edit"
    pairs = form_values(client.get(path).get_data(as_text=True), path)
    without = [(name, value) for name, value in pairs if not name.startswith("duration_months")]
    assert client.post(path, data=MultiDict(replaced(without, title="Renamed"))).status_code == 302
    session.rollback()
    session.expire_all()  # the test's session keeps what it loaded before the request
    stored = session.get(Agreement, agreement.id)
    assert (stored.title, stored.duration_months, stored.renewal_months) == ("Renamed", 60, 18)


@pytest.mark.parametrize(
    ("duration", "renewal", "english", "indonesian"),
    [
        (60, None, "Duration: 5 years.", "Jangka waktu: 5 tahun."),
        (18, 12, "Duration: 1 year 6 months.", "Jangka waktu: 1 tahun 6 bulan."),
        (6, 13, "Duration: 6 months.", "Jangka waktu: 6 bulan."),
    ],
)
def test_the_page_says_the_spans_in_years_and_months_in_both_languages(
    client_as, make_agreement, duration, renewal, english, indonesian
):
    agreement = make_agreement(duration_months=duration, renewal_months=renewal, auto_renewal=AutoRenewal.YES)
    viewer = client_as(UserRole.VIEWER)
    assert english in " ".join(viewer.get(f"/agreements/{agreement.id}").get_data(as_text=True).split())
    assert viewer.post("/language", data={"locale": "id", "next": "/"}).status_code == 302
    assert indonesian in " ".join(viewer.get(f"/agreements/{agreement.id}").get_data(as_text=True).split())


def test_the_expiring_page_says_it_goes_by_the_decision_date(client, session):
    data = form_data(
        title="Tacit MoU",
        start="2014-01-01",
        end="",
        **span("duration_months", "5", "0"),
        auto_renewal="yes",
        notice_period="6",
    )
    assert client.post("/agreements/new", data=data).status_code == 302
    page = client.get("/expiring/?as_of=2018-01-01&months=12").get_data(as_text=True)
    assert "Decide by 1 July 2018" in page and "decision date; the term ends 31 December 2018" in page
    late = client.get("/expiring/?as_of=2018-12-01&months=1").get_data(as_text=True)
    assert "decision 153 days overdue" in late


def test_a_term_from_the_31st_ends_on_a_shorter_months_last_day_on_both_pages(client, session):
    # Issue 15: "for one month from 31 May 2024" runs to 30 June, on the agreement page and the expiring page.
    once = form_data(
        title="MoU Universitas Gadjah Mada", start="2024-05-31", end="", **span("duration_months", "", "1")
    )
    response = client.post("/agreements/new", data=once)
    assert response.status_code == 302
    page = " ".join(client.get(response.headers["Location"]).get_data(as_text=True).split())
    assert "The current term ends 30 June 2024." in page
    renewing = form_data(
        title="Kerja sama riset ITB",
        start="2024-05-31",
        end="",
        **span("duration_months", "", "1"),
        auto_renewal="yes",
        notice_period="1",
    )
    assert client.post("/agreements/new", data=renewing).status_code == 302
    # On 30 June both first terms still run (the old rule had them end on 29 June).
    last_day = client.get("/expiring/?as_of=2024-06-30&months=1").get_data(as_text=True)
    assert last_day.count("the term ends 30 June 2024") == 2
    next_day = client.get("/expiring/?as_of=2024-07-01&months=1").get_data(as_text=True)
    assert "the term ends 30 July 2024" in next_day and "29 July 2024" not in next_day


def test_the_history_shows_a_changed_span_in_years_and_months(client, make_agreement):
    agreement = make_agreement(duration_months=60)
    path = f"/agreements/{agreement.id}/edit"
    pairs = form_values(client.get(path).get_data(as_text=True), path)
    changed = replaced(pairs, **span("duration_months", "1", "6"))
    assert client.post(path, data=MultiDict(changed)).status_code == 302
    page = client.get(f"/agreements/{agreement.id}/history").get_data(as_text=True)
    assert "<td>5 years</td>" in page and "<td>1 year 6 months</td>" in page


def test_the_history_names_the_terms_and_ratification_choices_by_their_labels(client, make_agreement):
    agreement = make_agreement()
    path = f"/agreements/{agreement.id}/edit"
    pairs = form_values(client.get(path).get_data(as_text=True), path)
    changed = replaced(pairs, auto_renewal="yes", notice_unit="days", notice_by="either", ratification="ratified")
    assert client.post(path, data=MultiDict(changed)).status_code == 302
    page = client.get(f"/agreements/{agreement.id}/history").get_data(as_text=True)
    for stored in ("<td>yes</td>", "<td>either</td>", "<td>ratified</td>"):
        assert stored not in page
    for shown in ("Renews automatically", "Either party", "Ratified", "days"):
        assert f"<td>{shown}</td>" in page


def test_the_list_filters_by_decision_date_and_treaty_facts_and_finds_the_numbers(client, session):
    tacit = form_data(
        title="Tacit MoU",
        start="2014-01-01",
        end="",
        **span("duration_months", "5", "0"),
        auto_renewal="yes",
        notice_period="6",
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
