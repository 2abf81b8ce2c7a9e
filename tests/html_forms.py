"""Read a form from a page as a browser would submit it, for tests that edit through the real pages."""

from __future__ import annotations

from html.parser import HTMLParser

BUTTONS = ("submit", "image", "reset", "button")


class FormReader(HTMLParser):
    """Collects the name/value pairs a browser would send from the form whose action is `action`."""

    def __init__(self, action: str) -> None:
        super().__init__()
        self.action = action
        self.inside = False
        self.pairs: list[tuple[str, str]] = []
        self._select: tuple[str, bool] | None = None  # name, multiple
        self._options: list[tuple[str, bool]] = []  # value, selected
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {key: value or "" for key, value in attrs}
        if tag == "form":
            self.inside = attributes.get("action") == self.action
        elif self.inside:
            self._control(tag, attributes)

    def _control(self, tag: str, attributes: dict[str, str]) -> None:
        name = attributes.get("name")
        if tag == "input" and name:
            if attributes.get("type") in BUTTONS:
                return  # a browser sends only the button that was pressed, and the tests post without pressing one
            if attributes.get("type") not in ("checkbox", "radio") or "checked" in attributes:
                self.pairs.append((name, attributes.get("value", "")))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []
        elif tag == "select" and name:
            self._select, self._options = (name, "multiple" in attributes), []
        elif tag == "option" and self._select:
            self._options.append((attributes.get("value", ""), "selected" in attributes))

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "textarea" and self._textarea is not None:
            text = "".join(self._text)
            # Browsers drop the newline that follows <textarea> (WTForms writes one).
            text = text[2:] if text.startswith("\r\n") else text.removeprefix("\n")
            self.pairs.append((self._textarea, text))
            self._textarea = None
        elif tag == "select" and self._select:
            self._end_select()

    def _end_select(self) -> None:
        name, multiple = self._select  # type: ignore[misc]
        chosen = [value for value, selected in self._options if selected]
        if not chosen and not multiple and self._options:
            chosen = [self._options[0][0]]  # a single select without a selected option sends its first
        self.pairs.extend((name, value) for value in chosen)
        self._select = None


def form_values(html: str, action: str) -> list[tuple[str, str]]:
    """The pairs the form posting to `action` would submit as the page shows it."""
    reader = FormReader(action)
    reader.feed(html)
    assert reader.pairs, f"no form posting to {action}"
    return reader.pairs


def replaced(pairs: list[tuple[str, str]], **values: str) -> list[tuple[str, str]]:
    """The pairs with some single-valued fields set to new values."""
    return [(name, values.get(name, value)) for name, value in pairs]


def value_of(pairs: list[tuple[str, str]], name: str) -> str:
    """The value of a single-valued field."""
    return next(value for key, value in pairs if key == name)
