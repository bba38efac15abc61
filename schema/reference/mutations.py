"""Editing reference data: a province's seats, ranks, targets and deadlines, the year's
decided days off and working days, the cycles."""

from __future__ import annotations

import math
import re
from datetime import date
from decimal import Decimal
from typing import Any

import strawberry

from db import (
    calendar as calendar_db,
    plans as plans_db,
    positions as positions_db,
    progress as progress_db,
    reference as reference_db,
    units as units_db,
)
from db.audit import snapshot
from db.models import Unit as UnitRow
from db.plan_models import Cycle as CycleRow, Holiday, PositionOverride, TargetOverride
from db.progress import Deadline
from planning.problems import problem
from schema.audit import actor, audit_change
from schema.context import Context
from schema.enums import DayKind, Indicator, UnitKind
from schema.node import row_id
from schema.outcomes import NotAllowed, NotFound, not_allowed, not_found, validation_failed
from schema.permissions import official
from schema.plans.types import Cycle, Position
from schema.reference.queries import HOLIDAY_NAMES_IN
from schema.reference.types import (
    CalendarDay,
    CyclePayload,
    CycleResult,
    DeadlinePayload,
    DeadlineResult,
    HolidayPayload,
    HolidayResult,
    PositionPayload,
    PositionResult,
    RemoveHolidayInput,
    RemoveHolidayPayload,
    RemoveHolidayResult,
    SetCycleInput,
    SetDeadlineInput,
    SetHolidayInput,
    SetPositionSeatsInput,
    SetTargetInput,
    TargetPayload,
    TargetResult,
)


async def managed_province(ctx: Context, province_gid: str) -> UnitRow | NotFound | NotAllowed:
    """The province ``province_gid`` names, if the caller manages its reference data (its own
    seats, targets and deadlines): province admins."""
    province_id = row_id(province_gid, "Unit")
    province: UnitRow | None = await ctx.loaders.unit.load(province_id) if province_id else None
    if province is None or province.kind is not UnitKind.PROVINCE:
        return not_found(ctx, province_gid)
    if not ctx.allows("manage", "reference", province.path):
        return not_allowed(ctx, "manage", "reference")
    return province


async def _national_admin(ctx: Context) -> str | NotAllowed:
    """The national root's path, if the caller manages the national reference data."""
    root = await ctx.db(units_db.root_path)
    if not ctx.allows("manage", "reference", root):
        return not_allowed(ctx, "manage", "reference")
    return root


async def _audit_day(
    ctx: Context, action: str, day: date, root: str, *, before: dict[str, Any] | None
) -> None:
    # A decided day's key is its day: the subject id spells it as a number, 20260902.
    await audit_change(
        ctx,
        action,
        "holiday",
        int(day.strftime("%Y%m%d")),
        _unit_id(root),
        before=before,
        after=await ctx.db(snapshot, Holiday, day=day),
    )


async def _reschedule(ctx: Context, day: date) -> int:
    """Recount the due dates the change of ``day`` moves, in this transaction."""
    return await ctx.db(
        calendar_db.reschedule,
        day=day,
        rule_sets=ctx.rule_sets,
        actor_user_id=actor(ctx),
        now=ctx.now,
    )


def _unit_id(path: str) -> int:
    """The unit a path ends at (paths are unit ids from the root, "1.12.345")."""
    return int(path.rsplit(".", 1)[-1])


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
        position_id = row_id(input.position, "Position")
        positions = await ctx.db(
            positions_db.positions_by_ids, [position_id] if position_id else []
        )
        if position_id not in positions:
            return not_found(ctx, input.position)
        province = await managed_province(ctx, input.province)
        if not isinstance(province, UnitRow):
            return province
        if not 1 <= input.seats <= 200 or (input.rank is not None and not 1 <= input.rank <= 20):
            return validation_failed(
                ctx,
                [problem("BAD_SEATS", "seats")],
            )
        key = {"position_id": position_id, "province_id": province.id}
        before = await ctx.db(snapshot, PositionOverride, **key)
        await ctx.db(
            reference_db.set_override,
            position_id=position_id,
            province_id=province.id,
            seats=input.seats,
            rank=input.rank,
            set_by=actor(ctx),
            set_at=ctx.now,
            reason=input.reason,
        )
        await audit_change(
            ctx,
            "set_position_seats",
            "position",
            position_id,
            province.id,
            before=before,
            after=await ctx.db(snapshot, PositionOverride, **key),
            reason=input.reason,
        )
        await ctx.session.commit()
        effective = await ctx.db(
            positions_db.effective_positions, [position_id], province_id=province.id
        )
        return PositionPayload(position=Position.from_row(effective[position_id]))

    @strawberry.mutation(
        description="Record the government's decision on a day (national admins): an extra "
        "day OFF or a weekend day WORKING in exchange; it replaces the statutory calendar for "
        "that day. Plans whose approval clock runs over the day get their due date recounted.",
        extensions=official(),
    )
    async def set_holiday(
        self, info: strawberry.Info[Context, None], input: SetHolidayInput
    ) -> HolidayResult:
        ctx = info.context
        root = await _national_admin(ctx)
        if isinstance(root, NotAllowed):
            return root
        problems = []
        if not input.name.strip():
            problems.append(problem("MISSING_NAME", "name"))
        if input.kind is DayKind.WORKING and input.day.weekday() < 5:
            problems.append(problem("WORKING_DAY_NOT_WEEKEND", "kind"))
        if problems:
            return validation_failed(ctx, problems)
        before = await ctx.db(snapshot, Holiday, day=input.day)
        name = input.name.strip()
        await ctx.db(calendar_db.set_day, day=input.day, kind=input.kind, name=name)
        await _audit_day(ctx, "set_holiday", input.day, root, before=before)
        moved = await _reschedule(ctx, input.day)
        await ctx.session.commit()
        return HolidayPayload(day=input.day, name=name, kind=input.kind, rescheduled_plans=moved)

    @strawberry.mutation(
        description="Take back the decision recorded for a day (national admins): the day is "
        "again as the statute, or the week, has it; due dates are recounted as by `setHoliday`.",
        extensions=official(),
    )
    async def remove_holiday(
        self, info: strawberry.Info[Context, None], input: RemoveHolidayInput
    ) -> RemoveHolidayResult:
        ctx = info.context
        root = await _national_admin(ctx)
        if isinstance(root, NotAllowed):
            return root
        before = await ctx.db(snapshot, Holiday, day=input.day)
        if before is None:
            return validation_failed(
                ctx, [problem("NO_DECIDED_DAY", "day", day=input.day.isoformat())]
            )
        await ctx.db(calendar_db.remove_day, day=input.day)
        await _audit_day(ctx, "remove_holiday", input.day, root, before=before)
        moved = await _reschedule(ctx, input.day)
        await ctx.session.commit()
        days = await ctx.db(
            calendar_db.work_calendar, since=input.day, language=HOLIDAY_NAMES_IN[ctx.language]
        )
        now = days.day(input.day)
        return RemoveHolidayPayload(
            day=input.day,
            now=CalendarDay.of(now, ctx.language) if now else None,
            rescheduled_plans=moved,
        )

    @strawberry.mutation(
        description="Set a province's own value for a target (women, young cadres, …): the "
        "validation of its plans warns against it instead of the rule set's. Province admins.",
        extensions=official(),
    )
    async def set_target(
        self, info: strawberry.Info[Context, None], input: SetTargetInput
    ) -> TargetResult:
        ctx = info.context
        province = await managed_province(ctx, input.province)
        if not isinstance(province, UnitRow):
            return province
        targets = ctx.rule_sets.get(input.rule_set)
        problems = []
        if targets is None or not any(t.indicator is input.indicator for t in targets.targets):
            problems.append(problem("UNKNOWN_TARGET", "indicator"))
        # A share lies in 0–1 (0.3 = 30%); the age bands are a count of the three bands.
        most = 3 if input.indicator is Indicator.AGE_BANDS else 1
        if not (math.isfinite(input.at_least) and 0 <= input.at_least <= most):
            code = "TARGET_BANDS_OUT_OF_RANGE" if most == 3 else "TARGET_SHARE_OUT_OF_RANGE"
            problems.append(problem(code, "atLeast", value=str(input.at_least)))
        if problems:
            return validation_failed(ctx, problems)
        key = {
            "province_id": province.id,
            "rule_set": input.rule_set,
            "indicator": input.indicator.value,
        }
        before = await ctx.db(snapshot, TargetOverride, **key)
        await ctx.db(
            reference_db.set_target,
            province_id=province.id,
            rule_set=input.rule_set,
            indicator=input.indicator.value,
            at_least=Decimal(str(input.at_least)),
            young_under=input.young_under,
            set_by=actor(ctx),
            set_at=ctx.now,
        )
        await audit_change(
            ctx,
            "set_target",
            "target",
            province.id,
            province.id,
            before=before,
            after=await ctx.db(snapshot, TargetOverride, **key),
        )
        await ctx.session.commit()
        return TargetPayload(
            rule_set=input.rule_set,
            indicator=input.indicator,
            at_least=input.at_least,
            young_under=input.young_under,
        )

    @strawberry.mutation(
        description="Record a planning cycle and its reference months (national admins).",
        extensions=official(),
    )
    async def set_cycle(
        self, info: strawberry.Info[Context, None], input: SetCycleInput
    ) -> CycleResult:
        ctx = info.context
        root = await ctx.db(units_db.root_path)
        if not ctx.allows("manage", "reference", root):
            return not_allowed(ctx, "manage", "reference")
        months = {m.kind: m.month for m in input.reference_months}
        wanted = {"GRASSROOTS", "ABOVE_GRASSROOTS", "COMMUNE", "PROVINCE", "STATE"}
        well_formed = all(re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", m) for m in months.values())
        if (
            set(months) != wanted
            or not well_formed
            or not input.party_term_start < input.party_term_end
            or not input.state_term_start < input.state_term_end
        ):
            return validation_failed(
                ctx,
                [problem("BAD_CYCLE", "referenceMonths")],
            )
        before = await ctx.db(snapshot, CycleRow, code=input.code.strip())
        await ctx.db(
            reference_db.set_cycle,
            code=input.code.strip(),
            party_term_start=input.party_term_start,
            party_term_end=input.party_term_end,
            state_term_start=input.state_term_start,
            state_term_end=input.state_term_end,
            reference_months=months,
        )
        after = await ctx.db(snapshot, CycleRow, code=input.code.strip())
        assert after is not None
        await audit_change(
            ctx,
            "set_cycle",
            "cycle",
            after["id"],
            _unit_id(root),
            before=before,
            after=after,
        )
        await ctx.session.commit()
        cycle = await ctx.db(plans_db.cycle_by_code, code=input.code.strip())
        assert cycle is not None
        return CyclePayload(cycle=Cycle.from_row(cycle))

    @strawberry.mutation(
        description="Set the submission deadline of a cycle for one kind of unit of a province "
        "(e.g. communes by 15/07). Province admins.",
        extensions=official(),
    )
    async def set_deadline(
        self, info: strawberry.Info[Context, None], input: SetDeadlineInput
    ) -> DeadlineResult:
        ctx = info.context
        province = await managed_province(ctx, input.province)
        if not isinstance(province, UnitRow):
            return province
        cycle = await ctx.db(plans_db.cycle_by_code, code=input.cycle)
        if cycle is None:
            return validation_failed(
                ctx,
                [problem("UNKNOWN_CYCLE", "cycle", cycle=input.cycle)],
            )
        key = {"province_id": province.id, "cycle_id": cycle.id, "unit_kind": input.unit_kind}
        before = await ctx.db(snapshot, Deadline, **key)
        await ctx.db(
            progress_db.set_deadline,
            province_id=province.id,
            cycle_id=cycle.id,
            unit_kind=input.unit_kind,
            due_on=input.due_on,
            set_by=actor(ctx),
            set_at=ctx.now,
        )
        await audit_change(
            ctx,
            "set_deadline",
            "deadline",
            province.id,
            province.id,
            before=before,
            after=await ctx.db(snapshot, Deadline, **key),
        )
        await ctx.session.commit()
        return DeadlinePayload(unit_kind=input.unit_kind, due_on=input.due_on)
