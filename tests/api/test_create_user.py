"""Creating an account: the CLI (`quyhoach create-user`) and the `createUser` mutation are one
implementation (schema/access/accounts.py), so they refuse and record the same way."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api import operator
from db.models import AuditEvent, RoleGrant
from planning.access import Principal, Role
from schema.access.services import AccessServices
from schema.node import to_global_id
from tests.conftest import NOW, Runner
from tests.factories import make_user, unit

GOOD_PASSWORD = "Hạ Long bay 2026 ok"
CREATE_USER = """
mutation ($input: CreateUserInput!) {
  createUser(input: $input) {
    __typename
    ... on UserPayload { user { id username } }
    ... on ValidationFailed { problems { code field message } }
  }
}
"""

# A door takes (username, password) and answers the problems' codes, or [] once created.
Door = Callable[[str, str], Awaitable[list[str]]]


@pytest.fixture
async def province_admin(session: AsyncSession, access: AccessServices) -> Principal:
    _, principal = await make_user(session, access, "admin.qn", unit_code="22", roles=[Role.ADMIN])
    return principal


@pytest.fixture(params=["cli", "mutation"])
def door(
    request: pytest.FixtureRequest,
    run: Runner,
    session: AsyncSession,
    access: AccessServices,
    province_admin: Principal,
) -> Door:
    async def cli(username: str, password: str) -> list[str]:
        try:
            await operator.create_user(
                session,
                access,
                username=username,
                password=password,
                full_name="Lê Thị Hoa",
                unit_code="07132",
                at=NOW.date(),
                roles=[Role.CLERK],
                now=NOW,
            )
        except operator.AccountRefused as refused:
            return [p.code for p in refused.problems]
        return []

    async def mutation(username: str, password: str) -> list[str]:
        commune = await unit(session, "07132")
        variables = {
            "input": {
                "username": username,
                "password": password,
                "fullName": "Lê Thị Hoa",
                "unit": to_global_id("Unit", commune.id),
            }
        }
        answer: Any = (await run.as_(province_admin).data(CREATE_USER, variables))["createUser"]
        return [p["code"] for p in answer.get("problems", [])]

    return cli if request.param == "cli" else mutation


async def test_a_good_account_is_created_with_its_audit_event(
    door: Door, session: AsyncSession
) -> None:
    assert await door("hoa.le", GOOD_PASSWORD) == []

    event = await session.scalar(select(AuditEvent).where(AuditEvent.action == "create_user"))
    assert event is not None
    assert event.after is not None
    assert event.after["username"] == "hoa.le"


@pytest.mark.parametrize(
    ("username", "password", "codes"),
    [
        ("hoa.le", "short 1", ["PASSWORD_TOO_SHORT"]),
        ("hoa.le", "hoa.le and more 2026", ["PASSWORD_CONTAINS_USERNAME"]),
        ("hoa le!", "password1234", ["BAD_USERNAME", "PASSWORD_TOO_COMMON"]),
    ],
)
async def test_both_doors_refuse_a_bad_account_alike(
    door: Door, username: str, password: str, codes: list[str]
) -> None:
    assert await door(username, password) == codes


async def test_both_doors_refuse_a_taken_username_whatever_its_case(door: Door) -> None:
    assert await door("hoa.le", GOOD_PASSWORD) == []

    assert await door("HOA.LE", GOOD_PASSWORD) == ["USERNAME_TAKEN"]
    # Every problem at once, so the operator or admin fixes them in one go.
    assert await door("hoa.le", "short 1") == ["PASSWORD_TOO_SHORT", "USERNAME_TAKEN"]


async def test_the_cli_names_an_unknown_unit_with_the_other_problems(
    session: AsyncSession, access: AccessServices
) -> None:
    with pytest.raises(operator.AccountRefused) as refused:
        await operator.create_user(
            session,
            access,
            username="x.y",
            password="short",
            full_name="X",
            unit_code="99",
            at=NOW.date(),
            roles=[],
            now=NOW,
        )

    assert [p.code for p in refused.value.problems] == ["UNKNOWN_UNIT", "PASSWORD_TOO_SHORT"]
    assert f"no unit has code 99 on {NOW.date()}" in str(refused.value)


async def test_the_cli_grants_its_roles_without_a_granter(
    session: AsyncSession, access: AccessServices
) -> None:
    user_id = await operator.create_user(
        session,
        access,
        username="root.admin",
        password=GOOD_PASSWORD,
        full_name="Quản trị",
        unit_code="VN",
        at=NOW.date(),
        roles=[Role.ADMIN, Role.VIEWER],
        now=NOW,
    )

    grants = (await session.scalars(select(RoleGrant).where(RoleGrant.user_id == user_id))).all()
    assert sorted((g.role.value, g.granted_by) for g in grants) == [
        ("ADMIN", None),
        ("VIEWER", None),
    ]
