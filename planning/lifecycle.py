"""The lifecycle of plans and entries (DOMAIN.md §5.1, §5.2): their statuses, the actions that
move a plan, the state machine that allows them, and the groups of statuses the rules name.

Each action names the permission it needs (resource ``plan``, action as in policy.csv) and the
unit it is checked on: the planning unit for the submitter's actions, the approving unit for
appraisal and approval (exact scope there: a province never approves its districts' plans).
What each transition changes is decided in planning/workflow.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class PlanStatus(StrEnum):
    DRAFT = "DRAFT"  # đang xây dựng
    SUBMITTED = "SUBMITTED"  # đã trình
    UNDER_APPRAISAL = "UNDER_APPRAISAL"  # đang thẩm định (dossier received, SLA running)
    RETURNED = "RETURNED"  # trả lại, yêu cầu bổ sung
    APPRAISED = "APPRAISED"  # đã thẩm định
    APPROVED = "APPROVED"  # đã phê duyệt (possibly in part)
    REJECTED = "REJECTED"  # không phê duyệt
    # No step leads here (withdrawal returns a plan to DRAFT); the database type keeps it.
    WITHDRAWN = "WITHDRAWN"
    SUPERSEDED = "SUPERSEDED"  # replaced by a later approved review


class InboxMove(StrEnum):
    """How a plan moves in an official's inbox (hộp việc) when something about it changes."""

    ENTERED = "ENTERED"  # it waits on you now, and did not
    CHANGED = "CHANGED"  # it still waits on you, and changed
    LEFT = "LEFT"  # it no longer waits on you

    @classmethod
    def of(cls, *, waited: bool, waits: bool) -> InboxMove | None:
        """The move of a plan that changed; None when it neither waited nor waits on you."""
        if waits:
            return cls.CHANGED if waited else cls.ENTERED
        return cls.LEFT if waited else None


class EntryStatus(StrEnum):
    """The state of one entry (DOMAIN.md §5.2)."""

    PROPOSED = "PROPOSED"  # in a plan not yet decided
    ACTIVE = "ACTIVE"  # approved and in force: counts toward quotas and indicators
    NOT_APPROVED = "NOT_APPROVED"  # struck by the approval decision
    REMOVED = "REMOVED"  # đưa ra khỏi quy hoạch (by a review, with a reason)
    FULFILLED = "FULFILLED"  # appointed or elected to the planned position
    EXPIRED = "EXPIRED"  # the cycle ended without use
    # In force until a later approved review replaced its plan: the review holds the person now.
    SUPERSEDED = "SUPERSEDED"


class EntryChange(StrEnum):
    """What an entry does to the approved set it is decided against (an annual review's rows)."""

    ADD = "ADD"  # bổ sung: a new entry
    KEEP = "KEEP"  # carried over from the approved plan under review
    REMOVE = "REMOVE"  # đưa ra: a carried-over entry to take out when the review is approved


class EntrySource(StrEnum):
    """Where the planned person comes from (nguồn)."""

    LOCAL = "LOCAL"  # nguồn tại chỗ
    EXTERNAL = "EXTERNAL"  # nguồn từ nơi khác


# Plans that hold their unit's place for a cycle and approving body (one at a time).
LIVE_PLAN_STATUSES = frozenset(
    {
        PlanStatus.DRAFT,
        PlanStatus.SUBMITTED,
        PlanStatus.UNDER_APPRAISAL,
        PlanStatus.RETURNED,
        PlanStatus.APPRAISED,
        PlanStatus.APPROVED,
    }
)
# Plans submitted and not yet decided: what "counting the submitted plans" adds.
PENDING_PLAN_STATUSES = frozenset(
    {PlanStatus.SUBMITTED, PlanStatus.UNDER_APPRAISAL, PlanStatus.APPRAISED}
)


def proposes(status: EntryStatus) -> bool:
    """Whether an entry asks the approving body for a decision: an addition or a kept entry,
    or a review's removal from the approved set (a review that removes everyone still asks)."""
    return status is EntryStatus.PROPOSED


def is_live(status: EntryStatus, change: EntryChange) -> bool:
    """Whether an entry of an undecided plan would be in force if the plan were approved as it
    stands: proposed, and not marked for removal from the approved set."""
    return status is EntryStatus.PROPOSED and change != EntryChange.REMOVE


def restarts(status: EntryStatus, change: EntryChange) -> bool:
    """Whether an entry of a rejected plan is copied, as a fresh proposal, into the plan started
    from it: every entry the plan added (not one withdrawn from its draft, REMOVED). A review's
    entries carried over from the approved set are not: the new review carries the approved
    set over again, as it stands then."""
    return status is not EntryStatus.REMOVED and change is EntryChange.ADD


# Plans whose approval clock runs: a complete dossier received, no decision yet (DOMAIN §5.4).
CLOCK_RUNNING_STATUSES = frozenset({PlanStatus.UNDER_APPRAISAL, PlanStatus.APPRAISED})
# Plans that have not reached their approving unit (or were taken back from it): a unit with
# only these has not submitted for the deadline.
UNSUBMITTED_STATUSES = frozenset({PlanStatus.DRAFT, PlanStatus.RETURNED, PlanStatus.WITHDRAWN})


def overdue(status: PlanStatus, due_on: date | None, today: date) -> bool:
    """Whether the decision is late: the clock runs and today is past its due date."""
    return status in CLOCK_RUNNING_STATUSES and due_on is not None and today > due_on


# Entries that hold a place in their plan: proposed or in force. Quotas (Q1–Q3) and the
# validation report count these, less those a review marks for removal.
PLACE_HOLDING_STATUSES = frozenset({EntryStatus.PROPOSED, EntryStatus.ACTIVE})


def holds_place(status: EntryStatus, change: EntryChange) -> bool:
    """Whether an entry counts toward the quotas of its plan and its person (see above)."""
    return status in PLACE_HOLDING_STATUSES and change != EntryChange.REMOVE


class PlanAction(StrEnum):
    EDIT = "EDIT"
    SUBMIT = "SUBMIT"
    WITHDRAW = "WITHDRAW"
    RECEIVE = "RECEIVE"
    RETURN = "RETURN"
    APPRAISE = "APPRAISE"
    APPROVE = "APPROVE"
    REJECT = "REJECT"
    REOPEN = "REOPEN"


class PlanEdit(StrEnum):
    """What a plan's history records besides the transitions (named by their PlanAction)."""

    CREATE = "CREATE"
    ADD_ENTRY = "ADD_ENTRY"  # bổ sung
    UPDATE_ENTRY = "UPDATE_ENTRY"
    REMOVE_ENTRY = "REMOVE_ENTRY"  # đưa ra
    # What a later approved review does to the plan it replaces: a consequence of that
    # approval, not an action anyone takes on this plan.
    SUPERSEDE = "SUPERSEDE"
    # The approval clock (DOMAIN.md §5.4), not a transition: the plan keeps its status.
    EXTEND_DEADLINE = "EXTEND_DEADLINE"  # gia hạn: the one extension, by the approving unit
    RESCHEDULE = "RESCHEDULE"  # the calendar changed under a running clock: due date recounted


class Side(StrEnum):
    PLANNING_UNIT = "PLANNING_UNIT"
    APPROVING_UNIT = "APPROVING_UNIT"


@dataclass(frozen=True, slots=True)
class Step:
    permission: str  # the action of resource `plan` in policy.csv
    side: Side
    allowed_from: frozenset[PlanStatus]
    to: PlanStatus | None  # None: the status does not change (edits)
    needs_reason: bool = False


S = PlanStatus
STEPS: dict[PlanAction, Step] = {
    PlanAction.EDIT: Step("draft", Side.PLANNING_UNIT, frozenset({S.DRAFT, S.RETURNED}), None),
    PlanAction.SUBMIT: Step(
        "submit", Side.PLANNING_UNIT, frozenset({S.DRAFT, S.RETURNED}), S.SUBMITTED
    ),
    PlanAction.WITHDRAW: Step(
        "withdraw", Side.PLANNING_UNIT, frozenset({S.SUBMITTED, S.UNDER_APPRAISAL}), S.DRAFT
    ),
    PlanAction.RECEIVE: Step(
        "receive", Side.APPROVING_UNIT, frozenset({S.SUBMITTED}), S.UNDER_APPRAISAL
    ),
    PlanAction.RETURN: Step(
        "return",
        Side.APPROVING_UNIT,
        frozenset({S.SUBMITTED, S.UNDER_APPRAISAL}),
        S.RETURNED,
        needs_reason=True,
    ),
    PlanAction.APPRAISE: Step(
        "appraise", Side.APPROVING_UNIT, frozenset({S.UNDER_APPRAISAL}), S.APPRAISED
    ),
    PlanAction.APPROVE: Step("approve", Side.APPROVING_UNIT, frozenset({S.APPRAISED}), S.APPROVED),
    # A rejection ends the plan (nothing leaves REJECTED): the unit starts a new plan from it
    # (createPlan fromPlan), so the refused proposal and its history stay as they were decided.
    PlanAction.REJECT: Step(
        "reject", Side.APPROVING_UNIT, frozenset({S.APPRAISED}), S.REJECTED, needs_reason=True
    ),
    PlanAction.REOPEN: Step(
        "reopen", Side.APPROVING_UNIT, frozenset({S.APPROVED}), S.DRAFT, needs_reason=True
    ),
}


class InvalidTransition(Exception):
    """The action is not possible from the plan's current status."""

    def __init__(self, action: PlanAction, status: PlanStatus) -> None:
        super().__init__(f"{action} is not possible on a {status} plan")
        self.action = action
        self.status = status


class ReasonRequired(Exception):
    """The action must say why (return, reject, reopen)."""


def next_status(status: PlanStatus, action: PlanAction, *, reason: str | None = None) -> PlanStatus:
    """The status a plan takes after ``action``.

    :raises InvalidTransition: when the plan's status does not allow the action
    :raises ReasonRequired: when the action needs a reason and none was given
    """
    step = STEPS[action]
    if status not in step.allowed_from:
        raise InvalidTransition(action, status)
    if step.needs_reason and not (reason and reason.strip()):
        raise ReasonRequired(action)
    return step.to or status


def possible(status: PlanStatus) -> frozenset[PlanAction]:
    """The actions the status allows (whoever may take them)."""
    return frozenset(action for action, step in STEPS.items() if status in step.allowed_from)
