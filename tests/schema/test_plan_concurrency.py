"""Caps and transitions hold under real concurrency: many requests, each on its own connection.

Runs on a database of its own, because the racing transactions must commit.
"""

from __future__ import annotations

import asyncio
from collections import Counter

from sqlalchemy import func, select

from db import plans as plans_db
from db.plan_models import PlanEntry, PlanEvent
from schema.node import row_id_of
from tests.schema.conftest import World, new_plan


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
