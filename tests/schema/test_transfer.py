"""Transferring a cadre (điều động): the receiving province's admin takes the person in; the
unit left stays in the person's history; the person's plan entries stay with their planning
units (DOMAIN.md §9.14); refused outside the admin's reach and into a closed unit."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import AuditEvent
from planning.access import Principal, Role
from planning.units import UnitKind
from schema.access.services import AccessServices
from schema.node import row_id_of, to_global_id
from tests.conftest import Runner
from tests.factories import make_user, unit
from tests.schema.plan_helpers import call, officials, person, position

TRANSFER = """
mutation ($input: TransferPersonInput!) {
  transferPerson(input: $input) {
    __typename
    ... on PersonPayload { person { id fullName version unit { code }
                                    unitHistory { unit { code } validFrom validTo reason } } }
    ... on ValidationFailed { problems { code field message values { name value } } }
    ... on NotAllowed { code message }
    ... on NotFound { id }
    ... on StaleVersion { currentVersion }
    ... on IdempotencyKeyReused { message }
  }
}
"""
HISTORY = """
query ($id: ID!) { node(id: $id) { ... on Person { unit { code }
  unitHistory { unit { code } validFrom validTo } } } }
"""
PLAN = """
query ($id: ID!) { node(id: $id) { ... on Plan { planningUnit { code }
  entries { person { id } position { code } } } } }
"""
TODAY = "2026-11-21"


async def admin_of(
    session: AsyncSession, access: AccessServices, code: str, name: str
) -> Principal:
    _, principal = await make_user(session, access, name, unit_code=code, roles=[Role.ADMIN])
    return principal


@pytest.fixture
async def cadre(session: AsyncSession) -> str:
    """A cadre of commune 07132 of Quảng Ninh (22), moving to Hà Nội (01)."""
    return await person(session, "07132", "022084005678", "Lê Văn Tâm")


@pytest.fixture
async def hanoi_admin(session: AsyncSession, access: AccessServices) -> Principal:
    return await admin_of(session, access, "01", "admin.hanoi")


async def gid(session: AsyncSession, code: str, at: date | None = None) -> str:
    return to_global_id("Unit", (await unit(session, code, at)).id)


async def transfer(run: Runner, **input: Any) -> dict[str, Any]:
    return dict((await run.data(TRANSFER, {"input": input}))["transferPerson"])


async def test_the_receiving_admin_moves_the_person_and_the_old_unit_stays_in_the_history(
    run: Runner, session: AsyncSession, hanoi_admin: Principal, cadre: str
) -> None:
    ba_dinh = await gid(session, "00004")

    moved = await transfer(
        run.as_(hanoi_admin), person=cadre, toUnit=ba_dinh, reason="QĐ 12-QĐ/TU điều động"
    )

    assert moved["__typename"] == "PersonPayload"
    assert moved["person"]["unit"] == {"code": "00004"}
    assert moved["person"]["version"] == 2
    assert moved["person"]["unitHistory"] == [
        {
            "unit": {"code": "07132"},
            "validFrom": None,
            "validTo": TODAY,
            "reason": "QĐ 12-QĐ/TU điều động",
        },
        {"unit": {"code": "00004"}, "validFrom": TODAY, "validTo": None, "reason": None},
    ]
    [event] = await session.scalars(
        select(AuditEvent).where(
            AuditEvent.action == "transfer_person",
            AuditEvent.subject_id == row_id_of(cadre, "Person"),
        )
    )
    assert event.subject_type == "person"
    assert event.actor_user_id == hanoi_admin.user_id
    assert event.reason == "QĐ 12-QĐ/TU điều động"
    assert event.after == {"unit_id": row_id_of(ba_dinh, "Unit")}


async def test_plan_entries_stay_with_their_planning_unit(
    run: Runner, session: AsyncSession, access: AccessServices, hanoi_admin: Principal, cadre: str
) -> None:
    people = await officials(session, access, commune="07132", approver="22", suffix="tr")
    clerk = run.as_(people["clerk"])
    plan = (
        await call(
            clerk,
            "createPlan",
            "CreatePlanInput",
            unit=await gid(session, "07132"),
            cycle="2030-2035",
            kind="NEXT_TERM",
            managedBy="PROVINCE",
        )
    )["plan"]
    vice_chair = await position(session, "PCT_UBND", managed_by=UnitKind.PROVINCE)
    added = await call(
        clerk,
        "addPlanEntry",
        "AddPlanEntryInput",
        plan=plan["id"],
        version=plan["version"],
        person=cadre,
        position=vice_chair,
        tier="T1",
        ballots=[{"step": "BTV", "summoned": 11, "present": 11, "votesFor": 9}],
    )
    assert added["__typename"] == "PlanPayload"

    moved = await transfer(
        run.as_(hanoi_admin), person=cadre, toUnit=await gid(session, "00004"), reason="Điều động"
    )

    assert moved["__typename"] == "PersonPayload"
    seen = (await run.as_(hanoi_admin).data(HISTORY, {"id": cadre}))["node"]
    assert seen["unit"] == {"code": "00004"}
    planned = (await run.as_(people["approver"]).data(PLAN, {"id": plan["id"]}))["node"]
    assert planned == {
        "planningUnit": {"code": "07132"},
        "entries": [{"person": {"id": cadre}, "position": {"code": "PCT_UBND"}}],
    }


async def test_a_unit_outside_the_admins_reach_is_not_allowed(
    run: Runner, session: AsyncSession, access: AccessServices, hanoi_admin: Principal, cadre: str
) -> None:
    clerk = (await make_user(session, access, "clerk.hn", unit_code="01", roles=[Role.CLERK]))[1]
    ha_long = await gid(session, "06688")  # a commune of Quảng Ninh, not of Hà Nội
    ba_dinh = await gid(session, "00004")

    outside = await transfer(run.as_(hanoi_admin), person=cadre, toUnit=ha_long, reason="x")
    not_admin = await transfer(run.as_(clerk), person=cadre, toUnit=ba_dinh, reason="x")

    assert outside["__typename"] == not_admin["__typename"] == "NotAllowed"
    assert outside["code"] == "NOT_ALLOWED"
    national = run.as_(await admin_of(session, access, "VN", "admin.vn"))
    assert (await national.data(HISTORY, {"id": cadre}))["node"]["unit"] == {"code": "07132"}


async def test_a_closed_unit_takes_no_one(
    run: Runner, session: AsyncSession, access: AccessServices, cadre: str
) -> None:
    national = run.as_(await admin_of(session, access, "VN", "admin.national"))
    old_province = await gid(session, "22", date(2025, 6, 30))  # the three-tier tree's row

    closed = await transfer(national, person=cadre, toUnit=old_province, reason="Điều động")

    assert closed["__typename"] == "ValidationFailed"
    assert [(p["code"], p["field"]) for p in closed["problems"]] == [("UNIT_CLOSED", "toUnit")]
    assert "30/06/2025" in closed["problems"][0]["message"]
    # where to send the cadre instead: the province that continues it
    assert {"name": "successors", "value": "Tỉnh Quảng Ninh (22)"} in closed["problems"][0][
        "values"
    ]


@pytest.mark.parametrize(
    ("unit_code", "reason", "codes"),
    [
        ("07132", "Điều động", ["SAME_UNIT"]),
        ("00004", "   ", ["REASON_REQUIRED"]),
    ],
)
async def test_a_transfer_needs_a_new_unit_and_a_reason(
    run: Runner,
    session: AsyncSession,
    access: AccessServices,
    cadre: str,
    unit_code: str,
    reason: str,
    codes: list[str],
) -> None:
    national = run.as_(await admin_of(session, access, "VN", "admin.checks"))

    refused = await transfer(
        national, person=cadre, toUnit=await gid(session, unit_code), reason=reason
    )

    assert [p["code"] for p in refused["problems"]] == codes


async def test_a_stale_version_and_a_retry(
    run: Runner, session: AsyncSession, hanoi_admin: Principal, cadre: str
) -> None:
    admin = run.as_(hanoi_admin)
    ba_dinh, ngoc_ha = await gid(session, "00004"), await gid(session, "00008")
    move = {"person": cadre, "toUnit": ba_dinh, "reason": "Điều động", "idempotencyKey": "t-1"}

    stale = await transfer(admin, **{**move, "version": 7, "idempotencyKey": None})
    first = await transfer(admin, **move)
    retried = await transfer(admin, **move)
    reused = await transfer(admin, **{**move, "toUnit": ngoc_ha})
    onwards = await transfer(admin, person=cadre, toUnit=ngoc_ha, reason="Luân chuyển", version=2)

    assert stale == {"__typename": "StaleVersion", "currentVersion": 1}
    assert retried == first
    assert reused["__typename"] == "IdempotencyKeyReused"
    assert [(p["unit"]["code"], p["validFrom"], p["validTo"]) for p in
            onwards["person"]["unitHistory"]] == [
        ("07132", None, TODAY),
        ("00004", TODAY, TODAY),
        ("00008", TODAY, None),
    ]  # fmt: skip


async def test_an_unknown_person_or_unit_is_not_found(
    run: Runner, session: AsyncSession, hanoi_admin: Principal, cadre: str
) -> None:
    admin = run.as_(hanoi_admin)
    nobody = to_global_id("Person", 10**12)
    nowhere = to_global_id("Unit", 10**12)

    assert (await transfer(admin, person=nobody, toUnit=nowhere, reason="x"))["id"] == nobody
    assert (await transfer(admin, person=cadre, toUnit=nowhere, reason="x"))["id"] == nowhere
