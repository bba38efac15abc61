"""Bearer tokens over HTTP: only valid, current credentials reach data, and never a 500."""

from __future__ import annotations

import base64
import json
import uuid
from datetime import timedelta

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from planning.access import Role
from schema.access.services import AccessServices
from schema.node import to_global_id
from tests.conftest import NOW, log_in
from tests.factories import PASSWORD, make_user, unit

UNITS = {"query": "{ units(kind: PROVINCE, first: 1) { totalCount } }"}
USERS = {"query": "{ users { edges { node { username } } } }"}


def bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


def codes(response: httpx.Response) -> list[str]:
    return [e["extensions"]["code"] for e in response.json().get("errors", [])]


@pytest.fixture
async def viewer_token(
    anonymous: httpx.AsyncClient, session: AsyncSession, access: AccessServices
) -> str:
    await make_user(session, access, "viewer.qn", unit_code="22", roles=[Role.VIEWER])
    await session.commit()
    return str((await log_in(anonymous, "viewer.qn", PASSWORD))["accessToken"])


def forged(header: dict[str, object], claims: dict[str, object], signature: str = "") -> str:
    def part(value: dict[str, object]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    return f"{part(header)}.{part(claims)}.{signature}"


class TestBearerTokens:
    async def test_without_a_token_data_needs_a_login(self, anonymous: httpx.AsyncClient) -> None:
        response = await anonymous.post("/graphql", json=UNITS)

        assert codes(response) == ["UNAUTHENTICATED"]

    async def test_a_valid_token_reads(
        self, anonymous: httpx.AsyncClient, viewer_token: str
    ) -> None:
        response = await anonymous.post("/graphql", json=UNITS, headers=bearer(viewer_token))

        assert response.json() == {"data": {"units": {"totalCount": 34}}}

    @pytest.mark.parametrize(
        "authorization",
        [
            "Basic dXNlcjpwYXNz",
            "Bearer",
            "Bearer not-a-jwt",
            "Bearer "
            + forged(
                {"alg": "none", "typ": "JWT"}, {"sub": "1", "typ": "access", "exp": 4102444800}
            ),
            "Bearer "
            + forged(
                {"alg": "HS256", "typ": "JWT"},
                {"sub": "1", "typ": "access", "exp": 4102444800},
                "c2lnbmF0dXJl",
            ),
            "Bearer qh_1_short",
            "Bearer qh_99999_" + "A" * 43,
        ],
        ids=["basic", "empty", "garbage", "alg-none", "forged-signature", "bad-key", "unknown-key"],
    )
    async def test_bad_credentials_get_401(
        self, anonymous: httpx.AsyncClient, authorization: str
    ) -> None:
        response = await anonymous.post(
            "/graphql", json=UNITS, headers={"authorization": authorization}
        )

        assert response.status_code == 401
        assert codes(response) == ["INVALID_TOKEN"]

    async def test_a_tampered_token_gets_401(
        self, anonymous: httpx.AsyncClient, viewer_token: str
    ) -> None:
        header, claims, signature = viewer_token.split(".")
        payload = json.loads(base64.urlsafe_b64decode(claims + "=="))
        tampered = forged(
            json.loads(base64.urlsafe_b64decode(header + "==")), {**payload, "sub": "1"}
        )
        tampered += signature

        response = await anonymous.post("/graphql", json=UNITS, headers=bearer(tampered))

        assert response.status_code == 401

    async def test_an_expired_token_gets_401(
        self, anonymous: httpx.AsyncClient, access: AccessServices, session: AsyncSession
    ) -> None:
        user, _ = await make_user(session, access, "old.session")
        await session.commit()
        token, _ = access.credentials.access_token(
            user_id=user.id, session_id=uuid.uuid4(), now=NOW - timedelta(minutes=16)
        )

        response = await anonymous.post("/graphql", json=UNITS, headers=bearer(token))

        assert response.status_code == 401


CREATE_KEY = """
mutation ($unit: ID!) {
  createApiKey(input: {name: "Sở Nội vụ dashboard", unit: $unit}) {
    __typename ... on ApiKeyCreated { secret apiKey { id } }
  }
}
"""


class TestApiKeys:
    async def test_a_key_reads_as_an_integrator_until_revoked(
        self, anonymous: httpx.AsyncClient, session: AsyncSession, access: AccessServices
    ) -> None:
        await make_user(session, access, "admin.qn", unit_code="22", roles=[Role.ADMIN])
        await session.commit()
        admin = bearer((await log_in(anonymous, "admin.qn", PASSWORD))["accessToken"])
        province = await unit(session, "22")
        created = (
            await anonymous.post(
                "/graphql",
                json={
                    "query": CREATE_KEY,
                    "variables": {"unit": to_global_id("Unit", province.id)},
                },
                headers=admin,
            )
        ).json()["data"]["createApiKey"]
        key = bearer(created["secret"])

        viewer = (
            await anonymous.post(
                "/graphql", json={"query": "{ viewer { apiKey { name } } }"}, headers=key
            )
        ).json()
        users = await anonymous.post("/graphql", json=USERS, headers=key)
        revoke = await anonymous.post(
            "/graphql",
            json={
                "query": "mutation ($k: ID!) { revokeApiKey(input: {apiKey: $k}) { __typename } }",
                "variables": {"k": created["apiKey"]["id"]},
            },
            headers=admin,
        )
        after = await anonymous.post("/graphql", json=UNITS, headers=key)

        assert viewer["data"]["viewer"]["apiKey"] == {"name": "Sở Nội vụ dashboard"}
        assert codes(users) == ["OFFICIALS_ONLY"]
        assert revoke.json()["data"]["revokeApiKey"]["__typename"] == "ApiKeyPayload"
        assert after.status_code == 401


class TestScopedLists:
    async def test_users_lists_only_the_callers_subtree(
        self,
        anonymous: httpx.AsyncClient,
        viewer_token: str,
        session: AsyncSession,
        access: AccessServices,
    ) -> None:
        await make_user(session, access, "clerk.quangyen", unit_code="07132")
        await make_user(session, access, "clerk.hanoi", unit_code="01")
        await session.commit()

        response = await anonymous.post("/graphql", json=USERS, headers=bearer(viewer_token))

        names = [e["node"]["username"] for e in response.json()["data"]["users"]["edges"]]
        assert names == ["clerk.quangyen", "viewer.qn"]

    async def test_a_unit_of_another_province_lists_nothing(
        self,
        anonymous: httpx.AsyncClient,
        viewer_token: str,
        session: AsyncSession,
        access: AccessServices,
    ) -> None:
        await make_user(session, access, "clerk.hanoi", unit_code="01")
        await session.commit()
        hanoi = to_global_id("Unit", (await unit(session, "01")).id)

        response = await anonymous.post(
            "/graphql",
            json={
                "query": "query ($u: ID) { users(unit: $u) { edges { node { username } } } }",
                "variables": {"u": hanoi},
            },
            headers=bearer(viewer_token),
        )

        assert response.json() == {"data": {"users": {"edges": []}}}
