"""Live updates across instances (issue 15): a subscriber on one server process receives what is
committed through another on the same database, and resumes from its last cursor after its
server restarts, missing nothing and receiving nothing twice.

The suite's server (conftest.py, in a thread, on the fixed clock) takes the mutations; the
subscriber is on a second instance, ``uvicorn api.asgi:app`` in a process of its own
(processes.py, on the real clock), logged in through it. Ids and cursors come from answers.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from gql.transport.exceptions import TransportConnectionFailed
from websockets.exceptions import ConnectionClosed

from tests.contract.client import DEMO_PASSWORD, Api
from tests.contract.desk import ACCOUNT_PASSWORD, Demo, Desk
from tests.contract.live import INBOX_CHANGED, PLAN_EVENTS, end_of_feed, feed, subscriber
from tests.contract.processes import ServerProcess

SERVICE_RESTART = 1012  # the close code a server sends its WebSocket clients as it shuts down


@pytest.fixture(scope="module")
async def instance(
    demo_database: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[ServerProcess]:
    """The second instance, started once for the module; stopped (or killed) at its end."""
    process = ServerProcess(demo_database, tmp_path_factory.mktemp("instance") / "server.log")
    await process.start()
    try:
        yield process
    finally:
        await process.close()


@pytest.fixture
async def other(instance: ServerProcess) -> AsyncIterator[ServerProcess]:
    """The second instance, running (a test that stopped it and failed may have left it down).
    What it logged during the test is printed after it: pytest shows it when the test fails."""
    if instance.process is None:
        await instance.start()
    logged = len(instance.output())
    yield instance
    print(f"The second instance's log during the test:\n{instance.output()[logged:]}")


async def token_there(other: ServerProcess, username: str, password: str = DEMO_PASSWORD) -> str:
    """An access token of ``username`` from the other instance's own ``login``."""
    there = Api(other.base_url)
    try:
        return await there.token(username, password)
    finally:
        await there.close()


def edges(received: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [item["planEvents"] for item in received]


async def test_a_change_committed_through_one_instance_reaches_a_subscriber_of_another(
    api: Api, demo: Demo, other: ServerProcess
) -> None:
    desk = await Desk.open(api, demo)
    commune = desk.commune["id"]
    await desk.create()
    mark = await end_of_feed(api, "viewer.22", commune)
    await desk.add(await desk.person("Phạm Văn Hai Nơi"), demo.position(0))
    token = await token_there(other, "appraiser.22")
    async with subscriber(other.base_url, token) as live:
        inbox = live.subscribe(INBOX_CHANGED)
        plan_events = live.subscribe(PLAN_EVENTS, unit=commune, after=mark)
        # The entry, committed before the feed subscribed, comes from the table: once it has,
        # the inbox (subscribed before the feed) is surely listening.
        received = [await plan_events.next()]
        await desk.do("head", "submitPlan")
        received.append(await plan_events.next())
        entered = (await inbox.next())["inboxChanged"]
        await desk.do("appraiser", "receivePlan")
        received.append(await plan_events.next())
        changed = (await inbox.next())["inboxChanged"]

    assert [edge["node"]["action"] for edge in edges(received)] == [
        "ADD_ENTRY",
        "SUBMIT",
        "RECEIVE",
    ]
    # The same edges and cursors as the planEvents query answers through the first instance.
    assert edges(received) == await feed(api, "viewer.22", commune, mark)
    assert (entered["change"], entered["planId"]) == ("ENTERED", desk.plan["id"])
    assert entered["plan"]["status"] == "SUBMITTED"
    assert entered["plan"]["viewerCan"]["receive"] is True
    assert (changed["change"], changed["planId"]) == ("CHANGED", desk.plan["id"])
    assert changed["plan"]["status"] == "UNDER_APPRAISAL"


async def test_a_commune_official_on_one_instance_never_receives_another_communes_events(
    api: Api, demo: Demo, other: ServerProcess
) -> None:
    mine, theirs = await Desk.open(api, demo), await Desk.open(api, demo)
    start = await end_of_feed(api, "viewer.22", demo.province)
    token = await token_there(other, mine.usernames["clerk"], ACCOUNT_PASSWORD)
    async with subscriber(other.base_url, token) as live:
        stream = live.subscribe(PLAN_EVENTS, unit=demo.province, after=start)
        await theirs.create()
        await mine.create()
        first = (await stream.next())["planEvents"]

    assert first["node"]["plan"] == mine.plan["id"]
    assert first["node"]["planningUnit"]["id"] == mine.commune["id"]


async def test_a_subscriber_resumes_from_its_cursor_across_a_restart_of_its_server(
    api: Api, demo: Demo, other: ServerProcess
) -> None:
    desk = await Desk.open(api, demo)
    commune = desk.commune["id"]
    start = await end_of_feed(api, "viewer.22", commune)
    token = await token_there(other, "viewer.22")
    async with subscriber(other.base_url, token) as live:
        stream = live.subscribe(PLAN_EVENTS, unit=commune, after=start)
        await desk.create()
        await desk.add(await desk.person("Vũ Thị Khởi Động Lại"), demo.position(0))
        before = [await stream.next() for _ in range(2)]
        await other.stop()
        ended = await stream.error()
    last = edges(before)[-1]["cursor"]

    # While its server is down, the plan moves on through the other instance.
    await desk.do("head", "submitPlan")
    await desk.do("appraiser", "receivePlan")
    await other.start()
    async with subscriber(other.base_url, token) as live:
        resumed = live.subscribe(PLAN_EVENTS, unit=commune, after=last)
        missed = [await resumed.next() for _ in range(2)]
        await desk.do("appraiser", "returnPlan", reason="Bổ sung hồ sơ")
        after_restart = [*missed, await resumed.next()]

    assert isinstance(ended, TransportConnectionFailed), repr(ended)
    closed = ended.__cause__
    assert isinstance(closed, ConnectionClosed), repr(ended)
    assert closed.rcvd is not None
    assert closed.rcvd.code == SERVICE_RESTART
    assert [edge["node"]["action"] for edge in edges(after_restart)] == [
        "SUBMIT",
        "RECEIVE",
        "RETURN",
    ]
    # Exactly the feed after the last cursor: no gap, no repeat, then the live one.
    assert edges(after_restart) == await feed(api, "viewer.22", commune, last)
    assert edges(before + after_restart) == await feed(api, "viewer.22", commune, start)
