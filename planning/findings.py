"""What validation reports: HARD errors that block submission, TARGET warnings that never do.

A finding names its rule (Q2, E4, T-WOMEN, …) and carries the numbers and words its message
needs; the message itself is worded by the schema layer's catalogue (see planning/problems.py).
"""

from __future__ import annotations

from collections.abc import Callable
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

    # Legacy, to be removed once schema/plans/workflow.py renders findings through
    # schema.messages: it still reads ``finding.vi`` and ``finding.en``.
    @property
    def vi(self) -> str:
        """Deprecated: the Vietnamese message, worded by the registered catalogue."""
        return _legacy_wording(self, "vi")

    @property
    def en(self) -> str:
        """Deprecated: the English message, worded by the registered catalogue."""
        return _legacy_wording(self, "en")


def finding(
    rule: str, severity: Severity, /, *, entry: int | None = None, **values: Value
) -> Finding:
    """``finding("Q3", Severity.HARD, entry=7, positions=4, most=3)``: keyword order is kept."""
    return Finding(rule, severity, tuple(values.items()), entry)


# The catalogue lives in schema/, which planning must not import; until the legacy readers of
# ``Finding.vi``/``.en`` are gone, schema.messages hands its wording function in at import.
_wordings: list[Callable[[Finding, str], str]] = []


def register_legacy_wording(wording: Callable[[Finding, str], str]) -> None:
    _wordings[:] = [wording]


def _legacy_wording(finding: Finding, language: str) -> str:
    if not _wordings:
        raise RuntimeError("import schema.messages before reading Finding.vi or Finding.en")
    return _wordings[0](finding, language)
