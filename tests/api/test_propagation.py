"""Two server processes on one database: a grant change made through one reaches the other.

Each app keeps its own principal cache and listens for access changes (LISTEN/NOTIFY), as
separate uvicorn workers do. This test commits for real, so it runs on a database of its own.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack

import httpx
import pytest
from starlette.applications import Starlette

import db
from api.app import create_app
from api.operator import create_user
from api.settings import Settings
from api.unit_lists import datasets, read_rows
from db import migrate
from db.access_cache import AccessListener, PrincipalCache
from db.unit_import import import_units
from planning.access import Role
from schema.access.services import AccessServices
from tests.conftest import NOW, fresh_database, log_in

PASSWORD = "một mật khẩu đủ dài 2026"
USERS = {"query": "{ users { edges { node { username } } } }"}


async def prepare(url: str, access: AccessServices) -> None:
    engine = db.create_engine(url, pool_size=1)
    await migrate.upgrade(engine)
    async with db.create_sessionmaker(engine)() as session:
        two_tier = datasets()["two-tier"]
        await import_units(
            session, read_rows(two_tier.path), valid_from=two_tier.valid_from, valid_to=None
        )
        for username, roles in (("admin.vn", list(Role)), ("viewer.vn", [Role.VIEWER])):
            await create_user(
                session,
                access,
                username=username,
                password=PASSWORD,
                full_name=username,
                unit_code="VN",
                at=NOW.date(),
                roles=roles,
                now=NOW,
            )
        await session.commit()
    await engine.dispose()


async def start_app(url: str, access: AccessServices, stack: AsyncExitStack) -> httpx.AsyncClient:
    engine = db.create_engine(url, pool_size=2)
    stack.push_async_callback(engine.dispose)
    principals = PrincipalCache()
    listener = AccessListener(db.plain_url(url), principals)
    await listener.start()
    stack.push_async_callback(listener.stop)
    app: Starlette = create_app(
        settings=Settings(),
        sessionmaker=db.create_sessionmaker(engine),
        access=access,
        principals=principals,
        clock=lambda: NOW,
    )
    transport = httpx.ASGITransport(app=app)
    return await stack.enter_async_context(
        httpx.AsyncClient(transport=transport, base_url="http://q")
    )


@pytest.fixture
async def two_apps(
    server_url: str, access: AccessServices
) -> AsyncIterator[tuple[httpx.AsyncClient, httpx.AsyncClient]]:
    async with fresh_database(server_url, "quyhoach_notify") as url, AsyncExitStack() as stack:
        await prepare(url, access)
        yield await start_app(url, access, stack), await start_app(url, access, stack)


async def within_a_second(check: Callable[[], Awaitable[bool]]) -> bool:
    """Poll ``check`` for at most one second (a bounded wait, not a timing measurement)."""
    for _ in range(20):
        if await check():
            return True
        await asyncio.sleep(0.05)
    return False


async def test_a_revoked_grant_and_a_deactivation_reach_the_other_process(
    two_apps: tuple[httpx.AsyncClient, httpx.AsyncClient],
) -> None:
    first, second = two_apps
    admin = {
        "authorization": f"Bearer {(await log_in(first, 'admin.vn', PASSWORD))['accessToken']}"
    }
    viewer = {
        "authorization": f"Bearer {(await log_in(first, 'viewer.vn', PASSWORD))['accessToken']}"
    }
    seen = (await second.post("/graphql", json=USERS, headers=viewer)).json()  # now cached there
    me = (
        await second.post(
            "/graphql", json={"query": "{ viewer { user { id } grants { id } } }"}, headers=viewer
        )
    ).json()
    grant_id = me["data"]["viewer"]["grants"][0]["id"]

    await first.post(
        "/graphql",
        json={
            "query": "mutation ($g: ID!) { revokeRole(input: {grant: $g}) { __typename } }",
            "variables": {"g": grant_id},
        },
        headers=admin,
    )

    async def sees_nobody() -> bool:
        body = (await second.post("/graphql", json=USERS, headers=viewer)).json()
        return bool(body["data"]["users"]["edges"] == [])

    assert len(seen["data"]["users"]["edges"]) == 2
    assert await within_a_second(sees_nobody)

    await first.post(
        "/graphql",
        json={
            "query": "mutation ($u: ID!) { deactivateUser(input: {user: $u, reason: "
            '"nghỉ"}) { __typename } }',
            "variables": {"u": me["data"]["viewer"]["user"]["id"]},
        },
        headers=admin,
    )

    async def refused() -> bool:
        return (await second.post("/graphql", json=USERS, headers=viewer)).status_code == 401

    assert await within_a_second(refused)
