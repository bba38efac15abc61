"""Rules of a cadre record: identity, birth date precision, and what the age rules need."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from planning.access import InputProblem
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
) -> list[InputProblem]:
    """Why a person record cannot be saved as given; an empty list accepts it."""
    problems = []
    if not NATIONAL_ID.fullmatch(national_id):
        problems.append(
            InputProblem(
                "BAD_NATIONAL_ID",
                "nationalId",
                "số định danh cá nhân gồm đúng 12 chữ số",
                "a national id has exactly 12 digits",
            )
        )
    if not full_name.strip():
        problems.append(
            InputProblem("MISSING_NAME", "fullName", "thiếu họ và tên", "the full name is empty")
        )
    if not today.year - 80 <= birth.year <= today.year - 18:
        problems.append(
            InputProblem(
                "BAD_BIRTH_YEAR",
                "birthYear",
                f"năm sinh phải từ {today.year - 80} đến {today.year - 18}",
                f"the birth year must be between {today.year - 80} and {today.year - 18}",
            )
        )
    if birth.month is not None and not 1 <= birth.month <= 12:
        problems.append(
            InputProblem("BAD_BIRTH_MONTH", "birthMonth", "tháng sinh từ 1 đến 12", "1 to 12")
        )
    elif birth.day is not None and (
        birth.month is None or not 1 <= birth.day <= calendar.monthrange(birth.year, birth.month)[1]
    ):
        problems.append(
            InputProblem(
                "BAD_BIRTH_DAY",
                "birthDay",
                "ngày sinh không tồn tại (hoặc thiếu tháng sinh)",
                "no such day of birth (or the month is missing)",
            )
        )
    if retirement_override_months is not None and not 600 <= retirement_override_months <= 780:
        problems.append(
            InputProblem(
                "BAD_RETIREMENT_AGE",
                "retirementOverrideMonths",
                "tuổi nghỉ hưu riêng phải từ 50 đến 65 tuổi (600–780 tháng)",
                "an individual retirement age is 50 to 65 years (600–780 months)",
            )
        )
    return problems
