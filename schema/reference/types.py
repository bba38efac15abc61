"""GraphQL types of reference-data editing: what is sent, and what comes back."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry

from planning import calendar
from schema.enums import DayKind, DaySource, Indicator, UnitKind
from schema.messages import Language, text
from schema.outcomes import NotAllowed, NotFound, ValidationFailed
from schema.plans.types import Cycle, Position


@strawberry.type(description="The title as it now counts in the province.")
class PositionPayload:
    position: Position


@strawberry.type(
    description="A day that is not a Monday-to-Friday working day as usual, as the approval "
    "clock counts it: a decision replaces the statute for its day."
)
class CalendarDay:
    day: date
    kind: DayKind
    name: str
    source: DaySource

    @classmethod
    def of(cls, value: calendar.CalendarDay, language: Language) -> CalendarDay:
        # A weekend day the statute swaps for a day off has no name of its own.
        name = value.name or text("SWAPPED_WORKING_DAY", language)
        return cls(day=value.day, kind=value.kind, name=name, source=value.source)


@strawberry.type(description="The decided day as recorded.")
class HolidayPayload:
    day: date
    name: str
    kind: DayKind
    rescheduled_plans: int = strawberry.field(
        description="How many plans whose approval clock runs over the day had their due date "
        "recounted (each records a RESCHEDULE in its history)."
    )


@strawberry.type(
    description="The decision removed: the day is as the statute (or the week) has it."
)
class RemoveHolidayPayload:
    day: date
    now: CalendarDay | None = strawberry.field(
        description="The day as the calendar now has it: a statutory holiday, or null for an "
        "ordinary weekday or weekend day."
    )
    rescheduled_plans: int = strawberry.field(
        description="How many plans had their due date recounted."
    )


PositionResult = Annotated[
    PositionPayload | NotAllowed | NotFound | ValidationFailed, strawberry.union("PositionResult")
]
HolidayResult = Annotated[
    HolidayPayload | NotAllowed | ValidationFailed, strawberry.union("HolidayResult")
]
RemoveHolidayResult = Annotated[
    RemoveHolidayPayload | NotAllowed | ValidationFailed, strawberry.union("RemoveHolidayResult")
]


@strawberry.input(description="A province's own seats (and rank) for a title.")
class SetPositionSeatsInput:
    position: strawberry.ID
    province: strawberry.ID
    seats: int
    rank: int | None = None
    reason: str | None = None


@strawberry.input(description="The month ages are computed at, for one kind of committee.")
class ReferenceMonthInput:
    kind: str = strawberry.field(
        description="GRASSROOTS, ABOVE_GRASSROOTS, COMMUNE, PROVINCE or STATE."
    )
    month: str = strawberry.field(description="`YYYY-MM`.")


@strawberry.type(description="The cycle as recorded.")
class CyclePayload:
    cycle: Cycle


@strawberry.input(
    description="The government's decision on one day of the year: an extra day OFF (the "
    "exact Tết days, a bridge day) or a weekend day WORKING in exchange."
)
class SetHolidayInput:
    day: date
    name: str
    kind: DayKind = calendar.DayKind.OFF


@strawberry.input(description="Take back the decision recorded for a day.")
class RemoveHolidayInput:
    day: date


@strawberry.input(description="A province's own value for a target of a rule set (A.1).")
class SetTargetInput:
    province: strawberry.ID
    rule_set: str
    indicator: Indicator
    at_least: float = strawberry.field(description="A share (0.3 = 30%), or a count of bands.")
    young_under: int | None = strawberry.field(
        default=None, description="Age in years under which a cadre counts as young."
    )


@strawberry.type(description="The target as the province now applies it.")
class TargetPayload:
    rule_set: str
    indicator: Indicator
    at_least: float
    young_under: int | None


@strawberry.input(description="A planning cycle and its age reference months (HD 45 II.5.3).")
class SetCycleInput:
    code: str = strawberry.field(description="e.g. `2035-2040`.")
    party_term_start: int
    party_term_end: int
    state_term_start: int
    state_term_end: int
    reference_months: list[ReferenceMonthInput]


TargetResult = Annotated[
    TargetPayload | NotAllowed | NotFound | ValidationFailed, strawberry.union("TargetResult")
]
CycleResult = Annotated[
    CyclePayload | NotAllowed | ValidationFailed, strawberry.union("CycleResult")
]


@strawberry.input(description="A submission deadline for one kind of unit of a province.")
class SetDeadlineInput:
    province: strawberry.ID
    cycle: str
    unit_kind: UnitKind
    due_on: date


@strawberry.type(description="The deadline as recorded.")
class DeadlinePayload:
    unit_kind: UnitKind
    due_on: date


DeadlineResult = Annotated[
    DeadlinePayload | NotAllowed | NotFound | ValidationFailed, strawberry.union("DeadlineResult")
]
