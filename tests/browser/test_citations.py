"""Journey: on the AITEC agreement's page, cite its end to the tirto.id report with a quote, see the numbered mark
replace "not sourced", open it on the quote, and follow its link to the kept text, scrolled to the quote."""

from __future__ import annotations

import re

from tests.citation_support import aitec_story
from tracker.models import UserRole

from .helpers import expect, wait_until_scrolled_past

# The report as kept: other news above the passage, so that reaching it needs the text fragment's scroll.
EARLIER = "\n\n".join(
    f"Paragraf {n}: Kementerian Perindustrian terus mendorong pengembangan industri elektronika nasional."
    for n in range(60)
)
TIRTO_TEXT = (
    f"{EARLIER}\n\n“Kita dengan AITEC kan kerja samanya sudah berlangsung dari 2006 dan akan berakhir 2018. Kami ingin "
    "memperpanjang kerja sama pengembangan teknologi ini, karena masih dibutuhkan,” kata Harjanto di Jakarta, Rabu "
    "(4/10/2017)."
)
# Typed with straight quotes and a line break, as a person pastes it.
QUOTE = '"Kita dengan AITEC kan kerja samanya sudah berlangsung dari 2006\ndan akan berakhir 2018.'


def test_cite_the_end_to_the_tirto_report(page_as, session, make_party, make_agreement, make_source):
    story = aitec_story(session, make_party, make_agreement, make_source, text=TIRTO_TEXT)
    agreement, source = story["agreement"], story["source"]
    page, _editor = page_as(UserRole.EDITOR)
    page.goto(f"/agreements/{agreement.id}")
    end = page.locator("tr.fact-end")
    expect(end).to_contain_text("not sourced")
    expect(page.locator("dl.facts")).to_contain_text("None")

    end.get_by_role("link", name="Cite End").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cite a fact")
    expect(page.get_by_label("Fact")).to_have_value("end")
    expect(page.get_by_label("Where it is said")).to_have_value(f"source:{source.id}")
    page.get_by_label("Quote").fill(QUOTE)
    # "Says something else" wants to know what: refused next to the field, the quote kept.
    page.get_by_label("Says something else").check()
    page.get_by_role("button", name="Cite").click()
    expect(page.locator("#says-error")).to_have_text("Say what the passage says instead.")
    expect(page.get_by_label("Quote")).to_have_value(QUOTE)
    page.get_by_label("Supports the record").check()
    page.get_by_role("button", name="Cite").click()

    expect(page.get_by_role("status")).to_contain_text("Citation added.")
    expect(page).to_have_url(re.compile(rf"/agreements/{agreement.id}#facts$"))
    end = page.locator("tr.fact-end")
    expect(end).not_to_contain_text("not sourced")
    expect(page.locator("tr.fact-start")).to_contain_text("not sourced")
    expect(page.locator("dl.facts")).to_contain_text("News report")
    mark = end.locator("details.citation")
    expect(mark.locator("summary")).to_have_text(re.compile(r"\[1\]\s*Citation 1:\s*tirto\.id"))
    expect(mark.locator("blockquote")).to_be_hidden()
    mark.locator("summary").click()
    expect(mark.locator("blockquote")).to_have_text(QUOTE.replace("\n", " "))
    expect(mark).to_contain_text("Quote found in the kept text")
    link = mark.get_by_role("link", name="Open the kept text at the quote")
    expect(link).to_have_attribute("href", re.compile(r"/snapshots/\d+#:~:text=Kita%20dengan%20AITEC%20kan"))

    link.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Saved text of “{source.title}”")
    expect(page.locator(".snapshot-text")).to_contain_text("dan akan berakhir 2018")
    # Chromium found the quote's first words sixty paragraphs down and scrolled there.
    wait_until_scrolled_past(page, 1000)
