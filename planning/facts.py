"""The fact an approved entry becomes: what statistics and indicators count, as it stood when
the plan was approved (DOMAIN.md §8). Its fields are the columns of ``entry_fact``; a test holds
the table to them."""

from __future__ import annotations

from dataclasses import dataclass, fields

from planning.indicators import age_band, is_minority, is_non_local, young_under
from planning.positions import HEAD_CODES, PositionBody
from planning.retirement import Month, age_months
from planning.rulesets import RuleSet
from planning.units import UnitKind


@dataclass(frozen=True, slots=True)
class Fact:
    entry_id: int
    plan_id: int
    cycle_id: int
    person_id: int
    unit_id: int  # the planning unit
    unit_kind: UnitKind
    position_id: int
    body: PositionBody
    managed_by: UnitKind
    head: bool  # a head of the unit (secretary, chair): the non-local indicator's subjects
    age_months: int  # at the cycle's party reference month
    sex: str
    age_band: int  # 0 young, 1 the next band, 2 older (S3e)
    education: str  # "" when not recorded
    theory: str
    grade: str
    ethnicity: str
    minority: bool
    non_local: bool
    sci_tech: bool  # cán bộ có trình độ khoa học, công nghệ (DOMAIN §8 S&T ratio)


FACT_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Fact))
# The attributes of the person in a fact: the cells persons are counted in.
PERSON_KEY: tuple[str, ...] = (
    "sex",
    "age_band",
    "education",
    "theory",
    "grade",
    "ethnicity",
    "minority",
    "non_local",
    "sci_tech",
)


@dataclass(frozen=True, slots=True)
class PlanningUnit:
    id: int
    kind: UnitKind
    path: str


@dataclass(frozen=True, slots=True)
class PersonAttributes:
    """What a fact records of the person (never their name or national id)."""

    id: int
    sex: str
    birth: Month  # as the age rules read it (year only → January)
    education: str | None
    theory: str | None
    grade: str | None
    ethnicity: str | None
    hometown_path: str | None
    sci_tech: bool = False


@dataclass(frozen=True, slots=True)
class PositionAttributes:
    id: int
    code: str
    body: PositionBody
    managed_by: UnitKind


def fact_of(
    *,
    entry_id: int,
    plan_id: int,
    cycle_id: int,
    unit: PlanningUnit,
    person: PersonAttributes,
    position: PositionAttributes,
    age_at: Month,
    rules: RuleSet,
) -> Fact:
    """The fact of one approved entry, its age taken at ``age_at`` (the party reference month:
    the age bands of one plan must not depend on which body a title belongs to)."""
    age = age_months(birth=person.birth, at=age_at)
    return Fact(
        entry_id=entry_id,
        plan_id=plan_id,
        cycle_id=cycle_id,
        person_id=person.id,
        unit_id=unit.id,
        unit_kind=unit.kind,
        position_id=position.id,
        body=position.body,
        managed_by=position.managed_by,
        head=position.code in HEAD_CODES,
        age_months=age,
        sex=person.sex,
        age_band=age_band(
            age, young_under_years=young_under(rules, unit.kind), band_years=rules.age_band_years
        ),
        education=person.education or "",
        theory=person.theory or "",
        grade=person.grade or "",
        ethnicity=person.ethnicity or "",
        minority=is_minority(person.ethnicity),
        non_local=is_non_local(hometown_path=person.hometown_path, unit_path=unit.path),
        sci_tech=person.sci_tech,
    )
