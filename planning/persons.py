"""Rules of a cadre record: identity, birth date precision, and what the age rules need."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from planning.problems import Problem, problem
from planning.retirement import Month

NATIONAL_ID = re.compile(r"\d{12}")  # căn cước công dân: 12 digits


@dataclass(frozen=True, slots=True)
class BirthDate:
    """A birth date known to the year, the month, or the day (NĐ 135/2020 Art. 3)."""

    year: int
    month: int | None = None
    day: int | None = None

    def month_for_rules(self) -> Month:
        """Year only → January; month and year → that month (the day never matters)."""
        return Month(self.year, self.month or 1)


def record_problems(
    *,
    national_id: str,
    full_name: str,
    birth: BirthDate,
    retirement_override_months: int | None,
    today: date,
) -> list[Problem]:
    """Why a person record cannot be saved as given; an empty list accepts it."""
    problems = []
    if not NATIONAL_ID.fullmatch(national_id):
        problems.append(problem("BAD_NATIONAL_ID", "nationalId"))
    if not full_name.strip():
        problems.append(problem("MISSING_NAME", "fullName"))
    earliest, latest = today.year - 80, today.year - 18
    if not earliest <= birth.year <= latest:
        problems.append(problem("BAD_BIRTH_YEAR", "birthYear", earliest=earliest, latest=latest))
    if birth.month is not None and not 1 <= birth.month <= 12:
        problems.append(problem("BAD_BIRTH_MONTH", "birthMonth"))
    elif birth.day is not None and (
        birth.month is None or not 1 <= birth.day <= calendar.monthrange(birth.year, birth.month)[1]
    ):
        problems.append(problem("BAD_BIRTH_DAY", "birthDay"))
    if retirement_override_months is not None and not 600 <= retirement_override_months <= 780:
        problems.append(problem("BAD_RETIREMENT_AGE", "retirementOverrideMonths"))
    return problems
