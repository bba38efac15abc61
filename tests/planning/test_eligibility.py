"""The rule corrections of issue 11: E13 undecided, E11 by date, Q3 per cycle, V0 ballots, E8
levels, and the age reference a report names (pure)."""

from __future__ import annotations

from datetime import date

import pytest

from planning.cycles import AgeAt, AgeBasis, PlanKind, age_reference
from planning.eligibility import Discipline, entry_findings, months_after
from planning.positions import PositionBody
from planning.quotas import Ballot
from planning.retirement import Month
from planning.rulesets import CandidateTier, DisciplineForm
from planning.theory import PoliticalTheory, at_least, theory_level
from planning.units import UnitKind
from planning.validation import EntryToCheck, PlannedPosition, validate
from tests.planning.test_rules import OLD, QD377, candidate

JULY_2030 = AgeAt(Month(2030, 7), AgeBasis.REFERENCE_MONTH)
MONTHS = {"COMMUNE": "2030-07", "STATE": "2031-03", "PROVINCE": "2030-09"}


def findings(**changes: object) -> list[tuple[str, dict[str, object]]]:
    arguments: dict[str, object] = {
        "entry": 1,
        "candidate": candidate(),
        "tier": CandidateTier.T1,
        "position_rank": 6,
        "age_at": Month(2030, 7),
        "on": date(2026, 11, 21),
        "rules": QD377,
    }
    arguments.update(changes)
    return [(f.rule, dict(f.values)) for f in entry_findings(**arguments)]  # type: ignore[arg-type]


class TestPoliticalStandard:
    def test_an_undecided_standard_blocks_and_says_it_is_not_concluded(self) -> None:
        assert findings(candidate=candidate(political_standard_ok=None)) == [
            ("E13", {"standard": "PENDING"})
        ]

    def test_a_negative_conclusion_blocks_and_says_it_was_not_met(self) -> None:
        assert findings(candidate=candidate(political_standard_ok=False)) == [
            ("E13", {"standard": "NOT_MET"})
        ]

    def test_a_positive_conclusion_passes(self) -> None:
        assert findings(candidate=candidate(political_standard_ok=True)) == []


class TestDisciplineByDate:
    def blocked(self, decided: date, on: date, form: DisciplineForm) -> list[object]:
        disciplined = candidate(disciplines=(Discipline(form, decided),))
        return [values["eligible_from"] for _, values in findings(candidate=disciplined, on=on)]

    def test_a_reprimand_of_30_11_2024_is_not_cleared_on_28_11_2026(self) -> None:
        reprimand = DisciplineForm.REPRIMAND

        assert self.blocked(date(2024, 11, 30), date(2026, 11, 28), reprimand) == ["30/11/2026"]
        assert self.blocked(date(2024, 11, 30), date(2026, 11, 29), reprimand) == ["30/11/2026"]
        assert self.blocked(date(2024, 11, 30), date(2026, 11, 30), reprimand) == []

    def test_a_leap_day_decision_clears_on_the_last_day_of_february(self) -> None:
        reprimand = DisciplineForm.REPRIMAND

        assert self.blocked(date(2024, 2, 29), date(2026, 2, 27), reprimand) == ["28/02/2026"]
        assert self.blocked(date(2024, 2, 29), date(2026, 2, 28), reprimand) == []

    @pytest.mark.parametrize(
        ("day", "months", "end"),
        [
            (date(2024, 1, 31), 1, date(2024, 2, 29)),  # leap February
            (date(2025, 1, 31), 1, date(2025, 2, 28)),
            (date(2024, 8, 31), 36, date(2027, 8, 31)),
            (date(2024, 10, 31), 1, date(2024, 11, 30)),
            (date(2024, 12, 15), 60, date(2029, 12, 15)),
            (date(2024, 11, 30), 24, date(2026, 11, 30)),
        ],
    )
    def test_months_end_on_the_same_day_or_the_months_last(
        self, day: date, months: int, end: date
    ) -> None:
        assert months_after(day, months) == end

    def test_a_warning_waits_36_months_to_the_day(self) -> None:
        warning = DisciplineForm.WARNING

        assert self.blocked(date(2023, 11, 22), date(2026, 11, 21), warning) == ["22/11/2026"]
        assert self.blocked(date(2023, 11, 21), date(2026, 11, 21), warning) == []


TITLES = {n: PlannedPosition(n, f"chức danh {n}", 3, False, 6) for n in (1, 2, 3)}
BALLOT = Ballot(summoned=11, present=11, votes_for=9)


def entry(n: int, *, position: int = 1, ballot: Ballot | None = BALLOT) -> EntryToCheck:
    return EntryToCheck(n, 7, position, CandidateTier.T1, candidate(), ballot, Month(2030, 7))


def errors(entries: list[EntryToCheck], **changes: object) -> list[tuple[str, int | None]]:
    arguments: dict[str, object] = {
        "entries": entries,
        "positions": TITLES,
        "elsewhere": {},
        "level": UnitKind.COMMUNE,
        "age_at": JULY_2030,
        "on": date(2026, 11, 21),
        "rules": QD377,
    }
    arguments.update(changes)
    return [(f.rule, f.entry) for f in validate(**arguments).errors]  # type: ignore[arg-type]


class TestPositionsPerPersonPerCycle:
    def test_three_titles_in_this_cycle_are_fine_whatever_another_cycle_holds(self) -> None:
        # db.plans.planned_elsewhere gives only this cycle's other plans: another cycle's
        # fourth title is not in ``elsewhere``, and three here are within the cap.
        three = [entry(n, position=n) for n in (1, 2, 3)]

        assert errors(three, elsewhere={}) == []
        assert errors(three, elsewhere={7: frozenset({4})}) == [("Q3", 1)]


class TestBallots:
    def test_an_entry_without_any_ballot_is_a_hard_error_of_its_own(self) -> None:
        assert errors([entry(1), entry(2, ballot=None)]) == [("V0", 2)]

    def test_a_failed_ballot_is_v1_not_v0(self) -> None:
        failed = Ballot(summoned=11, present=11, votes_for=5)

        assert errors([entry(1, ballot=failed)]) == [("V1", 1)]


class TestPoliticalTheoryLevels:
    @pytest.mark.parametrize(
        "text", ["trung cấp", "Trung cap", "Trung cấp", "TRUNG CẤP", " trung  cap ", "TRUNG_CAP"]
    )
    def test_spellings_of_one_level_read_as_that_level(self, text: str) -> None:
        assert theory_level(text) is PoliticalTheory.TRUNG_CAP

    def test_other_levels_and_unknown_text(self) -> None:
        assert theory_level("Sơ cấp") is PoliticalTheory.SO_CAP
        assert theory_level("cao cap") is PoliticalTheory.CAO_CAP
        assert theory_level("Cử nhân") is PoliticalTheory.CU_NHAN
        assert theory_level("Trung cấp lý luận") is None
        assert theory_level("") is None

    def test_levels_compare_in_order_and_a_bachelor_meets_cao_cap(self) -> None:
        assert at_least(PoliticalTheory.TRUNG_CAP) == {
            PoliticalTheory.TRUNG_CAP,
            PoliticalTheory.CAO_CAP,
            PoliticalTheory.CU_NHAN,
        }
        assert PoliticalTheory.CU_NHAN.meets(PoliticalTheory.CAO_CAP)
        assert not PoliticalTheory.SO_CAP.meets(PoliticalTheory.TRUNG_CAP)

    def test_e8_names_the_levels_by_code(self) -> None:
        held = candidate(political_theory=PoliticalTheory.SO_CAP)

        assert findings(candidate=held, theory_required=PoliticalTheory.TRUNG_CAP) == [
            ("E8", {"required": "TRUNG_CAP", "held": "SO_CAP"})
        ]


def reference(**changes: object) -> AgeAt:
    arguments: dict[str, object] = {
        "rules": OLD,
        "kind": PlanKind.NEXT_TERM,
        "reference_months": MONTHS,
        "planning_level": UnitKind.COMMUNE,
        "body": PositionBody.PARTY,
        "decided_on": None,
        "due_on": None,
        "today": date(2026, 11, 21),
    }
    arguments.update(changes)
    return age_reference(**arguments)  # type: ignore[arg-type]


class TestAgeReference:
    def test_old_2012_decided_ages_at_the_decision_date(self) -> None:
        assert reference(decided_on=date(2026, 10, 5), due_on=date(2026, 10, 20)) == AgeAt(
            Month(2026, 10), AgeBasis.DECISION_DATE, date(2026, 10, 5)
        )

    def test_old_2012_received_ages_at_the_due_date(self) -> None:
        assert reference(due_on=date(2027, 1, 8)) == AgeAt(
            Month(2027, 1), AgeBasis.DUE_DATE, date(2027, 1, 8)
        )

    def test_old_2012_not_received_or_overdue_ages_today_and_says_so(self) -> None:
        today = AgeAt(Month(2026, 11), AgeBasis.TODAY, date(2026, 11, 21))

        assert reference() == today
        assert reference(due_on=date(2026, 11, 20)) == today  # overdue: no earlier than today

    def test_hd45_next_term_uses_the_cycles_month_whatever_the_dates(self) -> None:
        assert reference(rules=QD377, decided_on=date(2026, 10, 5)) == AgeAt(
            Month(2030, 7), AgeBasis.REFERENCE_MONTH
        )
        assert reference(rules=QD377, body=PositionBody.STATE).month == Month(2031, 3)

    def test_an_annual_review_ages_at_its_review_month(self) -> None:
        assert reference(rules=QD377, kind=PlanKind.ANNUAL_REVIEW).basis is AgeBasis.REVIEW_MONTH

    def test_the_report_carries_the_reference_it_used(self) -> None:
        due = AgeAt(Month(2027, 1), AgeBasis.DUE_DATE, date(2027, 1, 8))

        report = validate(
            entries=[entry(1)],
            positions=TITLES,
            elsewhere={},
            level=UnitKind.COMMUNE,
            age_at=due,
            on=date(2026, 11, 21),
            rules=OLD,
        )

        assert report.age_reference == due
