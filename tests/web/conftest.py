"""Fixtures the web tests of kept lists share."""

from __future__ import annotations

import pytest

from tracker.models import AgreementStatus


@pytest.fixture
def listed(make_agreement):
    """Two agreements in force and one signed."""
    return [
        make_agreement(title="Alpha steel cooperation"),
        make_agreement(title="Beta textile cooperation"),
        make_agreement(title="Gamma signed only", status=AgreementStatus.SIGNED),
    ]
