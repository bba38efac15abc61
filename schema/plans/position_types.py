"""GraphQL types of positions (chức danh quy hoạch): a title as a province has it, and the
titles a plan may hold with their quotas (Q1, Q2)."""

from __future__ import annotations

from typing import Self

import strawberry

from db import plans as plans_db, positions as positions_db
from db.models import Unit as UnitRow
from db.plan_models import Position as PositionRow
from planning.quotas import bounds
from planning.rulesets import RuleSet
from schema.context import Context
from schema.enums import PoliticalTheory, PositionBody, UnitKind
from schema.loaders import HoldingKey, PositionKey
from schema.node import Node, to_global_id


@strawberry.type(
    description="A title that can be planned (chức danh quy hoạch). Read in a province (a "
    "unit's or a plan's `positions`, an entry's `position`, `setPositionSeats`), its seats and "
    "rank are that province's own, the ones validation counts against; fetched alone by "
    "`node(id:)`, the national catalogue's."
)
class Position(Node):
    code: str = strawberry.field(description="The catalogue code of the title, e.g. `PCT_UBND`.")
    title: str = strawberry.field(description="The title's name (tên chức danh).")
    body: PositionBody = strawberry.field(description="The body the title belongs to.")
    rank: int | None = strawberry.field(description="QĐ 368 rank (bậc); 1 is the highest.")
    seats: int = strawberry.field(description="Seats of the title (or of the committee).")
    committee_seat: bool = strawberry.field(
        description="A committee membership (BCH/BTV/UBKT): counted by coefficient, not per person."
    )
    managed_by: UnitKind = strawberry.field(
        description="The tier whose standing committee approves."
    )
    political_theory_required: PoliticalTheory | None = strawberry.field(
        description="The political theory standard (E8): T1 must meet it, T2 is only warned."
    )

    @classmethod
    def from_row(cls, row: PositionRow) -> Self:
        return cls(
            id=to_global_id("Position", row.id),
            code=row.code,
            title=row.title,
            body=row.body,
            rank=row.rank,
            seats=row.seats,
            committee_seat=row.committee_seat,
            managed_by=row.managed_by,
            political_theory_required=row.political_theory_required,
        )


@strawberry.type(
    description="How many people may be planned for a title under a rule set: Q1 for committee "
    "seats (hệ số 1.0–1.5 × seats), Q2 for other titles (at most 3 per seat)."
)
class PositionQuota:
    least: int = strawberry.field(
        description="The fewest to plan: Q1's lower bound (a TARGET, only warned); 0 under Q2."
    )
    most: int = strawberry.field(description="The most that may be planned (HARD).")
    rule: str = strawberry.field(description="The rule that sets the bounds: `Q1` or `Q2`.")

    @classmethod
    def of(cls, position: PositionRow, rules: RuleSet) -> Self:
        found = bounds(seats=position.seats, committee_seat=position.committee_seat, rules=rules)
        return cls(least=found.least, most=found.most, rule=found.rule)


@strawberry.type(
    description="A title a plan of the unit for that tier may hold, with its quota under the "
    "rule set in force (what `createPlan` uses unless told otherwise)."
)
class PositionChoice:
    position: Position = strawberry.field(description="The title, as the unit's province has it.")
    quota: PositionQuota = strawberry.field(description="How many people it may plan.")


@strawberry.type(
    description="A title the plan may hold (what `addPlanEntry` accepts), how many of the "
    "plan's live entries hold it, and its quota under the plan's rule set."
)
class PlanPosition:
    position: Position = strawberry.field(description="The title, as the plan's province has it.")
    quota: PositionQuota = strawberry.field(description="How many people it may plan.")
    planned: int = strawberry.field(
        description="Entries of the plan for the title that stand if it is approved as it is: "
        "proposed, not marked for removal."
    )


async def holdable(
    ctx: Context, unit: UnitRow, managed_by: UnitKind, *, province_id: int | None
) -> list[PositionRow]:
    """The titles a plan of ``unit`` for ``managed_by`` may hold, as the province has them."""
    # What addPlanEntry accepts (db.positions.holdable_positions), batched across plans.
    day = positions_db.holding_day(unit, ctx.today)
    rows = await ctx.loaders.holdable_positions.load(HoldingKey(unit.kind, managed_by, day))
    found = await ctx.loaders.effective_position.load_many(
        [PositionKey(row.id, province_id) for row in rows]
    )
    return [row for row in found if row is not None]


async def position_choices(
    ctx: Context, unit: UnitRow, managed_by: UnitKind, *, rules: RuleSet
) -> list[PositionChoice]:
    """What a new plan of ``unit`` for ``managed_by`` could hold (before ``createPlan``)."""
    province = await ctx.db(plans_db.province_of, unit_path=unit.path)
    rows = await holdable(ctx, unit, managed_by, province_id=province.id if province else None)
    return [
        PositionChoice(position=Position.from_row(row), quota=PositionQuota.of(row, rules))
        for row in rows
    ]


async def visible_position(ctx: Context, position_id: int) -> Position | None:
    """The title as the national catalogue has it, if the caller may read the plans of some
    unit of its kind (where `positions` would list it for them); None otherwise, as for an
    unknown id."""
    found = await ctx.db(
        positions_db.positions_in_reach, [position_id], reaches=ctx.reaches("read", "plan")
    )
    row = found.get(position_id)
    return Position.from_row(row) if row is not None else None
