"""Rollups kept at write time equal a recomputation from the facts, after any sequence of
approvals, partial approvals, annual reviews with removals and additions, and reopenings; and a
rebuild from the facts restores them."""

from __future__ import annotations

import random
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from db import fact_statistics, rollups, statistics as stats_db
from db.reader import on_session
from planning.units import UnitKind
from schema.access.services import AccessServices
from schema.node import to_global_id
from tests.conftest import Runner
from tests.factories import unit
from tests.schema.plan_helpers import officials, person, position
from tests.schema.test_plan_workflow import Flow

COMMUNES = ("07132", "06652", "06658")
TITLES = ("PCT_UBND", "CT_UBND", "PHO_BI_THU", "BI_THU", "CT_MTTQ")


async def approve(flow: Flow, rng: random.Random) -> None:
    await flow.do("head", "submitPlan", "PlanActionInput")
    await flow.do("appraiser", "receivePlan", "PlanActionInput")
    await flow.do("appraiser", "appraisePlan", "AppraisePlanInput", report="Đạt")
    proposed = [
        e for e in flow.plan["entries"] if e["status"] == "PROPOSED" and e["change"] != "REMOVE"
    ]
    refused = [
        {"entry": e["id"], "approved": False, "reason": "Chưa đạt"}
        for e in proposed
        if rng.random() < 0.25
    ]
    result = await flow.do(
        "approver",
        "approvePlan",
        "ApprovePlanInput",
        decisionNumber="QĐ",
        decisionDate="2026-11-21",
        results=refused,
    )
    assert result["__typename"] == "PlanPayload", result


async def random_history(
    run: Runner, session: AsyncSession, access: AccessServices, seed: int
) -> None:
    """Approve, partly approve, review (removing and adding) and reopen plans at random."""
    rng = random.Random(seed)
    people = await officials(session, access, commune="22", approver="22", suffix=f"r{seed}")
    titles = [await position(session, code, managed_by=UnitKind.PROVINCE) for code in TITLES]
    candidates: dict[str, list[str]] = {}
    for number, commune in enumerate(COMMUNES):
        candidates[commune] = [
            await person(
                session,
                commune,
                f"0220900{seed}{number}{n:03d}",
                f"Người {commune} {n}",
                sex=rng.choice(("MALE", "FEMALE")),
                birth_year=rng.randint(1978, 1994),
            )
            for n in range(6)
        ]
    flows = {commune: Flow(run, people) for commune in COMMUNES}
    for step in range(12):
        commune = rng.choice(COMMUNES)
        flow = flows[commune]
        status = flow.plan.get("status")
        if status is None:
            await flow.create(commune, "2030-2035", "PROVINCE")
        elif status == "APPROVED" and rng.random() < 0.4:
            await flow.do("approver", "reopenPlan", "PlanActionInput", reason=f"bước {step}")
        elif status == "APPROVED":
            await flow.create(commune, "2030-2035", "PROVINCE", kind="ANNUAL_REVIEW")
            for entry in flow.plan["entries"]:
                if rng.random() < 0.4:
                    await flow.do(
                        "clerk",
                        "removePlanEntry",
                        "RemovePlanEntryInput",
                        entry=entry["id"],
                        reason="rà soát",
                    )
        if flow.plan["status"] == "DRAFT":
            planned = {e["person"]["fullName"] for e in flow.plan["entries"]}
            for candidate in rng.sample(candidates[commune], 3):
                await flow.add(candidate, rng.choice(titles))
            await approve(flow, rng)
            assert flow.plan["status"] == "APPROVED" or planned is not None


@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_kept_rollups_equal_a_recomputation(
    run: Runner, session: AsyncSession, access: AccessServices, seed: int
) -> None:
    await random_history(run, session, access, seed)

    differing = await rollups.compare_with_recomputation(session)
    active = set(
        await session.scalars(
            text(
                "SELECT e.id FROM plan_entry e JOIN plan p ON p.id = e.plan_id "
                "WHERE e.status = 'ACTIVE' AND p.status = 'APPROVED'"
            )
        )
    )
    facts = set(await session.scalars(text("SELECT entry_id FROM entry_fact")))
    open_history = list(
        await session.scalars(
            text("SELECT entry_id FROM entry_fact_history WHERE counted_to IS NULL")
        )
    )
    happened = set(await session.scalars(text("SELECT DISTINCT action FROM plan_event")))
    root = await unit(session, "VN")
    cycle = await session.scalar(text("SELECT id FROM cycle WHERE code = '2030-2035'"))
    assert cycle is not None
    histogram = await stats_db.title_histogram(session, unit_id=root.id, cycle_id=cycle)
    from_facts = await fact_statistics.title_histogram(
        session, scope=fact_statistics.FactCells(root.path, cycle)
    )

    assert facts == active
    assert sorted(open_history) == sorted(facts)  # what counts now is open in the history
    assert len(facts) > 0
    assert differing == (0, 0)
    # The titles' histogram kept at approval says what the facts themselves say.
    assert sorted(histogram) == sorted(from_facts)
    assert {"APPROVE", "REMOVE_ENTRY", "REOPEN"} <= happened  # the sequence did exercise them


STATISTICS = """
query ($unit: ID!, $groupBy: [Dimension!]!) {
  statistics(input: {unit: $unit, cycle: "2030-2035", groupBy: $groupBy}) {
    total { entries persons averageAge }
    rows { group { value } entries persons averageAge }
  }
}
"""
INDICATORS = """
query ($unit: ID!) {
  indicators(input: {unit: $unit, cycle: "2030-2035"}) { values { code value numerator } }
}
"""
ROLLUP_TABLES = (
    "rollup_entry",
    "rollup_entry_total",
    "rollup_member",
    "rollup_person",
    "rollup_person_total",
    "rollup_title",
)


async def answers(run: Runner, session: AsyncSession) -> list[Any]:
    """Statistics and indicators of the root and the province, by every kind of grouping."""
    found = []
    for code in ("VN", "22"):
        unit_id = to_global_id("Unit", (await unit(session, code)).id)
        for group_by in ([], ["GENDER"], ["CHILD_UNIT"], ["POSITION", "AGE_BAND"]):
            found.append(await run.data(STATISTICS, {"unit": unit_id, "groupBy": group_by}))
        found.append(await run.data(INDICATORS, {"unit": unit_id}))
    return found


async def test_a_rebuild_from_the_facts_restores_the_rollups(
    run: Runner, session: AsyncSession, access: AccessServices
) -> None:
    await random_history(run, session, access, seed=4)
    before = await answers(run, session)
    for table in ROLLUP_TABLES:
        await session.execute(text(f"DELETE FROM {table}"))
    wiped = await answers(run, session)

    await rollups.rebuild(session)

    assert wiped != before  # the wipe did take the numbers away
    assert await rollups.compare_with_recomputation(session) == (0, 0)
    assert await answers(run, session) == before
    kept = await session.scalar(text("SELECT count(*) FROM rollup_title"))
    assert kept  # and the rebuild wrote rows, not merely nothing on both sides


async def test_statistics_from_the_rollups_equal_those_from_the_facts(
    run: Runner, session: AsyncSession, access: AccessServices
) -> None:
    """Every dimension, grouped by and filtered on (as text, whatever its column's type), reads
    the same from the kept rollups as from the facts themselves."""
    await random_history(run, session, access, seed=5)
    root = await unit(session, "VN")
    cycle = await session.scalar(text("SELECT id FROM cycle WHERE code = '2030-2035'"))
    assert cycle is not None
    some_filters: list[dict[str, list[str]]] = [
        {},
        {"AGE_BAND": ["0", "1"]},
        {"HEAD": ["false"], "GENDER": ["FEMALE"]},
        {"UNIT_KIND": ["COMMUNE"], "CHILD_UNIT": [str((await unit(session, "22")).id)]},
    ]

    compared = 0
    for filters in some_filters:
        for name in stats_db.DIMENSIONS:
            kept = stats_db.Cells(root.id, cycle, filters)
            facts = fact_statistics.FactCells(root.path, cycle, filters=filters)
            from_rollups = await stats_db.entry_cells(
                on_session(session), scope=kept, group_by=[name]
            )
            from_facts = await fact_statistics.entry_cells(session, scope=facts, group_by=[name])
            assert sorted(from_rollups) == sorted(from_facts), (name, filters)
            # Persons are counted only by what describes them (schema/stats/queries.py).
            if all(stats_db.DIMENSIONS[d][1] for d in [name, *filters]):
                persons = await stats_db.person_cells(
                    on_session(session), scope=kept, group_by=[name]
                )
                counted = await fact_statistics.person_cells(session, scope=facts, group_by=[name])
                assert sorted(persons) == sorted(counted), (name, filters)
            compared += len(from_rollups)
    assert compared > len(stats_db.DIMENSIONS)  # the filters left cells to compare
