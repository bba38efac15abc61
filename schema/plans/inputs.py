"""What clients send to the plan mutations: drafting (create a plan, add, change and remove
entries) and the workflow (act on a plan, appraise it, approve it entry by entry)."""

from __future__ import annotations

from datetime import date

import strawberry

from planning.decisions import ApprovalDecision, EntryResult
from planning.quotas import Ballot
from schema.enums import CandidateTier, PlanKind, UnitKind
from schema.node import row_id


@strawberry.input(description="A new plan: one per planning unit, cycle and approving body.")
class CreatePlanInput:
    unit: strawberry.ID
    cycle: str = strawberry.field(description="A cycle code, e.g. `2030-2035`.")
    kind: PlanKind
    managed_by: UnitKind = strawberry.field(
        description="The tier whose standing committee manages (and approves) the positions."
    )
    rule_set: str | None = strawberry.field(
        default=None, description="Defaults to the rule set in force today (QD377_2025)."
    )
    from_plan: strawberry.ID | None = strawberry.field(
        default=None,
        description="Start again from a REJECTED plan of the same unit, cycle, kind and "
        "approving body: the entries it added are copied as new proposals (without ballots).",
    )
    idempotency_key: str | None = None


@strawberry.input(description="A ballot to record on an entry.")
class BallotInput:
    step: str = strawberry.field(description="e.g. `HOI_NGHI_CAN_BO_CHU_CHOT`, `BCH`, `BTV`.")
    summoned: int
    present: int
    votes_for: int

    def ballot(self) -> Ballot:
        return Ballot(summoned=self.summoned, present=self.present, votes_for=self.votes_for)


@strawberry.input(description="A person planned for a position of the plan.")
class AddPlanEntryInput:
    plan: strawberry.ID
    version: int
    person: strawberry.ID
    position: strawberry.ID
    tier: CandidateTier
    source: str = "LOCAL"
    ballots: list[BallotInput] = strawberry.field(default_factory=list)
    idempotency_key: str | None = None


@strawberry.input(description="Changes to an entry of a draft.")
class UpdatePlanEntryInput:
    entry: strawberry.ID
    version: int = strawberry.field(description="The plan's version.")
    tier: CandidateTier | None = None
    source: str | None = None
    ballots: list[BallotInput] | None = None


@strawberry.input(description="An entry to take out of the plan (đưa ra), and why.")
class RemovePlanEntryInput:
    entry: strawberry.ID
    version: int = strawberry.field(description="The plan's version.")
    reason: str


@strawberry.input(description="Which plan, at which version; a key makes retries safe.")
class PlanActionInput:
    plan: strawberry.ID
    version: int
    reason: str | None = None
    idempotency_key: str | None = None


@strawberry.input(description="The appraisal (thẩm định) of a received plan.")
class AppraisePlanInput:
    plan: strawberry.ID
    version: int
    report: str = strawberry.field(description="Báo cáo thẩm định.")
    idempotency_key: str | None = None


@strawberry.input(description="The decision on one entry; entries not listed are approved.")
class EntryResultInput:
    entry: strawberry.ID
    approved: bool
    reason: str | None = None


@strawberry.input(description="The approval decision (quyết định phê duyệt), possibly partial.")
class ApprovePlanInput:
    plan: strawberry.ID
    version: int
    decision_number: str
    decision_date: date
    results: list[EntryResultInput] = strawberry.field(default_factory=list)
    idempotency_key: str | None = None

    def decision(self) -> ApprovalDecision:
        return ApprovalDecision(number=self.decision_number, day=self.decision_date)

    def entry_results(self) -> list[EntryResult] | strawberry.ID:
        """The results by entry row id, or the first entry id that names no entry at all."""
        found = []
        for result in self.results:
            entry_id = row_id(result.entry, "PlanEntry")
            if entry_id is None:
                return result.entry
            found.append(EntryResult(entry_id, result.approved, result.reason))
        return found
