"""GraphQL types of statistics and indicators (thống kê, chỉ tiêu cơ cấu)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

import strawberry

from schema.enums import PlanStatus

INCLUDE_SUBMITTED = (
    "Count also the plans submitted and not yet decided (SUBMITTED, UNDER_APPRAISAL, APPRAISED) "
    "as if approved as they stand, replacing the approved plans a submitted review would "
    "supersede. Officials who may read the unit's plans only; read from the entries, so it "
    "costs in proportion to the subtree."
)
APPROVED_ONLY = (
    "True: only approved plans count (like DHIS2's approval level). False: submitted plans "
    "are counted too, and the figures are not approved ones."
)
AT = (
    "The figures as approved at the end of this day (Vietnam time); default: now. A past day "
    "is read from the history of approvals, reopenings and supersessions."
)
COUNTED_STATUSES = "The plan statuses whose entries these figures count."
EXACT = "False: small cells are suppressed for you."


@strawberry.enum(description="What statistics can be grouped by.")
class Dimension(StrEnum):
    GENDER = "GENDER"
    AGE_BAND = "AGE_BAND"
    EDUCATION = "EDUCATION"
    POLITICAL_THEORY = "POLITICAL_THEORY"
    GRADE = "GRADE"
    ETHNICITY = "ETHNICITY"
    MINORITY = "MINORITY"
    NON_LOCAL = "NON_LOCAL"
    SCI_TECH = "SCI_TECH"
    CHILD_UNIT = "CHILD_UNIT"
    UNIT_KIND = "UNIT_KIND"
    POSITION = "POSITION"
    POSITION_BODY = "POSITION_BODY"
    MANAGING_LEVEL = "MANAGING_LEVEL"
    HEAD = "HEAD"


@strawberry.type(description="The value of one dimension for a row.")
class GroupValue:
    dimension: Dimension
    value: str = strawberry.field(description="The stored value ('' when not recorded).")
    label: str = strawberry.field(description="A readable label (unit and position names).")


@strawberry.type(
    description="One group: entries (lượt), distinct persons, their share and average age. "
    "Values below 5 persons are null with `suppressed: true` for callers who may not see the "
    "persons (integrators), and so is anything computed from them."
)
class StatisticsRow:
    group: list[GroupValue]
    entries: int | None
    persons: int | None = strawberry.field(
        description="Distinct persons; null when grouped by an entry dimension (position…)."
    )
    persons_share: float | None = strawberry.field(description="persons ÷ all persons.")
    average_age: float | None = strawberry.field(description="Years, at the reference month.")
    suppressed: bool


@strawberry.input(description="Keep only rows whose dimension has one of these values.")
class DimensionFilter:
    dimension: Dimension
    values: list[str]


@strawberry.input(description="What to count, where, for which cycle, grouped how.")
class StatisticsInput:
    unit: strawberry.ID
    cycle: str
    group_by: list[Dimension] = strawberry.field(default_factory=list)
    filter: list[DimensionFilter] = strawberry.field(default_factory=list)
    include_submitted: bool = strawberry.field(default=False, description=INCLUDE_SUBMITTED)
    at: date | None = strawberry.field(default=None, description=AT)


@strawberry.input(description="Which subtree and cycle to measure against the targets.")
class IndicatorsInput:
    unit: strawberry.ID
    cycle: str
    include_submitted: bool = strawberry.field(default=False, description=INCLUDE_SUBMITTED)
    at: date | None = strawberry.field(default=None, description=AT)


@strawberry.type(description="Statistics of the approved entries of a unit's whole subtree.")
class Statistics:
    approved_only: bool = strawberry.field(description=APPROVED_ONLY)
    counted_statuses: list[PlanStatus] = strawberry.field(description=COUNTED_STATUSES)
    exact: bool = strawberry.field(description=EXACT)
    total: StatisticsRow
    rows: list[StatisticsRow]


@strawberry.type(description="One indicator of DOMAIN.md §8 with its target.")
class IndicatorValue:
    code: str
    label: str
    value: float | None = strawberry.field(description="A share (0.25 = 25%) or a count.")
    target: float | None = strawberry.field(description="From the rule set or the province.")
    met: bool | None
    numerator: int | None
    denominator: int | None
    suppressed: bool


@strawberry.type(description="The indicators of a unit's subtree for a cycle (chỉ tiêu cơ cấu).")
class Indicators:
    approved_only: bool = strawberry.field(description=APPROVED_ONLY)
    counted_statuses: list[PlanStatus] = strawberry.field(description=COUNTED_STATUSES)
    exact: bool = strawberry.field(description=EXACT)
    values: list[IndicatorValue]
