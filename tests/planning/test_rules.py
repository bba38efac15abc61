"""Rule sets, quantities, eligibility, validation and the workflow, as pure functions."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from planning.calendar import CalendarDay, DayKind, DaySource, WorkCalendar
from planning.cycles import AgeAt, AgeBasis
from planning.eligibility import Candidate, Discipline, entry_findings
from planning.indicators import age_band, young_under
from planning.lifecycle import (
    InvalidTransition,
    PlanAction,
    PlanStatus,
    ReasonRequired,
    next_status,
    possible,
)
from planning.quotas import Ballot, Bounds, bounds, passes
from planning.retirement import Month, Sex
from planning.rulesets import (
    CandidateTier,
    DisciplineForm,
    RuleSet,
    RuleSetInvalid,
    in_force,
    parse,
)
from planning.theory import PoliticalTheory
from planning.units import UnitKind
from planning.validation import EntryToCheck, PlannedPosition, validate

RULES_FILE = Path(__file__).resolve().parents[2] / "data/rules/rulesets.json"
RULE_SETS = {code: parse(code, data) for code, data in json.loads(RULES_FILE.read_text()).items()}
OLD, QD50, QD377 = RULE_SETS["OLD_2012"], RULE_SETS["QD50_2021"], RULE_SETS["QD377_2025"]
T1, T2 = CandidateTier.T1, CandidateTier.T2
JULY_2030 = AgeAt(Month(2030, 7), AgeBasis.REFERENCE_MONTH)  # the 2030 commune reference month


def candidate(**changes: object) -> Candidate:
    values: dict[str, object] = {
        "sex": Sex.MALE,
        "birth": Month(1980, 3),
        "retirement_override_months": None,
        "current_rank": 8,
        "disciplines": (),
        "political_standard_ok": True,
        "proposed_for_appointment": False,
    }
    values.update(changes)
    return Candidate(**values)  # type: ignore[arg-type]


class TestRuleSets:
    def test_three_rule_sets_ship(self) -> None:
        assert set(RULE_SETS) == {"OLD_2012", "QD50_2021", "QD377_2025"}

    def test_the_rule_set_in_force_follows_the_dates(self) -> None:
        assert in_force(RULE_SETS, on=date(2020, 6, 1)) is OLD
        assert in_force(RULE_SETS, on=date(2023, 1, 1)) is QD50
        assert in_force(RULE_SETS, on=date(2026, 11, 21)) is QD377

    def test_malformed_data_names_the_rule_set(self) -> None:
        with pytest.raises(RuleSetInvalid, match="BROKEN"):
            parse("BROKEN", {"title": "x"})


class TestQuantities:
    @pytest.mark.parametrize(("seats", "most"), [(15, 23), (9, 14), (50, 75)])
    def test_q1_rounds_one_and_a_half_times_up(self, seats: int, most: int) -> None:
        assert bounds(seats=seats, committee_seat=True, rules=QD377).most == most

    def test_q1_lower_bound_is_the_minimum_coefficient(self) -> None:
        assert bounds(seats=15, committee_seat=True, rules=QD377).least == 15

    def test_q1_old_regime_allowed_twice_the_seats(self) -> None:
        assert bounds(seats=15, committee_seat=True, rules=OLD).most == 30

    def test_q2_three_vice_chairs_allow_nine_and_need_no_minimum(self) -> None:
        assert bounds(seats=3, committee_seat=False, rules=QD377) == Bounds(0, 9, "Q2")
        assert bounds(seats=3, committee_seat=False, rules=OLD).most == 12

    @pytest.mark.parametrize(("votes", "passed"), [(51, True), (50, False), (0, False)])
    def test_a_ballot_needs_more_than_half_of_those_summoned(
        self, votes: int, passed: bool
    ) -> None:
        assert passes(Ballot(summoned=100, present=90, votes_for=votes), rules=QD377) is passed


class TestEligibility:
    def rule_ids(self, **kwargs: object) -> list[str]:
        arguments: dict[str, object] = {
            "entry": 1,
            "candidate": candidate(),
            "tier": T1,
            "position_rank": 6,
            "age_at": Month(2030, 7),
            "on": date(2026, 11, 21),
            "rules": QD377,
        }
        arguments.update(kwargs)
        return [f.rule for f in entry_findings(**arguments)]  # type: ignore[arg-type]

    def test_an_eligible_candidate_has_no_findings(self) -> None:
        assert self.rule_ids() == []

    def test_e1_only_higher_positions(self) -> None:
        assert self.rule_ids(position_rank=8) == ["E1"]

    def test_e3_not_while_proposed_for_appointment(self) -> None:
        assert self.rule_ids(candidate=candidate(proposed_for_appointment=True)) == ["E3"]

    def test_e4_woman_born_03_1975_is_too_old_for_the_2030_commune_plan(self) -> None:
        woman = candidate(sex=Sex.FEMALE, birth=Month(1975, 3))

        assert self.rule_ids(candidate=woman) == ["E4"]

    def test_e4_man_born_03_1975_is_t1_but_not_t2(self) -> None:
        man = candidate(birth=Month(1975, 3))

        assert self.rule_ids(candidate=man, tier=T1) == []
        assert self.rule_ids(candidate=man, tier=T2) == ["E4"]

    def test_e4_exactly_sixty_months_is_eligible(self) -> None:
        # HD 06: born 02/1965, 60 months left at 08/2021.
        assert self.rule_ids(candidate=candidate(birth=Month(1965, 2)), age_at=Month(2021, 8)) == []

    @pytest.mark.parametrize(
        ("form", "decided", "blocked"),
        [
            (DisciplineForm.REPRIMAND, date(2025, 1, 10), True),  # 24 months: from 01/2027
            (DisciplineForm.REPRIMAND, date(2024, 11, 1), False),
            (DisciplineForm.WARNING, date(2024, 1, 1), True),  # 36 months
            (DisciplineForm.REMOVAL_FROM_POST, date(2022, 1, 1), True),  # 60 months
        ],
    )
    def test_e11_discipline_waiting_periods(
        self, form: DisciplineForm, decided: date, blocked: bool
    ) -> None:
        disciplined = candidate(disciplines=(Discipline(form, decided),))

        assert (self.rule_ids(candidate=disciplined) == ["E11"]) is blocked


def plan_of(people_per_position: int) -> list[EntryToCheck]:
    return [
        EntryToCheck(
            entry_id=n,
            person_id=n,
            position_id=1,
            tier=T1,
            candidate=candidate(),
            decisive_ballot=Ballot(summoned=30, present=28, votes_for=25),
            age_at=Month(2030, 7),
        )
        for n in range(people_per_position)
    ]


VICE_CHAIR = {1: PlannedPosition(1, "Phó Chủ tịch UBND xã", seats=1, committee_seat=False, rank=6)}


def report(entries: list[EntryToCheck], rules: RuleSet, **kwargs: object) -> list[str]:
    arguments: dict[str, object] = {
        "entries": entries,
        "positions": VICE_CHAIR,
        "elsewhere": {},
        "level": UnitKind.COMMUNE,
        "age_at": JULY_2030,
        "on": date(2026, 11, 21),
        "rules": rules,
    }
    arguments.update(kwargs)
    return [f.rule for f in validate(**arguments).errors]  # type: ignore[arg-type]


class TestValidation:
    def test_four_people_for_one_seat_pass_under_old_2012_and_fail_under_qd377(self) -> None:
        entries = plan_of(4)

        assert report(entries, OLD) == []
        assert report(entries, QD377) == ["Q2"]

    def test_q3_counts_positions_planned_by_other_plans(self) -> None:
        entries = plan_of(1)

        assert report(entries, QD377, elsewhere={0: frozenset({7, 8, 9})}) == ["Q3"]
        assert report(entries, QD377, elsewhere={0: frozenset({7, 8})}) == []

    def test_a_failed_ballot_blocks(self) -> None:
        entry = plan_of(1)[0]
        failed = EntryToCheck(
            entry.entry_id,
            0,
            1,
            T1,
            entry.candidate,
            Ballot(summoned=30, present=30, votes_for=15),
            Month(2030, 7),
        )

        assert report([failed], QD377) == ["V1"]

    def test_targets_warn_but_never_block(self) -> None:
        entries = plan_of(1)  # one man of 46 in 2026: no woman, no young, one age band

        result = validate(
            entries=entries,
            positions=VICE_CHAIR,
            elsewhere={},
            level=UnitKind.COMMUNE,
            age_at=JULY_2030,
            on=date(2026, 11, 21),
            rules=QD377,
        )

        assert not result.blocks_submission
        assert {f.rule for f in result.warnings} == {"T-WOMEN", "T-YOUNG", "T-AGE_BANDS"}

    def test_the_age_bands_of_the_report_take_their_width_from_the_rule_set(self) -> None:
        # Aged 41, 44 and 48 in 07/2030 (young under 42 at communes): three bands 5 years wide,
        # two when the rule set makes the middle band 10 years wide (it was fixed at 5 in code).
        entries = [
            EntryToCheck(n, n, 1, T1, candidate(birth=Month(year, 6)), None, Month(2030, 7))
            for n, year in enumerate((1989, 1986, 1982))
        ]

        def warned(rules: RuleSet) -> bool:
            result = validate(
                entries=entries,
                positions=VICE_CHAIR,
                elsewhere={},
                level=UnitKind.COMMUNE,
                age_at=JULY_2030,
                on=date(2026, 11, 21),
                rules=rules,
            )
            return "T-AGE_BANDS" in {f.rule for f in result.warnings}

        assert not warned(QD377)
        assert warned(replace(QD377, age_band_years=10))


class TestWorkflow:
    def test_the_happy_path(self) -> None:
        status = PlanStatus.DRAFT
        for action in (
            PlanAction.SUBMIT,
            PlanAction.RECEIVE,
            PlanAction.APPRAISE,
            PlanAction.APPROVE,
        ):
            status = next_status(status, action)

        assert status is PlanStatus.APPROVED

    def test_return_needs_a_reason_and_allows_resubmission(self) -> None:
        with pytest.raises(ReasonRequired):
            next_status(PlanStatus.UNDER_APPRAISAL, PlanAction.RETURN, reason=" ")

        returned = next_status(PlanStatus.UNDER_APPRAISAL, PlanAction.RETURN, reason="thiếu hồ sơ")
        assert next_status(returned, PlanAction.SUBMIT) is PlanStatus.SUBMITTED

    def test_an_approved_plan_is_locked_until_reopened(self) -> None:
        with pytest.raises(InvalidTransition):
            next_status(PlanStatus.APPROVED, PlanAction.EDIT)

        assert possible(PlanStatus.APPROVED) == {PlanAction.REOPEN}

    def test_approval_only_after_appraisal(self) -> None:
        with pytest.raises(InvalidTransition):
            next_status(PlanStatus.SUBMITTED, PlanAction.APPROVE)


class TestWorkingDays:
    def test_thirty_working_days_skip_weekends_and_tet(self) -> None:
        tet = WorkCalendar(
            decided={
                date(2026, 2, d): CalendarDay(
                    date(2026, 2, d), DayKind.OFF, "Tết", DaySource.DECIDED
                )
                for d in range(14, 23)
            }
        )

        # Received Thursday 05/02/2026: 30 working days later, Tết (9 days) and weekends skipped.
        assert tet.add_working_days(date(2026, 2, 5), 30) == date(2026, 3, 26)
        assert WorkCalendar().add_working_days(date(2026, 2, 5), 30) == date(2026, 3, 19)


class TestPoliticalTheory:
    def findings(
        self, theory: PoliticalTheory | None, tier: CandidateTier
    ) -> list[tuple[str, bool]]:
        found = entry_findings(
            entry=1,
            candidate=candidate(political_theory=theory),
            tier=tier,
            position_rank=6,
            theory_required=PoliticalTheory.TRUNG_CAP,
            age_at=Month(2030, 7),
            on=date(2026, 11, 21),
            rules=QD377,
        )
        return [(f.rule, f.blocks) for f in found]

    def test_e8_t1_must_meet_the_standard_t2_is_only_warned(self) -> None:
        assert self.findings(PoliticalTheory.SO_CAP, T1) == [("E8", True)]
        assert self.findings(PoliticalTheory.SO_CAP, T2) == [("E8", False)]
        assert self.findings(None, T1) == [("E8", True)]
        assert self.findings(PoliticalTheory.CU_NHAN, T1) == []  # cử nhân meets cao cấp


@pytest.mark.parametrize(
    ("years", "band_years", "band"),
    [(39, 5, 0), (40, 5, 1), (44, 5, 1), (45, 5, 2), (44, 3, 2), (42, 3, 1)],
)
def test_age_bands_follow_the_rule_sets_threshold_and_width(
    years: int, band_years: int, band: int
) -> None:
    assert age_band(12 * years, young_under_years=40, band_years=band_years) == band


def test_a_level_without_its_own_threshold_takes_the_rule_sets() -> None:
    rules = RULE_SETS["OLD_2012"]  # no targets at all

    assert young_under(rules, UnitKind.COMMUNE) == rules.young_under


def test_the_young_share_and_the_age_bands_of_a_report_start_at_the_levels_threshold() -> None:
    # QĐ 50 at the centre: young is under 45, and the bands of the statistics start there too
    # (the AGE_BANDS target's own 40 once made validation count other bands than statistics).
    born = (1987, 1982, 1977)  # 43, 48 and 53 in 07/2030
    entries = [
        EntryToCheck(n, n, 1, T1, candidate(birth=Month(year, 6)), None, Month(2030, 7))
        for n, year in enumerate(born)
    ]
    assert young_under(QD50, UnitKind.CENTRAL) == 45

    result = validate(
        entries=entries,
        positions=VICE_CHAIR,
        elsewhere={},
        level=UnitKind.CENTRAL,
        age_at=JULY_2030,
        on=date(2026, 11, 21),
        rules=QD50,
    )

    assert "T-AGE_BANDS" not in {f.rule for f in result.warnings}  # 43 | 48 | 53: three bands
