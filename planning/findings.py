"""What validation reports: HARD errors that block submission, TARGET warnings that never do.

A finding names its rule (Q2, E4, T-WOMEN, …) and carries the numbers and words its message
needs; the message itself is worded by the schema layer's catalogue (see planning/problems.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from planning.problems import Value, Values


class Severity(StrEnum):
    HARD = "HARD"  # blocks submission (DOMAIN.md A.7)
    TARGET = "TARGET"  # reported as a warning and an indicator, never blocks


@dataclass(frozen=True, slots=True)
class Finding:
    """One rule's verdict: its id, its severity, the values involved, and the entry concerned."""

    rule: str
    severity: Severity
    values: Values = ()
    entry: int | None = None  # the entry concerned; None for the plan as a whole

    @property
    def blocks(self) -> bool:
        return self.severity is Severity.HARD


def finding(
    rule: str, severity: Severity, /, *, entry: int | None = None, **values: Value
) -> Finding:
    """``finding("Q3", Severity.HARD, entry=7, positions=4, maximum=3)``: keyword order is kept."""
    return Finding(rule, severity, tuple(values.items()), entry)
