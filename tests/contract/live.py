"""A live subscriber of the running server: gql's WebSocket transport (graphql-transport-ws),
logged in through ``connection_init`` as a client is; what it receives, in order. Also the feed
documents the live tests share, the feed as the ``planEvents`` query answers it, a raw
WebSocket for what gql does not let a test do (never answer a ping, stop reading), and the close
code a connection ended with."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import websockets
from gql import Client, GraphQLRequest
from gql.client import AsyncClientSession
from gql.transport.websockets import WebsocketsTransport
from websockets.asyncio.client import ClientConnection
from websockets.exceptions import ConnectionClosed
from websockets.typing import Subprotocol

from tests.contract.client import Api

WAIT_S = 10  # a bound on waiting for a delivery, not a timing measurement
PROTOCOL = Subprotocol("graphql-transport-ws")

FEED_FIELDS = "cursor node { action toStatus reason plan planningUnit { id } }"
PLAN_EVENTS = f"""
subscription ($unit: ID!, $after: String) {{ planEvents(unit: $unit, after: $after) {{
  {FEED_FIELDS} }} }}
"""
PLAN_CHANGED = f"""
subscription ($plan: ID!, $after: String) {{ planChanged(plan: $plan, after: $after) {{
  {FEED_FIELDS} }} }}
"""
INBOX_CHANGED = """
subscription { inboxChanged { change planId plan { id status viewerCan { receive approve } } } }
"""
LOGOUT = "mutation ($token: String!) { logout(input: {refreshToken: $token}) { __typename } }"
FEED_QUERY = f"""
query ($unit: ID!, $after: String) {{ planEvents(unit: $unit, after: $after, first: 100) {{
  edges {{ {FEED_FIELDS} }} pageInfo {{ endCursor }} }} }}
"""


async def feed(api: Api, who: str, unit: str, after: str | None = None) -> list[dict[str, Any]]:
    """The first page of ``unit``'s feed after ``after``, as the query answers ``who``."""
    client = await api.login(who)
    data = await client.data(FEED_QUERY, {"unit": unit, "after": after})
    return list(data["planEvents"]["edges"])


async def end_of_feed(api: Api, who: str, unit: str) -> str | None:
    """The cursor of the last event of ``unit``'s feed ``who`` sees now (None if empty)."""
    after = None
    while True:
        data = await (await api.login(who)).data(FEED_QUERY, {"unit": unit, "after": after})
        end = data["planEvents"]["pageInfo"]["endCursor"]
        if end is None:
            return after
        after = end


def close_of(error: BaseException) -> tuple[int, str]:
    """The close code and reason a connection ended with, as gql raises the end (its cause is
    websockets' ``ConnectionClosed``) or as a raw WebSocket does."""
    closed = error if isinstance(error, ConnectionClosed) else error.__cause__
    assert isinstance(closed, ConnectionClosed), repr(error)
    assert closed.rcvd is not None, repr(closed)
    return closed.rcvd.code, closed.rcvd.reason


class Stream:
    """One subscription's deliveries, read one at a time."""

    def __init__(self, session: AsyncClientSession, document: str, variables: dict[str, Any]):
        self.received: asyncio.Queue[dict[str, Any] | BaseException] = asyncio.Queue()
        self._task = asyncio.create_task(self._run(session, document, variables))

    async def _run(
        self, session: AsyncClientSession, document: str, variables: dict[str, Any]
    ) -> None:
        try:
            request = GraphQLRequest(document, variable_values=variables)
            async for result in session.subscribe(request):
                self.received.put_nowait(result)
        except Exception as error:  # delivered to the reader, which asserts on it
            self.received.put_nowait(error)

    async def next(self) -> dict[str, Any]:
        item = await asyncio.wait_for(self.received.get(), WAIT_S)
        if isinstance(item, BaseException):
            raise item
        return item

    async def error(self) -> BaseException:
        item = await asyncio.wait_for(self.received.get(), WAIT_S)
        assert isinstance(item, BaseException), item
        return item

    async def cancel(self) -> None:
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task


class Subscriber:
    """A WebSocket connection of one login, holding its subscriptions."""

    def __init__(self, session: AsyncClientSession) -> None:
        self.session = session
        self.streams: list[Stream] = []

    @property
    def transport(self) -> WebsocketsTransport:
        transport = self.session.client.transport
        assert isinstance(transport, WebsocketsTransport)
        return transport

    def subscribe(self, document: str, **variables: Any) -> Stream:
        stream = Stream(self.session, document, variables)
        self.streams.append(stream)
        return stream


def ws_url(base_url: str) -> str:
    return base_url.replace("http://", "ws://", 1) + "/graphql"


def transport(base_url: str, init_payload: dict[str, Any]) -> WebsocketsTransport:
    return WebsocketsTransport(url=ws_url(base_url), init_payload=init_payload, ack_timeout=WAIT_S)


@asynccontextmanager
async def subscriber(base_url: str, token: str) -> AsyncIterator[Subscriber]:
    client = Client(transport=transport(base_url, {"authorization": f"Bearer {token}"}))
    async with client as session:
        live = Subscriber(session)
        try:
            yield live
        finally:
            for stream in live.streams:
                await stream.cancel()


@asynccontextmanager
async def raw_socket(base_url: str, token: str, **options: Any) -> AsyncIterator[ClientConnection]:
    """A WebSocket speaking graphql-transport-ws by hand (``options`` to websockets' connect),
    acknowledged after ``connection_init`` with ``token``."""
    async with websockets.connect(ws_url(base_url), subprotocols=[PROTOCOL], **options) as socket:
        init = {"authorization": f"Bearer {token}"}
        await socket.send(json.dumps({"type": "connection_init", "payload": init}))
        assert (await received(socket))["type"] == "connection_ack"
        yield socket


async def received(socket: ClientConnection) -> dict[str, Any]:
    """The next message of a raw WebSocket."""
    message: dict[str, Any] = json.loads(await asyncio.wait_for(socket.recv(), WAIT_S))
    return message
