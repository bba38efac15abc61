"""What each plan transition decides, from plain values: no database, no GraphQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from planning import workflow
from planning.calendar import CalendarDay, DayKind, DaySource, WorkCalendar
from planning.cycles import AgeAt, AgeBasis
from planning.decisions import (
    ApprovalDecision,
    Counting,
    Decision,
    Dossier,
    EntryOutcome,
    EntryRemoval,
    EntryResult,
    EntryState,
    NotPossible,
    PlanState,
    Problems,
    Refusal,
    StaleVersion,
    UnknownEntry,
)
from planning.eligibility import Discipline
from planning.findings import Severity, finding
from planning.lifecycle import EntryChange, EntryStatus, PlanAction, PlanStatus, overdue
from planning.problems import problem
from planning.quotas import Ballot
from planning.removals import HeldEntry, Proposal, on_discipline, settled_by
from planning.retirement import Month
from planning.rulesets import CandidateTier, DisciplineForm
from planning.units import UnitKind
from planning.validation import EntryToCheck, PlannedPosition, Report, validate
from tests.planning.test_rules import QD377, candidate

NOW = datetime(2026, 11, 21, 3, 0, tzinfo=UTC)
PASSED = Ballot(summoned=11, present=11, votes_for=9)  # the entries' procedure, held
VIETNAM = timezone(timedelta(hours=7))
RECEIVED = Dossier(
    submitted_at=datetime(2026, 10, 1, tzinfo=UTC),
    received_at=datetime(2026, 10, 2, tzinfo=UTC),
    due_on=date(2026, 11, 13),
)


def plan(status: PlanStatus, *, version: int = 4, base: int | None = None) -> PlanState:
    return PlanState(id=7, status=status, version=version, dossier=RECEIVED, base_plan_id=base)


# A plan proposing one entry: what submission and rejection decide on.
ONE_ENTRY = [EntryState(1, EntryStatus.PROPOSED, EntryChange.ADD)]


def codes(refusal: object) -> list[str]:
    assert isinstance(refusal, Problems)
    return [p.code for p in refusal.problems]


class TestEveryTransition:
    def test_a_stale_version_is_refused_before_anything_else(self) -> None:
        assert workflow.reject(
            plan(PlanStatus.DRAFT), ONE_ENTRY, version=3, reason=None, now=NOW
        ) == StaleVersion(4)

    def test_an_action_the_status_does_not_allow_is_not_possible(self) -> None:
        assert workflow.approve(
            plan(PlanStatus.SUBMITTED),
            [],
            version=4,
            results=[],
            decision=ApprovalDecision("12-QĐ/TU", date(2026, 11, 20)),
            report=Report(()),
            now=NOW,
        ) == NotPossible(PlanAction.APPROVE, PlanStatus.SUBMITTED)

    @pytest.mark.parametrize("reason", [None, "", "   "])
    def test_return_reject_and_reopen_need_a_reason(self, reason: str | None) -> None:
        assert codes(
            workflow.return_to_unit(plan(PlanStatus.UNDER_APPRAISAL), version=4, reason=reason)
        ) == ["REASON_REQUIRED"]
        assert codes(
            workflow.reject(
                plan(PlanStatus.APPRAISED), ONE_ENTRY, version=4, reason=reason, now=NOW
            )
        ) == ["REASON_REQUIRED"]
        assert codes(workflow.reopen(plan(PlanStatus.APPROVED), [], version=4, reason=reason)) == [
            "REASON_REQUIRED"
        ]


class TestSubmit:
    def test_hard_findings_refuse_it_with_their_rules(self) -> None:
        report = Report(
            (
                finding("E4", Severity.HARD, entry=3, months=107, required=120),
                finding("T-WOMEN", Severity.TARGET),
            )
        )

        refusal = workflow.submit(
            plan(PlanStatus.DRAFT), ONE_ENTRY, version=4, report=report, now=NOW
        )

        assert refusal == Problems((problem("E4", "entries", months=107, required=120),))

    def test_targets_alone_do_not_block_and_the_submission_is_dated(self) -> None:
        report = Report((finding("T-WOMEN", Severity.TARGET),))

        decided = workflow.submit(
            plan(PlanStatus.RETURNED), ONE_ENTRY, version=4, report=report, now=NOW
        )

        assert isinstance(decided, Decision)
        assert (decided.from_status, decided.to) == (PlanStatus.RETURNED, PlanStatus.SUBMITTED)
        assert decided.dossier.submitted_at == NOW


class TestTheClock:
    def test_receipt_starts_thirty_working_days_that_skip_weekends_and_holidays(self) -> None:
        received = datetime(2026, 2, 5, 3, 0, tzinfo=UTC)  # Thursday, before Tết 2026
        tet = WorkCalendar(
            decided={
                date(2026, 2, d): CalendarDay(
                    date(2026, 2, d), DayKind.OFF, "Tết", DaySource.DECIDED
                )
                for d in range(14, 23)
            }
        )

        decided = workflow.receive(
            plan(PlanStatus.SUBMITTED), version=4, working_days=30, calendar=tet, now=received
        )

        assert isinstance(decided, Decision)
        assert decided.to is PlanStatus.UNDER_APPRAISAL
        assert (decided.dossier.received_at, decided.dossier.due_on) == (
            received,
            date(2026, 3, 26),
        )

    def test_return_and_withdrawal_stop_it(self) -> None:
        returned = workflow.return_to_unit(
            plan(PlanStatus.UNDER_APPRAISAL), version=4, reason=" thiếu biên bản "
        )
        withdrawn = workflow.withdraw(plan(PlanStatus.UNDER_APPRAISAL), version=4, reason=None)

        for decided in (returned, withdrawn):
            assert isinstance(decided, Decision)
            assert (decided.dossier.received_at, decided.dossier.due_on) == (None, None)
            assert decided.dossier.submitted_at == RECEIVED.submitted_at
        assert isinstance(returned, Decision)
        assert (returned.to, returned.reason) == (PlanStatus.RETURNED, "thiếu biên bản")


def test_appraisal_records_its_report_and_refuses_an_empty_one() -> None:
    empty = Report(())
    assert codes(
        workflow.appraise(plan(PlanStatus.UNDER_APPRAISAL), version=4, report=" ", validation=empty)
    ) == ["REPORT_REQUIRED"]

    decided = workflow.appraise(
        plan(PlanStatus.UNDER_APPRAISAL), version=4, report=" Đạt. ", validation=empty
    )

    assert isinstance(decided, Decision)
    assert (decided.to, decided.dossier.appraisal_report) == (PlanStatus.APPRAISED, "Đạt.")
    assert decided.dossier.appraisal_findings == ()


def test_appraisal_keeps_the_hard_findings_of_the_moment_and_is_not_refused_for_them() -> None:
    e11 = finding("E11", Severity.HARD, entry=5, form="REPRIMAND")
    validation = Report((e11, finding("T-WOMEN", Severity.TARGET)))

    decided = workflow.appraise(
        plan(PlanStatus.UNDER_APPRAISAL),
        version=4,
        report="Đề nghị không phê duyệt lượt 5.",
        validation=validation,
    )

    assert isinstance(decided, Decision)
    assert decided.to is PlanStatus.APPRAISED
    assert decided.dossier.appraisal_findings == (e11,)  # what the approver is shown


class TestApprove:
    ENTRIES = (
        EntryState(1, EntryStatus.PROPOSED, EntryChange.ADD),
        EntryState(2, EntryStatus.PROPOSED, EntryChange.KEEP),
        EntryState(3, EntryStatus.PROPOSED, EntryChange.REMOVE),
        EntryState(4, EntryStatus.REMOVED, EntryChange.ADD),  # withdrawn from the draft
        EntryState(5, EntryStatus.PROPOSED, EntryChange.ADD),
    )
    DECISION = ApprovalDecision(" 12-QĐ/TU ", date(2026, 11, 20))

    def approve(self, *results: EntryResult, base: int | None = None) -> Decision | Refusal:
        return workflow.approve(
            plan(PlanStatus.APPRAISED, base=base),
            self.ENTRIES,
            version=4,
            results=results,
            decision=self.DECISION,
            report=Report(()),
            now=NOW,
        )

    def test_what_approval_does_to_each_entry_and_to_the_plan(self) -> None:
        decided = self.approve(EntryResult(5, approved=False, reason="chưa đủ tiêu chuẩn"), base=3)

        assert isinstance(decided, Decision)
        assert decided.to is PlanStatus.APPROVED
        assert decided.entries == (
            EntryOutcome(1, EntryStatus.ACTIVE),
            EntryOutcome(2, EntryStatus.ACTIVE),
            EntryOutcome(3, EntryStatus.REMOVED),  # a review's removal takes effect
            EntryOutcome(5, EntryStatus.NOT_APPROVED, "chưa đủ tiêu chuẩn"),
        )
        assert decided.counting is Counting.START
        assert decided.supersedes == 3  # the approved plan the review was built on
        assert (decided.dossier.decision_number, decided.dossier.decision_date) == (
            "12-QĐ/TU",
            date(2026, 11, 20),
        )
        assert decided.dossier.decided_at == NOW

    def test_a_next_term_plan_supersedes_nothing(self) -> None:
        decided = self.approve()

        assert isinstance(decided, Decision)
        assert decided.supersedes is None

    def test_a_refusal_needs_its_reason_and_the_decision_its_number(self) -> None:
        refusal = workflow.approve(
            plan(PlanStatus.APPRAISED),
            self.ENTRIES,
            version=4,
            results=[EntryResult(1, approved=False, reason=" ")],
            decision=ApprovalDecision("  ", date(2026, 11, 20)),
            report=Report(()),
            now=NOW,
        )

        assert codes(refusal) == ["REASON_REQUIRED", "DECISION_REQUIRED"]

    def test_a_result_for_an_entry_not_proposed_names_it(self) -> None:
        assert self.approve(EntryResult(4, approved=True)) == UnknownEntry(4)
        assert self.approve(EntryResult(99, approved=False, reason="x")) == UnknownEntry(99)


class TestApprovalRevalidates:
    """An approval is decided on the validation as of its moment (issue 11): what changed
    since the submission (a discipline, an appointment proposal) blocks the entries it hits."""

    ENTRIES = (
        EntryState(11, EntryStatus.PROPOSED, EntryChange.ADD),
        EntryState(12, EntryStatus.PROPOSED, EntryChange.ADD),
        EntryState(13, EntryStatus.PROPOSED, EntryChange.ADD),
        EntryState(14, EntryStatus.PROPOSED, EntryChange.ADD),
    )

    def approve(
        self,
        report: Report,
        *results: EntryResult,
        day: date = date(2026, 11, 20),
        dossier: Dossier = RECEIVED,
    ) -> Decision | Refusal:
        state = PlanState(id=7, status=PlanStatus.APPRAISED, version=4, dossier=dossier)
        return workflow.approve(
            state,
            self.ENTRIES,
            version=4,
            results=results,
            decision=ApprovalDecision("12-QĐ/TU", day),
            report=report,
            now=NOW,
        )

    def test_an_entry_with_a_hard_finding_cannot_be_approved(self) -> None:
        report = Report(
            (
                finding("E3", Severity.HARD, entry=12),
                finding("E11", Severity.HARD, entry=12, form="REPRIMAND"),
                finding("T-WOMEN", Severity.TARGET),  # a target never blocks
            )
        )

        refusal = self.approve(report)

        assert refusal == Problems(
            (
                problem("ENTRY_BLOCKED", "results", blocked=12, rule="E3"),
                problem("ENTRY_BLOCKED", "results", blocked=12, rule="E11"),
            )
        )

    def test_refusing_the_blocked_entry_lets_the_rest_be_approved(self) -> None:
        # The report of what would become ACTIVE: the refused entry is left out of it.
        refused = EntryResult(12, approved=False, reason="Bị kỷ luật khiển trách 20/11/2026")

        decided = self.approve(Report(()), refused)

        assert isinstance(decided, Decision)
        assert {o.entry_id: o.status for o in decided.entries} == {
            11: EntryStatus.ACTIVE,
            12: EntryStatus.NOT_APPROVED,
            13: EntryStatus.ACTIVE,
            14: EntryStatus.ACTIVE,
        }
        assert workflow.refused_entries([refused, EntryResult(11, approved=True)]) == {12}

    def test_a_finding_on_a_refused_entry_does_not_block(self) -> None:
        report = Report((finding("E11", Severity.HARD, entry=12),))

        decided = self.approve(report, EntryResult(12, approved=False, reason="kỷ luật"))

        assert isinstance(decided, Decision)

    def test_q2_over_the_cap_is_resolved_by_refusing_the_extra_entries(self) -> None:
        deputy = PlannedPosition(1, "Phó Chủ tịch UBND xã", seats=1, committee_seat=False, rank=6)

        def report_without(*refused: int) -> Report:
            checked = [
                EntryToCheck(n, 100 + n, 1, CandidateTier.T1, candidate(), PASSED, Month(2031, 3))
                for n in (11, 12, 13, 14)
                if n not in refused
            ]
            return validate(
                entries=checked,
                positions={1: deputy},
                elsewhere={},
                level=UnitKind.COMMUNE,
                age_at=AgeAt(Month(2031, 3), AgeBasis.REFERENCE_MONTH),
                on=NOW.date(),
                rules=QD377,
            )

        assert codes(self.approve(report_without())) == ["PLAN_BLOCKED"]  # 4 > 3 per seat
        assert self.approve(report_without()) == Problems(
            (problem("PLAN_BLOCKED", "results", rule="Q2"),)
        )
        refusal = EntryResult(14, approved=False, reason="vượt số lượng")
        assert isinstance(self.approve(report_without(14), refusal), Decision)

    def test_the_decision_is_not_dated_in_the_future(self) -> None:
        # NOW is 21/11/2026.
        assert self.approve(Report(()), day=date(2026, 11, 22)) == Problems(
            (
                problem(
                    "DECISION_DATE_IN_FUTURE", "decisionDate", day="22/11/2026", today="21/11/2026"
                ),
            )
        )
        assert isinstance(self.approve(Report(()), day=date(2026, 11, 21)), Decision)

    def test_the_decision_is_not_dated_before_the_dossier_was_received(self) -> None:
        # Received at 23:30 UTC on 1 October: 2 October in Vietnam, the day that counts.
        dossier = Dossier(received_at=datetime(2026, 10, 1, 23, 30, tzinfo=UTC))
        now_vn = NOW.astimezone(VIETNAM)

        def on(day: date) -> Decision | Refusal:
            state = PlanState(id=7, status=PlanStatus.APPRAISED, version=4, dossier=dossier)
            return workflow.approve(
                state,
                self.ENTRIES,
                version=4,
                results=(),
                decision=ApprovalDecision("12-QĐ/TU", day),
                report=Report(()),
                now=now_vn,
            )

        assert on(date(2026, 10, 1)) == Problems(
            (
                problem(
                    "DECISION_DATE_BEFORE_RECEIPT",
                    "decisionDate",
                    day="01/10/2026",
                    received="02/10/2026",
                ),
            )
        )
        assert isinstance(on(date(2026, 10, 2)), Decision)


class TestRemovalProposals:
    """R1 (DOMAIN.md §6.4): a discipline recorded on a planned person proposes removing them."""

    REPRIMAND = Discipline(DisciplineForm.REPRIMAND, date(2026, 11, 20))
    OLD = Discipline(DisciplineForm.WARNING, date(2019, 5, 2))

    def held(
        self, entry: int, plan_status: PlanStatus, status: EntryStatus, **kw: object
    ) -> HeldEntry:
        values: dict[str, object] = {"change": EntryChange.ADD, "proposed": False}
        values.update(kw)
        return HeldEntry(entry, entry * 10, plan_status, status, **values)  # type: ignore[arg-type]

    def test_entries_in_force_and_proposed_in_live_plans_get_one(self) -> None:
        entries = [
            self.held(1, PlanStatus.APPROVED, EntryStatus.ACTIVE),  # in force
            self.held(2, PlanStatus.APPRAISED, EntryStatus.PROPOSED),  # proposed, undecided
            self.held(3, PlanStatus.DRAFT, EntryStatus.PROPOSED, change=EntryChange.KEEP),
            self.held(4, PlanStatus.APPROVED, EntryStatus.NOT_APPROVED),  # not planned
            self.held(5, PlanStatus.DRAFT, EntryStatus.PROPOSED, change=EntryChange.REMOVE),
            self.held(6, PlanStatus.DRAFT, EntryStatus.REMOVED),  # withdrawn from the draft
            self.held(7, PlanStatus.APPROVED, EntryStatus.ACTIVE, proposed=True),  # one open
        ]

        raised = on_discipline(before=[self.OLD], after=[self.OLD, self.REPRIMAND], entries=entries)

        assert raised == tuple(Proposal(n, n * 10, "R1", self.REPRIMAND) for n in (1, 2, 3))

    def test_a_record_rewritten_as_it_was_raises_none(self) -> None:
        entries = [self.held(1, PlanStatus.APPROVED, EntryStatus.ACTIVE)]

        assert on_discipline(before=[self.OLD], after=[self.OLD], entries=entries) == ()
        assert on_discipline(before=[self.OLD], after=[], entries=entries) == ()

    def test_a_decision_settles_the_entries_it_leaves_out_of_force(self) -> None:
        entries = TestApprove.ENTRIES
        decided = TestApprove().approve(EntryResult(5, approved=False, reason="kỷ luật"), base=3)
        rejected = workflow.reject(
            plan(PlanStatus.APPRAISED), entries, version=4, reason="Cơ cấu", now=NOW
        )
        received = workflow.receive(
            plan(PlanStatus.SUBMITTED), version=4, working_days=30, calendar=WorkCalendar(), now=NOW
        )

        assert isinstance(decided, Decision)
        # 3: removed by the review, 4: withdrawn from the draft, 5: not approved.
        assert settled_by(decided, entries) == {3, 4, 5}
        assert isinstance(rejected, Decision)
        assert settled_by(rejected, entries) == {1, 2, 3, 4, 5}
        assert isinstance(received, Decision)
        assert settled_by(received, entries) == frozenset()  # undecided: still to act on


def test_rejection_is_dated_and_refuses_every_proposed_entry_with_its_reason() -> None:
    entries = [*ONE_ENTRY, EntryState(2, EntryStatus.REMOVED, EntryChange.ADD)]
    decided = workflow.reject(
        plan(PlanStatus.APPRAISED), entries, version=4, reason=" Cơ cấu ", now=NOW
    )

    assert isinstance(decided, Decision)
    assert (decided.to, decided.reason, decided.dossier.decided_at) == (
        PlanStatus.REJECTED,
        "Cơ cấu",
        NOW,
    )
    # The entry withdrawn from the draft stays REMOVED: it was never proposed.
    assert decided.entries == (EntryOutcome(1, EntryStatus.NOT_APPROVED, "Cơ cấu"),)
    assert decided.counting is Counting.UNCHANGED


def test_reopening_makes_decided_entries_proposals_and_stops_counting() -> None:
    approved = PlanState(
        7,
        PlanStatus.APPROVED,
        4,
        Dossier(
            submitted_at=NOW,
            received_at=NOW,
            due_on=date(2026, 12, 31),
            appraisal_report="Đạt",
            decided_at=NOW,
            decision_number="12-QĐ/TU",
            decision_date=date(2026, 11, 20),
        ),
    )
    entries = [
        EntryState(1, EntryStatus.ACTIVE, EntryChange.ADD),
        EntryState(2, EntryStatus.NOT_APPROVED, EntryChange.ADD),
        EntryState(3, EntryStatus.REMOVED, EntryChange.REMOVE),
    ]

    decided = workflow.reopen(approved, entries, version=4, reason="bổ sung")

    assert isinstance(decided, Decision)
    assert decided.to is PlanStatus.DRAFT
    assert decided.entries == (
        EntryOutcome(1, EntryStatus.PROPOSED),
        EntryOutcome(2, EntryStatus.PROPOSED),
    )
    assert decided.counting is Counting.STOP
    # The decision and the clock are cleared: the plan goes through approval again.
    assert decided.dossier == Dossier(appraisal_report="Đạt")


class TestRemoveEntry:
    def test_a_carried_over_entry_is_marked_for_removal_with_the_review(self) -> None:
        kept = EntryState(2, EntryStatus.PROPOSED, EntryChange.KEEP)

        assert workflow.remove_entry(kept, reason=" nghỉ hưu ") == EntryRemoval(
            EntryChange.REMOVE, EntryStatus.PROPOSED, "nghỉ hưu"
        )

    def test_an_entry_the_draft_added_is_withdrawn_at_once(self) -> None:
        added = EntryState(1, EntryStatus.PROPOSED, EntryChange.ADD)

        assert workflow.remove_entry(added, reason="trùng") == EntryRemoval(
            EntryChange.ADD, EntryStatus.REMOVED, "trùng"
        )

    def test_it_needs_a_reason(self) -> None:
        added = EntryState(1, EntryStatus.PROPOSED, EntryChange.ADD)

        assert codes(workflow.remove_entry(added, reason=" ")) == ["REASON_REQUIRED"]


@pytest.mark.parametrize(
    ("status", "late"),
    [
        (PlanStatus.UNDER_APPRAISAL, True),
        (PlanStatus.APPRAISED, True),
        (PlanStatus.SUBMITTED, False),  # not received: the clock has not started
        (PlanStatus.RETURNED, False),  # back with the unit: the clock stopped
        (PlanStatus.APPROVED, False),
    ],
)
def test_a_decision_is_overdue_only_while_its_clock_runs(status: PlanStatus, late: bool) -> None:
    assert overdue(status, date(2026, 11, 13), date(2026, 11, 14)) is late
    assert overdue(status, date(2026, 11, 13), date(2026, 11, 13)) is False


def test_a_reason_given_with_a_submission_or_a_receipt_is_recorded() -> None:
    submitted = workflow.submit(
        plan(PlanStatus.RETURNED),
        ONE_ENTRY,
        version=4,
        report=Report(()),
        now=NOW,
        reason=" bổ sung biên bản ",
    )
    received = workflow.receive(
        plan(PlanStatus.SUBMITTED),
        version=4,
        working_days=30,
        calendar=WorkCalendar(),
        now=NOW,
        reason="đủ hồ sơ",
    )

    assert isinstance(submitted, Decision)
    assert isinstance(received, Decision)
    assert (submitted.reason, received.reason) == ("bổ sung biên bản", "đủ hồ sơ")


@pytest.mark.parametrize(
    "entries",
    [(), (EntryState(4, EntryStatus.REMOVED, EntryChange.ADD),)],  # nothing, or only withdrawn
)
def test_a_plan_that_asks_nothing_is_not_submitted(entries: tuple[EntryState, ...]) -> None:
    refusal = workflow.submit(
        plan(PlanStatus.DRAFT), entries, version=4, report=Report(()), now=NOW
    )

    assert refusal == Problems((problem("PLAN_EMPTY", "entries"),))


def test_a_review_that_removes_every_entry_asks_for_a_decision() -> None:
    removing = (EntryState(2, EntryStatus.PROPOSED, EntryChange.REMOVE),)

    decided = workflow.submit(
        plan(PlanStatus.DRAFT), removing, version=4, report=Report(()), now=NOW
    )

    assert isinstance(decided, Decision)
