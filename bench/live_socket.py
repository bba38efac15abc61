"""A bench client of graphql-transport-ws, on the maintained ``websockets`` library.

Not gql's WebsocketsTransport (what the contract suite speaks, tests/contract/live.py): the
bench holds a thousand connections in one process that shares the machine's CPUs with the
server, and gql gives each connection a client session with its own tasks and parses and
validates every document on the client. Here a connection is one socket and one reading task
that stamps each message with the time it was read and answers the server's pings (the
protocol's keep-alive, api/live.py): the least a client can do, so that what is measured is
the server.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import time
from dataclasses import dataclass, field
from typing import Any

import websockets
from websockets.asyncio.client import ClientConnection
from websockets.exceptions import ConnectionClosed
from websockets.typing import Subprotocol

PROTOCOL = Subprotocol("graphql-transport-ws")
ACK_TIMEOUT_S = 30.0


class LiveError(Exception):
    """The server refused a connection or a subscription."""


@dataclass(frozen=True, slots=True)
class Delivery:
    label: str  # which subscription of the connection it came to
    at: float  # epoch seconds, when read
    data: dict[str, Any]


@dataclass(eq=False)
class LiveSocket:
    """One WebSocket, logged in, with what its subscriptions delivered."""

    ws: ClientConnection
    deliveries: list[Delivery] = field(default_factory=list)
    refusals: list[dict[str, Any]] = field(default_factory=list)  # error, complete, errors
    closed: ConnectionClosed | None = None
    _labels: dict[str, str] = field(default_factory=dict)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _reader: asyncio.Task[None] | None = None

    @classmethod
    async def open(cls, url: str, token: str) -> LiveSocket:
        # The protocol's own ping keeps it alive; no WebSocket-level pings on top.
        ws = await websockets.connect(url, subprotocols=[PROTOCOL], ping_interval=None)
        init = {"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}}
        await ws.send(json.dumps(init))
        try:
            ack = json.loads(await asyncio.wait_for(ws.recv(), ACK_TIMEOUT_S))
        except ConnectionClosed as closed:
            raise LiveError(f"connection_init refused: {closed}") from None
        if ack.get("type") != "connection_ack":
            await ws.close()
            raise LiveError(f"no connection_ack: {ack}")
        socket = cls(ws)
        socket._reader = asyncio.create_task(socket._read())
        return socket

    async def subscribe(self, label: str, query: str, **variables: Any) -> None:
        operation = str(next(self._ids))
        self._labels[operation] = label
        message = {"query": query, "variables": variables}
        await self.ws.send(json.dumps({"id": operation, "type": "subscribe", "payload": message}))

    async def _read(self) -> None:
        try:
            async for raw in self.ws:
                at = time.time()
                message = json.loads(raw)
                kind = message.get("type")
                if kind == "ping":
                    await self.ws.send(json.dumps({"type": "pong"}))
                elif kind == "next" and not message["payload"].get("errors"):
                    label = self._labels.get(message.get("id", ""), "?")
                    self.deliveries.append(Delivery(label, at, message["payload"]["data"]))
                elif kind != "pong":
                    self.refusals.append(message)
        except ConnectionClosed as closed:
            self.closed = closed

    async def close(self) -> None:
        await self.ws.close()
        if self._reader is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader
