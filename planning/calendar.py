"""Working days, for SLAs counted in them (30 working days to approve, DOMAIN.md §5.4)."""

from __future__ import annotations

from collections.abc import Set
from datetime import date, timedelta


def is_working_day(day: date, *, holidays: Set[date]) -> bool:
    """Monday to Friday, and not a public holiday (Tết included)."""
    return day.weekday() < 5 and day not in holidays


def add_working_days(start: date, days: int, *, holidays: Set[date]) -> date:
    """The date ``days`` working days after ``start`` (``start`` itself not counted)."""
    if days < 0:
        raise ValueError("days must not be negative")
    day = start
    left = days
    while left:
        day += timedelta(days=1)
        if is_working_day(day, holidays=holidays):
            left -= 1
    return day
