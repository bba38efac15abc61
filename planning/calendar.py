"""Working days, for SLAs counted in them (30 working days to approve, DOMAIN.md §5.4).

The calendar has two sources, assembled outside this pure module (db/calendar.py): the
statutory days of every year (Bộ luật Lao động 2019 Art. 112: Tết and Hùng Kings' day follow
the lunar calendar) and what the government decides each year (the exact Tết days off, bridge
days, a Saturday worked in exchange). A decision wins over the statute for its day.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum


class DayKind(StrEnum):
    """What a calendar day is for the clock."""

    OFF = "OFF"  # ngày nghỉ: not counted
    WORKING = "WORKING"  # ngày làm việc: counted, a weekend day worked in exchange among them


class DaySource(StrEnum):
    STATUTORY = "STATUTORY"  # computed for every year from the Labour Code's holidays
    DECIDED = "DECIDED"  # recorded by the national admins from the year's notice


@dataclass(frozen=True, slots=True)
class CalendarDay:
    day: date
    kind: DayKind
    name: str
    source: DaySource


@dataclass(frozen=True, slots=True)
class WorkCalendar:
    """The days that are not Monday-to-Friday working days as usual, by day."""

    statutory: Mapping[date, CalendarDay] = field(default_factory=dict)
    decided: Mapping[date, CalendarDay] = field(default_factory=dict)

    def day(self, day: date) -> CalendarDay | None:
        """What the calendar says of ``day`` (the decision, else the statute), if anything."""
        return self.decided.get(day) or self.statutory.get(day)

    def is_working_day(self, day: date) -> bool:
        """Monday to Friday unless a holiday, or a day declared worked."""
        said = self.day(day)
        return said.kind is DayKind.WORKING if said else day.weekday() < 5

    def add_working_days(self, start: date, days: int) -> date:
        """The date ``days`` working days after ``start`` (``start`` itself not counted)."""
        if days < 0:
            raise ValueError("days must not be negative")
        day = start
        left = days
        while left:
            day += timedelta(days=1)
            if self.is_working_day(day):
                left -= 1
        return day

    def of_year(self, year: int) -> list[CalendarDay]:
        """The year's special days as the clock applies them: a decision replaces the statute."""
        days = {d: c for d, c in self.statutory.items() if d.year == year}
        days.update({d: c for d, c in self.decided.items() if d.year == year})
        return [days[d] for d in sorted(days)]


def covers(*, received: date, due_on: date, day: date) -> bool:
    """Whether a change of ``day`` can move a due date counted from ``received`` (after it, up
    to and including the due date itself)."""
    return received < day <= due_on
