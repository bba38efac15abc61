"""Eligibility of one plan entry (DOMAIN.md §6.2): position rank, age, discipline, standing."""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from planning.findings import Finding, Severity, finding
from planning.retirement import Month, Sex, remaining_months, retirement_month
from planning.rulesets import CandidateTier, DisciplineForm, RuleSet
from planning.theory import PoliticalTheory


@dataclass(frozen=True, slots=True)
class Discipline:
    form: DisciplineForm
    decided_on: date


@dataclass(frozen=True, slots=True)
class Candidate:
    """What the rules need to know about a person."""

    sex: Sex
    birth: Month  # year-only births use January, month-and-year ones the month (NĐ 135 Art. 3)
    retirement_override_months: int | None
    current_rank: int | None  # QĐ 368 rank (bậc) of the current post: 1 is the highest
    disciplines: Sequence[Discipline]
    political_standard_ok: bool | None  # None: not concluded yet
    proposed_for_appointment: bool
    political_theory: PoliticalTheory | None = None  # None: none recorded
    sci_tech: bool | None = None  # cán bộ có trình độ khoa học, công nghệ; None: not known


class StandardVerdict(StrEnum):
    """Why E13 blocks: the political standard is not concluded yet, or concluded not met."""

    PENDING = "PENDING"
    NOT_MET = "NOT_MET"


def months_after(day: date, months: int) -> date:
    """The day ``months`` calendar months after ``day``: the same day of the month, or the
    month's last day when it has no such day (31/01 + 1 → 28 or 29/02; 29/02/2024 + 24 →
    28/02/2026). This is how Vietnamese law ends a period counted in months (Bộ luật Dân sự
    2015 Art. 148: the corresponding day of the last month, else that month's last day), so a
    waiting period never ends in the next month nor a day early."""
    index = 12 * day.year + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def entry_findings(
    *,
    entry: int | None,
    candidate: Candidate,
    tier: CandidateTier,
    position_rank: int | None,
    theory_required: PoliticalTheory | None = None,
    age_at: Month,
    on: date,
    rules: RuleSet,
) -> list[Finding]:
    """Every HARD problem of planning ``candidate`` for a position; empty if eligible."""
    findings = []
    if (
        position_rank is not None
        and candidate.current_rank is not None
        and position_rank >= candidate.current_rank
    ):
        findings.append(
            finding(
                "E1",
                Severity.HARD,
                entry=entry,
                position_rank=position_rank,
                current_rank=candidate.current_rank,
            )
        )
    if candidate.proposed_for_appointment:
        findings.append(finding("E3", Severity.HARD, entry=entry))
    retires = retirement_month(
        sex=candidate.sex,
        birth=candidate.birth,
        override_age_months=candidate.retirement_override_months,
    )
    left = remaining_months(retirement=retires, at=age_at)
    needed = rules.months_before_retirement[tier]
    if left < needed:
        findings.append(
            finding(
                "E4",
                Severity.HARD,
                entry=entry,
                remaining_months=left,
                required_months=needed,
                retirement_month=str(retires),
                age_at=str(age_at),
                tier=tier.value,
            )
        )
    for discipline in candidate.disciplines:
        wait = rules.discipline_wait_months.get(discipline.form, 0)
        # By date (E11): a reprimand of 30/11/2024 with 24 months clears on 30/11/2026.
        eligible_from = months_after(discipline.decided_on, wait)
        if on < eligible_from:
            findings.append(
                finding(
                    "E11",
                    Severity.HARD,
                    entry=entry,
                    waiting_months=wait,
                    eligible_from=f"{eligible_from:%d/%m/%Y}",
                    form=discipline.form.value,
                    decided_on=f"{discipline.decided_on:%d/%m/%Y}",
                )
            )
    held = candidate.political_theory
    if theory_required is not None and (held is None or not held.meets(theory_required)):
        # E8: đối tượng 1 must meet the position's standard; đối tượng 2 may lack it, with
        # a training plan, so it is only a warning for T2.
        findings.append(
            finding(
                "E8",
                Severity.HARD if tier is CandidateTier.T1 else Severity.TARGET,
                entry=entry,
                required=theory_required.value,
                held=held.value if held else "",  # "": none recorded
            )
        )
    if candidate.political_standard_ok is not True:
        # E13: the standard "must be concluded OK"; not concluded yet blocks as well.
        verdict = (
            StandardVerdict.PENDING
            if candidate.political_standard_ok is None
            else StandardVerdict.NOT_MET
        )
        findings.append(finding("E13", Severity.HARD, entry=entry, standard=verdict))
    return findings
