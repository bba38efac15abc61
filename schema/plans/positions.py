"""Reading positions before a plan exists: the titles a unit's plan for a tier could hold."""

from __future__ import annotations

import strawberry

from planning.rulesets import in_force
from schema.context import Context
from schema.enums import UnitKind
from schema.node import row_id
from schema.permissions import official
from schema.plans.position_types import PositionChoice, position_choices


@strawberry.type
class PositionQuery:
    @strawberry.field(
        description="The titles a plan of `unit` for the `managedBy` tier would hold (chức "
        "danh quy hoạch), to choose from before `createPlan`: the same list as that plan's "
        "`positions`, with seats and ranks as the unit's province has them and the quotas of "
        "the rule set in force. Null if there is no such unit or you may not read its plans.",
        extensions=official(),
    )
    async def positions(
        self, info: strawberry.Info[Context, None], unit: strawberry.ID, managed_by: UnitKind
    ) -> list[PositionChoice] | None:
        ctx = info.context
        unit_id = row_id(unit, "Unit")
        row = await ctx.loaders.unit.load(unit_id) if unit_id else None
        # A unit whose plans the caller may not read is answered as one that does not exist.
        if row is None or not ctx.allows("read", "plan", row.path):
            return None
        rules = in_force(ctx.rule_sets, on=ctx.today)
        return await position_choices(ctx, row, managed_by, rules=rules)
