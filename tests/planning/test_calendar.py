"""The approval clock (DOMAIN.md §5.4): working days on the calendar of every year (statutory
days computed from the lunar calendar, the government's decisions on top), and the one
extension of ≤ 15 working days."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from api import reference_data
from db.calendar import statutory_year
from planning import workflow
from planning.calendar import CalendarDay, DayKind, DaySource, WorkCalendar, covers
from planning.decisions import (
    DeadlineExtension,
    Dossier,
    NotPossible,
    PlanState,
    Problems,
    StaleVersion,
)
from planning.lifecycle import PlanEdit, PlanStatus

QD377 = reference_data.rule_sets()["QD377_2025"]


def statutory(*years: int) -> dict[date, CalendarDay]:
    return {d.day: d for year in years for d in statutory_year(year)}


def decided(kind: DayKind, *days: date) -> dict[date, CalendarDay]:
    return {day: CalendarDay(day, kind, "Quyết định", DaySource.DECIDED) for day in days}


CALENDAR = WorkCalendar(statutory=statutory(2026, 2027))


class TestTheStatutoryCalendar:
    def test_tet_2027_follows_the_lunar_calendar(self) -> None:
        # Tết Đinh Mùi: the first day of the lunar year is Saturday 06/02/2027.
        off = {d.day for d in statutory_year(2027) if d.kind is DayKind.OFF}

        assert {date(2027, 2, d) for d in range(4, 11)} <= off
        assert date(2027, 4, 16) in off  # Giỗ Tổ Hùng Vương, 10/3 âm lịch
        assert {date(2027, 1, 1), date(2027, 4, 30), date(2027, 5, 1), date(2027, 9, 2)} <= off

    def test_the_due_date_across_tet_2027_skips_its_five_weekdays(self) -> None:
        received = date(2027, 1, 20)  # a Wednesday

        assert CALENDAR.add_working_days(received, 30) == date(2027, 3, 10)
        assert WorkCalendar().add_working_days(received, 30) == date(2027, 3, 3)

    def test_a_plan_received_on_28_11_2026_is_due_after_new_year(self) -> None:
        # The typed table ended on 02/09/2026: without 01/01/2027 the clock ran three days
        # short (Friday 08/01 instead of Monday 11/01).
        typed_table = WorkCalendar(
            decided={d: c for d, c in statutory(2026).items() if d <= date(2026, 9, 2)}
        )

        assert CALENDAR.add_working_days(date(2026, 11, 28), 30) == date(2027, 1, 11)
        assert typed_table.add_working_days(date(2026, 11, 28), 30) == date(2027, 1, 8)

    def test_a_swapped_saturday_is_worked_and_its_monday_is_off(self) -> None:
        # 2026: Saturday 22/08 worked in exchange for Monday 31/08, before Quốc khánh.
        assert CALENDAR.is_working_day(date(2026, 8, 22))
        assert not CALENDAR.is_working_day(date(2026, 8, 31))
        assert CALENDAR.add_working_days(date(2026, 8, 14), 30) == date(2026, 9, 29)


class TestTheGovernmentsDecisions:
    def test_a_decided_working_saturday_counts(self) -> None:
        worked = WorkCalendar(
            statutory=CALENDAR.statutory, decided=decided(DayKind.WORKING, date(2027, 2, 20))
        )

        assert worked.add_working_days(date(2027, 1, 20), 30) == date(2027, 3, 9)

    def test_a_decided_day_off_moves_the_due_date_by_one_working_day(self) -> None:
        bridge = WorkCalendar(
            statutory=CALENDAR.statutory, decided=decided(DayKind.OFF, date(2026, 12, 31))
        )

        assert CALENDAR.add_working_days(date(2026, 11, 21), 30) == date(2027, 1, 5)
        assert bridge.add_working_days(date(2026, 11, 21), 30) == date(2027, 1, 6)

    def test_a_decision_replaces_the_statute_for_its_day(self) -> None:
        worked = WorkCalendar(
            statutory=CALENDAR.statutory, decided=decided(DayKind.WORKING, date(2027, 2, 6))
        )

        tet = [d for d in worked.of_year(2027) if d.day == date(2027, 2, 6)]
        assert [(d.kind, d.source) for d in tet] == [(DayKind.WORKING, DaySource.DECIDED)]

    def test_only_days_after_receipt_up_to_the_due_date_move_it(self) -> None:
        window = {"received": date(2026, 11, 21), "due_on": date(2027, 1, 5)}

        assert covers(**window, day=date(2027, 1, 5))
        assert not covers(**window, day=date(2026, 11, 21))
        assert not covers(**window, day=date(2027, 1, 6))


def running(*, version: int = 6, extended_by: int | None = None) -> PlanState:
    dossier = Dossier(
        received_at=datetime(2026, 11, 21, 3, 0, tzinfo=UTC),
        due_on=date(2027, 1, 5),
        extended_by=extended_by,
        extension_reason="Bổ sung xác minh" if extended_by else None,
    )
    return PlanState(id=7, status=PlanStatus.UNDER_APPRAISAL, version=version, dossier=dossier)


def extend(plan: PlanState, working_days: int, reason: str | None = "Cần xác minh") -> object:
    return workflow.extend_deadline(
        plan,
        version=6,
        working_days=working_days,
        reason=reason,
        most=QD377.approval_extension_working_days,
        calendar=CALENDAR,
    )


class TestTheExtension:
    def test_the_rule_set_allows_thirty_days_and_one_extension_of_fifteen(self) -> None:
        assert (QD377.approval_working_days, QD377.approval_extension_working_days) == (30, 15)

    @pytest.mark.parametrize(("days", "due"), [(1, date(2027, 1, 6)), (15, date(2027, 1, 26))])
    def test_the_due_date_moves_by_working_days(self, days: int, due: date) -> None:
        extended = extend(running(), days)

        assert isinstance(extended, DeadlineExtension)
        assert (extended.dossier.due_on, extended.dossier.extended_by) == (due, days)
        assert extended.dossier.extension_reason == "Cần xác minh"

    @pytest.mark.parametrize("days", [0, 16, -1])
    def test_outside_one_to_fifteen_is_refused(self, days: int) -> None:
        refused = extend(running(), days)

        assert isinstance(refused, Problems)
        assert [(p.code, p.field, dict(p.values)) for p in refused.problems] == [
            ("BAD_EXTENSION", "workingDays", {"most": 15})
        ]

    def test_a_reason_is_required(self) -> None:
        refused = extend(running(), 5, reason="  ")

        assert isinstance(refused, Problems)
        assert [p.code for p in refused.problems] == ["REASON_REQUIRED"]

    def test_a_second_extension_is_refused(self) -> None:
        refused = extend(running(extended_by=5), 5)

        assert isinstance(refused, Problems)
        assert [p.code for p in refused.problems] == ["ALREADY_EXTENDED"]

    def test_a_stale_version_or_a_stopped_clock_is_refused(self) -> None:
        stopped = PlanState(id=7, status=PlanStatus.SUBMITTED, version=6, dossier=Dossier())

        assert extend(running(version=7), 5) == StaleVersion(7)
        assert extend(stopped, 5) == NotPossible(PlanEdit.EXTEND_DEADLINE, PlanStatus.SUBMITTED)

    def test_a_returned_dossier_loses_its_extension(self) -> None:
        cleared = running(extended_by=5).dossier.clock_stopped()

        assert (cleared.due_on, cleared.extended_by, cleared.extension_reason) == (None,) * 3
