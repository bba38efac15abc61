"""The live updates of the guides, run as written over a real WebSocket (gql, graphql-transport-ws).

Every ```graphql subscription of README.md and docs/*.md runs here, each in a journey of its
own (tests/contract/test_doc_examples.py runs the other examples over HTTP): docs/api.md's three
as the logins the guide names, docs/integrators.md's with an API key. The Python client of
docs/api.md is executed as written against the server, through a logout and a reconnection;
the browser client cannot run without a browser, so what it sends is checked instead: its
document is the guide's, and its ``connectionParams`` log in as written.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
from typing import Any

import websockets
from gql import Client
from gql.transport.exceptions import TransportQueryError
from graphql import FieldNode, parse, print_ast

from tests.contract.client import DEMO_PASSWORD, LOGIN, Api
from tests.contract.desk import Demo, Desk, api_key
from tests.contract.live import (
    LOGOUT,
    PLAN_CHANGED,
    PROTOCOL,
    WAIT_S,
    Stream,
    Subscriber,
    end_of_feed,
    subscriber,
    transport,
    ws_url,
)
from tests.contract.test_doc_examples import BY_KEY, EXAMPLES, ROOT, Example

GUIDE = (ROOT / "docs/api.md").read_text(encoding="utf-8")
# The guide's clients: one ```python block and one ```js block.
PYTHON = re.compile(r"```python\n(.*?)```", re.S)
JAVASCRIPT = re.compile(r"```js\n(.*?)```", re.S)
# Every subscription of the guides, by the journey below that runs it.
LIVE = ["api.md:PlanEvents", "api.md:PlanChanged", "api.md:InboxChanged", "integrators.md:LiveFeed"]
QUANG_NINH = "VW5pdDoxMDgyMQ=="  # the id the guides give (test_doc_examples checks it)
# planEvents, node, planningUnit and 11 parents: 14 levels, over the 12 of docs/api.md.
TOO_DEEP = (
    "subscription ($unit: ID!) { planEvents(unit: $unit) { node { planningUnit { "
    + "parent { " * 11
    + "code"
    + " }" * 11
    + " } } } }"
)


def test_every_subscription_of_the_guides_is_run() -> None:
    assert [e.key for e in EXAMPLES if e.is_subscription] == LIVE


def feed_query(example: Example, first: int = 100) -> str:
    """The ``planEvents`` query selecting what the subscription ``example`` selects."""
    [field] = example.operation.selection_set.selections
    assert isinstance(field, FieldNode)
    assert field.selection_set is not None
    return (
        "query ($unit: ID!, $after: String) { planEvents(unit: $unit, after: $after, "
        f"first: {first}) {{ edges {print_ast(field.selection_set)} }} }}"
    )


async def edges(
    api: Api, who: str, example: Example, unit: str, after: str | None = None, first: int = 100
) -> list[dict[str, Any]]:
    """The feed of ``unit`` as the query answers ``who``, in the selection of ``example``."""
    client = await api.login(who)
    data = await client.data(feed_query(example, first), {"unit": unit, "after": after})
    return list(data["planEvents"]["edges"])


def subscribe(live: Subscriber, example: Example, **variables: Any) -> Stream:
    """``example`` as written, its variables overridden by those given."""
    return live.subscribe(example.document, **{**example.variables, **variables})


async def test_plan_events_from_null_are_the_feed_from_its_first_event(
    api: Api, base_url: str
) -> None:
    example = BY_KEY["api.md:PlanEvents"]
    await api.login("viewer.22")
    async with subscriber(base_url, api.tokens["viewer.22"]) as live:
        stream = subscribe(live, example)  # after: null, as the guide has it
        received = [(await stream.next())["planEvents"] for _ in range(3)]

    assert example.variables == {"unit": QUANG_NINH, "after": None}
    assert received == await edges(api, "viewer.22", example, QUANG_NINH, first=3)


async def test_plan_changed_and_the_inbox_as_the_guide_shows_them(
    api: Api, demo: Demo, base_url: str
) -> None:
    changed, inbox_changed = BY_KEY["api.md:PlanChanged"], BY_KEY["api.md:InboxChanged"]
    desk = await Desk.open(api, demo)
    await desk.create()
    await desk.add(await desk.person("Vũ Thị Theo Dõi"), demo.position(0))
    mark = await end_of_feed(api, "viewer.22", desk.commune["id"])
    async with (
        subscriber(base_url, api.tokens["viewer.22"]) as viewer,
        subscriber(base_url, api.tokens["appraiser.22"]) as appraiser,
    ):
        plan = subscribe(viewer, changed, plan=desk.plan["id"])  # after: null: from the first
        history = [(await plan.next())["planChanged"] for _ in range(2)]
        inbox = subscribe(appraiser, inbox_changed)
        # Once a subscription of the same connection, subscribed after it, has delivered, the
        # inbox is surely listening (as in tests/contract/streams/test_live_updates.py).
        probe = appraiser.subscribe(PLAN_CHANGED, plan=desk.plan["id"], after=mark)
        await desk.do("head", "submitPlan")
        await probe.next()
        live = (await plan.next())["planChanged"]
        entered = (await inbox.next())["inboxChanged"]

    assert [edge["node"]["action"] for edge in history] == ["CREATE", "ADD_ENTRY"]
    assert (live["node"]["action"], live["node"]["toStatus"]) == ("SUBMIT", "SUBMITTED")
    assert [*history, live] == await edges(api, "viewer.22", changed, desk.commune["id"])
    assert (entered["change"], entered["planId"]) == ("ENTERED", desk.plan["id"])
    assert entered["plan"]["status"] == "SUBMITTED"
    assert entered["plan"]["planningUnit"]["name"] == desk.commune["name"]
    assert entered["plan"]["viewerCan"]["receive"] is True


async def test_an_api_key_follows_the_feed_live_without_reasons(
    api: Api, demo: Demo, base_url: str
) -> None:
    example = BY_KEY["integrators.md:LiveFeed"]
    key, _ = await api_key(api, QUANG_NINH)
    desk = await Desk.open(api, demo)
    await desk.create()
    await desk.add(await desk.person("Đinh Văn Khoá"), demo.position(0))
    await desk.do("head", "submitPlan")
    await desk.do("appraiser", "receivePlan")
    mark = await end_of_feed(api, "viewer.22", desk.commune["id"])
    async with subscriber(base_url, key) as live:
        stream = subscribe(live, example, unit=desk.commune["id"], after=mark)
        await desk.do("appraiser", "returnPlan", reason="Thiếu biên bản kiểm phiếu")
        returned = (await stream.next())["planEvents"]

    official = await edges(api, "viewer.22", example, desk.commune["id"], after=mark)
    assert (returned["node"]["action"], returned["node"]["reason"]) == ("RETURN", None)
    assert [edge["node"]["reason"] for edge in official] == ["Thiếu biên bản kiểm phiếu"]
    assert returned["cursor"] == official[0]["cursor"]  # the same edge, less its reason


async def test_the_python_client_resumes_from_its_cursor_with_a_fresh_token(
    api: Api, demo: Demo, base_url: str
) -> None:
    [code] = PYTHON.findall(GUIDE)
    guide: dict[str, Any] = {"__name__": "docs_api_python_client"}
    exec(compile(code, "docs/api.md", "exec"), guide)  # the guide's client, as written
    document = guide["PLAN_EVENTS"]
    desk = await Desk.open(api, demo)
    anonymous = await api.anonymous()
    sessions = [
        (await anonymous.data(LOGIN, {"username": "viewer.22", "password": DEMO_PASSWORD}))["login"]
        for _ in range(2)
    ]
    start = await end_of_feed(api, "viewer.22", desk.commune["id"])
    handed: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    logins: list[str] = []
    logged_in_again = asyncio.Event()

    async def access_token() -> str:
        token = str(sessions[len(logins)]["accessToken"])  # the first session, then the second
        logins.append(token)
        if len(logins) == 2:
            logged_in_again.set()
        return token

    async def on_event(node: dict[str, Any]) -> None:
        await handed.put(node)

    follow = asyncio.create_task(
        guide["follow_plan_events"](
            ws_url(base_url),
            desk.commune["id"],
            start,
            access_token=access_token,
            on_event=on_event,
        )
    )
    try:
        await desk.create()
        first = await asyncio.wait_for(handed.get(), WAIT_S)
        # The first session ends: the server closes its connection (4403 SESSION_ENDED), and
        # the client logs in again with the token of the moment and resumes from its cursor.
        await anonymous.data(LOGOUT, {"token": sessions[0]["refreshToken"]})
        await asyncio.wait_for(logged_in_again.wait(), WAIT_S)
        await desk.add(await desk.person("Phan Văn Nối Lại"), demo.position(0))
        await desk.do("head", "submitPlan")
        rest = [await asyncio.wait_for(handed.get(), WAIT_S) for _ in range(2)]
    finally:
        follow.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await follow

    example = BY_KEY["api.md:PlanEvents"]
    assert print_ast(parse(document)) == print_ast(parse(example.document))
    assert [node["action"] for node in [first, *rest]] == ["CREATE", "ADD_ENTRY", "SUBMIT"]
    # Nothing missed and nothing twice: exactly the feed after the cursor it started from.
    feed = await edges(api, "viewer.22", example, desk.commune["id"], after=start)
    assert [first, *rest] == [edge["node"] for edge in feed]
    assert logins == [sessions[0]["accessToken"], sessions[1]["accessToken"]]


def browser_client() -> tuple[str, str, list[int]]:
    """The browser client's document, the body of its ``connectionParams`` and its FATAL codes."""
    [code] = JAVASCRIPT.findall(GUIDE)
    document = re.search(r"const PLAN_EVENTS = `(.*?)`;", code, re.S)
    params = re.search(r"connectionParams: async \(\) => \(\{(.*?)\}\),", code, re.S)
    fatal = re.search(r"const FATAL = \[(.*?)\];", code)
    assert document, "the browser client of docs/api.md has no PLAN_EVENTS"
    assert params, "the browser client of docs/api.md has no connectionParams function"
    assert fatal, "the browser client of docs/api.md has no FATAL codes"
    return document[1], params[1], [int(c) for c in fatal[1].split(",")]


async def test_the_browser_client_sends_what_the_server_takes(api: Api, base_url: str) -> None:
    document, params, fatal = browser_client()
    token = await api.token("viewer.22")
    # What its connectionParams makes of a token and an English browser.
    sent = {"authorization": f"Bearer {token}", "acceptLanguage": "en"}
    async with Client(transport=transport(base_url, sent)) as session:
        live = Subscriber(session)
        first = (await live.subscribe(document, unit=QUANG_NINH, after=None).next())["planEvents"]
        for stream in live.streams:
            await stream.cancel()
    # acceptLanguage: the connection's refusals are in English (a document id nobody registered).
    async with websockets.connect(ws_url(base_url), subprotocols=[PROTOCOL]) as socket:
        await socket.send(json.dumps({"type": "connection_init", "payload": sent}))
        assert json.loads(await asyncio.wait_for(socket.recv(), WAIT_S))["type"] == "connection_ack"
        unknown = {"documentId": "sha256:" + "0" * 64}
        await socket.send(json.dumps({"id": "1", "type": "subscribe", "payload": unknown}))
        refused = json.loads(await asyncio.wait_for(socket.recv(), WAIT_S))

    assert re.findall(r"(\w+):", params) == list(sent)
    assert "authorization: `Bearer ${await accessToken()}`" in params
    assert print_ast(parse(document)) == print_ast(parse(BY_KEY["api.md:PlanEvents"].document))
    assert [first] == await edges(
        api, "viewer.22", BY_KEY["api.md:PlanEvents"], QUANG_NINH, first=1
    )
    [refusal] = refused["payload"]
    assert refusal["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
    assert refusal["message"] == refusal["extensions"]["messages"]["en"]
    # The codes it gives up on are those the guide's table calls a client's bug.
    assert all(f"| {code} | " in GUIDE for code in fatal)


async def test_a_subscription_is_held_to_the_limits_of_a_query(api: Api, base_url: str) -> None:
    token = await api.token("viewer.22")
    async with subscriber(base_url, token) as live:
        error = await live.subscribe(TOO_DEEP, unit=QUANG_NINH).error()

    assert isinstance(error, TransportQueryError), repr(error)
    assert error.errors is not None
    # Refused as over HTTP, with the same code.
    assert error.errors[0]["extensions"]["code"] == "QUERY_TOO_DEEP"
