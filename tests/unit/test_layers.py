"""The two boundaries, the pages (tracker/web) and the JSON API (tracker/api), import nothing from each other:
what both need lives below them (tracker/http and lower)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

TRACKER = Path(__file__).resolve().parents[2] / "tracker"
BOUNDARIES = {"web": "tracker.api", "api": "tracker.web"}


def imported_modules(source: str) -> list[str]:
    """Every module a source imports, `from tracker import web` counted as tracker.web."""
    modules = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            modules += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            modules += [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
    return modules


def crossings(boundary: str) -> list[str]:
    """The imports of the other boundary in a boundary's modules, as "path: module"."""
    other = BOUNDARIES[boundary]
    found = []
    for path in sorted((TRACKER / boundary).rglob("*.py")):
        for module in imported_modules(path.read_text(encoding="utf-8")):
            if module == other or module.startswith(other + "."):
                found.append(f"{path.relative_to(TRACKER.parent)}: {module}")
    return found


@pytest.mark.parametrize("boundary", sorted(BOUNDARIES))
def test_a_boundary_imports_nothing_from_the_other(boundary):
    assert crossings(boundary) == []


@pytest.mark.parametrize(
    "source",
    [
        "from tracker.web.archive import x",
        "from tracker import web",
        "import tracker.web.helpers",
        "def f():\n    from tracker.web import helpers",
    ],
)
def test_every_form_of_import_is_seen(source):
    assert any(module.startswith("tracker.web") for module in imported_modules(source))
