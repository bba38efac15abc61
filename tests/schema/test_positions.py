"""Positions a client can discover: the titles a unit's plan may hold before and after
`createPlan`, exactly those `addPlanEntry` accepts, each with its province's seats and rank,
its quota (Q1, Q2) and how many the plan plans; hidden like an unknown unit from outsiders."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.plan_models import Position
from planning.access import Principal, Role
from planning.units import UnitKind
from schema.access.services import AccessServices
from schema.node import to_global_id
from tests.conftest import Runner
from tests.factories import make_user, unit
from tests.schema.plan_helpers import call, officials, person, position

FIELDS = "id code title body rank seats committeeSeat managedBy politicalTheoryRequired"
CHOICES = f"""
query ($unit: ID!, $managedBy: UnitKind!) {{
  positions(unit: $unit, managedBy: $managedBy) {{
    position {{ {FIELDS} }} quota {{ least most rule }}
  }}
}}
"""
PLAN_POSITIONS = f"""
query ($plan: ID!) {{
  node(id: $plan) {{
    ... on Plan {{
      positions {{ position {{ {FIELDS} }} quota {{ least most rule }} planned }}
      entries {{ position {{ id seats rank }} }}
    }}
  }}
}}
"""
SET_SEATS = """
mutation ($input: SetPositionSeatsInput!) {
  setPositionSeats(input: $input) { __typename }
}
"""
BALLOTS = [{"step": "BTV", "summoned": 11, "present": 11, "votesFor": 9}]


class Commune:
    """A commune of province 22 with its officials and a draft plan for provincial titles."""

    def __init__(self, run: Runner, people: dict[str, Principal], unit_id: str) -> None:
        self.run, self.people, self.unit = run, people, unit_id
        self.plan: dict[str, Any] = {}

    async def create_plan(self) -> None:
        created = await call(
            self.run.as_(self.people["clerk"]),
            "createPlan",
            "CreatePlanInput",
            unit=self.unit,
            cycle="2030-2035",
            kind="NEXT_TERM",
            managedBy="PROVINCE",
        )
        self.plan = created["plan"]

    async def add(self, person_id: str, position_id: str) -> Any:
        result = await call(
            self.run.as_(self.people["clerk"]),
            "addPlanEntry",
            "AddPlanEntryInput",
            plan=self.plan["id"],
            version=self.plan["version"],
            person=person_id,
            position=position_id,
            tier="T1",
            ballots=BALLOTS,
        )
        if result["__typename"] == "PlanPayload":
            self.plan = result["plan"]
        return result

    async def positions(self, run: Runner | None = None) -> Any:
        reader = run or self.run.as_(self.people["clerk"])
        data = await reader.data(PLAN_POSITIONS, {"plan": self.plan["id"]})
        return data["node"]


@pytest.fixture
async def commune(run: Runner, session: AsyncSession, access: AccessServices) -> Commune:
    people = await officials(session, access, commune="07132", approver="22", suffix="pos")
    home = await unit(session, "07132")
    return Commune(run, people, to_global_id("Unit", home.id))


@pytest.fixture
async def admin(run: Runner, session: AsyncSession, access: AccessServices) -> Runner:
    """The national admin: manages reference data everywhere, reads every plan."""
    _, principal = await make_user(session, access, "admin.positions", roles=[Role.ADMIN])
    return run.as_(principal)


async def choices(run: Runner, unit_id: str, managed_by: str = "PROVINCE") -> Any:
    data = await run.data(CHOICES, {"unit": unit_id, "managedBy": managed_by})
    return data["positions"]


async def set_seats(admin: Runner, session: AsyncSession, code: str, seats: int, rank: int) -> str:
    """The province 22's own seats and rank for a commune title managed by the province."""
    position_id = await position(session, code, managed_by=UnitKind.PROVINCE)
    province = to_global_id("Unit", (await unit(session, "22")).id)
    changed = await admin.data(
        SET_SEATS,
        {"input": {"position": position_id, "province": province, "seats": seats, "rank": rank}},
    )
    assert changed["setPositionSeats"]["__typename"] == "PositionPayload"
    return position_id


async def test_a_plan_lists_exactly_the_titles_add_plan_entry_accepts(
    commune: Commune, session: AsyncSession
) -> None:
    await commune.create_plan()
    listed = {p["position"]["id"] for p in (await commune.positions())["positions"]}
    catalogue = [to_global_id("Position", i) for i in await session.scalars(select(Position.id))]

    refused = set()
    for n, position_id in enumerate(catalogue):
        person_id = await person(session, "07132", f"02208400{n:04d}", f"Người {n}")
        outcome = await commune.add(person_id, position_id)
        if outcome["__typename"] == "NotFound":
            refused.add(position_id)
        else:
            assert outcome["__typename"] == "PlanPayload", outcome

    assert listed == set(catalogue) - refused
    assert len(listed) == 11  # the commune titles the province manages since 1 July 2025


async def test_the_choice_before_create_plan_is_the_plans_list(commune: Commune) -> None:
    before = await choices(commune.run.as_(commune.people["clerk"]), commune.unit)
    await commune.create_plan()
    after = (await commune.positions(commune.run.as_(commune.people["clerk"])))["positions"]

    assert before == [{k: v for k, v in p.items() if k != "planned"} for p in after]
    ranks = [p["position"]["rank"] for p in before]
    assert ranks == sorted(ranks)  # the highest titles first: the secretary (bậc 6)
    assert before[0]["position"]["code"] == "BI_THU"
    assert {p["position"]["body"] for p in before} == {"PARTY", "STATE", "FRONT"}


async def test_seats_and_rank_are_the_provinces_own_wherever_the_position_is_read(
    commune: Commune, admin: Runner, session: AsyncSession
) -> None:
    vice_chair = await set_seats(admin, session, "PCT_UBND", seats=1, rank=7)
    await commune.create_plan()
    await commune.add(await person(session, "07132", "022084000001", "Lê Văn A"), vice_chair)
    elsewhere = to_global_id("Unit", (await unit(session, "00004")).id)  # Hà Nội

    listed = {p["position"]["id"]: p for p in await choices(admin, commune.unit)}
    planned = {p["position"]["id"]: p for p in (await commune.positions(admin))["positions"]}
    [entry] = (await commune.positions(admin))["entries"]
    in_ha_noi = {p["position"]["id"]: p for p in await choices(admin, elsewhere)}
    alone = await admin.data(
        "query ($id: ID!) { node(id: $id) { ... on Position { seats rank } } }", {"id": vice_chair}
    )

    own = {"least": 0, "most": 3, "rule": "Q2"}  # 3 people for its one seat
    assert (listed[vice_chair]["position"]["seats"], listed[vice_chair]["quota"]) == (1, own)
    assert (planned[vice_chair]["position"]["rank"], planned[vice_chair]["quota"]) == (7, own)
    assert entry["position"] == {"id": vice_chair, "seats": 1, "rank": 7}
    assert in_ha_noi[vice_chair]["position"]["seats"] > 1  # another province keeps the catalogue's
    assert alone["node"] == {
        "seats": in_ha_noi[vice_chair]["position"]["seats"],
        "rank": in_ha_noi[vice_chair]["position"]["rank"],
    }


async def test_committee_quotas_follow_the_coefficient(
    commune: Commune, admin: Runner, session: AsyncSession
) -> None:
    standing = await set_seats(admin, session, "BTV", seats=15, rank=3)

    listed = {p["position"]["id"]: p for p in await choices(admin, commune.unit)}

    assert listed[standing]["position"]["committeeSeat"] is True
    # DOMAIN.md §6.1 Q1: a standing committee of 15 plans 15 to 23 people.
    assert listed[standing]["quota"] == {"least": 15, "most": 23, "rule": "Q1"}


async def test_planned_counts_the_entries_that_stand(
    commune: Commune, session: AsyncSession
) -> None:
    vice_chair = await position(session, "PCT_UBND", managed_by=UnitKind.PROVINCE)
    await commune.create_plan()
    for n in range(3):
        await commune.add(
            await person(session, "07132", f"02208410{n:04d}", f"Người {n}"), vice_chair
        )
    removed = commune.plan["entries"][0]["id"]
    await call(
        commune.run.as_(commune.people["clerk"]),
        "removePlanEntry",
        "RemovePlanEntryInput",
        entry=removed,
        version=commune.plan["version"],
        reason="Chuyển công tác",
    )

    planned = {p["position"]["id"]: p["planned"] for p in (await commune.positions())["positions"]}

    assert planned[vice_chair] == 2
    assert sum(planned.values()) == 2


async def test_outsiders_get_null_as_for_an_unknown_unit(
    commune: Commune, run: Runner, session: AsyncSession, access: AccessServices
) -> None:
    _, ha_noi = await make_user(
        session, access, "viewer.hanoi", unit_code="01", roles=[Role.VIEWER]
    )
    _, neighbour = await make_user(
        session, access, "clerk.neighbour", unit_code="07135", roles=[Role.CLERK]
    )
    unknown = to_global_id("Unit", 2**62)

    for outsider in (ha_noi, neighbour):
        assert await choices(run.as_(outsider), commune.unit) is None
        assert await choices(run.as_(outsider), unknown) is None
    assert await choices(run.as_(commune.people["clerk"]), unknown) is None
    assert await choices(run.as_(commune.people["clerk"]), "not an id") is None
    assert await choices(run.as_(commune.people["clerk"]), commune.unit)
