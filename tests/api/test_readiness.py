"""/readyz tells a load balancer the truth: database reachable and migrations current."""

from __future__ import annotations

import httpx

import db
from api.app import create_app
from api.settings import Settings
from db.access_cache import PrincipalCache
from schema.access.services import AccessServices
from tests.conftest import fresh_database


async def readyz(url: str, access: AccessServices) -> httpx.Response:
    engine = db.create_engine(url, pool_size=1)
    try:
        app = create_app(
            settings=Settings(),
            sessionmaker=db.create_sessionmaker(engine),
            access=access,
            principals=PrincipalCache(),
        )
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://q.test") as client:
            return await client.get("/readyz")
    finally:
        await engine.dispose()


async def test_not_ready_before_migrations(server_url: str, access: AccessServices) -> None:
    async with fresh_database(server_url, "quyhoach_unmigrated") as url:
        response = await readyz(url, access)

    assert response.status_code == 503
    assert response.json()["reason"] == "migrations pending"


async def test_not_ready_without_a_database(access: AccessServices) -> None:
    response = await readyz("postgresql://nobody@127.0.0.1:9/none?connect_timeout=2", access)

    assert response.status_code == 503
    assert response.json()["reason"].startswith("database unreachable")
