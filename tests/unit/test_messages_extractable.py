"""Every translatable message is where `make messages` finds it: pybabel's extractor does not look inside f-strings,
so a message written in one would never reach the catalogs and show in English in every language."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TRANSLATORS = {"_", "gettext", "ngettext", "lazy_gettext", "_n"}


def is_message(node: ast.AST) -> bool:
    """A call of a translator with a literal message (charts' `_n` formats numbers: its argument is no literal)."""
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in TRANSLATORS
        and bool(node.args)
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
    )


def messages_in_fstrings(path: Path) -> list[int]:
    """Line numbers of translator calls inside f-strings of one Python file."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.JoinedStr):
            for inner in ast.walk(node):
                if is_message(inner):
                    found.append(inner.lineno)
    return found


def test_no_message_is_written_inside_an_f_string():
    """A message is a plain string argument of _(), never one formatted inside an f-string."""
    hidden = {
        str(path.relative_to(ROOT)): lines
        for path in sorted((ROOT / "tracker").rglob("*.py"))
        if (lines := messages_in_fstrings(path))
    }
    assert hidden == {}
