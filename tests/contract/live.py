"""A live subscriber of the running server: gql's WebSocket transport (graphql-transport-ws),
logged in through ``connection_init`` as a client is; what it receives, in order."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from gql import Client, GraphQLRequest
from gql.client import AsyncClientSession
from gql.transport.websockets import WebsocketsTransport

WAIT_S = 10  # a bound on waiting for a delivery, not a timing measurement


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
