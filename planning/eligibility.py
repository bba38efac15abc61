"""Eligibility of one plan entry (DOMAIN.md §6.2): position rank, age, discipline, standing."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from planning.findings import Finding, Severity, finding
from planning.retirement import Month, Sex, remaining_months, retirement_month
from planning.rulesets import CandidateTier, DisciplineForm, RuleSet


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
    political_theory: str | None = None  # Sơ cấp, Trung cấp, Cao cấp (or Cử nhân)
    sci_tech: bool | None = None  # cán bộ có trình độ khoa học, công nghệ; None: not known


# Political theory levels in order; "Cử nhân" counts as "Cao cấp" (HD 45 II.5.1).
THEORY_LEVELS = {"Sơ cấp": 1, "Trung cấp": 2, "Cao cấp": 3, "Cử nhân": 3}


def entry_findings(
    *,
    entry: int | None,
    candidate: Candidate,
    tier: CandidateTier,
    position_rank: int | None,
    theory_required: str | None = None,
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
        decided = Month(discipline.decided_on.year, discipline.decided_on.month)
        eligible_from = decided.plus(wait)
        if Month(on.year, on.month) < eligible_from:
            findings.append(
                finding(
                    "E11",
                    Severity.HARD,
                    entry=entry,
                    waiting_months=wait,
                    eligible_from=str(eligible_from),
                    form=discipline.form.value,
                    decided_on=f"{discipline.decided_on:%d/%m/%Y}",
                )
            )
    if theory_required is not None:
        has = THEORY_LEVELS.get(candidate.political_theory or "", 0)
        if has < THEORY_LEVELS[theory_required]:
            # E8: đối tượng 1 must meet the position's standard; đối tượng 2 may lack it, with
            # a training plan, so it is only a warning for T2.
            findings.append(
                finding(
                    "E8",
                    Severity.HARD if tier is CandidateTier.T1 else Severity.TARGET,
                    entry=entry,
                    required=theory_required,
                    held=candidate.political_theory or "",  # "": none recorded
                )
            )
    if candidate.political_standard_ok is False:
        findings.append(finding("E13", Severity.HARD, entry=entry))
    return findings
