"""What validation reports: HARD errors that block submission, TARGET warnings that never do."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Severity(StrEnum):
    HARD = "HARD"  # blocks submission (DOMAIN.md A.7)
    TARGET = "TARGET"  # reported as a warning and an indicator, never blocks


@dataclass(frozen=True, slots=True)
class Finding:
    """One rule's verdict: its id (Q2, E4, …), the numbers involved, and why, in vi and en."""

    rule: str
    severity: Severity
    vi: str
    en: str
    numbers: tuple[tuple[str, int | str], ...] = field(default=())
    entry: int | None = None  # the entry concerned; None for the plan as a whole

    @property
    def blocks(self) -> bool:
        return self.severity is Severity.HARD
