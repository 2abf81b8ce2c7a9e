"""Agreement pages over HTTP: list and query, detail, create, edit, delete, relations."""

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from tests.html_forms import form_values
from tracker.models import (
    Agreement,
    AgreementRelation,
    AgreementStatus,
    InstrumentType,
    PartyKind,
    PartyRole,
    RenewalIntent,
)


def form_data(**fields):
    """A valid agreement form submission with overrides."""
    data = {
        "title": "Technology development cooperation",
        "title_local": "Kerja sama pengembangan teknologi",
        "instrument_type": "agreement",
        "status": "in_force",
        "renewal_intent": "intended",
        "signed": "",
        "place_of_signing": "",
        "start": "2006",
        "end": "2018",
        "summary": "",
        "notes": "",
    }
    data.update(fields)
    return data


def count(session, model=Agreement):
    """Rows of `model` as committed now (ending the test session's own snapshot first)."""
    session.rollback()
    return session.scalar(select(func.count()).select_from(model))


def test_list_page_shows_agreements_and_keeps_filters(client, make_agreement):
    make_agreement(title="Technology development cooperation", start="2006", end="2018")
    response = client.get("/agreements/?q=technology&sort=end&per_page=10")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Technology development cooperation" in html
    assert "2006–2018" in html
    assert 'value="technology"' in html  # the query stays in the form


def test_list_filters_and_sorts_by_signed_year(client, make_agreement):
    make_agreement(title="MoU Baterai Kendaraan Listrik", signed="2019")
    make_agreement(title="Nota Kesepahaman Nikel", signed="2023-11-14")
    make_agreement(title="MoU on textiles", signed="2024-02")
    make_agreement(title="MoU with no known signing date")
    html = client.get("/agreements/?signed_from=2019&signed_to=2023&sort=-signed").get_data(as_text=True)
    assert html.index("Nota Kesepahaman Nikel") < html.index("MoU Baterai Kendaraan Listrik")
    assert "MoU on textiles" not in html and "no known signing date" not in html
    assert 'value="2019"' in html and 'selected value="-signed"' in html  # the query stays in the form


def test_list_filters_by_sector_and_country(client, make_party, make_agreement, get_sector):
    aitec = make_party(name="AITEC Co., Ltd", kind=PartyKind.COMPANY, country_code="KR")
    make_agreement(title="Korean tech", parties=[(aitec, PartyRole.SIGNATORY)], sectors=[get_sector("technology")])
    make_agreement(title="Unrelated EV deal", sectors=[get_sector("electric-vehicles")])
    html = client.get("/agreements/?sector=technology&country=KR").get_data(as_text=True)
    assert "Korean tech" in html and "Unrelated EV deal" not in html


@pytest.mark.parametrize(
    "query",
    [
        "active_in=abc",
        "active_in=1800",
        "ends_from=2020&ends_to=2010",
        "signed_from=2023&signed_to=2019",
        "sort=signed_on",
        "party=999999",
        "party=abc",
        "country=XX",
        "sector=nope",
        "status=alive",
        "sort=sideways",
        "page=0",
        "page=-3",
        "per_page=1000000",
        "q=" + "x" * 300,
    ],
)
def test_bad_query_parameters_are_400_with_a_message(client, query):
    response = client.get(f"/agreements/?{query}")
    assert response.status_code == 400
    assert 'class="error"' in response.get_data(as_text=True)


def test_pagination_links_keep_the_query(client, make_agreement):
    for number in range(12):
        make_agreement(title=f"Agreement {number:02d}")
    html = client.get("/agreements/?q=agreement&per_page=10&sort=title").get_data(as_text=True)
    assert "Page 1 of 2" in html
    assert "page=2" in html and "q=agreement" in html


def test_detail_shows_dates_at_known_precision(client, make_party, make_agreement, make_source):
    ministry = make_party(name="Ministry of Industry")
    agreement = make_agreement(
        start="2006",
        end="2018",
        signed="2017-10-04",
        renewal_intent=RenewalIntent.INTENDED,
        parties=[(ministry, PartyRole.SIGNATORY)],
    )
    make_source(agreements=[(agreement, "Kerja samanya sudah berlangsung dari 2006 dan akan berakhir 2018")])
    html = client.get(f"/agreements/{agreement.id}").get_data(as_text=True)
    assert "2006–2018" in html
    assert "signed" in html.lower() and "4 October 2017" in html
    assert "1 Jan 2006" not in html and "Jan 1, 2006" not in html
    assert "Renewal intended" in html and "Signatory" in html
    assert "akan berakhir 2018" in html


def test_unknown_agreement_is_404(client):
    assert client.get("/agreements/999999").status_code == 404
    assert client.get("/agreements/99999999999999999999").status_code == 404
    assert client.get("/agreements/abc").status_code == 404
    assert client.post("/agreements/999999/edit", data=form_data()).status_code == 404


def test_create_redirects_and_saves(client, session, make_party, get_sector):
    ministry = make_party(name="Ministry of Industry")
    data = form_data(
        **{
            "sectors": [str(get_sector("technology").id)],
            "parties-0-party": str(ministry.id),
            "parties-0-role": "signatory",
        }
    )
    response = client.post("/agreements/new", data=data)
    assert response.status_code == 302
    session.rollback()  # end the test session's snapshot to see the request's commit
    agreement = session.scalars(select(Agreement)).one()
    assert response.headers["Location"].endswith(f"/agreements/{agreement.id}")
    assert agreement.end.iso() == "2018" and agreement.party_links[0].party.name == "Ministry of Industry"
    follow = client.get(response.headers["Location"])
    assert "recorded" in follow.get_data(as_text=True)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"title": ""}, "This field is required"),
        ({"end": "2005"}, "before the start"),
        ({"end": "2018-02-30"}, "does not exist"),
        ({"start": "1850"}, "between 1900 and 2100"),
        ({"start": "sometime"}, "not a date"),
        ({"signed": "30 Februari 2020"}, "does not exist"),
        ({"signed": "Jakarta, " + "sangat " * 12 + "4 Oktober 2017"}, "longer than 80"),
        ({"status": "alive"}, "Not a valid choice"),
        ({"sectors": ["999999"]}, "Not a valid choice"),
        ({"sectors": ["abc"]}, "Invalid Choice"),
        ({"parties-0-party": "999999", "parties-0-role": "signatory"}, "No party has the number 999999"),
        ({"parties-0-party": "x", "parties-0-role": "signatory"}, "No party is called"),
        ({"title": "x" * 501}, "500"),
    ],
)
def test_create_refuses_bad_input_next_to_the_field(client, session, fields, message):
    response = client.post("/agreements/new", data=form_data(**fields))
    html = response.get_data(as_text=True)
    assert 400 <= response.status_code < 500
    assert message.lower() in html.lower()
    assert 'class="error"' in html
    assert count(session) == 0


@pytest.mark.parametrize(
    ("signed", "start", "end", "shown", "stored"),
    [
        ("4 Oktober 2017", "Oktober 2017", "2022", "4 October 2017", ("2017-10-04", "2017-10", "2022")),
        ("Jakarta, 22-Apr-1992", "1992", "Desember 1997", "22 April 1992", ("1992-04-22", "1992", "1997-12")),
        (
            "Senin, 2 Januari 2023",
            "2 Jan 2023",
            "1 Januari 2028",
            "2 January 2023",
            ("2023-01-02",) * 2 + ("2028-01-01",),
        ),
    ],
)
def test_the_form_reads_dates_as_the_importer_does(client, session, signed, start, end, shown, stored):
    response = client.post("/agreements/new", data=form_data(signed=signed, start=start, end=end))
    assert response.status_code == 302
    session.rollback()
    agreement = session.scalars(select(Agreement)).one()
    assert (agreement.signed.iso(), agreement.start.iso(), agreement.end.iso()) == stored
    assert shown in client.get(response.headers["Location"]).get_data(as_text=True)
    edit = client.get(f"/agreements/{agreement.id}/edit").get_data(as_text=True)
    assert all(f'value="{iso}"' in edit for iso in stored)  # the stored form, at its precision
    assert 'maxlength="80"' in edit


def test_the_place_of_signing_is_typed_or_read_from_the_signing_date(client, session):
    for title, signed, place in [("Read", "Jakarta, 22-Apr-1992", ""), ("Typed", "1992-04-22", "Seoul")]:
        response = client.post("/agreements/new", data=form_data(title=title, signed=signed, place_of_signing=place))
        assert response.status_code == 302
        assert "22 April 1992, " in client.get(response.headers["Location"]).get_data(as_text=True)
    session.rollback()
    assert dict(session.execute(select(Agreement.title, Agreement.place_of_signing)).all()) == {
        "Read": "Jakarta",
        "Typed": "Seoul",
    }


def test_edit_form_prefilled_and_saved(client, session, make_party, make_agreement):
    ministry = make_party()
    agreement = make_agreement(start="2006", end="2018", parties=[(ministry, PartyRole.SIGNATORY)])
    html = client.get(f"/agreements/{agreement.id}/edit").get_data(as_text=True)
    assert 'value="2006"' in html and 'value="2018"' in html
    data = form_data(
        title="Extended cooperation",
        end="2023",
        status="in_force",
        version=str(agreement.version),
        **{"parties-0-party": str(ministry.id), "parties-0-role": "funder"},
    )
    response = client.post(f"/agreements/{agreement.id}/edit", data=data)
    assert response.status_code == 302
    session.expire_all()
    stored = session.get(Agreement, agreement.id)
    assert stored.title == "Extended cooperation" and stored.end.iso() == "2023"
    assert [link.role for link in stored.party_links] == [PartyRole.FUNDER]


def test_edit_refused_leaves_the_record_untouched(client, session, make_agreement):
    agreement = make_agreement(title="Original", start="2006", end="2018")
    response = client.post(f"/agreements/{agreement.id}/edit", data=form_data(title="Changed", end="2001"))
    assert response.status_code == 422
    session.expire_all()
    assert session.get(Agreement, agreement.id).title == "Original"


def test_delete_needs_confirmation_and_post(client, session, make_agreement):
    agreement = make_agreement()
    assert client.get(f"/agreements/{agreement.id}/delete").status_code == 200
    assert count(session) == 1  # GET changes nothing
    response = client.post(f"/agreements/{agreement.id}/delete")
    assert response.status_code == 302
    assert count(session) == 0


def test_add_and_remove_relation(client, session, make_agreement):
    old = make_agreement(title="Cooperation 2006–2018", start="2006", end="2018")
    new = make_agreement(title="Cooperation 2019–2023", start="2019", end="2023", status=AgreementStatus.ANNOUNCED)
    response = client.post(f"/agreements/{new.id}/relations", data={"kind": "renews", "other": str(old.id)})
    assert response.status_code == 302
    html = client.get(f"/agreements/{old.id}").get_data(as_text=True)
    assert "Renewed by" in html and "Cooperation 2019–2023" in html
    relation = session.scalars(select(AgreementRelation)).one()
    response = client.post(f"/agreements/{old.id}/relations/{relation.id}/delete")
    assert response.status_code == 302
    assert count(session, AgreementRelation) == 0


def test_relation_errors_shown_on_the_page(client, session, make_agreement):
    first, second = make_agreement(title="A"), make_agreement(title="B")
    response = client.post(f"/agreements/{first.id}/relations", data={"kind": "renews", "other": str(first.id)})
    assert response.status_code == 422 and "cannot be related to itself" in response.get_data(as_text=True)
    client.post(f"/agreements/{first.id}/relations", data={"kind": "renews", "other": str(second.id)})
    response = client.post(f"/agreements/{second.id}/relations", data={"kind": "renews", "other": str(first.id)})
    assert response.status_code == 409 and "already related" in response.get_data(as_text=True)
    assert client.post(f"/agreements/{first.id}/relations/999999/delete").status_code == 404


@pytest.mark.parametrize(
    ("other", "message"),
    [
        ("", "Give the other agreement"),
        ("   ", "Give the other agreement"),
        ("999999", "No agreement has this number or title"),
        ("99999999999999999", "No agreement has this number or title"),
        ("#999999 Cooperation", "No agreement has this number or title"),
        ("No such title", "No agreement has this number or title"),
        ("Twin", "Several agreements have this title"),
    ],
)
def test_relation_other_must_name_one_agreement(client, session, make_agreement, other, message):
    first = make_agreement(title="First")
    make_agreement(title="Twin"), make_agreement(title="twin")
    response = client.post(f"/agreements/{first.id}/relations", data={"kind": "renews", "other": other})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and message in html
    assert 'aria-invalid="true"' in html and count(session, AgreementRelation) == 0


@pytest.mark.parametrize("reference", ["{id}", "#{id}", "#{id} Cooperation 2006–2018", "cooperation  2006–2018"])
def test_relation_other_by_number_suggestion_or_exact_title(client, session, make_agreement, reference):
    old = make_agreement(title="Cooperation 2006–2018")
    new = make_agreement(title="Cooperation 2019–2023")
    other = reference.format(id=old.id)
    response = client.post(f"/agreements/{new.id}/relations", data={"kind": "renews", "other": other})
    assert response.status_code == 302
    relation = session.scalars(select(AgreementRelation)).one()
    assert (relation.subject_id, relation.object_id) == (new.id, old.id)


def test_relation_form_suggests_a_few_agreements_sharing_a_party(client, make_party, make_agreement):
    ours, theirs, stranger = make_party(name="Ours"), make_party(name="Theirs"), make_party(name="Stranger")
    this = make_agreement(title="This one", parties=[(ours, PartyRole.SIGNATORY), (theirs, PartyRole.SIGNATORY)])
    shared = [make_agreement(title=f"Shared {n}", parties=[(theirs, PartyRole.SIGNATORY)]) for n in range(30)]
    make_agreement(title="Unrelated", parties=[(stranger, PartyRole.SIGNATORY)])
    html = client.get(f"/agreements/{this.id}").get_data(as_text=True)
    datalist = html[html.index('<datalist id="other-suggestions">') : html.index("</datalist>")]
    assert 'list="other-suggestions"' in html
    assert datalist.count("<option") == 25 and f'value="#{shared[-1].id} Shared 29"' in datalist
    assert "Unrelated" not in datalist and "This one" not in datalist


def test_text_is_escaped_and_faithful(client, make_agreement):
    agreement = make_agreement(title="<script>alert('x')</script> 한국 O'Brien")
    html = client.get(f"/agreements/{agreement.id}").get_data(as_text=True)
    assert "<script>alert" not in html
    assert "&lt;script&gt;" in html and "한국" in html


def test_get_never_changes_state(client, session, make_agreement):
    agreement = make_agreement()
    for path in (f"/agreements/{agreement.id}/delete", f"/agreements/{agreement.id}/edit"):
        client.get(path)
    assert count(session) == 1
    assert client.get(f"/agreements/{agreement.id}/relations").status_code == 405


def test_saving_the_edit_form_unchanged_keeps_every_field(client, session, make_party, make_agreement, get_sector):
    ministry = make_party()
    agreement = make_agreement(
        instrument_type=InstrumentType.CONTRACT,
        status=AgreementStatus.SIGNED,
        renewal_intent=RenewalIntent.INTENDED,
        start="2006",
        end="2018-03",
        parties=[(ministry, PartyRole.FUNDER)],
        sectors=[get_sector("technology")],
        notes="Line one\nline two",
    )
    path = f"/agreements/{agreement.id}/edit"
    unchanged = MultiDict(form_values(client.get(path).get_data(as_text=True), path))
    assert client.post(path, data=unchanged).status_code == 302
    session.rollback()
    session.expire_all()
    stored = session.get(Agreement, agreement.id)
    assert (stored.instrument_type, stored.status, stored.renewal_intent) == (
        InstrumentType.CONTRACT,
        AgreementStatus.SIGNED,
        RenewalIntent.INTENDED,
    )
    assert (stored.start.iso(), stored.end.iso(), stored.notes) == ("2006", "2018-03", "Line one\nline two")
    assert [(link.party_id, link.role) for link in stored.party_links] == [(ministry.id, PartyRole.FUNDER)]
    assert [sector.slug for sector in stored.sectors] == ["technology"]
