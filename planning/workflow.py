"""What each transition of a plan decides (DOMAIN.md §5.1), for every caller.

Each transition is one pure function — ``submit``, ``withdraw``, ``receive``, ``return_to_unit``,
``appraise``, ``approve``, ``reject``, ``reopen`` — from the plan as it stands (plain values) to
the ``Decision`` that says everything the transition changes, or the ``Refusal`` that stops it.
``db.workflow.apply`` writes a decision. The GraphQL resolvers and the demo loader go through
that pair; the bench seed decides with the same functions and, at national scale, writes the
rows in bulk (its facts built by db/facts.py, as an approval builds them).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import replace
from datetime import date, datetime

from planning.calendar import WorkCalendar
from planning.decisions import (
    ApprovalDecision,
    Counting,
    DeadlineExtension,
    Decision,
    Dossier,
    EntryOutcome,
    EntryRemoval,
    EntryResult,
    EntryState,
    NotPossible,
    PlanState,
    Problems,
    Refusal,
    StaleVersion,
    UnknownEntry,
)
from planning.lifecycle import (
    CLOCK_RUNNING_STATUSES,
    EntryChange,
    EntryStatus,
    InvalidTransition,
    PlanAction,
    PlanEdit,
    PlanStatus,
    ReasonRequired,
    next_status,
    proposes,
)
from planning.problems import Problem, problem
from planning.validation import Report

REASON_REQUIRED = problem("REASON_REQUIRED", "reason")


def movable(
    plan: PlanState, action: PlanAction, *, version: int, reason: str | None = None
) -> PlanStatus | Refusal:
    """The status ``action`` leads to from the plan the client saw at ``version``."""
    if version != plan.version:
        return StaleVersion(plan.version)
    try:
        return next_status(plan.status, action, reason=reason)
    except InvalidTransition:
        return NotPossible(action, plan.status)
    except ReasonRequired:
        return Problems((REASON_REQUIRED,))


def submit(
    plan: PlanState,
    entries: Sequence[EntryState],
    *,
    version: int,
    report: Report,
    now: datetime,
    reason: str | None = None,
) -> Decision | Refusal:
    """Trình: send the plan to its approving unit; refused when it proposes nothing (PLAN_EMPTY:
    no entry for the approver to decide) and while the validation report, as of now, has HARD
    errors (DOMAIN.md A.7). A review that only removes entries proposes their removal."""
    to = movable(plan, PlanAction.SUBMIT, version=version)
    if not isinstance(to, PlanStatus):
        return to
    if not any(proposes(entry.status) for entry in entries):
        return Problems((problem("PLAN_EMPTY", "entries"),))
    if report.blocks_submission:
        return Problems(tuple(problem(f.rule, "entries", **dict(f.values)) for f in report.errors))
    dossier = replace(plan.dossier, submitted_at=now)
    return Decision(PlanAction.SUBMIT, plan.status, to, dossier, reason=_text(reason))


def withdraw(plan: PlanState, *, version: int, reason: str | None) -> Decision | Refusal:
    """Rút lại: the submitter takes the plan back to draft; the approval clock stops."""
    to = movable(plan, PlanAction.WITHDRAW, version=version, reason=reason)
    if not isinstance(to, PlanStatus):
        return to
    return Decision(
        PlanAction.WITHDRAW, plan.status, to, plan.dossier.clock_stopped(), reason=_text(reason)
    )


def receive(
    plan: PlanState,
    *,
    version: int,
    working_days: int,
    calendar: WorkCalendar,
    now: datetime,
    reason: str | None = None,
) -> Decision | Refusal:
    """Tiếp nhận: a complete dossier is received; the decision is due ``working_days`` working
    days later (30 under QĐ 377, DOMAIN.md §5.4), on the calendar: weekends and holidays not
    counted, a weekend day declared worked counted."""
    to = movable(plan, PlanAction.RECEIVE, version=version)
    if not isinstance(to, PlanStatus):
        return to
    due = calendar.add_working_days(now.date(), working_days)
    dossier = replace(plan.dossier, received_at=now, due_on=due)
    return Decision(PlanAction.RECEIVE, plan.status, to, dossier, reason=_text(reason))


def return_to_unit(plan: PlanState, *, version: int, reason: str | None) -> Decision | Refusal:
    """Trả lại, yêu cầu bổ sung: back to the planning unit with the reason; the clock stops."""
    to = movable(plan, PlanAction.RETURN, version=version, reason=reason)
    if not isinstance(to, PlanStatus):
        return to
    return Decision(
        PlanAction.RETURN, plan.status, to, plan.dossier.clock_stopped(), reason=_text(reason)
    )


def appraise(
    plan: PlanState, *, version: int, report: str, validation: Report
) -> Decision | Refusal:
    """Thẩm định: the organization committee's report is recorded; it must say something.
    The HARD findings of the validation as of now are kept with it (DOMAIN.md §5.1: the
    appraisal may recommend excluding entries): they never refuse the appraisal, the approver
    decides on them."""
    to = movable(plan, PlanAction.APPRAISE, version=version)
    if not isinstance(to, PlanStatus):
        return to
    if not report.strip():
        return Problems((problem("REPORT_REQUIRED", "report"),))
    dossier = replace(
        plan.dossier, appraisal_report=report.strip(), appraisal_findings=validation.errors
    )
    return Decision(PlanAction.APPRAISE, plan.status, to, dossier)


def approve(
    plan: PlanState,
    entries: Sequence[EntryState],
    *,
    version: int,
    results: Sequence[EntryResult],
    decision: ApprovalDecision,
    report: Report,
    now: datetime,
) -> Decision | Refusal:
    """Phê duyệt, possibly in part (DOMAIN.md A.4): of the proposed entries, those marked for
    removal by a review are REMOVED, those refused are NOT_APPROVED with the reason, the others
    become ACTIVE and start counting; the approved plan a review was built on is SUPERSEDED.

    ``report`` is the validation, as of now, of the entries the decision would make ACTIVE
    (the refused ones left out: refusing the entries over a cap brings the plan within it).
    None of its HARD findings may stand: an entry they name must be refused, and a plan-wide
    one resolved by refusals, or the plan returned. The decision is dated between the
    dossier's receipt and today."""
    to = movable(plan, PlanAction.APPROVE, version=version)
    if not isinstance(to, PlanStatus):
        return to
    proposed = {e.id: e for e in entries if e.status is EntryStatus.PROPOSED}
    refused: dict[int, str] = {}
    problems = []
    for result in results:
        if result.entry_id not in proposed:
            return UnknownEntry(result.entry_id)
        if not result.approved:
            if not _text(result.reason):
                problems.append(problem("REASON_REQUIRED", "results"))
            refused[result.entry_id] = _text(result.reason) or ""
    if not decision.number.strip():
        problems.append(problem("DECISION_REQUIRED", "decisionNumber"))
    problems += _decision_date_problems(plan.dossier, decision.day, now=now)
    problems += blocked_problems(report, refused=refused.keys())
    if problems:
        return Problems(tuple(problems))
    outcomes = tuple(
        EntryOutcome(entry.id, EntryStatus.REMOVED)
        if entry.change is EntryChange.REMOVE
        else EntryOutcome(entry.id, EntryStatus.NOT_APPROVED, refused[entry.id])
        if entry.id in refused
        else EntryOutcome(entry.id, EntryStatus.ACTIVE)
        for entry in proposed.values()
    )
    dossier = replace(
        plan.dossier,
        decided_at=now,
        decision_number=decision.number.strip(),
        decision_date=decision.day,
    )
    return Decision(
        PlanAction.APPROVE,
        plan.status,
        to,
        dossier,
        entries=outcomes,
        counting=Counting.START,
        supersedes=plan.base_plan_id,
    )


def refused_entries(results: Sequence[EntryResult]) -> frozenset[int]:
    """The entries an approval would not approve: what its validation leaves out."""
    return frozenset(result.entry_id for result in results if not result.approved)


def blocked_problems(report: Report, *, refused: Collection[int] = ()) -> list[Problem]:
    """Why an approval cannot stand on ``report``: one problem per entry a HARD finding names
    (``ENTRY_BLOCKED``, the entry and the rule; the finding's own message is in the plan's
    validation), one per plan-wide HARD finding (``PLAN_BLOCKED``, e.g. Q2 over the cap)."""
    problems = []
    for found in report.errors:
        if found.entry is None:
            problems.append(problem("PLAN_BLOCKED", "results", rule=found.rule))
        elif found.entry not in refused:
            problems.append(
                problem("ENTRY_BLOCKED", "results", blocked=found.entry, rule=found.rule)
            )
    return problems


def _decision_date_problems(dossier: Dossier, day: date, *, now: datetime) -> list[Problem]:
    """A decision is not dated in the future, nor before the dossier it decides was received
    (both read as dates where ``now`` is: Vietnam's)."""
    today = now.date()
    if day > today:
        return [
            problem(
                "DECISION_DATE_IN_FUTURE",
                "decisionDate",
                day=f"{day:%d/%m/%Y}",
                today=f"{today:%d/%m/%Y}",
            )
        ]
    received = dossier.received_at.astimezone(now.tzinfo).date() if dossier.received_at else None
    if received is not None and day < received:
        return [
            problem(
                "DECISION_DATE_BEFORE_RECEIPT",
                "decisionDate",
                day=f"{day:%d/%m/%Y}",
                received=f"{received:%d/%m/%Y}",
            )
        ]
    return []


def reject(
    plan: PlanState,
    entries: Sequence[EntryState],
    *,
    version: int,
    reason: str | None,
    now: datetime,
) -> Decision | Refusal:
    """Không phê duyệt: the whole plan is refused, with the reason; each entry it proposed is
    NOT_APPROVED with that reason (the plan ends here: a new plan may start from it)."""
    to = movable(plan, PlanAction.REJECT, version=version, reason=reason)
    if not isinstance(to, PlanStatus):
        return to
    why = _text(reason)
    outcomes = tuple(
        EntryOutcome(entry.id, EntryStatus.NOT_APPROVED, why)
        for entry in entries
        if proposes(entry.status)
    )
    dossier = replace(plan.dossier, decided_at=now)
    return Decision(PlanAction.REJECT, plan.status, to, dossier, reason=why, entries=outcomes)


def reopen(
    plan: PlanState, entries: Sequence[EntryState], *, version: int, reason: str | None
) -> Decision | Refusal:
    """Mở lại: an approved plan goes back to draft for changes, with the reason. Its entries
    stop counting and are proposals again; the decision and the clock are cleared, so the
    plan goes through submission, receipt and approval again."""
    to = movable(plan, PlanAction.REOPEN, version=version, reason=reason)
    if not isinstance(to, PlanStatus):
        return to
    decided = (EntryStatus.ACTIVE, EntryStatus.NOT_APPROVED)
    outcomes = tuple(
        EntryOutcome(entry.id, EntryStatus.PROPOSED) for entry in entries if entry.status in decided
    )
    dossier = Dossier(
        appraisal_report=plan.dossier.appraisal_report,
        appraisal_findings=plan.dossier.appraisal_findings,
    )
    return Decision(
        PlanAction.REOPEN,
        plan.status,
        to,
        dossier,
        reason=_text(reason),
        entries=outcomes,
        counting=Counting.STOP,
    )


def remove_entry(entry: EntryState, *, reason: str) -> EntryRemoval | Problems:
    """Đưa ra khỏi quy hoạch. An entry carried over from the approved plan is marked REMOVE and
    leaves the approved set when the review is approved; an entry the draft added is simply
    withdrawn (REMOVED, kept in the history)."""
    if not reason.strip():
        return Problems((REASON_REQUIRED,))
    if entry.change is EntryChange.KEEP:
        return EntryRemoval(EntryChange.REMOVE, entry.status, reason.strip())
    return EntryRemoval(entry.change, EntryStatus.REMOVED, reason.strip())


def _text(value: str | None) -> str | None:
    """A free-text field as recorded: stripped, and None when nothing is left."""
    return value.strip() or None if value else None


def extend_deadline(
    plan: PlanState,
    *,
    version: int,
    working_days: int,
    reason: str | None,
    most: int,
    calendar: WorkCalendar,
) -> DeadlineExtension | Refusal:
    """Gia hạn: the approving unit extends the running clock once, by 1 to ``most`` working
    days (15 under QĐ 377 Art. 23, DOMAIN.md §5.4), and says why; counted on from the due
    date, on the calendar. A second extension of the same dossier is refused."""
    if version != plan.version:
        return StaleVersion(plan.version)
    due = plan.dossier.due_on
    if plan.status not in CLOCK_RUNNING_STATUSES or due is None:
        return NotPossible(PlanEdit.EXTEND_DEADLINE, plan.status)
    if plan.dossier.extended_by:
        return Problems(
            (problem("ALREADY_EXTENDED", "workingDays", days=plan.dossier.extended_by),)
        )
    problems = []
    if not 1 <= working_days <= most:
        problems.append(problem("BAD_EXTENSION", "workingDays", most=most))
    if not _text(reason):
        problems.append(REASON_REQUIRED)
    if problems:
        return Problems(tuple(problems))
    return DeadlineExtension(
        replace(
            plan.dossier,
            due_on=calendar.add_working_days(due, working_days),
            extended_by=working_days,
            extension_reason=_text(reason),
        )
    )
