"""The values a plan transition reads and decides (planning/workflow.py decides them).

A transition reads a ``PlanState`` (and, for approval and reopening, its ``EntryState``s) and
returns a ``Decision`` — every change it makes, for ``db.workflow.apply`` to write — or a
``Refusal`` that says why not.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum

from planning.findings import Finding
from planning.lifecycle import EntryChange, EntryStatus, PlanAction, PlanEdit, PlanStatus
from planning.problems import Problem


@dataclass(frozen=True, slots=True)
class Dossier:
    """The plan's passage through its approving body (hồ sơ): when it was submitted and
    received, the approval clock, the appraisal report and the decision."""

    submitted_at: datetime | None = None
    received_at: datetime | None = None  # a complete dossier received: the clock runs from here
    due_on: date | None = None  # the last day of the approval SLA
    appraisal_report: str | None = None
    # The HARD findings of the validation as of the appraisal: the entries it recommends
    # not approving (DOMAIN.md §5.1), and any plan-wide finding.
    appraisal_findings: tuple[Finding, ...] = ()
    decided_at: datetime | None = None
    decision_number: str | None = None
    decision_date: date | None = None
    extended_by: int | None = None  # the one extension of the clock, in working days
    extension_reason: str | None = None

    def clock_stopped(self) -> Dossier:
        """Back with the planning unit: the SLA no longer runs (a resubmission restarts it,
        with its own extension)."""
        return replace(self, received_at=None, due_on=None, extended_by=None, extension_reason=None)


@dataclass(frozen=True, slots=True)
class PlanState:
    """A plan as the transitions read it."""

    id: int
    status: PlanStatus
    version: int
    dossier: Dossier
    base_plan_id: int | None = None  # the approved plan an annual review would replace

    def after(self, decision: Decision) -> PlanState:
        """The plan as ``decision`` leaves it (each change bumps the version)."""
        return replace(self, status=decision.to, version=self.version + 1, dossier=decision.dossier)


@dataclass(frozen=True, slots=True)
class EntryState:
    id: int
    status: EntryStatus
    change: EntryChange


@dataclass(frozen=True, slots=True)
class EntryOutcome:
    """The status an entry takes, and why when it is not approved."""

    entry_id: int
    status: EntryStatus
    reason: str | None = None


class Counting(StrEnum):
    """What a transition does to the plan's entries in the statistics."""

    UNCHANGED = "UNCHANGED"
    START = "START"  # its ACTIVE entries start counting (an approval)
    STOP = "STOP"  # its entries stop counting (a reopening)


@dataclass(frozen=True, slots=True)
class Decision:
    """Everything one transition changes; ``db.workflow.apply`` writes exactly this."""

    action: PlanAction
    from_status: PlanStatus
    to: PlanStatus
    dossier: Dossier
    reason: str | None = None  # recorded in the history (return, reject, reopen)
    entries: tuple[EntryOutcome, ...] = ()
    counting: Counting = Counting.UNCHANGED
    supersedes: int | None = None  # the approved plan this approval replaces, now SUPERSEDED


@dataclass(frozen=True, slots=True)
class StaleVersion:
    current_version: int


@dataclass(frozen=True, slots=True)
class NotPossible:
    """The plan's status does not allow the action."""

    action: PlanAction | PlanEdit
    status: PlanStatus


@dataclass(frozen=True, slots=True)
class Problems:
    problems: tuple[Problem, ...]


@dataclass(frozen=True, slots=True)
class UnknownEntry:
    """A result names an entry the plan does not propose."""

    entry_id: int


Refusal = StaleVersion | NotPossible | Problems | UnknownEntry


@dataclass(frozen=True, slots=True)
class EntryResult:
    """The approver's verdict on one entry; entries without one are approved."""

    entry_id: int
    approved: bool
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class ApprovalDecision:
    """Quyết định phê duyệt: its number and date."""

    number: str
    day: date


@dataclass(frozen=True, slots=True)
class EntryRemoval:
    """What taking an entry out of a draft does to it."""

    change: EntryChange
    status: EntryStatus
    reason: str


@dataclass(frozen=True, slots=True)
class DeadlineExtension:
    """Gia hạn: the dossier with its clock extended (due date, days, reason), the plan's status
    unchanged; recorded in its history as an EXTEND_DEADLINE edit."""

    dossier: Dossier
