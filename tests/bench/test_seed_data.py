"""The bench seed walks its plans through the workflow's own decisions (no copy of the rules)."""

from __future__ import annotations

from collections import Counter, defaultdict

from bench.seed_data import (
    ENTRY_COLUMNS,
    EVENT_COLUMNS,
    PLAN_COLUMNS,
    Generator,
    PositionRow,
    UnitRow,
)
from planning.calendar import WorkCalendar
from planning.lifecycle import PlanAction, PlanStatus


def generated() -> tuple[list[dict[str, object]], list[dict[str, object]], list[dict[str, object]]]:
    communes = [
        UnitRow(100 + n, "COMMUNE", f"{n:05d}", (1, 2, 3 + n % 4, 100 + n)) for n in range(400)
    ]
    units = [
        UnitRow(1, "CENTRAL", "VN", (1,)),
        UnitRow(2, "PROVINCE", "22", (1, 2)),
        *(UnitRow(3 + d, "DISTRICT", f"{206 + d:03d}", (1, 2, 3 + d)) for d in range(4)),
        *communes,
    ]
    positions = [
        PositionRow(1, "COMMUNE", "BCH_XA", 15, True, "DISTRICT"),
        PositionRow(2, "COMMUNE", "PCT_UBND", 2, False, "DISTRICT"),
        PositionRow(3, "DISTRICT", "BT_HUYEN", 1, False, "PROVINCE"),
    ]
    data = Generator(
        units,
        positions,
        cycle_id=1,
        rule_set="QD50_2021",
        reference_year=2025,
        approval_working_days=30,
        calendar=WorkCalendar(),
    ).generate(first_plan_id=1, first_person_id=1)
    return (
        [dict(zip(PLAN_COLUMNS, row, strict=True)) for row in data.plans],
        [dict(zip(ENTRY_COLUMNS, row, strict=True)) for row in data.entries],
        [dict(zip(EVENT_COLUMNS, row, strict=True)) for row in data.events],
    )


def test_each_plan_is_where_its_recorded_actions_took_it() -> None:
    plans, _, events = generated()
    history = defaultdict(list)
    for event in events:
        history[event["plan_id"]].append(event)

    statuses = Counter(plan["status"] for plan in plans)
    assert statuses[PlanStatus.APPROVED] > 0
    assert statuses[PlanStatus.RETURNED] > 0
    for plan in plans:
        steps = history[plan["id"]][1:]  # after CREATE
        assert {s["action"] for s in steps} <= {a.value for a in PlanAction}
        assert plan["status"] == (steps[-1]["to_status"] if steps else PlanStatus.DRAFT)
        assert plan["version"] == 1 + len(steps)
        if plan["status"] is PlanStatus.RETURNED:
            # Returning stops the approval clock.
            assert (plan["received_at"], plan["due_on"]) == (None, None)
            assert steps[-1]["reason"]
        if plan["status"] is PlanStatus.APPROVED:
            assert plan["decision_number"]
            assert plan["decided_at"]
            assert plan["due_on"]


def test_only_approved_plans_have_decided_entries() -> None:
    plans, entries, _ = generated()
    status_of = {plan["id"]: plan["status"] for plan in plans}

    decided = Counter(
        (status_of[e["plan_id"]] is PlanStatus.APPROVED, str(e["status"])) for e in entries
    )

    assert set(decided) == {(True, "ACTIVE"), (True, "NOT_APPROVED"), (False, "PROPOSED")}
    refused = [e for e in entries if e["status"] == "NOT_APPROVED"]
    assert all(e["result_reason"] for e in refused)
