"""Definitions behind the indicators (DOMAIN.md §8): age bands, heads, non-local, minority."""

from __future__ import annotations

from planning.rulesets import Indicator, RuleSet
from planning.theory import PoliticalTheory, at_least
from planning.units import UnitKind

# Dân tộc Kinh is the majority; any other recorded ethnicity counts as an ethnic minority.
MAJORITY_ETHNICITY = "Kinh"


def young_under(rules: RuleSet, level: UnitKind) -> int:
    """The age (years) under which a cadre is young, for the rule set and level: the threshold
    of the young share and the first of the three age bands, in validation and statistics
    alike (a province's own threshold, once applied to the rule set, included)."""
    for target in rules.targets_for(level):
        if target.indicator in (Indicator.YOUNG, Indicator.AGE_BANDS) and target.young_under:
            return target.young_under
    return rules.young_under


# The shares of §8 read these values of the person attributes the facts carry.
YOUNG_BAND = 0  # the age band of the young (under the level's threshold)
MASTER_OR_DOCTORATE = frozenset({"Thạc sĩ", "Tiến sĩ"})  # trình độ chuyên môn


def age_band(age_months: int, *, young_under_years: int, band_years: int) -> int:
    """0: young; 1: the next ``band_years``; 2: older (the three bands of S3e)."""
    young = 12 * young_under_years
    return 0 if age_months < young else 1 if age_months < young + 12 * band_years else 2


def is_minority(ethnicity: str | None) -> bool:
    return bool(ethnicity) and ethnicity != MAJORITY_ETHNICITY


def is_non_local(*, hometown_path: str | None, unit_path: str) -> bool:
    """DOMAIN A.5: non-local to U when the hometown is neither U nor inside U (unknown: local)."""
    if hometown_path is None:
        return False
    return not (hometown_path == unit_path or hometown_path.startswith(unit_path + "."))


# DOMAIN A.8: an aggregate describing fewer than 5 persons is suppressed for those who may not
# see the persons themselves, so that small communes cannot be re-identified.
MIN_CELL = 5


def suppressed(count: int, *, exact: bool) -> bool:
    """Whether a cell of ``count`` persons (or entries) must be hidden from this caller."""
    return not exact and 0 < count < MIN_CELL


def theory_at_least_intermediate() -> frozenset[str]:
    """The political-theory levels (lý luận chính trị) that count as intermediate or higher."""
    return frozenset(level.value for level in at_least(PoliticalTheory.TRUNG_CAP))
