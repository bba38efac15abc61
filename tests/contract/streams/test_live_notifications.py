"""The notifications live updates wake on (migration 0025): a plan event reaches every listening
process when its transaction commits, carrying ids only; a refused change sends nothing; revoking
an API key tells every process, so that its live connections can end."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

import asyncpg
import pytest

from schema.node import parse_global_id
from tests.contract.client import Api
from tests.contract.desk import Demo, Desk, api_key

WAIT_S = 10  # a bound on the wait for a notification, not a timing measurement


class Heard:
    """What one LISTEN connection of the test hears on a channel, in delivery order."""

    def __init__(self) -> None:
        self.payloads: asyncio.Queue[str] = asyncio.Queue()

    def __call__(self, connection: object, pid: int, channel: str, payload: str) -> None:
        self.payloads.put_nowait(payload)

    async def next(self) -> str:
        return await asyncio.wait_for(self.payloads.get(), WAIT_S)


async def _listening(url: str, channel: str) -> AsyncIterator[Heard]:
    connection = await asyncpg.connect(url)
    heard = Heard()
    await connection.add_listener(channel, heard)
    try:
        yield heard
    finally:
        await connection.close()


@pytest.fixture
async def plans(demo_database: str) -> AsyncIterator[Heard]:
    async for heard in _listening(demo_database, "quyhoach_plans"):
        yield heard


@pytest.fixture
async def access_changes(demo_database: str) -> AsyncIterator[Heard]:
    async for heard in _listening(demo_database, "quyhoach_access"):
        yield heard


async def test_a_committed_plan_change_is_notified_with_ids_only(
    api: Api, demo: Demo, plans: Heard
) -> None:
    desk = await Desk.open(api, demo)
    created = await desk.create()
    assert created["__typename"] == "PlanPayload", created

    plan_id, txid, planning_path, approving_path = json.loads(await plans.next())

    assert plan_id == parse_global_id(desk.plan["id"])[1]
    assert txid.isdigit()
    _, commune = parse_global_id(desk.commune["id"])
    assert planning_path.split(".")[-1] == str(commune)
    # The province approves: its path is the commune's, less the commune (ids, not names).
    assert planning_path.startswith(approving_path + ".")
    assert all(part.isdigit() for part in planning_path.split("."))


async def test_a_refused_change_sends_nothing(api: Api, demo: Demo, plans: Heard) -> None:
    desk = await Desk.open(api, demo)
    await desk.create()
    first = json.loads(await plans.next())
    person = await desk.person("Nguyễn Văn Thông")
    stale = await desk.do("head", "submitPlan", version=desk.plan["version"] + 7)
    assert stale["__typename"] == "StaleVersion", stale

    added = await desk.add(person, desk.demo.position(0))
    assert added["__typename"] == "PlanPayload", added

    # Notifications arrive in commit order: had the refused call sent one, it would come first.
    after = json.loads(await plans.next())
    assert after[0] == first[0]
    assert int(after[1]) > int(first[1])
    assert plans.payloads.empty()


async def test_revoking_an_api_key_is_notified_with_its_id(
    api: Api, demo: Demo, access_changes: Heard
) -> None:
    _, key = await api_key(api, demo.province)
    while not access_changes.payloads.empty():  # the creation's own (the creator's grants)
        access_changes.payloads.get_nowait()
    admin = await api.login("admin.22")

    revoked = await admin.mutate("revokeApiKey", "RevokeApiKeyInput", "__typename", apiKey=key)

    assert revoked["__typename"] == "ApiKeyPayload", revoked
    heard = {await access_changes.next()}
    while not access_changes.payloads.empty():
        heard.add(access_changes.payloads.get_nowait())
    assert f"key:{parse_global_id(key)[1]}" in heard
