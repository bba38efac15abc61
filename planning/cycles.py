"""Which month planning age is computed at (DOMAIN.md §7.4)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from enum import StrEnum

from planning.positions import PositionBody
from planning.retirement import Month
from planning.rulesets import AgeReference, RuleSet
from planning.units import UnitKind


class PlanKind(StrEnum):
    NEXT_TERM = "NEXT_TERM"  # xây dựng quy hoạch nhiệm kỳ kế tiếp
    ANNUAL_REVIEW = "ANNUAL_REVIEW"  # rà soát, bổ sung quy hoạch hằng năm


# The HD 45 committee kind of a planning unit; state posts have a month of their own.
_COMMITTEE_OF: Mapping[UnitKind, str] = {
    UnitKind.COMMUNE: "COMMUNE",
    UnitKind.DISTRICT: "ABOVE_GRASSROOTS",
    UnitKind.PROVINCE: "PROVINCE",
    UnitKind.CENTRAL: "PROVINCE",
    UnitKind.AGENCY: "GRASSROOTS",
}


def age_reference_month(
    *,
    rules: RuleSet,
    kind: PlanKind,
    reference_months: Mapping[str, str],
    planning_level: UnitKind,
    body: PositionBody,
    today: date,
) -> Month:
    """The month an entry's age is computed at.

    Next-term plans under HD 45 use the cycle's fixed month for the kind of committee (or for
    state posts); annual reviews use the review month; the old regime used the approval date,
    which is today's month until the decision is recorded.
    """
    if rules.age_reference is AgeReference.APPROVAL_DATE or kind is PlanKind.ANNUAL_REVIEW:
        return Month(today.year, today.month)
    key = "STATE" if body == PositionBody.STATE else _COMMITTEE_OF[planning_level]
    year, month = reference_months[key].split("-")
    return Month(int(year), int(month))
