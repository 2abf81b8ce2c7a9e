"""URL rules whose builders are compiled at first use (tracker/routing.py) build what werkzeug's own rules build."""

import pytest
from werkzeug.routing import Map, Rule

from tracker.routing import LazyBuildRule

RULES = (
    ("/agreements/<int:agreement_id>", "detail", None),
    ("/parties/<path:slug>/export", "party_export", None),
    ("/sign-in", "sign_in", None),
    ("/calendar/<token>.ics", "calendar", None),
    ("/agreements/", "agreements", {"page": 1}),
)
VALUES = (
    ("detail", {"agreement_id": 42}),
    ("detail", {"agreement_id": 42, "tab": "history", "q": "kerja sama"}),
    ("party_export", {"slug": "kementerian/esdm", "format": "csv"}),
    ("sign_in", {"next": "/agreements/?q=a&b"}),
    ("calendar", {"token": "a b/c"}),
    ("agreements", {}),
    ("agreements", {"page": 1, "sort": "title"}),
)


def adapter(rule_class: type[Rule]):
    """A URL adapter over the rules made with `rule_class`."""
    rules = [rule_class(path, endpoint=endpoint, defaults=defaults) for path, endpoint, defaults in RULES]
    return Map(rules).bind("tracker.example.org", "/")


@pytest.mark.parametrize(("endpoint", "values"), VALUES)
def test_urls_are_built_as_werkzeug_builds_them(endpoint, values):
    """Each URL, with and without extra arguments (the query string), is werkzeug's, on first use and after."""
    lazy, eager = adapter(LazyBuildRule), adapter(Rule)
    for _use in range(2):
        assert lazy.build(endpoint, values) == eager.build(endpoint, values)
        assert lazy.build(endpoint, values, force_external=True) == eager.build(endpoint, values, force_external=True)


def test_requests_match_as_before():
    """Matching a path does not depend on the builders."""
    assert adapter(LazyBuildRule).match("/parties/kementerian/esdm/export") == (
        "party_export",
        {"slug": "kementerian/esdm"},
    )


def test_werkzeug_still_compiles_builders_where_the_rule_defers_them():
    """The method the rule overrides is werkzeug's (a rename upstream would make every rule compile at start again)."""
    rule = Rule("/x/<int:n>", endpoint="x")
    Map([rule])
    assert callable(Rule._compile_builder) and callable(rule._build)
    deferred = LazyBuildRule("/x/<int:n>", endpoint="x")
    Map([deferred])
    assert deferred._build_unknown.__func__.__qualname__.startswith("LazyBuildRule.")  # not compiled until used
    assert deferred.build({"n": 3}) == ("", "/x/3")  # with extra arguments allowed: `_build_unknown`
    assert not deferred._build_unknown.__func__.__qualname__.startswith("LazyBuildRule.")
