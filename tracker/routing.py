"""URL rules whose URL builders are made at their first use rather than when the app starts.

Werkzeug compiles two Python functions per rule (`url_for` with and without extra arguments) as each rule is added:
for the app's ~230 rules, a tenth of a second of every start of the app, the command line's included, where most
commands build no URL at all. A rule here compiles each builder the first time it builds a URL; matching requests
is unchanged (the rule's parts are still parsed as it is added).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from werkzeug.routing import Rule


class LazyBuildRule(Rule):
    """A rule compiling each of its URL builders on first use."""

    def _compile_builder(self, append_unknown: bool = True) -> Callable[..., tuple[str, str]]:
        """A stand-in that compiles the real builder at its first call and puts it in its own place."""
        name = "_build_unknown" if append_unknown else "_build"

        def build(rule: LazyBuildRule, *args: Any, **values: Any) -> tuple[str, str]:
            builder = Rule._compile_builder(rule, append_unknown).__get__(rule, None)
            setattr(rule, name, builder)
            return builder(*args, **values)

        return build
