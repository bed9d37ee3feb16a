"""Benchmark scales: a number is the sample generator's `--scale`; the names are the issue's
"large" (about 1,000,000 Zendesk tickets) and a tenth and a hundredth of it.

The generator writes about 2,340 support tickets per unit of scale (23,388 at scale 10, the
figure the issue's "large" was sized from), of which about 2,000 are Zendesk tickets and 340
Jira Service Management tickets (`fct_tickets` by source: 2,000 + 329 at scale 1, 8,600 +
1,463 at 4.3). Large = 430 therefore gives about 860,000 Zendesk tickets and 1,000,000
support tickets in all; exactly 1,000,000 Zendesk tickets would be scale ~500.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

LARGE_SCALE = 430.0
NAMED_SCALES = {
    "large": LARGE_SCALE,
    "tenth": LARGE_SCALE / 10,
    "hundredth": LARGE_SCALE / 100,
}

# The volumes at "large", over three years (36 months).
LARGE_TARGETS = {
    "zendesk_tickets": 1_000_000,
    "incidents": 200_000,
    "deployments": 100_000,
    "survey_responses": 500_000,
    "contracts": 5_000,
}
TARGET_MONTHS = 36


@dataclass(frozen=True)
class Scale:
    label: str  # in file and folder names: the name given, or the number as given
    value: float  # the generator's --scale

    @property
    def fraction_of_large(self) -> float:
        return self.value / LARGE_SCALE

    def targets(self) -> dict[str, int]:
        """The issue's volumes shrunk to this scale (contracts and the rest alike)."""
        return {
            name: round(volume * self.fraction_of_large) for name, volume in LARGE_TARGETS.items()
        }


def parse_scale(text: str) -> Scale:
    """`large`, `tenth`, `hundredth` or a positive number (the generator's scale)."""
    name = text.strip().lower()
    if name in NAMED_SCALES:
        return Scale(label=name, value=NAMED_SCALES[name])
    try:
        value = float(name)
    except ValueError:
        names = ", ".join(NAMED_SCALES)
        raise ValueError(
            f"scale must be a positive number or one of {names}, got {text!r}"
        ) from None
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"scale must be a positive number, got {text!r}")
    return Scale(label=name, value=value)
