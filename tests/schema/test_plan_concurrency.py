"""Caps and transitions hold under real concurrency: many requests, each on its own connection.

Runs on a database of its own, because the racing transactions must commit.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest
import strawberry
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

import db
from api import reference_data
from api.unit_lists import datasets, read_rows
from db import migrate, persons as persons_db, plans as plans_db
from db.plan_models import PlanEntry, PlanEvent
from db.reference import load_reference
from db.unit_import import import_units
from planning.access import Principal, Role
from planning.units import UnitKind
from schema.access.services import AccessServices
from schema.context import Context
from schema.node import row_id_of, to_global_id
from schema.root import schema
from tests.conftest import NOW, RULE_SETS, fresh_database
from tests.factories import make_user, unit
from tests.schema.plan_helpers import mutation, position


@dataclass
class World:
    sessions: async_sessionmaker[AsyncSession]
    access: AccessServices
    people: dict[str, Principal]
    persons: list[strawberry.ID]
    vice_chair: str
    commune: str

    async def call(self, who: str, name: str, input_type: str, **input: Any) -> dict[str, Any]:
        async with self.sessions() as session:
            context = Context(
                session=session,
                now=NOW,
                access=self.access,
                principal=self.people[who],
                rule_sets=RULE_SETS,
                request_id="race",
            )
            result = await schema.execute(
                mutation(name, input_type), variable_values={"input": input}, context_value=context
            )
            assert result.errors is None, result.errors
            assert result.data is not None
            return dict(result.data[name])


@pytest.fixture
async def world(server_url: str, access: AccessServices) -> AsyncIterator[World]:
    async with fresh_database(server_url, "quyhoach_race") as url:
        engine = db.create_engine(url, pool_size=25)
        await migrate.upgrade(engine)
        sessions = db.create_sessionmaker(engine)
        async with sessions() as session:
            two_tier = datasets()["two-tier"]
            await import_units(
                session, read_rows(two_tier.path), valid_from=two_tier.valid_from, valid_to=None
            )
            await load_reference(
                session,
                positions=reference_data.read("positions"),
                cycles=reference_data.read("cycles"),
                holidays=reference_data.read("holidays"),
            )
            people = {}
            for role, code in (
                (Role.CLERK, "07132"),
                (Role.APPROVER, "22"),
                (Role.APPRAISER, "22"),
                (Role.HEAD, "07132"),
            ):
                _, people[role.value.lower()] = await make_user(
                    session, access, f"{role.value.lower()}.race", unit_code=code, roles=[role]
                )
            home = await unit(session, "07132")
            persons = []
            for n in range(12):
                row = await persons_db.add(
                    session,
                    national_id=f"0220840001{n:02d}",
                    full_name=f"Người Thứ {n}",
                    sex="MALE",
                    birth_year=1985,
                    birth_month=1,
                    unit_id=home.id,
                    current_rank=9,
                    political_standard_ok=True,
                )
                persons.append(to_global_id("Person", row.id))
            vice_chair = await position(session, "PCT_UBND", managed_by=UnitKind.PROVINCE)
            await session.commit()
        yield World(sessions, access, people, persons, vice_chair, to_global_id("Unit", home.id))
        await engine.dispose()


async def new_plan(world: World) -> dict[str, Any]:
    created = await world.call(
        "clerk",
        "createPlan",
        "CreatePlanInput",
        unit=world.commune,
        cycle="2030-2035",
        kind="NEXT_TERM",
        managedBy="PROVINCE",
    )
    return dict(created["plan"])


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
