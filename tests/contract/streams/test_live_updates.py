"""Live updates over WebSocket, as a client sees them (issue 15): gql's graphql-transport-ws
transport against the running server, ids and cursors only from answers."""

from __future__ import annotations

import asyncio
import json
import time as time_module
from datetime import date, datetime, time, timedelta

import pytest
from gql import Client, GraphQLRequest
from gql.transport.exceptions import TransportConnectionFailed, TransportQueryError
from websockets.exceptions import ConnectionClosed

from schema.access.services import AccessServices
from schema.node import to_global_id
from schema.scalars import VIETNAM_TIME
from tests.conftest import NOW
from tests.contract.client import DEMO_PASSWORD, LOGIN, Api
from tests.contract.conftest import serving
from tests.contract.desk import Demo, Desk
from tests.contract.live import (
    INBOX_CHANGED,
    LOGOUT,
    PLAN_CHANGED,
    PLAN_EVENTS,
    WAIT_S,
    close_of,
    end_of_feed,
    feed,
    raw_socket,
    received,
    subscriber,
    transport,
)

INBOX_CHANGED_OVERDUE = """
subscription { inboxChanged { change planId plan { status dueOn overdue } } }
"""


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
    assert close_of(refused.value) == (4403, "UNAUTHENTICATED")


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


EXPIRING_KEY = """
mutation ($unit: ID!, $expiresAt: DateTime!) {
  createApiKey(input: {name: "live dashboard", unit: $unit, expiresAt: $expiresAt}) {
    __typename ... on ApiKeyCreated { secret } } }
"""


async def test_an_api_key_past_its_expiry_closes_the_connection(
    api: Api, demo: Demo, base_url: str
) -> None:
    # The server's clock stands still at NOW: a key that expires 2 s after it is valid when
    # the connection opens and ends 2 s later, while connected.
    expires_at = (NOW + timedelta(seconds=2)).isoformat()
    created = (
        await (await api.login("admin.22")).data(
            EXPIRING_KEY, {"unit": demo.province, "expiresAt": expires_at}
        )
    )["createApiKey"]
    assert created["__typename"] == "ApiKeyCreated", created
    async with subscriber(base_url, created["secret"]) as live:
        stream = live.subscribe(PLAN_EVENTS, unit=demo.province, after=None)
        await stream.next()  # acknowledged and reading: the province has events
        while not isinstance(
            item := await asyncio.wait_for(stream.received.get(), WAIT_S), Exception
        ):
            pass  # the rest of the catch-up, until the close

    closed = item.__cause__
    assert isinstance(closed, ConnectionClosed), repr(item)
    assert closed.rcvd is not None
    assert (closed.rcvd.code, closed.rcvd.reason) == (4403, "TOKEN_EXPIRED")


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
    async with raw_socket(base_url, api.tokens["viewer.22"]) as socket:
        unknown = {"documentId": "sha256:" + "0" * 64}
        await socket.send(json.dumps({"id": "1", "type": "subscribe", "payload": unknown}))
        refused = await received(socket)

    assert refused["id"] == "1"
    assert refused["type"] == "error"
    assert refused["payload"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"


async def test_a_refused_subscription_answers_a_typed_error_in_the_callers_language(
    api: Api, base_url: str
) -> None:
    await api.login("viewer.22")
    init = {"authorization": f"Bearer {api.tokens['viewer.22']}", "acceptLanguage": "en"}
    async with Client(transport=transport(base_url, init)) as session:
        with pytest.raises(TransportQueryError) as bad_id:
            async for _ in session.subscribe(
                GraphQLRequest(PLAN_EVENTS, variable_values={"unit": "\x00" * 3, "after": None})
            ):
                pass
        with pytest.raises(TransportQueryError) as query:
            async for _ in session.subscribe(GraphQLRequest("{ viewer { __typename } }")):
                pass

    assert bad_id.value.errors is not None
    assert bad_id.value.errors[0]["extensions"]["code"] == "INVALID_ID"
    assert bad_id.value.errors[0]["message"].startswith("The id ")  # acceptLanguage: en
    # Queries and mutations go over HTTP: over the socket they are refused, not run.
    assert query.value.errors is not None
    assert query.value.errors[0]["extensions"]["code"] == "SUBSCRIPTIONS_ONLY"


async def test_a_message_that_is_not_json_closes_the_connection_with_4400(
    api: Api, base_url: str
) -> None:
    await api.login("viewer.22")
    async with raw_socket(base_url, api.tokens["viewer.22"]) as socket:
        await socket.send('{"type": "subscribe", "id": ')
        with pytest.raises(ConnectionClosed) as closed:
            await received(socket)

    assert close_of(closed.value) == (4400, "INVALID_JSON")


DUE = "query ($id: ID!) { node(id: $id) { ... on Plan { dueOn overdue } } }"


async def test_a_plan_waiting_past_its_due_date_turns_overdue_in_the_inbox_at_midnight(
    api: Api, demo: Demo, demo_database: str, access: AccessServices
) -> None:
    desk = await Desk.open(api, demo)
    await desk.create()
    await desk.add(await desk.person("Phạm Văn Hạn"), demo.position(0))
    await desk.do("head", "submitPlan")
    await desk.do("appraiser", "receivePlan")  # its clock runs: due in 30 working days
    due = await desk.people["appraiser"].data(DUE, {"id": desk.plan["id"]})
    assert due["node"]["overdue"] is False
    # A server whose clock stands on the evening of the due date, then, once the inbox
    # listens, runs on from three seconds before midnight.
    evening = datetime.combine(date.fromisoformat(due["node"]["dueOn"]), time(23, 59, 55))
    evening = evening.replace(tzinfo=VIETNAM_TIME)
    running_since: list[float] = []

    def clock() -> datetime:
        if not running_since:
            return evening
        return evening + timedelta(seconds=2 + time_module.monotonic() - running_since[0])

    async with serving(demo_database, access, clock=clock) as url:
        there = Api(url)  # a login of that server's clock
        try:
            token = await there.token("appraiser.22")
        finally:
            await there.close()
        async with subscriber(url, token) as live:
            inbox = live.subscribe(INBOX_CHANGED_OVERDUE)
            probe = live.subscribe(PLAN_CHANGED, plan=desk.plan["id"], after=None)
            await probe.next()  # the connection's subscriptions are reading
            running_since.append(time_module.monotonic())
            # Every plan received on the test day falls due the same day: ours is among them.
            turned = [(await inbox.next())["inboxChanged"]]
            while turned[-1]["planId"] != desk.plan["id"]:
                turned.append((await inbox.next())["inboxChanged"])

    assert {change["change"] for change in turned} == {"CHANGED"}
    assert all(change["plan"]["overdue"] is True for change in turned)
    assert turned[-1]["plan"]["dueOn"] == due["node"]["dueOn"]
