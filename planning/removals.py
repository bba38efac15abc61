"""Removal from planning on a discipline (đưa ra khỏi quy hoạch, DOMAIN.md §5.2, §6.4 R1).

A discipline decision takes the person out of planning at once: recording one on a person who
holds entries — in force (ACTIVE in an approved plan) or proposed in a plan not yet decided —
raises a removal proposal on each of them. The unit acts on it in its next review (the entry
comes over marked REMOVE, with the proposal's reason); an approval settles it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from planning.decisions import Decision, EntryState
from planning.eligibility import Discipline
from planning.lifecycle import (
    LIVE_PLAN_STATUSES,
    EntryChange,
    EntryStatus,
    PlanStatus,
    is_live,
)

R1 = "R1"  # DOMAIN.md §6.4: a discipline decision (any form, from khiển trách up)

# Plans whose proposed entries would come into force if approved as they stand.
UNDECIDED_PLAN_STATUSES = LIVE_PLAN_STATUSES - {PlanStatus.APPROVED}


@dataclass(frozen=True, slots=True)
class HeldEntry:
    """An entry of the disciplined person, with its plan's status."""

    entry_id: int
    plan_id: int
    plan_status: PlanStatus
    status: EntryStatus
    change: EntryChange
    proposed: bool  # a removal proposal is open on it already


@dataclass(frozen=True, slots=True)
class Proposal:
    """A removal proposal to raise: on which entry, by which rule, for which discipline."""

    entry_id: int
    plan_id: int
    rule: str
    discipline: Discipline


def holds_planning(entry: HeldEntry) -> bool:
    """Whether the entry plans the person now or would once its plan is approved."""
    if entry.plan_status is PlanStatus.APPROVED:
        return entry.status is EntryStatus.ACTIVE
    return entry.plan_status in UNDECIDED_PLAN_STATUSES and is_live(entry.status, entry.change)


def newly_recorded(before: Sequence[Discipline], after: Sequence[Discipline]) -> list[Discipline]:
    """The disciplines ``after`` holds that ``before`` did not (a record rewritten as it was
    adds none)."""
    held = Counter(before)
    new = []
    for discipline in after:
        if held[discipline]:
            held[discipline] -= 1
        else:
            new.append(discipline)
    return new


def on_discipline(
    *, before: Sequence[Discipline], after: Sequence[Discipline], entries: Sequence[HeldEntry]
) -> tuple[Proposal, ...]:
    """The proposals a change of a person's disciplines raises: one per entry that plans the
    person and has none open, for the latest discipline newly recorded."""
    new = newly_recorded(before, after)
    if not new:
        return ()
    latest = max(new, key=lambda d: d.decided_on)
    return tuple(
        Proposal(entry.entry_id, entry.plan_id, R1, latest)
        for entry in entries
        if holds_planning(entry) and not entry.proposed
    )


def settled_by(decision: Decision, entries: Sequence[EntryState]) -> frozenset[int]:
    """The entries of a plan whose open proposals its decision settles: once the plan is
    decided (approved or rejected), every entry it leaves out of force — not approved, removed
    by the review or from the draft, or the whole plan rejected. (Those of the plan an approval
    supersedes are settled with that plan.)"""
    if decision.to not in (PlanStatus.APPROVED, PlanStatus.REJECTED):
        return frozenset()
    after = {entry.id: entry.status for entry in entries}
    after.update((o.entry_id, o.status) for o in decision.entries)
    if decision.to is PlanStatus.REJECTED:
        return frozenset(after)
    return frozenset(
        entry_id for entry_id, status in after.items() if status is not EntryStatus.ACTIVE
    )
