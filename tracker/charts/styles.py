"""How each agreement status is drawn: a colour group with a fill pattern, so colour is never the only cue."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from tracker.models import AgreementStatus

# The page background the colours are checked against (WCAG: graphics need 3:1 against what is next to them),
# and the shade of every other timeline row.
BACKGROUND = "#ffffff"
ROW_BAND = "#f4f6f9"


class Pattern(enum.Enum):
    """The fill of a bar beyond its colour."""

    SOLID = "solid"
    HATCH = "hatch"  # diagonal light stripes
    CROSS = "cross"  # crossed light stripes
    STRIPES = "stripes"  # horizontal light stripes


@dataclass(frozen=True)
class StatusGroup:
    """Statuses drawn alike: `key` names the CSS class and the SVG pattern, `statuses` in life order."""

    key: str
    colour: str
    pattern: Pattern
    statuses: tuple[AgreementStatus, ...]


GROUPS = (
    StatusGroup("live", "#1b6e3a", Pattern.SOLID, (AgreementStatus.SIGNED, AgreementStatus.IN_FORCE)),
    StatusGroup(
        "prospective", "#b35900", Pattern.HATCH, (AgreementStatus.ANNOUNCED, AgreementStatus.UNDER_NEGOTIATION)
    ),
    StatusGroup("suspended", "#6a3d9a", Pattern.CROSS, (AgreementStatus.SUSPENDED,)),
    StatusGroup(
        "ended",
        "#5b6573",
        Pattern.STRIPES,
        (
            AgreementStatus.EXPIRED,
            AgreementStatus.TERMINATED,
            AgreementStatus.SUPERSEDED,
            AgreementStatus.CANCELLED,
        ),
    ),
)

GROUP_OF: dict[AgreementStatus, StatusGroup] = {status: group for group in GROUPS for status in group.statuses}


def group_of(status: AgreementStatus) -> StatusGroup:
    """The drawing group of a status."""
    return GROUP_OF[status]


def groups_for(statuses: set[AgreementStatus]) -> list[StatusGroup]:
    """The groups the given statuses fall in, in legend order."""
    return [group for group in GROUPS if any(status in statuses for status in group.statuses)]


def relative_luminance(colour: str) -> float:
    """WCAG 2.1 relative luminance of a "#rrggbb" colour."""
    channels = [int(colour.lstrip("#")[index : index + 2], 16) / 255 for index in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(first: str, second: str) -> float:
    """WCAG 2.1 contrast ratio between two colours, from 1 to 21."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)
