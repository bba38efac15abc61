"""Rule sets: the numbers of each planning regime, as data with an effective date.

Three regimes ship in ``data/rules/rulesets.json`` (DOMAIN.md Part A.1): ``OLD_2012``
(HD 15), ``QD50_2021`` (QĐ 50 + HD 16) and ``QD377_2025`` (QĐ 377 + HD 45, the default for new
plans). Every plan records the rule set it is validated under; nothing here hard-codes a number.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum
from fractions import Fraction
from typing import Any

from planning.units import UnitKind


class CandidateTier(StrEnum):
    """Đối tượng 1 / đối tượng 2 of a planned position (stored per entry, never derived)."""

    T1 = "T1"
    T2 = "T2"


class AgeReference(StrEnum):
    """Which month planning age is computed at (DOMAIN.md §7.4)."""

    REFERENCE_MONTH = "REFERENCE_MONTH"  # HD 45: the cycle's fixed month per committee kind
    APPROVAL_DATE = "APPROVAL_DATE"  # the old practice (seed 000)


class DisciplineForm(StrEnum):
    """Forms of Party discipline (hình thức kỷ luật) that bear on planning."""

    REPRIMAND = "REPRIMAND"  # khiển trách
    WARNING = "WARNING"  # cảnh cáo
    REMOVAL_FROM_POST = "REMOVAL_FROM_POST"  # cách chức


class VoteBase(StrEnum):
    SUMMONED = "SUMMONED"  # tổng số người được triệu tập
    PRESENT = "PRESENT"  # số người có mặt


class Indicator(StrEnum):
    YOUNG = "YOUNG"
    WOMEN = "WOMEN"
    ETHNIC_MINORITY = "ETHNIC_MINORITY"
    SCI_TECH = "SCI_TECH"
    AGE_BANDS = "AGE_BANDS"


@dataclass(frozen=True, slots=True)
class Target:
    """A TARGET: computed and reported, never blocking (DOMAIN.md Part A.7)."""

    indicator: Indicator
    at_least: Fraction
    levels: frozenset[UnitKind]
    young_under: int | None  # years; for YOUNG and for the age bands
    source: str


@dataclass(frozen=True, slots=True)
class CommitteeSize:
    """A committee size fixed for a cycle's congresses (Q4–Q6): the most seats a title of a
    kind of unit counts on, for units merged from ``merged_from`` predecessors."""

    unit_kind: UnitKind
    code: str
    seats: int
    merged_from: tuple[int, int | None]  # least, most (None: no bound)
    cycles: frozenset[str]

    def applies(self, *, unit_kind: UnitKind, code: str, cycle: str, merged_from: int) -> bool:
        least, most = self.merged_from
        return (
            (self.unit_kind, self.code) == (unit_kind, code)
            and cycle in self.cycles
            and least <= merged_from
            and (most is None or merged_from <= most)
        )


@dataclass(frozen=True, slots=True)
class RuleSet:
    code: str
    title: str
    effective_from: date
    coefficient_min: Fraction  # planned persons ÷ committee seats
    coefficient_max: Fraction
    people_per_seat: int
    positions_per_person: int
    months_before_retirement: Mapping[CandidateTier, int]
    age_reference: AgeReference
    discipline_wait_months: Mapping[DisciplineForm, int]
    vote_more_than: Fraction
    vote_base: VoteBase
    targets: tuple[Target, ...]
    approval_working_days: int  # SLA from a complete dossier to the decision
    approval_extension_working_days: int  # the one extension of that SLA, at most
    young_under: int  # years: the young threshold where no target of the level names one
    age_band_years: int  # width of the middle age band (S3e)
    committee_sizes: tuple[CommitteeSize, ...] = ()  # Q4–Q6, where the rule set fixes them

    def targets_for(self, level: UnitKind) -> tuple[Target, ...]:
        return tuple(target for target in self.targets if level in target.levels)


class RuleSetInvalid(ValueError):
    """The rule-set data is malformed; the message names the rule set and the field."""


def parse(code: str, data: Mapping[str, Any]) -> RuleSet:
    """Build a rule set from its JSON form.

    :raises RuleSetInvalid: naming the first field that is missing or malformed
    """
    try:
        coefficient = data["committee_coefficient"]
        vote = data["vote_threshold"]
        return RuleSet(
            code=code,
            title=str(data["title"]),
            effective_from=date.fromisoformat(data["effective_from"]),
            coefficient_min=Fraction(coefficient["min"]),
            coefficient_max=Fraction(coefficient["max"]),
            people_per_seat=int(data["people_per_seat"]),
            positions_per_person=int(data["positions_per_person"]),
            months_before_retirement={
                CandidateTier(tier): int(months)
                for tier, months in data["months_before_retirement"].items()
            },
            age_reference=AgeReference(data["age_reference"]),
            discipline_wait_months={
                DisciplineForm(form): int(months)
                for form, months in data["discipline_wait_months"].items()
            },
            vote_more_than=Fraction(vote["more_than"]),
            vote_base=VoteBase(vote["of"]),
            targets=tuple(
                Target(
                    indicator=Indicator(target["indicator"]),
                    at_least=Fraction(target["at_least"]),
                    levels=frozenset(UnitKind(level) for level in target["levels"]),
                    young_under=target.get("young_under"),
                    source=str(target.get("source", "")),
                )
                for target in data["targets"]
            ),
            approval_working_days=int(data["approval_working_days"]),
            approval_extension_working_days=int(data["approval_extension_working_days"]),
            young_under=int(data["age_bands"]["young_under"]),
            age_band_years=int(data["age_bands"]["band_years"]),
            committee_sizes=tuple(
                CommitteeSize(
                    unit_kind=UnitKind(size["unit_kind"]),
                    code=str(size["code"]),
                    seats=int(size["seats"]),
                    merged_from=(
                        int(size["merged_from"][0]),
                        None if size["merged_from"][1] is None else int(size["merged_from"][1]),
                    ),
                    cycles=frozenset(str(c) for c in size["cycles"]),
                )
                for size in data.get("committee_sizes", {}).get("sizes", [])
            ),
        )
    except (KeyError, ValueError, TypeError) as error:
        raise RuleSetInvalid(f"rule set {code}: {type(error).__name__}: {error}") from None


def with_province_targets(
    rules: RuleSet, overrides: Mapping[Indicator, tuple[Fraction, int | None]]
) -> RuleSet:
    """The rule set as a province applies it: its own value replaces a target's (A.1)."""
    if not overrides:
        return rules
    targets = []
    for target in rules.targets:
        if target.indicator in overrides:
            at_least, young_under = overrides[target.indicator]
            target = replace(
                target,
                at_least=at_least,
                young_under=young_under if young_under is not None else target.young_under,
                source="set by the province",
            )
        targets.append(target)
    return replace(rules, targets=tuple(targets))


def in_force(rule_sets: Mapping[str, RuleSet], *, on: date) -> RuleSet:
    """The rule set in force on ``on``: the latest whose effective date is not after it."""
    candidates = [r for r in rule_sets.values() if r.effective_from <= on]
    if not candidates:
        raise LookupError(f"no rule set in force on {on}")
    return max(candidates, key=lambda r: r.effective_from)
