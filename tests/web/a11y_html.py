"""HTML checks for WCAG 2.1 AA basics: each reads a parsed page and returns its problems as sentences.

Used by tests/web/test_accessibility.py over every page of the app; each check is also tested there on a bad example.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import pairwise

from lxml import html as lxml_html
from lxml.html import HtmlElement


def parse(text: str) -> HtmlElement:
    """The page as a tree, as an HTML parser reads it."""
    return lxml_html.document_fromstring(text)


def text_of(element: HtmlElement) -> str:
    """The element's visible text, spaces collapsed."""
    return " ".join(element.text_content().split())


def ids_of(doc: HtmlElement) -> dict[str, HtmlElement]:
    """Every element with an id, by id."""
    return {element.get("id"): element for element in doc.iter() if isinstance(element.tag, str) and element.get("id")}


def referenced(doc: HtmlElement, element: HtmlElement, attribute: str) -> list[HtmlElement | None]:
    """The elements an aria-labelledby/aria-describedby names (None for an id that is not on the page)."""
    ids = ids_of(doc)
    return [ids.get(name) for name in (element.get(attribute) or "").split()]


def describe(element: HtmlElement) -> str:
    """A short name for an element in a failure message."""
    attributes = " ".join(f'{key}="{element.get(key)}"' for key in ("id", "name", "type", "href") if element.get(key))
    return f"<{element.tag} {attributes}>".replace(" >", ">")


FIELDS = (
    "//input[not(@type) or not(contains(' hidden submit button reset image ', concat(' ', @type, ' ')))]"
    " | //select | //textarea"
)


def accessible_name(doc: HtmlElement, element: HtmlElement) -> str:
    """The element's name as assistive technology finds it: aria-labelledby, aria-label, label, content, alt."""
    if element.get("aria-labelledby"):
        return " ".join(text_of(target) for target in referenced(doc, element, "aria-labelledby") if target is not None)
    if (element.get("aria-label") or "").strip():
        return element.get("aria-label").strip()
    names = []
    if element.get("id"):
        names += [text_of(label) for label in doc.xpath("//label[@for=$id]", id=element.get("id"))]
    names += [text_of(label) for label in element.iterancestors("label")]
    if element.tag in ("a", "button", "summary"):
        names.append(text_of(element))
        names += [image.get("alt", "") for image in element.iter("img")]
    if element.tag == "input" and element.get("type") in ("submit", "button", "reset"):
        names.append(element.get("value", ""))
    return " ".join(name for name in names if name).strip()


# --- the checks: each returns its problems as sentences ------------------------------------------------------


def check_document(doc: HtmlElement) -> list[str]:
    """<html lang>, a <title> that names the page, unique ids, the landmarks and the skip link."""
    problems = []
    if not (doc.get("lang") or "").strip():
        problems.append("<html> has no lang")
    titles = doc.xpath("//head/title")
    title = text_of(titles[0]) if titles else ""
    if not title.split("·")[0].strip():
        problems.append(f"the <title> does not name the page: {title!r}")
    seen: dict[str, int] = {}
    for element in doc.iter():
        if isinstance(element.tag, str) and element.get("id"):
            seen[element.get("id")] = seen.get(element.get("id"), 0) + 1
    problems += [f'id="{name}" is used {count} times' for name, count in seen.items() if count > 1]
    mains = doc.xpath("//main")
    if len(mains) != 1 or mains[0].get("id") != "main":
        problems.append('the page needs exactly one <main id="main">')
    links = doc.xpath("//body//a[@href]")
    if not links or links[0].get("href") != "#main":
        problems.append('the first link is not the skip link to "#main"')
    for landmark in ("header", "footer"):
        if len(doc.xpath(f"//body/{landmark}")) != 1:
            problems.append(f"the page needs one <{landmark}> landmark")
    for nav in doc.xpath("//nav"):
        if not accessible_name(doc, nav):
            problems.append(f"{describe(nav)} has no aria-label to tell it from other navigation")
    return problems


def check_labels(doc: HtmlElement) -> list[str]:
    """Every form field has a label; every label and ARIA reference points at something on the page."""
    problems = [f"{describe(field)} has no label" for field in doc.xpath(FIELDS) if not accessible_name(doc, field)]
    ids = ids_of(doc)
    for label in doc.xpath("//label[@for]"):
        if label.get("for") not in ids:
            problems.append(f'<label for="{label.get("for")}"> labels nothing on the page')
    for attribute in ("aria-labelledby", "aria-describedby", "aria-controls"):
        for element in doc.xpath(f"//*[@{attribute}]"):
            if None in referenced(doc, element, attribute):
                problems.append(f"{describe(element)} has {attribute} naming an id that is not on the page")
    return problems


def is_error(element: HtmlElement | None) -> bool:
    """Whether the element is a shown error message."""
    return element is not None and "error" in (element.get("class") or "").split() and bool(text_of(element))


def check_errors(doc: HtmlElement) -> list[str]:
    """Errors are announced and tied to their fields: a live summary in the form, aria-invalid + aria-describedby."""
    problems = []
    for field in doc.xpath("//*[@aria-invalid='true']"):
        if not any(is_error(target) for target in referenced(doc, field, "aria-describedby")):
            problems.append(f"{describe(field)} is invalid but aria-describedby names no error message")
    for wrapper in doc.xpath("//*[contains(concat(' ', @class, ' '), ' has-error ')]"):
        group_message = [target for target in referenced(doc, wrapper, "aria-describedby") if is_error(target)]
        if not wrapper.xpath(".//*[@aria-invalid='true']") and not group_message:
            problems.append(f"{describe(wrapper)} shows an error but no field in it has aria-invalid")
    for link in doc.xpath("//*[contains(concat(' ', @class, ' '), ' error-summary ')]//a[starts-with(@href, '#')]"):
        target = ids_of(doc).get(link.get("href")[1:])
        is_field = target is not None and target.tag in ("input", "select", "textarea")
        if is_field and target.get("aria-invalid") != "true":
            problems.append(f"{describe(target)} has an error in the summary but no aria-invalid")
    for form in doc.xpath("//form"):
        if not form.xpath(".//*[@aria-invalid='true'] | .//*[contains(concat(' ', @class, ' '), ' error ')]"):
            continue
        # The summary sits in the form or just before it; a flash message says something else.
        live = form.xpath(
            "(.//* | preceding::*)[@role='alert' or @aria-live='polite' or @aria-live='assertive']"
            "[not(contains(concat(' ', @class, ' '), ' flashes '))]"
        )
        if not any(text_of(region) for region in live):
            problems.append(f"{describe(form)} has errors but no summary in an aria-live region or role=alert")
    return problems


def check_headings(doc: HtmlElement) -> list[str]:
    """One h1, first; no level skipped on the way down."""
    levels = [int(heading.tag[1]) for heading in doc.xpath("//h1 | //h2 | //h3 | //h4 | //h5 | //h6")]
    problems = []
    if levels.count(1) != 1:
        problems.append(f"the page has {levels.count(1)} h1 headings, not one")
    if levels and levels[0] != 1:
        problems.append(f"the first heading is h{levels[0]}, not h1")
    for before, after in pairwise(levels):
        if after > before + 1:
            problems.append(f"h{after} follows h{before}: a heading level is skipped")
    return problems


FOCUSABLE = {"a", "button", "input", "select", "textarea", "summary"}


def check_keyboard(doc: HtmlElement) -> list[str]:
    """Everything works from the keyboard: no script handlers, no positive tabindex, real links and buttons."""
    problems = []
    for element in doc.iter():
        if not isinstance(element.tag, str):
            continue
        handlers = sorted(name for name in element.attrib if name.lower().startswith("on"))
        if handlers:
            problems.append(f"{describe(element)} has inline handlers {handlers}: use a link, a button or a form")
        tabindex = element.get("tabindex")
        if tabindex is not None and tabindex.strip().lstrip("-").isdigit() and int(tabindex) > 0:
            problems.append(f"{describe(element)} has tabindex={tabindex}: it changes the natural order")
        role = element.get("role")
        if role in ("button", "link", "checkbox", "tab") and element.tag not in FOCUSABLE and tabindex is None:
            problems.append(f"{describe(element)} acts as a {role} but cannot be reached with the keyboard")
    for link in doc.xpath("//a"):
        href = (link.get("href") or "").strip()
        if not href:
            problems.append(f"{describe(link)} is a link without href: the keyboard cannot reach it")
        elif href.startswith("#") and len(href) > 1 and href[1:] not in ids_of(doc):
            problems.append(f"{describe(link)} leads to no element of the page")
        elif not accessible_name(doc, link):
            problems.append(f"{describe(link)} has no text")
    for button in doc.xpath("//button | //input[@type='submit' or @type='button' or @type='reset']"):
        if not accessible_name(doc, button):
            problems.append(f"{describe(button)} has no text")
    return problems


SVG_ROLES = {"img", "group", "figure", "graphics-document"}


def check_alternatives(doc: HtmlElement) -> list[str]:
    """Images and drawings have a text alternative, or are marked as decoration."""
    problems = [f"{describe(image)} has no alt" for image in doc.xpath("//img[not(@alt)] | //input[@type='image']")]
    for svg in doc.xpath("//*[local-name()='svg']"):
        if svg.get("aria-hidden") == "true":
            continue
        titled = svg.xpath("./*[local-name()='title']")
        named = accessible_name(doc, svg) or (titled and text_of(titled[0]))
        # A picture is an img; a drawing with links in it (a timeline's bars) is a named group.
        if svg.get("role") not in SVG_ROLES or not named:
            problems.append(f"{describe(svg)} needs role=img (or group) and a name, or aria-hidden")
    return problems


def check_navigation(doc: HtmlElement) -> list[str]:
    """The main navigation marks the section the page belongs to (not on pages outside every section)."""
    navs = doc.xpath("//header//nav")
    if not navs:
        return []
    current = navs[0].xpath(".//a[@aria-current]")
    if len(current) > 1:
        return [f"{len(current)} navigation links are marked current"]
    return []


def check_nothing_inline(doc: HtmlElement) -> list[str]:
    """No inline script or style: the Content-Security-Policy blocks them, so they would silently not work."""
    problems = [f"{describe(script)} has inline code" for script in doc.xpath("//script[not(@src)]")]
    problems += [f"{describe(element)} has a style attribute" for element in doc.xpath("//*[@style]")]
    problems += ["the page has a <style> element" for _style in doc.xpath("//style")]
    return problems


CHECKS: list[Callable[[HtmlElement], list[str]]] = [
    check_document,
    check_nothing_inline,
    check_labels,
    check_errors,
    check_headings,
    check_keyboard,
    check_alternatives,
    check_navigation,
]


def problems_of(page: str) -> list[str]:
    """Every problem every check finds on a page."""
    doc = parse(page)
    return [problem for check in CHECKS for problem in check(doc)]
