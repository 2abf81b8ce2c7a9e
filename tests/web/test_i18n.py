"""Translations: messages quoting user input stay escaped; every word is marked; both catalogs are complete."""

import ast
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.frontend import CommandLineInterface
from flask import flash, render_template_string
from flask_babel import force_locale
from jinja2 import nodes
from markupsafe import Markup

from tracker import catalogs, create_app, errors
from tracker.errors import InUseError
from tracker.i18n import _, catalog, gettext


def test_lazy_message_with_user_text_is_escaped(app):
    message = _("“%(title)s” cannot be deleted.", title="<script>alert(1)</script>")
    with app.test_request_context():
        html = render_template_string("{{ message }}", message=message)
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_flashed_lazy_message_is_escaped(app):
    with app.test_request_context():
        flash(_("Agreement “%(title)s” recorded.", title="<b>x</b>"))
        html = render_template_string("{% for m in get_flashed_messages() %}{{ m }}{% endfor %}")
    assert "<b>" not in html and "&lt;b&gt;" in html


def test_domain_error_message_is_escaped_next_to_a_field(app):
    error = InUseError(_("Used by %(names)s.", names="<img src=x onerror=alert(1)>"), field="name")
    with app.test_request_context():
        html = render_template_string("{{ error.message }}", error=error)
    assert "<img" not in html


def test_a_request_keeps_its_catalog_and_a_forced_locale_gets_its_own(app):
    with app.test_request_context(headers={"Accept-Language": "id"}):
        assert catalog() is catalog()
        assert gettext("Agreements") == "Perjanjian"
        with force_locale("en"):
            assert gettext("Agreements") == "Agreements"
            assert render_template_string("{{ _('Agreements') }}") == "Agreements"
        assert gettext("Agreements") == "Perjanjian"
        assert render_template_string("{{ _('Agreements') }}") == "Perjanjian"
    with app.app_context(), force_locale("id"):  # a digest or job: no request
        assert gettext("Agreements") == "Perjanjian"
    assert gettext("Agreements") == "Agreements"  # outside any context: untranslated


def test_template_messages_are_formatted_as_jinja_formats_them(app):
    """`_()` in templates: Markup in an escaping template (variables escaped), a format string even without variables,
    plain text where the template does not escape (the mail's text part)."""
    with app.test_request_context():
        assert render_template_string("{{ _('as of %(when)s', when='<b>') }}") == "as of &lt;b&gt;"
        assert render_template_string("{{ _('100%%') }}") == "100%"
        assert render_template_string("{{ _('a & b') }}") == "a & b"
        plain = "{% autoescape false %}{{ _('as of %(when)s', when='<b>') }}{% endautoescape %}"
        plain = app.jinja_env.from_string(plain)
        assert plain.render() == "as of <b>"


def test_plain_markup_still_trusted(app):
    with app.test_request_context():
        assert render_template_string("{{ m }}", m=Markup("<em>ok</em>")) == "<em>ok</em>"


# --- every word of the interface is marked for translation ----------------------------------------------------------
#
# Templates: the text between Jinja tags, read as HTML, must have no letters outside `{{ _("...") }}`, and neither may
# the attributes people read (placeholder, title, aria-label, alt, label, a button's value). Text inside <code>, <pre>,
# <kbd> and <samp> is code, not words. Python: flash messages, form labels and descriptions, validator messages and
# the messages of domain errors must be `_()` calls, not plain strings.

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "templates"
HOLE = "\ue000"  # stands for a Jinja tag or expression; not a letter
LETTER = re.compile(r"[^\W\d_]")
READ_ATTRIBUTES = {"placeholder", "title", "aria-label", "aria-description", "aria-roledescription", "alt", "label"}
CODE_ELEMENTS = {"code", "pre", "kbd", "samp", "script", "style"}
# Words that are the same in every language: file format names.
NOT_WORDS = {"CSV", "JSON", "XLSX"}
# Keyword arguments of template macros whose string is shown to people.
SHOWN_KEYWORDS = {"placeholder", "title", "aria_label", "alt", "caption", "label", "hint", "legend", "description"}
MARKERS = {"_", "gettext", "ngettext", "pgettext", "npgettext"}


def jinja_env():
    """A Jinja environment with the app's extensions, to lex and parse templates."""
    return create_app({"TESTING": True, "SECRET_KEY": "scan", "DATABASE_URL": "sqlite://"}).jinja_env


class TextFinder(HTMLParser):
    """Collects text and read attributes of HTML that still hold letters once Jinja's parts are taken out."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str]] = []
        self.code_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in CODE_ELEMENTS:
            self.code_depth += 1
        attributes = dict(attrs)
        for name, value in attrs:
            shown = name in READ_ATTRIBUTES or (name == "value" and attributes.get("type") in ("submit", "button"))
            if shown and value and has_words(value):
                self.found.append((self.getpos()[0], f'{name}="{value}"'))

    def handle_endtag(self, tag: str) -> None:
        if tag in CODE_ELEMENTS:
            self.code_depth = max(0, self.code_depth - 1)

    def handle_data(self, data: str) -> None:
        if not self.code_depth and has_words(data):
            self.found.append((self.getpos()[0], data.strip()))


def has_words(text: str) -> bool:
    """Whether text holds letters that are not in the allow-list, links ("https://") or CSS ("url(#a)")."""
    words = [word.strip(HOLE) for word in text.split()]
    return any(
        LETTER.search(word) and not NOT_A_WORD.search(word) and word.strip(".,:;()") not in NOT_WORDS for word in words
    )


# Tokens with letters that are not words: a scheme or link ("https://"), a CSS function ("url(#id)").
NOT_A_WORD = re.compile(r"://|^[a-z-]+\(")


def unmarked_text(env, source: str) -> list[tuple[int, str]]:
    """Text of a template outside translation calls: (line, text) pairs."""
    flat = "".join(value if kind == "data" else HOLE for _, kind, value in env.lex(source) if kind in FLAT_KINDS)
    finder = TextFinder()
    finder.feed(flat)
    finder.close()
    return finder.found + unmarked_constants(env, source)


# Lexer tokens kept: raw text, and one hole for each tag or expression.
FLAT_KINDS = {"data", "variable_begin", "block_begin"}


def unmarked_constants(env, source: str) -> list[tuple[int, str]]:
    """String constants that read as words, passed to a macro or shown without a translation call."""
    found: list[tuple[int, str]] = []

    def visit(node: nodes.Node, marked: bool) -> None:
        if isinstance(node, nodes.Call) and isinstance(node.node, nodes.Name) and node.node.name in MARKERS:
            marked = True
        shown = isinstance(node, nodes.Keyword) and node.key in SHOWN_KEYWORDS and not marked
        if shown and isinstance(node.value, nodes.Const) and has_words(str(node.value.value)):
            found.append((node.lineno, f"{node.key}={node.value.value!r}"))
        if isinstance(node, nodes.Output):
            for child in node.nodes:
                if isinstance(child, nodes.Const) and isinstance(child.value, str) and has_words(child.value):
                    found.append((child.lineno, repr(child.value)))
        for child in node.iter_child_nodes():
            visit(child, marked)

    visit(env.parse(source), False)
    return [(line, text) for line, text in found if not text.startswith(("'", '"')) or SENTENCE.search(text)]


# A constant printed as {{ "..." }} counts when it reads as words (two words and more), not as a symbol.
SENTENCE = re.compile(r"[^\W\d_]{2,}\s+[^\W\d_]{2,}")


def template_problems() -> list[str]:
    """Every unmarked text of every template, as "path:line: text"."""
    env = jinja_env()
    problems = []
    for path in sorted(TEMPLATES.rglob("*")):
        if path.suffix in (".html", ".txt"):
            for line, text in unmarked_text(env, path.read_text(encoding="utf-8")):
                problems.append(f"{path.relative_to(ROOT)}:{line}: {text[:80]!r}")
    return problems


def test_every_template_word_is_marked_for_translation():
    problems = template_problems()
    assert problems == [], "mark these with {{ _('...') }} (or put code in <code>):\n" + "\n".join(problems)


@pytest.mark.parametrize(
    "source",
    [
        "<p>Hello</p>",
        '<input placeholder="Search">',
        "<a title='Open it' href='#'>{{ _('Open') }}</a>",
        "{% if x %}<span>Open</span>{% endif %}",
        '<button type="button" aria-label="Close">×</button>',
        "{{ m.field(form.q, placeholder='Type here') }}",
        "{{ 'Plain words' }}",
        "<p>{{ _('Marked') }} and not</p>",
    ],
)
def test_the_template_check_finds_unmarked_text(source):
    assert unmarked_text(jinja_env(), source)


@pytest.mark.parametrize(
    "source",
    [
        "<p>{{ _('Hello') }}</p>",
        "<p>{{ ngettext('%(num)s day', '%(num)s days', n) }} · {{ count }}</p>",
        '<input placeholder="{{ _(\'Search\') }}" name="q" class="wide">',
        "<pre><code>flask --app app load-demo</code></pre>",
        "<a href='x' download>CSV</a>",
        "{{ m.post_button(url, _('Delete'), 'danger') }}",
        "<script>var x = 'words here';</script>",
    ],
)
def test_the_template_check_lets_marked_text_and_code_pass(source):
    assert unmarked_text(jinja_env(), source) == []


# Python calls whose message people read, by name, and the argument positions and keywords that hold it.
MESSAGE_CALLS = {"flash": 0, "ValidationError": 0, "StopValidation": 0}
SHOWN_PYTHON_KEYWORDS = {"message", "placeholder"}
FIELD_KEYWORDS = {"label", "description"}


def domain_error_names() -> set[str]:
    """The domain errors whose messages the pages show next to fields (tracker.errors)."""
    return {name for name, value in vars(errors).items() if isinstance(value, type) and issubclass(value, Exception)}


def literal_words(node: ast.AST) -> bool:
    """A string literal (or f-string) with words of its own, rather than a translation call."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return has_words(node.value)
    if isinstance(node, ast.JoinedStr):
        return any(isinstance(part, ast.Constant) and has_words(part.value) for part in node.values)
    return False


def python_problems(source: str, path: str = "<source>") -> list[str]:
    """Messages people read that are plain strings in Python source."""
    problems = []
    error_names = domain_error_names()
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
        shown = SHOWN_PYTHON_KEYWORDS | (FIELD_KEYWORDS if name.endswith(("Field", "SelectChoice")) else set())
        candidates = [keyword.value for keyword in node.keywords if keyword.arg in shown]
        if (name in MESSAGE_CALLS or name in error_names or name.endswith("Field")) and node.args:
            candidates.append(node.args[0])
        for keyword in node.keywords:
            if keyword.arg == "render_kw" and isinstance(keyword.value, ast.Dict):
                candidates += [
                    value
                    for key, value in zip(keyword.value.keys, keyword.value.values, strict=True)
                    if isinstance(key, ast.Constant) and key.value in ("placeholder", "title", "aria-label")
                ]
        problems += [f"{path}:{arg.lineno}: {ast.unparse(arg)[:80]}" for arg in candidates if literal_words(arg)]
    return problems


# Modules whose messages are for operators at the command line (English), or for programs, not for the pages.
COMMAND_LINE = {"backup.py", "config.py", "mail.py", "demo.py"}
COMMANDS = ROOT / "tracker" / "cli"  # the command-line boundary, every module of it


def test_every_python_message_is_marked_for_translation():
    problems = []
    for path in sorted((ROOT / "tracker").rglob("*.py")):
        if path.name not in COMMAND_LINE and COMMANDS not in path.parents:
            problems += python_problems(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
    assert problems == [], "wrap these messages in _() from tracker.i18n:\n" + "\n".join(problems)


@pytest.mark.parametrize(
    "source",
    [
        'flash("Saved.")',
        'flash(f"Saved {name}.")',
        'title = StringField("Title")',
        'name = StringField(_("Name"), description="Your name")',
        'InputRequired(message="Say something")',
        'raise ValidationError("Not right.")',
        'raise DuplicateError("Already there.", field="name")',
    ],
)
def test_the_python_check_finds_plain_messages(source):
    assert python_problems(source)


def test_the_python_check_lets_marked_messages_pass():
    source = 'flash(_("Saved.")); StringField(_("Title"), validators=[Length(max=5)]); raise ValidationError(str(e))'
    assert python_problems(source) == []


# --- the catalogs hold every message, translated ---------------------------------------------------------------------

FILL_IN = (
    "run `make messages`, then fill in every empty msgstr of translations/id/LC_MESSAGES/messages.po "
    "(`.venv/bin/python -m tracker.catalogs missing` lists them) and run `make translations`"
)


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> Catalog:
    """The messages marked in the code now, as `make messages` extracts them (WTForms' own messages too)."""
    template = tmp_path_factory.mktemp("pot") / "messages.pot"
    arguments = ["pybabel", "-q", "extract", "-F", "babel.cfg", "-k", "_", "-k", "_n:1,2", "-k", "lazy_gettext"]
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(ROOT)
        CommandLineInterface().run([*arguments, "-o", str(template), "."])
    catalogs.add_wtforms_messages(template)
    return catalogs.read(template)


@pytest.mark.parametrize("language", catalogs.LANGUAGES)
def test_every_marked_message_is_in_the_catalog(extracted, language):
    catalog = catalogs.read(catalogs.catalog_path(language), locale=language)
    missing = catalogs.missing_from(extracted, catalog)
    assert missing == [], f"{len(missing)} messages are not in the {language} catalog: {FILL_IN}\n" + "\n".join(
        map(repr, missing)
    )


@pytest.mark.parametrize("language", catalogs.LANGUAGES)
def test_every_catalog_entry_is_translated(language):
    catalog = catalogs.read(catalogs.catalog_path(language), locale=language)
    empty = [catalogs.message_key(message)[0] for message in catalogs.untranslated(catalog)]
    assert empty == [], f"{len(empty)} {language} entries are empty or fuzzy: {FILL_IN}\n" + "\n".join(map(repr, empty))


@pytest.mark.parametrize("language", catalogs.LANGUAGES)
def test_translations_keep_the_placeholders(language):
    catalog = catalogs.read(catalogs.catalog_path(language), locale=language)
    problems = [f"{message.id!r}: {errors}" for message in catalog if (errors := list(message.check(catalog)))]
    assert problems == []


def test_indonesian_has_one_plural_form():
    catalog = catalogs.read(catalogs.catalog_path("id"), locale="id")
    assert catalog.num_plurals == 1
    assert all(len(message.string) == 1 for message in catalog if message.pluralizable)


@pytest.mark.parametrize("language", catalogs.LANGUAGES)
def test_compiled_catalogs_are_up_to_date(language):
    source = catalogs.catalog_path(language)
    compiled = source.with_suffix(".mo")
    assert compiled.exists() and compiled.stat().st_mtime >= source.stat().st_mtime, "run `make translations`"


def test_english_catalog_says_what_the_code_says():
    catalog = catalogs.read(catalogs.catalog_path("en"), locale="en")
    for message in catalog:
        if message.id:
            expected = tuple(message.id) if isinstance(message.id, tuple) else message.id
            assert message.string == expected, message.id
