"""Retirement month and remaining working months, by the NĐ 135/2020 algorithm (DOMAIN.md §7).

Everything is in whole months: a month is an index ``12 * year + (month - 1)``. The day of
birth is ignored (NĐ 135 Art. 3: retirement falls at the end of the month the age is reached).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Sex(StrEnum):
    MALE = "MALE"
    FEMALE = "FEMALE"


@dataclass(frozen=True, slots=True, order=True)
class Month:
    """A calendar month."""

    year: int
    month: int

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12:
            raise ValueError(f"month must be 1..12, not {self.month}")

    @property
    def index(self) -> int:
        return 12 * self.year + self.month - 1

    @classmethod
    def of_index(cls, index: int) -> Month:
        return cls(index // 12, index % 12 + 1)

    def plus(self, months: int) -> Month:
        return Month.of_index(self.index + months)

    def months_until(self, later: Month) -> int:
        return later.index - self.index

    def __str__(self) -> str:
        return f"{self.month:02d}/{self.year}"


def statutory_age_months(sex: Sex, year: int) -> int:
    """The normal retirement age, in months, for someone reaching it in ``year``.

    BLLĐ 2019 Art. 169(2), NĐ 135/2020 Art. 4(1): 60y3m (men) and 55y4m (women) in 2021, then
    +3 months a year for men up to 62 (2028) and +4 months a year for women up to 60 (2035).
    """
    if sex is Sex.MALE:
        return 720 if year <= 2020 else min(720 + 3 * (year - 2020), 744)
    return 660 if year <= 2020 else min(660 + 4 * (year - 2020), 720)


def retirement_month(*, sex: Sex, birth: Month, override_age_months: int | None = None) -> Month:
    """The month in which a person reaches retirement age (they retire at its end).

    ``override_age_months`` replaces the roadmap for a person with an individual age, e.g. 720
    for a woman entitled to retire at 60 (NĐ 83/2022, NĐ 99/2024), or an early/late retirement.
    """
    if override_age_months is not None:
        return birth.plus(override_age_months)
    # The age that applies is the one of the calendar year in which it is reached.
    for year in range(birth.year + 40, birth.year + 71):
        reached = birth.plus(statutory_age_months(sex, year))
        if reached.year == year:
            return reached
    raise AssertionError("the roadmap always yields a retirement year")  # pragma: no cover


def pension_start(retirement: Month) -> Month:
    """NĐ 135 Art. 3(2): the pension starts the month after retirement."""
    return retirement.plus(1)


def remaining_months(*, retirement: Month, at: Month) -> int:
    """Whole months of work left after ``at`` (60 exactly means five full years)."""
    return at.months_until(retirement)


def age_months(*, birth: Month, at: Month) -> int:
    """Age in whole months at ``at`` (HD 06 example: born 02/1965, at 08/2021 → 56y6m)."""
    return birth.months_until(at)
