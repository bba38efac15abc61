"""What a clerk sends to draft a plan, and the problems found in it before anything is written:
malformed ballots and sources, and the caps (Q1–Q3) checked under the plan's lock."""

from __future__ import annotations

import strawberry

from db import plans as plans_db
from db.plan_models import Plan as PlanRow
from planning.access import InputProblem
from planning.quotas import bounds
from schema.context import Context
from schema.enums import CandidateTier, EntryStatus, PlanKind, UnitKind


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
    idempotency_key: str | None = None


@strawberry.input(description="A ballot to record on an entry.")
class BallotInput:
    step: str = strawberry.field(description="e.g. `HOI_NGHI_CAN_BO_CHU_CHOT`, `BCH`, `BTV`.")
    summoned: int
    present: int
    votes_for: int


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


def ballot_problems(ballots: list[BallotInput]) -> list[InputProblem]:
    bad = [b for b in ballots if not 0 <= b.votes_for <= b.present <= b.summoned or b.summoned == 0]
    if not bad:
        return []
    return [
        InputProblem(
            "BAD_BALLOT",
            "ballots",
            "phiếu: 0 ≤ đồng ý ≤ có mặt ≤ triệu tập, và có người được triệu tập",
            "ballots need 0 ≤ votes for ≤ present ≤ summoned, and someone summoned",
        )
    ]


async def cap_problems(
    ctx: Context, plan: PlanRow, person_id: int, position_id: int
) -> list[InputProblem]:
    """Q1/Q2 and Q3 at write time, under the plan's and the person's locks, so that concurrent
    additions cannot push a position or a person over the cap the rule set allows."""
    rules = ctx.rule_sets[plan.rule_set]
    unit = await ctx.loaders.unit.load(plan.planning_unit_id)
    assert unit is not None
    province = await ctx.db(plans_db.province_of, unit_path=unit.path)
    effective = await ctx.db(
        plans_db.effective_positions, [position_id], province_id=province.id if province else None
    )
    position = effective[position_id]
    entries = (await ctx.db(plans_db.entries_of, [plan.id]))[plan.id]
    live = [e for e in entries if e.status is EntryStatus.PROPOSED and e.change != "REMOVE"]
    planned = sum(e.position_id == position_id for e in live)
    most = bounds(seats=position.seats, committee_seat=position.committee_seat, rules=rules).most
    problems = []
    if planned >= most:
        problems.append(
            InputProblem(
                "Q1" if position.committee_seat else "Q2",
                "position",
                f"{position.title}: đã đủ {most} người quy hoạch cho {position.seats} vị trí",
                f"{position.title}: {most} people are already planned for {position.seats} seats",
            )
        )
    if not position.committee_seat:
        elsewhere = await ctx.db(
            plans_db.planned_elsewhere,
            person_ids=[person_id],
            managed_by=plan.managed_by,
            except_plan=plan.id,
        )
        positions = await ctx.db(
            plans_db.positions_by_ids, [e.position_id for e in live if e.person_id == person_id]
        )
        here = {p.id for p in positions.values() if not p.committee_seat}
        held = here | elsewhere.get(person_id, frozenset()) | {position_id}
        if len(held) > rules.positions_per_person:
            problems.append(
                InputProblem(
                    "Q3",
                    "person",
                    f"người này đã được quy hoạch {len(held) - 1} chức danh cùng cấp phê duyệt, "
                    f"tối đa {rules.positions_per_person}",
                    f"this person is already planned for {len(held) - 1} positions at this "
                    f"approving level; at most {rules.positions_per_person}",
                )
            )
    return problems


def source_problems(source: str | None) -> list[InputProblem]:
    if source in (None, "LOCAL", "EXTERNAL"):
        return []
    return [InputProblem("BAD_SOURCE", "source", "nguồn: LOCAL hoặc EXTERNAL", "LOCAL or EXTERNAL")]
