"""Persons of a split predecessor after a reorganisation: they wait on the new province, which
lists them (`personsAwaitingUnit`) and gives each one of the successors of the commune they came
from (`assignPersonUnit`); refused for another unit, twice, or outside the admin's reach.

Set up inside: no HTTP call can record a person on an old commune before 2025 (the contract
suite says so), so the person is added at the old date and the reform's `follow` step run."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.unit_lists import reforms
from db.models import AuditEvent
from db.reorganisation import follow
from planning.access import Principal, Role
from schema.access.services import AccessServices
from schema.node import to_global_id
from tests.conftest import NOW, Runner
from tests.factories import make_user, unit
from tests.schema.plan_helpers import person

OLD = date(2025, 6, 30)
EFFECTIVE = reforms()["2025"].effective
AWAITING = """
query ($unit: ID!, $after: String) {
  personsAwaitingUnit(unit: $unit, first: 1, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { person { id fullName unit { code } } fromUnit { code }
                   effective candidates { id code } } }
  }
}
"""
ASSIGN = """
mutation ($input: AssignPersonUnitInput!) {
  assignPersonUnit(input: $input) {
    __typename
    ... on PersonPayload { person { version unit { code }
                                    unitHistory { unit { code } validFrom validTo reason } } }
    ... on ValidationFailed { problems { code field message } }
    ... on NotAllowed { code }
    ... on NotFound { id }
  }
}
"""


@pytest.fixture
async def waiting(session: AsyncSession) -> list[str]:
    """Two persons of Phường Điện Biên (00019, split between four new wards of Hà Nội)."""
    ids = [
        await person(session, "00019", "001075000001", "Vũ Thị Hoa", at=OLD, sex="FEMALE"),
        await person(session, "00019", "001075000002", "Vũ Văn Hùng", at=OLD),
    ]
    moved = await follow(session, effective=EFFECTIVE, actor_user_id=None, now=NOW)
    assert [m.awaiting for m in moved] == [True, True]
    return ids


async def admin(session: AsyncSession, access: AccessServices, code: str) -> Principal:
    _, principal = await make_user(
        session, access, f"admin.{code}", unit_code=code, roles=[Role.ADMIN]
    )
    return principal


async def gid(session: AsyncSession, code: str) -> str:
    return to_global_id("Unit", (await unit(session, code)).id)


async def assign(run: Runner, **input: Any) -> dict[str, Any]:
    return dict((await run.data(ASSIGN, {"input": input}))["assignPersonUnit"])


async def test_the_province_lists_them_with_their_candidates_page_by_page(
    run: Runner, session: AsyncSession, access: AccessServices, waiting: list[str]
) -> None:
    hanoi = await admin(session, access, "01")

    first = (await run.as_(hanoi).data(AWAITING, {"unit": await gid(session, "01")}))[
        "personsAwaitingUnit"
    ]
    cursor = first["pageInfo"]["endCursor"]
    second = (
        await run.as_(hanoi).data(AWAITING, {"unit": await gid(session, "01"), "after": cursor})
    )["personsAwaitingUnit"]

    assert first["totalCount"] == 2
    assert first["pageInfo"]["hasNextPage"]
    node = first["edges"][0]["node"]
    assert node["person"] == {"id": waiting[0], "fullName": "Vũ Thị Hoa", "unit": {"code": "01"}}
    assert node["fromUnit"] == {"code": "00019"}
    assert node["effective"] == "2025-07-01"
    assert [c["code"] for c in node["candidates"]] == ["00004", "00070", "00190", "00196"]
    assert [e["node"]["person"]["id"] for e in second["edges"]] == [waiting[1]]
    assert not second["pageInfo"]["hasNextPage"]


async def test_another_province_sees_none_of_them(
    run: Runner, session: AsyncSession, access: AccessServices, waiting: list[str]
) -> None:
    quang_ninh = await admin(session, access, "22")

    found = (await run.as_(quang_ninh).data(AWAITING, {"unit": await gid(session, "01")}))[
        "personsAwaitingUnit"
    ]

    assert found["totalCount"] == 0
    assert found["edges"] == []


async def test_the_admin_assigns_a_successor_and_the_wait_stays_in_the_history(
    run: Runner, session: AsyncSession, access: AccessServices, waiting: list[str]
) -> None:
    hanoi = await admin(session, access, "01")

    done = await assign(
        run.as_(hanoi), person=waiting[0], unit=await gid(session, "00070"), reason="QĐ 5-QĐ/TU"
    )
    twice = await assign(run.as_(hanoi), person=waiting[0], unit=await gid(session, "00004"))

    assert done["__typename"] == "PersonPayload", done
    assert done["person"]["unit"] == {"code": "00070"}
    assert done["person"]["version"] == 3  # moved by the reform, then assigned
    assert done["person"]["unitHistory"] == [
        {
            "unit": {"code": "00019"},
            "validFrom": None,
            "validTo": "2025-07-01",
            "reason": "Sắp xếp đơn vị hành chính / reorganisation of administrative units",
        },
        {
            "unit": {"code": "01"},
            "validFrom": "2025-07-01",
            "validTo": "2026-11-21",
            "reason": "QĐ 5-QĐ/TU",
        },
        {"unit": {"code": "00070"}, "validFrom": "2026-11-21", "validTo": None, "reason": None},
    ]
    assert twice["__typename"] == "ValidationFailed"
    assert [p["code"] for p in twice["problems"]] == ["ALREADY_ASSIGNED"]
    assert "Phường Hoàn Kiếm" in twice["problems"][0]["message"]
    events = (
        await session.scalars(select(AuditEvent).where(AuditEvent.action == "assign_person_unit"))
    ).all()
    assert [(e.after or {}).get("unit_id") for e in events] == [(await unit(session, "00070")).id]
    left = (await run.as_(hanoi).data(AWAITING, {"unit": await gid(session, "01")}))[
        "personsAwaitingUnit"
    ]
    assert left["totalCount"] == 1


async def test_a_unit_that_does_not_continue_the_old_commune_is_refused(
    run: Runner, session: AsyncSession, access: AccessServices, waiting: list[str]
) -> None:
    hanoi = await admin(session, access, "01")

    refused = await assign(run.as_(hanoi), person=waiting[0], unit=await gid(session, "00008"))

    assert refused["__typename"] == "ValidationFailed"
    assert [(p["code"], p["field"]) for p in refused["problems"]] == [("NOT_ITS_SUCCESSOR", "unit")]


async def test_a_person_outside_the_admins_reach_is_unknown_to_it(
    run: Runner, session: AsyncSession, access: AccessServices, waiting: list[str]
) -> None:
    quang_ninh = await admin(session, access, "22")

    refused = await assign(run.as_(quang_ninh), person=waiting[0], unit=await gid(session, "00070"))

    # NotAllowed would tell Quảng Ninh that Hà Nội keeps such a person (issue 13).
    assert refused == {"__typename": "NotFound", "id": waiting[0]}


async def test_a_person_who_does_not_wait_is_refused(
    run: Runner, session: AsyncSession, access: AccessServices
) -> None:
    hanoi = await admin(session, access, "01")
    settled = await person(session, "00070", "001075000003", "Đỗ Văn An")

    refused = await assign(run.as_(hanoi), person=settled, unit=await gid(session, "00004"))

    assert [p["code"] for p in refused["problems"]] == ["NOT_AWAITING_UNIT"]
