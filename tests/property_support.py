"""Hypothesis settings shared by the property tests that run random write scripts against the test database."""

from __future__ import annotations

from hypothesis import HealthCheck, Phase, settings


def database_scripts(max_examples: int) -> settings:
    """Settings for a test whose examples are write scripts: each example empties the database itself (so the
    function-scoped fixtures are fine), and nothing is shrunk (a failing script is short already, and shrinking one
    against a database took over five minutes)."""
    return settings(
        max_examples=max_examples,
        deadline=None,
        phases=[Phase.explicit, Phase.reuse, Phase.generate],
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )
