"""Fixtures of the tests that need committed data: a database of their own."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest
import strawberry
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

import db
from api import reference_data
from api.unit_lists import datasets, read_rows
from db import migrate, persons as persons_db
from db.reference import load_reference
from db.unit_import import import_units
from planning.access import Principal, Role
from planning.units import UnitKind
from schema.access.services import AccessServices
from schema.context import Context
from schema.node import to_global_id
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
