"""Editing reference data: a province's seats and ranks for a title, and the holiday calendar."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry

from db import audit, plans as plans_db, units as units_db
from planning.access import InputProblem
from planning.units import UnitKind
from schema.access.admin import actor, row_id
from schema.context import Context
from schema.outcomes import (
    NotAllowed,
    NotFound,
    ValidationFailed,
    not_allowed,
    not_found,
    validation_failed,
)
from schema.permissions import official
from schema.plans.types import Position


@strawberry.type(description="The title as it now counts in the province.")
class PositionPayload:
    position: Position


@strawberry.type(description="The holiday as recorded.")
class HolidayPayload:
    day: date
    name: str


PositionResult = Annotated[
    PositionPayload | NotAllowed | NotFound | ValidationFailed, strawberry.union("PositionResult")
]
HolidayResult = Annotated[
    HolidayPayload | NotAllowed | ValidationFailed, strawberry.union("HolidayResult")
]


@strawberry.input(description="A province's own seats (and rank) for a title.")
class SetPositionSeatsInput:
    position: strawberry.ID
    province: strawberry.ID
    seats: int
    rank: int | None = None
    reason: str | None = None


@strawberry.input(description="A public holiday for working-day deadlines.")
class SetHolidayInput:
    day: date
    name: str


@strawberry.type
class ReferenceMutation:
    @strawberry.mutation(
        description="Set how many seats (and which rank) a title has in a province: caps and "
        "validation of that province's plans use it. Admins of the province or above.",
        extensions=official(),
    )
    async def set_position_seats(
        self, info: strawberry.Info[Context, None], input: SetPositionSeatsInput
    ) -> PositionResult:
        ctx = info.context
        position_id, province_id = (
            row_id(input.position, "Position"),
            row_id(input.province, "Unit"),
        )
        positions = await ctx.read(plans_db.positions_by_ids, [position_id] if position_id else [])
        if position_id not in positions:
            return not_found(ctx, input.position)
        province = await ctx.loaders.unit.load(province_id) if province_id else None
        if province is None or province.kind is not UnitKind.PROVINCE:
            return not_found(ctx, input.province)
        if not ctx.allows("manage", "reference", province.path):
            return not_allowed(ctx, "manage", "reference")
        if not 1 <= input.seats <= 200 or (input.rank is not None and not 1 <= input.rank <= 20):
            return validation_failed(
                ctx,
                [
                    InputProblem(
                        "BAD_SEATS", "seats", "số vị trí 1–200, bậc 1–20", "seats 1–200, rank 1–20"
                    )
                ],
            )
        await ctx.read(
            plans_db.set_override,
            position_id=position_id,
            province_id=province.id,
            seats=input.seats,
            rank=input.rank,
            set_by=actor(ctx),
            set_at=ctx.now,
            reason=input.reason,
        )
        await ctx.read(
            audit.record,
            at=ctx.now,
            actor_user_id=actor(ctx),
            action="set_position_seats",
            subject_type="position",
            subject_id=position_id,
            unit_id=province.id,
            after={"seats": input.seats, "rank": input.rank},
            reason=input.reason,
        )
        await ctx.session.commit()
        effective = await ctx.read(
            plans_db.effective_positions, [position_id], province_id=province.id
        )
        return PositionPayload(position=Position.from_row(effective[position_id]))

    @strawberry.mutation(
        description="Record a public holiday (national admins): working-day deadlines skip it.",
        extensions=official(),
    )
    async def set_holiday(
        self, info: strawberry.Info[Context, None], input: SetHolidayInput
    ) -> HolidayResult:
        ctx = info.context
        root = await ctx.read(units_db.root_path)
        if not ctx.allows("manage", "reference", root):
            return not_allowed(ctx, "manage", "reference")
        if not input.name.strip():
            return validation_failed(
                ctx,
                [InputProblem("MISSING_NAME", "name", "thiếu tên ngày lễ", "the name is empty")],
            )
        await ctx.read(plans_db.set_holiday, day=input.day, name=input.name.strip())
        await ctx.session.commit()
        return HolidayPayload(day=input.day, name=input.name.strip())
