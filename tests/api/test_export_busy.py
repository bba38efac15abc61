"""Plan-list downloads are capped per process: one more is told to come back, not queued."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, MutableMapping
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.applications import Starlette

from api.app import create_app
from api.settings import Settings
from db.access_cache import PrincipalCache
from planning.access import Role
from schema.access.services import AccessServices
from tests.api.export_helpers import CYCLE, bearer, code_of, load_demo, unit_id
from tests.conftest import NOW


@pytest.fixture
async def capped(
    sessionmaker: async_sessionmaker[AsyncSession], access: AccessServices
) -> AsyncIterator[tuple[Starlette, httpx.AsyncClient]]:
    app = create_app(
        settings=Settings(max_streamed_exports=1),
        sessionmaker=sessionmaker,
        access=access,
        principals=PrincipalCache(),
        clock=lambda: NOW,
    )
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://quyhoach.test") as client:
        yield app, client


async def test_a_second_plan_list_while_one_streams_is_refused_with_retry_after(
    capped: tuple[Starlette, httpx.AsyncClient], session: AsyncSession, access: AccessServices
) -> None:
    app, client = capped
    await load_demo(session, access)
    headers = await bearer(client, session, access, "viewer.busy", "22", Role.VIEWER)
    query = urlencode({"unit": await unit_id(session, "22"), "cycle": CYCLE})
    # The first download, held open by a client that stops reading after the header line.
    reading, resume = asyncio.Event(), asyncio.Event()
    received: list[bytes] = []

    requested = False

    async def receive() -> dict[str, Any]:
        nonlocal requested
        if not requested:
            requested = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await resume.wait()
        return {"type": "http.disconnect"}

    async def send(message: MutableMapping[str, Any]) -> None:
        if message["type"] == "http.response.body":
            received.append(message.get("body", b""))
            if not reading.is_set():
                reading.set()
                await resume.wait()

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "server": ("quyhoach.test", 80),
        "client": ("127.0.0.1", 1),
        "root_path": "",
        "path": "/exports/plan-entries.csv",
        "raw_path": b"/exports/plan-entries.csv",
        "query_string": query.encode(),
        "headers": [(k.encode(), v.encode()) for k, v in headers.items()],
    }
    first = asyncio.create_task(app(scope, receive, send))
    await asyncio.wait_for(reading.wait(), timeout=30)

    busy = await client.get(f"/exports/plan-entries.csv?{query}", headers=headers)
    statistics = await client.get(f"/exports/statistics.csv?{query}", headers=headers)
    resume.set()
    await asyncio.wait_for(first, timeout=30)
    after = await client.get(f"/exports/plan-entries.csv?{query}", headers=headers)

    assert busy.status_code == 429
    assert code_of(busy) == "EXPORTS_BUSY"
    assert busy.headers["retry-after"] == "30"
    assert statistics.status_code == 200  # only the long streams are capped
    assert received[0].startswith(b"\xef\xbb\xbf")  # the first one had begun its file
    assert after.status_code == 200  # the slot came back when the first one ended
