"""Live updates over WebSocket, as a client sees them (issue 15): gql's graphql-transport-ws
transport against the running server, ids and cursors only from answers."""

from __future__ import annotations

import asyncio
import json

import pytest
import websockets
from gql import Client
from gql.transport.exceptions import TransportConnectionFailed, TransportQueryError
from websockets.exceptions import ConnectionClosed

from schema.node import to_global_id
from tests.contract.client import DEMO_PASSWORD, LOGIN, Api
from tests.contract.desk import Demo, Desk
from tests.contract.live import (
    PLAN_CHANGED,
    PLAN_EVENTS,
    PROTOCOL,
    WAIT_S,
    end_of_feed,
    feed,
    subscriber,
    transport,
    ws_url,
)

INBOX_CHANGED = """
subscription { inboxChanged { change planId plan { id status viewerCan { receive approve } } } }
"""
LOGOUT = "mutation ($token: String!) { logout(input: {refreshToken: $token}) { __typename } }"


async def test_plan_events_stream_the_feeds_edges_live_and_from_a_cursor(
    api: Api, demo: Demo, base_url: str
) -> None:
    desk = await Desk.open(api, demo)
    commune = desk.commune["id"]
    start = await end_of_feed(api, "viewer.22", commune)
    token = api.tokens.get("viewer.22") or ""
    async with subscriber(base_url, token) as live:
        stream = live.subscribe(PLAN_EVENTS, unit=commune, after=start)
        await desk.create()
        person = await desk.person("Trần Thị Live")
        await desk.add(person, demo.position(0))
        received = [(await stream.next())["planEvents"] for _ in range(2)]

    assert [edge["node"]["action"] for edge in received] == ["CREATE", "ADD_ENTRY"]
    assert received == await feed(api, "viewer.22", commune, start)  # same edges, same cursors
    # Resuming after the first cursor gives the rest, once.
    async with subscriber(base_url, token) as live:
        resumed = live.subscribe(PLAN_EVENTS, unit=commune, after=received[0]["cursor"])
        assert (await resumed.next())["planEvents"] == received[1]
        one_plan = live.subscribe(PLAN_CHANGED, plan=desk.plan["id"], after=start)
        assert [(await one_plan.next())["planChanged"] for _ in range(2)] == received


async def test_a_commune_official_never_receives_another_communes_events(
    api: Api, demo: Demo, base_url: str
) -> None:
    mine, theirs = await Desk.open(api, demo), await Desk.open(api, demo)
    province = demo.province
    clerk_token = api.tokens[mine.usernames["clerk"]]
    start = await end_of_feed(api, "viewer.22", province)
    async with subscriber(base_url, clerk_token) as live:
        stream = live.subscribe(PLAN_EVENTS, unit=province, after=start)
        await theirs.create()
        await mine.create()
        first = (await stream.next())["planEvents"]

    assert first["node"]["plan"] == mine.plan["id"]
    assert first["node"]["planningUnit"]["id"] == mine.commune["id"]


async def test_the_inbox_tells_when_a_plan_enters_changes_and_leaves(
    api: Api, demo: Demo, base_url: str
) -> None:
    desk = await Desk.open(api, demo)
    await desk.create()
    await desk.add(await desk.person("Lê Văn Hộp"), demo.position(0))
    async with subscriber(base_url, api.tokens["appraiser.22"]) as live:
        inbox = live.subscribe(INBOX_CHANGED)
        # A second subscription of the same connection, from a cursor: once it has delivered,
        # the inbox's (subscribed before it) is surely listening.
        mark = await end_of_feed(api, "viewer.22", desk.commune["id"])
        probe = live.subscribe(PLAN_CHANGED, plan=desk.plan["id"], after=mark)
        await desk.do("head", "submitPlan")
        await probe.next()
        entered = (await inbox.next())["inboxChanged"]
        await desk.do("appraiser", "receivePlan")
        changed = (await inbox.next())["inboxChanged"]

    assert entered["change"] == "ENTERED"
    assert entered["planId"] == desk.plan["id"]
    assert entered["plan"]["status"] == "SUBMITTED"
    assert entered["plan"]["viewerCan"]["receive"] is True
    assert changed["change"] == "CHANGED"
    assert changed["plan"]["status"] == "UNDER_APPRAISAL"


async def test_a_connection_without_credentials_is_refused(base_url: str) -> None:
    client = Client(transport=transport(base_url, {}))
    with pytest.raises(TransportConnectionFailed) as refused:
        async with client:
            pass
    closed = refused.value.__cause__
    assert isinstance(closed, ConnectionClosed)
    assert closed.rcvd is not None
    assert (closed.rcvd.code, closed.rcvd.reason) == (4403, "UNAUTHENTICATED")


async def test_a_logout_closes_the_sessions_live_connection(
    api: Api, demo: Demo, base_url: str
) -> None:
    anonymous = await api.anonymous()
    login = (await anonymous.data(LOGIN, {"username": "viewer.07132", "password": DEMO_PASSWORD}))[
        "login"
    ]
    async with subscriber(base_url, login["accessToken"]) as live:
        stream = live.subscribe(PLAN_CHANGED, plan=to_global_id("Plan", 10**9), after=None)
        await anonymous.data(LOGOUT, {"token": login["refreshToken"]})
        ended = await stream.error()

    closed = ended.__cause__
    assert isinstance(closed, ConnectionClosed), repr(ended)
    assert closed.rcvd is not None
    assert (closed.rcvd.code, closed.rcvd.reason) == (4403, "SESSION_ENDED")


async def test_past_its_cap_a_connection_refuses_one_more_operation(
    api: Api, base_url: str
) -> None:
    await api.login("viewer.22")
    async with subscriber(base_url, api.tokens["viewer.22"]) as live:
        # 21 subscriptions to plans nobody has (nothing comes): the cap is 20 per connection.
        streams = [
            live.subscribe(PLAN_CHANGED, plan=to_global_id("Plan", 10**9 + index), after=None)
            for index in range(21)
        ]
        done, waiting = await asyncio.wait(
            [asyncio.ensure_future(s.received.get()) for s in streams],
            timeout=WAIT_S,
            return_when=asyncio.FIRST_COMPLETED,
        )
        for task in waiting:
            task.cancel()
        refused = [task.result() for task in done]

    assert len(waiting) == 20  # nothing came for them: they are open
    assert len(refused) == 1
    assert isinstance(refused[0], TransportQueryError), repr(refused[0])
    assert refused[0].errors is not None
    assert refused[0].errors[0]["extensions"]["code"] == "TOO_MANY_SUBSCRIPTIONS"


async def test_a_subscription_runs_what_the_trusted_documents_allow(
    api: Api, base_url: str
) -> None:
    await api.login("viewer.22")
    async with websockets.connect(ws_url(base_url), subprotocols=[PROTOCOL]) as socket:
        init = {"authorization": f"Bearer {api.tokens['viewer.22']}"}
        await socket.send(json.dumps({"type": "connection_init", "payload": init}))
        assert json.loads(await asyncio.wait_for(socket.recv(), WAIT_S))["type"] == "connection_ack"
        unknown = {"documentId": "sha256:" + "0" * 64}
        await socket.send(json.dumps({"id": "1", "type": "subscribe", "payload": unknown}))
        refused = json.loads(await asyncio.wait_for(socket.recv(), WAIT_S))

    assert refused["id"] == "1"
    assert refused["type"] == "error"
    assert refused["payload"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
