"""Reading the reference data a client is judged by: the working calendar of the approval
clock (DOMAIN.md §5.4)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry

from db import calendar as calendar_db
from planning.problems import problem
from schema.context import Context
from schema.errors import ClientError
from schema.messages import Language
from schema.permissions import logged_in
from schema.reference.types import CalendarDay

# The holidays package names Vietnam's statutory days in these of its languages.
HOLIDAY_NAMES_IN = {Language.VI: "vi", Language.EN: "en_US"}
# The years the calendar answers for: wide enough for any plan, narrow enough to compute.
FIRST_YEAR, LAST_YEAR = 2000, 2100


@strawberry.type
class ReferenceQuery:
    @strawberry.field(
        description="The special days of a year as the approval clock counts them: the "
        "statutory holidays (computed for every year, Tết and Hùng Kings' day from the lunar "
        "calendar) and the government's decisions (`setHoliday`), which replace the statute for "
        "their day; by day. Other days count as usual: Monday to Friday.",
        extensions=logged_in(),
    )
    async def holidays(
        self,
        info: strawberry.Info[Context, None],
        year: Annotated[int, strawberry.argument(description="e.g. 2027.")],
    ) -> list[CalendarDay]:
        if not FIRST_YEAR <= year <= LAST_YEAR:
            reason = problem("BAD_YEAR", "year", first=FIRST_YEAR, last=LAST_YEAR)
            raise ClientError("BAD_ARGUMENTS", reason=reason)
        ctx = info.context
        days = await ctx.db(
            calendar_db.work_calendar,
            since=date(year, 1, 1),
            language=HOLIDAY_NAMES_IN[ctx.language],
        )
        return [CalendarDay.of(day, ctx.language) for day in days.of_year(year)]
