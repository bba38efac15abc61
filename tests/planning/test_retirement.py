"""NĐ 135/2020: every published Appendix I row quoted in DOMAIN.md §7.2, and §7.3's examples."""

from __future__ import annotations

import pytest

from planning.retirement import (
    Month,
    Sex,
    age_months,
    pension_start,
    remaining_months,
    retirement_month,
)

M, F = Sex.MALE, Sex.FEMALE

# (sex, birth month, retirement month, pension month) from NĐ 135 Appendix I (S7b).
APPENDIX_I = [
    (M, Month(1963, 1), Month(2023, 10), Month(2023, 11)),
    (M, Month(1963, 3), Month(2023, 12), Month(2024, 1)),
    (M, Month(1963, 4), Month(2024, 4), Month(2024, 5)),
    (M, Month(1964, 1), Month(2025, 4), Month(2025, 5)),
    (M, Month(1964, 10), Month(2026, 4), Month(2026, 5)),
    (M, Month(1965, 6), Month(2026, 12), Month(2027, 1)),
    (F, Month(1968, 1), Month(2024, 5), Month(2024, 6)),
    (F, Month(1968, 8), Month(2024, 12), Month(2025, 1)),
    (F, Month(1968, 9), Month(2025, 5), Month(2025, 6)),
    (F, Month(1968, 12), Month(2025, 8), Month(2025, 9)),
    (F, Month(1969, 5), Month(2026, 5), Month(2026, 6)),
    (F, Month(1970, 5), Month(2027, 9), Month(2027, 10)),
]


@pytest.mark.parametrize(("sex", "birth", "retires", "pension"), APPENDIX_I, ids=str)
def test_matches_appendix_i(sex: Sex, birth: Month, retires: Month, pension: Month) -> None:
    assert retirement_month(sex=sex, birth=birth) == retires
    assert pension_start(retires) == pension


def test_hd06_example_exactly_sixty_months() -> None:
    # Man born 02/1965: 61y6m reached 08/2026; at 08/2021 he is 56y6m with 60 months left.
    retires = retirement_month(sex=M, birth=Month(1965, 2))

    assert retires == Month(2026, 8)
    assert age_months(birth=Month(1965, 2), at=Month(2021, 8)) == 56 * 12 + 6
    assert remaining_months(retirement=retires, at=Month(2021, 8)) == 60


def test_commune_plan_2030_woman_born_03_1975_has_52_months() -> None:
    retires = retirement_month(sex=F, birth=Month(1975, 3))

    assert retires == Month(2034, 11)
    assert remaining_months(retirement=retires, at=Month(2030, 7)) == 52


def test_the_60_year_entitlement_gives_56_months() -> None:
    retires = retirement_month(sex=F, birth=Month(1975, 3), override_age_months=720)

    assert retires == Month(2035, 3)
    assert remaining_months(retirement=retires, at=Month(2030, 7)) == 56


def test_commune_plan_2030_man_born_03_1975_has_80_months() -> None:
    retires = retirement_month(sex=M, birth=Month(1975, 3))

    assert retires == Month(2037, 3)
    assert remaining_months(retirement=retires, at=Month(2030, 7)) == 80


def test_before_2021_the_ages_were_60_and_55() -> None:
    assert retirement_month(sex=M, birth=Month(1955, 5)) == Month(2015, 5)
    assert retirement_month(sex=F, birth=Month(1960, 5)) == Month(2015, 5)


def test_a_month_out_of_range_is_refused() -> None:
    with pytest.raises(ValueError, match=r"1\.\.12"):
        Month(2025, 13)
