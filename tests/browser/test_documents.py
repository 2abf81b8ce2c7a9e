"""Journey: attach the signed MoU (a PDF) on the agreement's page, see it listed with its hash, download it, check
what its text suggests against the record, and find the agreement by a word of the document."""

from __future__ import annotations

import hashlib

from tests.document_support import PROGRAM, mou_pdf
from tracker.models import PartyKind, PartyRole, UserRole

from .helpers import expect

TITLE = "Technology cooperation with KITECH"


def test_attach_the_signed_mou_and_use_it(page_as, make_party, make_agreement, tmp_path):
    ministry = make_party(
        name="Ministry of Industry of the Republic of Indonesia",
        aliases=["Kementerian Perindustrian", "Kemenperin"],
    )
    make_party(name="Korea Institute of Industrial Technology", kind=PartyKind.RESEARCH_INSTITUTE, aliases=["KITECH"])
    agreement = make_agreement(title=TITLE, parties=[(ministry, PartyRole.SIGNATORY)])
    program, signed = tmp_path / "MoU.pdf", tmp_path / "MoU KITECH 2006.pdf"
    program.write_bytes(PROGRAM)
    signed.write_bytes(mou_pdf())
    page, _editor = page_as(UserRole.EDITOR)
    page.goto(f"/agreements/{agreement.id}")

    # A program renamed .pdf is refused next to the field, and the form keeps what was typed.
    page.get_by_label("File").set_input_files(program)
    page.get_by_label("Kind of document").select_option(label="Signed text")
    page.get_by_role("textbox", name="Language").fill("id")
    page.get_by_label("Date of the document").fill("15 Maret 2006")
    page.get_by_role("button", name="Attach document").click()
    expect(page.locator("#document-file-error")).to_contain_text("This file is not a PDF")
    expect(page.get_by_label("Date of the document")).to_have_value("15 Maret 2006")

    page.get_by_label("File").set_input_files(signed)
    page.get_by_role("button", name="Attach document").click()
    expect(page.get_by_role("status")).to_contain_text("Document “MoU KITECH 2006.pdf” attached.")
    row = page.get_by_role("row", name="MoU KITECH 2006.pdf")
    expect(row).to_contain_text("Signed text")
    expect(row).to_contain_text("15 March 2006")
    expect(row).to_contain_text(hashlib.sha256(mou_pdf()).hexdigest())

    with page.expect_download() as download:
        row.get_by_role("link", name="MoU KITECH 2006.pdf", exact=True).click()
    assert download.value.suggested_filename == "MoU KITECH 2006.pdf"
    assert download.value.path().read_bytes() == mou_pdf()

    row.get_by_role("link", name="Suggest from this document MoU KITECH 2006.pdf").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Suggestions from “MoU KITECH 2006.pdf”")
    parties = page.get_by_role("row", name="Parties")
    expect(parties).to_contain_text("Korea Institute of Industrial Technology")
    expect(parties).to_contain_text("not on this agreement")
    expect(page.get_by_role("row", name="Period")).to_contain_text("15 March 2006–14 March 2018")
    page.get_by_role("button", name="Fill in what the record lacks").click()
    expect(page.get_by_role("status")).to_contain_text("Filled in from “MoU KITECH 2006.pdf”: start, end, parties.")
    expect(page.locator("dl.facts")).to_contain_text("15 March 2006–14 March 2018")

    page.goto("/agreements/?q=pengecoran")
    expect(page.get_by_role("link", name=TITLE)).to_be_visible()
