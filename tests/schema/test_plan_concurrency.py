"""Caps and transitions hold under real concurrency: many requests, each on its own connection.

Runs on a database of its own, because the racing transactions must commit.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

import strawberry
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from db import persons as persons_db, plans as plans_db, rollups
from db.fact_tables import rollup_entry_total
from db.models import Unit
from db.plan_models import PlanEntry, PlanEvent, Position
from planning.theory import PoliticalTheory
from planning.units import UnitKind
from schema.context import Context
from schema.node import row_id_of, to_global_id
from schema.root import schema
from tests.conftest import NOW, RULE_SETS
from tests.factories import unit
from tests.schema.conftest import World, new_plan
from tests.schema.plan_helpers import communes, mutation, province_officials

STATISTICS = """
query ($unit: ID!) {
  statistics(input: {unit: $unit, cycle: "2030-2035"}) { total { entries persons } }
}"""


async def test_twelve_racing_additions_never_exceed_the_cap_of_a_position(world: World) -> None:
    plan = await new_plan(world)  # Phó Chủ tịch UBND xã: 2 seats → at most 6 under QĐ 377

    async def add(person: str) -> str:
        for _ in range(20):  # retry on a stale version, as a client would
            current = await world.call(
                "clerk",
                "addPlanEntry",
                "AddPlanEntryInput",
                plan=plan["id"],
                version=await version(world, plan["id"]),
                person=person,
                position=world.vice_chair,
                tier="T1",
                ballots=[{"step": "BTV", "summoned": 11, "present": 11, "votesFor": 9}],
            )
            if current["__typename"] != "StaleVersion":
                return (
                    str(current["__typename"])
                    if current["__typename"] != "ValidationFailed"
                    else current["problems"][0]["code"]
                )
        return "gave up"

    outcomes = Counter(await asyncio.gather(*(add(p) for p in world.persons)))

    assert outcomes == {"PlanPayload": 6, "Q2": 6}
    async with world.sessions() as session:
        stored = await session.scalar(select(func.count()).select_from(PlanEntry))
    assert stored == 6


async def test_racing_approvals_and_rejections_let_exactly_one_through(world: World) -> None:
    plan = await new_plan(world)
    plan = (
        await world.call(
            "clerk",
            "addPlanEntry",
            "AddPlanEntryInput",
            plan=plan["id"],
            version=plan["version"],
            person=world.persons[0],
            position=world.vice_chair,
            tier="T1",
            ballots=[{"step": "BTV", "summoned": 11, "present": 11, "votesFor": 9}],
        )
    )["plan"]
    for action, who in (("submitPlan", "head"), ("receivePlan", "appraiser")):
        plan = (
            await world.call(
                who, action, "PlanActionInput", plan=plan["id"], version=plan["version"]
            )
        )["plan"]
    plan = (
        await world.call(
            "appraiser",
            "appraisePlan",
            "AppraisePlanInput",
            plan=plan["id"],
            version=plan["version"],
            report="Đạt",
        )
    )["plan"]

    async def decide(n: int) -> str:
        if n % 2:
            result = await world.call(
                "approver",
                "rejectPlan",
                "PlanActionInput",
                plan=plan["id"],
                version=plan["version"],
                reason="x",
            )
        else:
            result = await world.call(
                "approver",
                "approvePlan",
                "ApprovePlanInput",
                plan=plan["id"],
                version=plan["version"],
                decisionNumber=str(n),
                decisionDate="2026-11-21",
            )
        return str(result["__typename"])

    outcomes = Counter(await asyncio.gather(*(decide(n) for n in range(16))))

    assert outcomes["PlanPayload"] == 1
    assert sum(outcomes.values()) == 16
    assert set(outcomes) <= {"PlanPayload", "StaleVersion", "InvalidTransition"}
    async with world.sessions() as session:
        decisions = await session.scalar(
            select(func.count())
            .select_from(PlanEvent)
            .where(PlanEvent.action.in_(("APPROVE", "REJECT")))
        )
    assert decisions == 1


async def test_a_retried_request_with_the_same_key_acts_once(world: World) -> None:
    plan = await new_plan(world)
    add = {
        "plan": plan["id"],
        "version": plan["version"],
        "person": world.persons[0],
        "position": world.vice_chair,
        "tier": "T1",
        "idempotencyKey": "mobile-42",
    }

    first, retried = await asyncio.gather(
        world.call("clerk", "addPlanEntry", "AddPlanEntryInput", **add),
        world.call("clerk", "addPlanEntry", "AddPlanEntryInput", **add),
    )
    other_input = await world.call(
        "clerk", "addPlanEntry", "AddPlanEntryInput", **{**add, "person": world.persons[1]}
    )

    assert first["__typename"] == retried["__typename"] == "PlanPayload"
    assert len(first["plan"]["entries"]) == len(retried["plan"]["entries"]) == 1
    assert other_input["__typename"] == "IdempotencyKeyReused"


async def version(world: World, plan_id: str) -> int:
    async with world.sessions() as session:
        rows = await plans_db.by_ids(session, [row_id_of(plan_id, "Plan")])
        return next(iter(rows.values())).version


async def appraised_plans(world: World, count: int, entries: int) -> list[dict[str, Any]]:
    """``count`` plans of communes of province 22, appraised, each proposing ``entries`` persons
    of various sexes and ages for the commune titles the province manages: approved, they
    write many cells of the province and of the national root, some shared with the others."""
    async with world.sessions() as session:
        people = await province_officials(session, world.access, "province")
        world.people.update({f"province_{k}": v for k, v in people.items()})
        units = await communes(session, count)
        posts = [
            to_global_id("Position", p)
            for p in await session.scalars(
                select(Position.id)
                .where(
                    Position.managed_by == UnitKind.PROVINCE,
                    Position.unit_kind == UnitKind.COMMUNE,
                )
                .order_by(Position.code)
                .limit(3)
            )
        ]
        persons: list[list[strawberry.ID]] = []
        for n, commune in enumerate(units):
            mine = []
            for k in range(entries):
                row = await persons_db.add(
                    session,
                    national_id=f"022087{n:03d}{k:03d}",
                    full_name=f"Người Xã {n} {k}",
                    sex=("FEMALE", "MALE")[(n + k) % 2],
                    birth_year=1978 + (n * 7 + k * 5) % 12,
                    birth_month=3,
                    unit_id=row_id_of(commune, "Unit"),
                    current_rank=None,
                    political_standard_ok=True,
                    political_theory=PoliticalTheory.TRUNG_CAP,
                )
                mine.append(to_global_id("Person", row.id))
            persons.append(mine)
        await session.commit()
    plans = []
    for n, (commune, mine) in enumerate(zip(units, persons, strict=True)):
        plan = (
            await world.call(
                "province_clerk",
                "createPlan",
                "CreatePlanInput",
                unit=commune,
                cycle="2030-2035",
                kind="NEXT_TERM",
                managedBy="PROVINCE",
            )
        )["plan"]
        for k, person in enumerate(mine):
            added = await world.call(
                "province_clerk",
                "addPlanEntry",
                "AddPlanEntryInput",
                plan=plan["id"],
                version=plan["version"],
                person=person,
                position=posts[(n + k) % len(posts)],
                tier="T1",
                ballots=[{"step": "BTV", "summoned": 11, "present": 11, "votesFor": 9}],
            )
            assert added["__typename"] == "PlanPayload", added
            plan = added["plan"]
        for who, action, extra in (
            ("province_head", "submitPlan", {}),
            ("appraiser", "receivePlan", {}),
            ("appraiser", "appraisePlan", {"report": "Đạt"}),
        ):
            done = await world.call(
                who,
                action,
                "AppraisePlanInput" if extra else "PlanActionInput",
                plan=plan["id"],
                version=plan["version"],
                **extra,
            )
            assert done["__typename"] == "PlanPayload", done
            plan = done["plan"]
        plans.append({"plan": plan["id"], "version": plan["version"]})
    return plans


async def test_racing_approvals_of_many_communes_all_succeed_and_add_up(world: World) -> None:
    plans = await appraised_plans(world, 16, 4)

    outcomes = await approve_all(world, plans)

    # None fails (a deadlock between two of them answered INTERNAL_ERROR).
    assert outcomes == {"PlanPayload": len(plans)}
    approved = len(plans) * 4
    async with world.sessions() as session:
        province = await unit(session, "22")
        root = await session.scalar(select(Unit.id).where(Unit.parent_id.is_(None)))
        at_root = await session.scalar(
            select(func.sum(rollup_entry_total.c.entries)).where(
                rollup_entry_total.c.ancestor_id == root
            )
        )
        assert await rollups.compare_with_recomputation(session) == (0, 0)
        read = await schema.execute(
            STATISTICS,
            variable_values={"unit": to_global_id("Unit", province.id)},
            context_value=context(world, session, "approver"),
        )
    assert read.errors is None, read.errors
    assert read.data is not None
    assert read.data["statistics"]["total"] == {"entries": approved, "persons": approved}
    assert at_root == approved


async def approve_all(world: World, plans: list[dict[str, Any]]) -> Counter[str]:
    """Approve every plan at once, each on its own connection: each answer's type, or the code
    of the error it failed with."""

    async def approve(plan: dict[str, Any]) -> str:
        async with world.sessions() as session:
            # The cells an approval writes come in the order of its plan: sorted on a database
            # this small, where approvals then never cross, but hashed on a large one (a
            # HashAggregate, whose order varies with the other cells it holds). Sorting off,
            # the planner chooses here what it chooses there.
            await session.execute(text("SELECT set_config('enable_sort', 'off', false)"))
            result = await schema.execute(
                mutation("approvePlan", "ApprovePlanInput"),
                variable_values={
                    "input": {**plan, "decisionNumber": "7-QĐ/TU", "decisionDate": "2026-11-21"}
                },
                context_value=context(world, session, "approver"),
            )
        if result.errors:
            return str((result.errors[0].extensions or {}).get("code"))
        assert result.data is not None
        return str(result.data["approvePlan"]["__typename"])

    return Counter(await asyncio.gather(*(approve(p) for p in plans)))


def context(world: World, session: AsyncSession, who: str) -> Context:
    return Context(
        session=session,
        now=NOW,
        access=world.access,
        principal=world.people[who],
        rule_sets=RULE_SETS,
        request_id="race",
    )
