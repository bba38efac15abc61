"""Decentralised administration: only inside one's subtree, only roles one holds, never oneself."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import AuditEvent
from planning.access import Principal, Role
from schema.access.services import AccessServices
from schema.node import to_global_id
from tests.conftest import Runner
from tests.factories import make_user, unit

CREATE_USER = """
mutation ($input: CreateUserInput!) {
  createUser(input: $input) {
    __typename
    ... on UserPayload { user { id username unit { code } grants { role } } }
    ... on NotAllowed { code message }
    ... on ValidationFailed { problems { code field } }
  }
}
"""
GRANT = """
mutation ($input: GrantRoleInput!) {
  grantRole(input: $input) {
    __typename
    ... on GrantPayload { grant { id role unit { code } revokedAt } }
    ... on NotAllowed { code }
    ... on NotFound { id }
  }
}
"""
REVOKE = """
mutation ($input: RevokeRoleInput!) {
  revokeRole(input: $input) {
    __typename
    ... on GrantPayload { grant { revokedAt } }
    ... on NotAllowed { code }
  }
}
"""

GOOD_PASSWORD = "Hạ Long bay 2026 ok"


@pytest.fixture
async def province_admin(session: AsyncSession, access: AccessServices) -> Principal:
    """An admin of Tỉnh Quảng Ninh (two-tier) who also holds CLERK and VIEWER there."""
    _, principal = await make_user(
        session, access, "admin.qn", unit_code="22", roles=[Role.ADMIN, Role.CLERK, Role.VIEWER]
    )
    return principal


async def new_user(
    run: Runner, unit_code: str, username: str = "clerk.quangyen", **extra: Any
) -> Any:
    target = await unit(run.session, unit_code)
    variables = {
        "input": {
            "username": username,
            "password": GOOD_PASSWORD,
            "fullName": "Lê Thị Hoa",
            "unit": to_global_id("Unit", target.id),
            **extra,
        }
    }
    return (await run.data(CREATE_USER, variables))["createUser"]


async def grant(run: Runner, user_id: str, role: str, unit_code: str) -> Any:
    target = await unit(run.session, unit_code)
    variables = {"input": {"user": user_id, "role": role, "unit": to_global_id("Unit", target.id)}}
    return (await run.data(GRANT, variables))["grantRole"]


class TestCreateUser:
    async def test_creates_an_account_in_a_commune_of_the_province(
        self, run: Runner, province_admin: Principal, session: AsyncSession
    ) -> None:
        created = await new_user(run.as_(province_admin), "07132")

        assert created["__typename"] == "UserPayload"
        assert created["user"]["unit"] == {"code": "07132"}
        events = await session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "create_user")
        )
        assert events == 1

    async def test_refuses_a_unit_of_another_province(
        self, run: Runner, province_admin: Principal
    ) -> None:
        created = await new_user(run.as_(province_admin), "00004")  # a ward of Hà Nội

        assert created == {
            "__typename": "NotAllowed",
            "code": "NOT_ALLOWED",
            "message": created["message"],
        }

    @pytest.mark.parametrize(
        ("password", "code"),
        [
            ("short 1", "PASSWORD_TOO_SHORT"),
            ("password1234", "PASSWORD_TOO_COMMON"),
            ("aaaaaaaaaaaaaaaa", "PASSWORD_TOO_COMMON"),
            ("clerk.quangyen 2026!", "PASSWORD_CONTAINS_USERNAME"),
        ],
    )
    async def test_refuses_a_weak_password(
        self, run: Runner, province_admin: Principal, password: str, code: str
    ) -> None:
        created = await new_user(run.as_(province_admin), "07132", password=password)

        assert created["__typename"] == "ValidationFailed"
        assert {"code": code, "field": "password"} in created["problems"]

    async def test_refuses_a_taken_username(self, run: Runner, province_admin: Principal) -> None:
        await new_user(run.as_(province_admin), "07132", username="hoa.le")

        again = await new_user(run.as_(province_admin), "07132", username="HOA.LE")

        assert again["problems"] == [{"code": "USERNAME_TAKEN", "field": "username"}]

    async def test_a_viewer_may_not_create_accounts(
        self, run: Runner, session: AsyncSession, access: AccessServices
    ) -> None:
        _, viewer = await make_user(
            session, access, "viewer.qn", unit_code="22", roles=[Role.VIEWER]
        )

        assert (await new_user(run.as_(viewer), "07132"))["__typename"] == "NotAllowed"


class TestGrantRole:
    async def test_grants_a_role_the_admin_holds_inside_its_subtree(
        self, run: Runner, province_admin: Principal
    ) -> None:
        admin = run.as_(province_admin)
        user = (await new_user(admin, "07132"))["user"]

        granted = await grant(admin, user["id"], "CLERK", "07132")

        assert granted["__typename"] == "GrantPayload"
        assert granted["grant"]["role"] == "CLERK"
        assert (await grant(admin, user["id"], "CLERK", "07132"))["grant"]["id"] == granted[
            "grant"
        ]["id"]

    async def test_refuses_a_role_the_admin_does_not_hold(
        self, run: Runner, province_admin: Principal
    ) -> None:
        admin = run.as_(province_admin)
        user = (await new_user(admin, "07132"))["user"]

        assert await grant(admin, user["id"], "APPROVER", "07132") == {
            "__typename": "NotAllowed",
            "code": "ROLE_NOT_HELD",
        }

    async def test_refuses_a_unit_outside_the_subtree(
        self, run: Runner, province_admin: Principal
    ) -> None:
        admin = run.as_(province_admin)
        user = (await new_user(admin, "07132"))["user"]

        assert (await grant(admin, user["id"], "CLERK", "01"))["code"] == "NOT_ALLOWED"

    async def test_nobody_grants_themselves_more(
        self, run: Runner, province_admin: Principal
    ) -> None:
        assert province_admin.user_id is not None
        me = to_global_id("User", province_admin.user_id)

        assert (await grant(run.as_(province_admin), me, "CLERK", "07132"))["code"] == "SELF_GRANT"

    async def test_revoking_keeps_the_grant_in_the_history(
        self, run: Runner, province_admin: Principal
    ) -> None:
        admin = run.as_(province_admin)
        user = (await new_user(admin, "07132"))["user"]
        granted = (await grant(admin, user["id"], "CLERK", "07132"))["grant"]

        revoked = await admin.data(
            REVOKE, {"input": {"grant": granted["id"], "reason": "chuyển công tác"}}
        )

        assert revoked["revokeRole"]["grant"]["revokedAt"] is not None

    async def test_an_integrator_key_cannot_administer(
        self, run: Runner, province_admin: Principal
    ) -> None:
        key = Principal(user_id=None, api_key_id=7, name="key", grants=province_admin.grants)

        assert await run.as_(key).error_codes(
            CREATE_USER, {"input": {"username": "x", "password": "y", "fullName": "z", "unit": "u"}}
        ) == ["OFFICIALS_ONLY"]


class TestAuditTrail:
    async def test_refuses_updates_and_deletes(
        self, run: Runner, province_admin: Principal, session: AsyncSession
    ) -> None:
        await new_user(run.as_(province_admin), "07132")

        for statement in ("UPDATE audit_event SET reason = 'x'", "DELETE FROM audit_event"):
            with pytest.raises(DBAPIError, match="append-only"):
                async with session.begin_nested():
                    await session.execute(text(statement))
