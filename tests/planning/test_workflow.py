"""What each plan transition decides, from plain values: no database, no GraphQL."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from planning import workflow
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
from planning.findings import Severity, finding
from planning.lifecycle import EntryChange, EntryStatus, PlanAction, PlanStatus, overdue
from planning.problems import problem
from planning.validation import Report

NOW = datetime(2026, 11, 21, 3, 0, tzinfo=UTC)
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
        tet = {date(2026, 2, d) for d in range(14, 23)}

        decided = workflow.receive(
            plan(PlanStatus.SUBMITTED), version=4, working_days=30, holidays=tet, now=received
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
    assert codes(workflow.appraise(plan(PlanStatus.UNDER_APPRAISAL), version=4, report=" ")) == [
        "REPORT_REQUIRED"
    ]

    decided = workflow.appraise(plan(PlanStatus.UNDER_APPRAISAL), version=4, report=" Đạt. ")

    assert isinstance(decided, Decision)
    assert (decided.to, decided.dossier.appraisal_report) == (PlanStatus.APPRAISED, "Đạt.")


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
            now=NOW,
        )

        assert codes(refusal) == ["REASON_REQUIRED", "DECISION_REQUIRED"]

    def test_a_result_for_an_entry_not_proposed_names_it(self) -> None:
        assert self.approve(EntryResult(4, approved=True)) == UnknownEntry(4)
        assert self.approve(EntryResult(99, approved=False, reason="x")) == UnknownEntry(99)


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
        holidays=frozenset(),
        now=NOW,
        reason="đủ hồ sơ",
    )

    assert isinstance(submitted, Decision)
    assert isinstance(received, Decision)
    assert (submitted.reason, received.reason) == ("bổ sung biên bản", "đủ hồ sơ")
