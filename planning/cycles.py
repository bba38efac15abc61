"""Which month planning age is computed at (DOMAIN.md §7.4)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from planning.positions import PositionBody
from planning.retirement import Month
from planning.rulesets import AgeReference, RuleSet
from planning.units import UnitKind


class PlanKind(StrEnum):
    NEXT_TERM = "NEXT_TERM"  # xây dựng quy hoạch nhiệm kỳ kế tiếp
    ANNUAL_REVIEW = "ANNUAL_REVIEW"  # rà soát, bổ sung quy hoạch hằng năm
    # A successor's first plan for a cycle approved before a reorganisation (DOMAIN A.11): it
    # starts from its predecessors' approved entries and takes the place of its next-term plan.
    CONSOLIDATION = "CONSOLIDATION"  # hợp nhất quy hoạch sau sắp xếp đơn vị hành chính


# The HD 45 committee kind of a planning unit; state posts have a month of their own.
_COMMITTEE_OF: Mapping[UnitKind, str] = {
    UnitKind.COMMUNE: "COMMUNE",
    UnitKind.DISTRICT: "ABOVE_GRASSROOTS",
    UnitKind.PROVINCE: "PROVINCE",
    UnitKind.CENTRAL: "PROVINCE",
    UnitKind.AGENCY: "GRASSROOTS",
}


class AgeBasis(StrEnum):
    """Where the age reference of a report comes from (the report says it, DOMAIN §7.4)."""

    REFERENCE_MONTH = "REFERENCE_MONTH"  # HD 45: the cycle's fixed month for the committee kind
    REVIEW_MONTH = "REVIEW_MONTH"  # an annual review: the month it is held in (the report's)
    DECISION_DATE = "DECISION_DATE"  # OLD_2012, decided: the decision's date
    DUE_DATE = "DUE_DATE"  # OLD_2012, received, not decided: the approval's due date
    TODAY = "TODAY"  # OLD_2012, not received yet (or overdue): the approval can be no earlier


@dataclass(frozen=True, slots=True)
class AgeAt:
    """The month ages are computed at, why, and the date it was taken from (None for a
    cycle's fixed month)."""

    month: Month
    basis: AgeBasis
    day: date | None = None

    @classmethod
    def of_day(cls, day: date, basis: AgeBasis) -> AgeAt:
        return cls(Month(day.year, day.month), basis, day)


def age_reference(
    *,
    rules: RuleSet,
    kind: PlanKind,
    reference_months: Mapping[str, str],
    planning_level: UnitKind,
    body: PositionBody,
    decided_on: date | None,
    due_on: date | None,
    today: date,
) -> AgeAt:
    """The month an entry's age is computed at, and its basis.

    Next-term plans under HD 45 use the cycle's fixed month for the kind of committee (or for
    state posts); annual reviews use the review month, the month of the report. The old regime
    (OLD_2012) ages at the approval date: the decision's date once recorded; before it, the
    earliest date the approval can still come by that the plan knows — its due date (30
    working days after the dossier was received), or today when it is not received yet or is
    already overdue. A plan records no expected decision date of its own, so there is nothing
    nearer to assume; the report names the basis, so today is never assumed silently.
    """
    if rules.age_reference is AgeReference.APPROVAL_DATE:
        if decided_on is not None:
            return AgeAt.of_day(decided_on, AgeBasis.DECISION_DATE)
        if due_on is not None and due_on >= today:
            return AgeAt.of_day(due_on, AgeBasis.DUE_DATE)
        return AgeAt.of_day(today, AgeBasis.TODAY)
    if kind is PlanKind.ANNUAL_REVIEW:
        return AgeAt.of_day(today, AgeBasis.REVIEW_MONTH)
    # A CONSOLIDATION ages as a next-term plan of its cycle: it re-files the term's approved
    # entries in the new unit, and those were admitted at the cycle's fixed months. Ageing them
    # at today would drop people who were eligible when approved, which is the decision of the
    # next annual review, not of a change of unit (S1 II.4 note: the predecessors' plans are the
    # base, not re-examined).
    key = "STATE" if body == PositionBody.STATE else _COMMITTEE_OF[planning_level]
    year, month = reference_months[key].split("-")
    return AgeAt(Month(int(year), int(month)), AgeBasis.REFERENCE_MONTH)
