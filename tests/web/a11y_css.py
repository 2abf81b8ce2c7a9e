"""Reading the stylesheets for the accessibility tests: rules, custom properties, colours and their contrast.

tinycss2 parses; custom properties are resolved from :root; colours are #rgb/#rrggbb/rgb() (anything else fails, so
no colour escapes the contrast check). Contrast and luminance follow WCAG 2.1.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tinycss2

ROOT = Path(__file__).resolve().parents[2]
MAIN_SHEET = ROOT / "static/css/tracker.css"
PRINT_SHEET = ROOT / "static/css/print.css"
# Every stylesheet the app serves: a new one is checked as soon as it exists.
STYLESHEETS = sorted((ROOT / "static/css").glob("*.css"))


@dataclass
class Rule:
    """A style rule: its selectors, its declarations (custom properties resolved), and the @media it sits in."""

    selectors: list[str]
    declarations: dict[str, str]
    media: str = ""


def declarations_of(tokens: list[Any]) -> dict[str, str]:
    """A block's declarations as name → value text (the last one wins, as in the browser)."""
    found = {}
    for item in tinycss2.parse_blocks_contents(tokens, skip_comments=True, skip_whitespace=True):
        if item.type == "declaration":
            found[item.lower_name] = tinycss2.serialize(item.value).strip()
        elif item.type == "error":
            raise AssertionError(f"CSS error: {item.message}")
    return found


def rules_of(css: str, media: str = "") -> list[Rule]:
    """The style rules of a stylesheet, @media blocks opened."""
    rules = []
    for node in tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True):
        if node.type == "qualified-rule":
            selectors = [part.strip() for part in tinycss2.serialize(node.prelude).split(",")]
            rules.append(Rule(selectors, declarations_of(node.content), media))
        elif node.type == "at-rule" and node.lower_at_keyword == "media" and node.content is not None:
            rules += rules_of(tinycss2.serialize(node.content), tinycss2.serialize(node.prelude).strip())
        elif node.type == "error":
            raise AssertionError(f"CSS error: {node.message}")
    return rules


def custom_properties(rules: list[Rule]) -> dict[str, str]:
    """The custom properties declared on :root (the design's colours and spaces)."""
    found: dict[str, str] = {}
    for rule in rules:
        if ":root" in rule.selectors and not rule.media:
            found.update({name: value for name, value in rule.declarations.items() if name.startswith("--")})
    return found


def resolve(value: str, properties: dict[str, str]) -> str:
    """A value with its var(--name) replaced by the properties' values (nested, with fallbacks)."""
    pattern = re.compile(r"var\(\s*(--[\w-]+)\s*(?:,\s*([^()]*))?\)")
    for _depth in range(10):
        replaced = pattern.sub(lambda m: properties.get(m.group(1), (m.group(2) or "").strip() or "?"), value)
        if replaced == value:
            return value
        value = replaced
    raise AssertionError(f"custom properties refer to each other in a loop: {value}")


LIGHT = 0.4  # relative luminance above which a background is a light surface (white is 1)
NAMED = {"white": (255, 255, 255), "black": (0, 0, 0)}
NOT_A_COLOUR = {"inherit", "currentcolor", "transparent", "none", "initial", "unset", "revert", "canvastext"}


def colour(value: str) -> tuple[int, int, int] | None:
    """An opaque colour from a CSS value (the first colour in a shorthand); None where it names none."""
    value = value.strip().lower()
    if not value or value.split()[0] in NOT_A_COLOUR:
        return None
    match = re.search(r"#([0-9a-f]{3,8})\b", value)
    if match:
        digits = match.group(1)
        if len(digits) in (3, 4):
            digits = "".join(digit * 2 for digit in digits)
        if len(digits) == 8 and digits[6:] != "ff":
            raise AssertionError(f"a see-through colour's contrast cannot be known: {value}")
        return int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16)
    match = re.search(r"rgba?\(\s*(\d+)[ ,]+(\d+)[ ,]+(\d+)\s*(?:[,/]\s*([\d.]+%?))?\s*\)", value)
    if match:
        if match.group(4) not in (None, "1", "100%"):
            raise AssertionError(f"a see-through colour's contrast cannot be known: {value}")
        return int(match.group(1)), int(match.group(2)), int(match.group(3))
    for word in value.replace(",", " ").split():
        if word in NAMED:
            return NAMED[word]
    if value.startswith(("url(", "linear-gradient", "none")):
        return None
    raise AssertionError(f"write colours as #rrggbb or rgb(): cannot read {value!r}")


def luminance(rgb: tuple[int, int, int]) -> float:
    """WCAG 2.1 relative luminance."""

    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    red, green, blue = (linear(channel) for channel in rgb)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(one: tuple[int, int, int], other: tuple[int, int, int]) -> float:
    """WCAG 2.1 contrast ratio, 1 to 21."""
    lighter, darker = sorted((luminance(one), luminance(other)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


@dataclass
class Sheet:
    """A stylesheet's rules, its custom properties, and the colours of the page it paints."""

    rules: list[Rule]
    properties: dict[str, str]

    @classmethod
    def read(cls, path: Path, base: Sheet | None = None) -> Sheet:
        """Parse a stylesheet; a print sheet inherits the custom properties of the main one."""
        rules = rules_of(path.read_text(encoding="utf-8"))
        properties = {**(base.properties if base else {}), **custom_properties(rules)}
        return cls(rules, properties)

    def value(self, rule: Rule, name: str) -> str | None:
        """A declaration of the rule with custom properties resolved."""
        raw = rule.declarations.get(name)
        return None if raw is None else resolve(raw, self.properties)

    def background(self, rule: Rule) -> tuple[int, int, int] | None:
        """The rule's own solid background colour, if it declares one."""
        for name in ("background-color", "background"):
            value = self.value(rule, name)
            if value is not None:
                return colour(value)
        return None

    def page(self, media: str = "") -> tuple[tuple[int, int, int], tuple[int, int, int]]:
        """The body's text and background colours (white and black where the sheet does not say)."""
        ink, paper = (0, 0, 0), (255, 255, 255)
        for rule in self.rules:
            if rule.media in ("", media) and ({"body", "html"} & set(rule.selectors)):
                ink = colour(self.value(rule, "color") or "") or ink
                paper = self.background(rule) or paper
        return ink, paper

    def surfaces(self) -> list[tuple[int, int, int]]:
        """The light backgrounds text without a background of its own can land on: the page, the panels, and the
        pale backgrounds of messages and badges (--bg, --surface*, --*-bg). Dark bands (the header) are left to
        the rules for what sits on them."""
        found = [self.page()[1]]
        for name, value in self.properties.items():
            if name in ("--bg", "--surface") or name.startswith("--surface-") or name.endswith("-bg"):
                found.append(colour(value))
        return [rgb for rgb in found if rgb is not None and luminance(rgb) >= LIGHT]

    def ancestor_background(self, selector: str, media: str) -> tuple[int, int, int] | None:
        """The background a rule for `.outer .inner` sits on: the one declared for `.outer` itself."""
        parts = selector.split()
        for end in range(len(parts) - 1, 0, -1):
            outer = " ".join(parts[:end]).rstrip(">+~ ")
            for rule in self.rules:
                if outer in rule.selectors and rule.media in ("", media):
                    background = self.background(rule)
                    if background is not None:
                        return background
        return None

    def text_pairs(self) -> Iterator[tuple[str, tuple[int, int, int], tuple[int, int, int]]]:
        """Every (where, text colour, background) the stylesheet can draw text with."""
        for rule in self.rules:
            text = colour(self.value(rule, "color") or "")
            background = self.background(rule)
            if text is None and background is None:
                continue
            for selector in rule.selectors:
                where = f"{selector} {{{rule.media}}}" if rule.media else selector
                if text is not None and background is not None:
                    yield where, text, background
                elif background is not None:
                    yield where, self.page(rule.media)[0], background  # its text keeps the page's colour
                elif (outer := self.ancestor_background(selector, rule.media)) is not None:
                    yield where, text, outer
                else:
                    for surface in self.surfaces():
                        yield where, text, surface


def main_sheet() -> Sheet:
    """The main stylesheet."""
    return Sheet.read(MAIN_SHEET)


def hex_of(rgb: tuple[int, int, int]) -> str:
    """A colour as #rrggbb."""
    return "#" + "".join(f"{channel:02x}" for channel in rgb)


def low_contrast(sheet: Sheet, minimum: float = 4.5) -> list[str]:
    """Every text colour of the sheet below the minimum contrast against its background."""
    return [
        f"{where}: {contrast(text, background):.2f}:1 ({hex_of(text)} on {hex_of(background)})"
        for where, text, background in sheet.text_pairs()
        if contrast(text, background) < minimum
    ]


FOCUSED = ("a", "button", "input", "select", "textarea", "summary")


def focus_rules(sheet: Sheet, element: str) -> list[Rule]:
    """The screen rules that style the element (or anything) when it has keyboard focus."""
    return [
        rule
        for rule in sheet.rules
        if "print" not in rule.media
        and any(
            selector.split()[-1] in (f"{element}:focus-visible", ":focus-visible", "*:focus-visible")
            for selector in rule.selectors
        )
    ]


def visible_outline(sheet: Sheet, rule: Rule) -> bool:
    """Whether the rule draws an outline at least 2px wide in a colour with 3:1 against the page."""
    outline = sheet.value(rule, "outline") or ""
    width = re.search(r"(\d+(?:\.\d+)?)px", outline)
    rgb = colour(outline) if outline else None
    page = sheet.page()[1]
    return bool(width and float(width.group(1)) >= 2 and "none" not in outline and rgb and contrast(rgb, page) >= 3)
