"""The bounds of a live connection, as a client sees them (issue 15; docs/api.md, "Live
updates"): an access token ends its connection when it expires, a client that answers no ping is
closed, one that stops reading is dropped rather than buffered, and a process refuses
subscriptions past its cap. Each runs a server of its own on the demo database, with the
settings (or the clock) it is about, next to the package's server."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from gql.transport.exceptions import TransportQueryError
from websockets.asyncio.client import ClientConnection
from websockets.exceptions import ConnectionClosed

from schema.access.services import AccessServices
from schema.node import to_global_id
from tests.conftest import NOW
from tests.contract.client import Api
from tests.contract.conftest import free_socket, served_settings, serving
from tests.contract.desk import Demo, Desk
from tests.contract.live import (
    PLAN_CHANGED,
    PLAN_EVENTS,
    WAIT_S,
    close_of,
    raw_socket,
    received,
    subscriber,
)

NOBODYS_PLAN = to_global_id("Plan", 10**9)  # a plan nobody has: nothing comes for it


Limited = Callable[..., AbstractAsyncContextManager[str]]


@pytest.fixture
def limited(demo_database: str, access: AccessServices) -> Limited:
    """Start a server of one's own: ``async with limited(ws_send_queue=1) as url``."""

    @asynccontextmanager
    async def start(sock: socket.socket | None = None, **limits: Any) -> AsyncIterator[str]:
        """A server of its own whose settings are the suite's but for ``limits``."""
        settings = replace(served_settings(demo_database), **limits)
        async with serving(demo_database, access, settings=settings, sock=sock) as url:
            yield url

    return start


async def test_an_access_token_ends_its_connection_when_it_expires(
    api: Api, demo_database: str, access: AccessServices
) -> None:
    await api.login("viewer.22")  # by the package's server, whose clock says NOW
    token = api.tokens["viewer.22"]
    # A server whose clock is later: the token has a second and a half left there.
    later = NOW + served_settings(demo_database).access_ttl - timedelta(seconds=1.5)
    async with (
        serving(demo_database, access, clock=lambda: later) as url,
        subscriber(url, token) as live,  # acknowledged: the token still holds
    ):
        ended = await live.subscribe(PLAN_CHANGED, plan=NOBODYS_PLAN, after=None).error()

    assert close_of(ended) == (4403, "TOKEN_EXPIRED")


async def test_a_client_that_answers_no_ping_is_closed_and_one_that_answers_stays(
    api: Api, demo: Demo, limited: Limited
) -> None:
    desk = await Desk.open(api, demo)
    token = api.tokens["viewer.22"]
    async with limited(ws_ping_seconds=1, ws_pong_timeout_seconds=1) as url:
        async with raw_socket(url, token) as silent:
            ping = await received(silent)
            with pytest.raises(ConnectionClosed) as closed:
                await received(silent)  # it never answers: what comes next is the close
        async with subscriber(url, token) as live:  # gql answers every ping with a pong
            stream = live.subscribe(PLAN_EVENTS, unit=desk.commune["id"], after=None)
            pinged = live.transport.ping_received
            for _ in range(3):
                await asyncio.wait_for(pinged.wait(), WAIT_S)
                pinged.clear()
            await desk.create()  # through the package's server
            after_pings = (await stream.next())["planEvents"]

    assert ping == {"type": "ping"}
    assert close_of(closed.value) == (4008, "KEEPALIVE_TIMEOUT")
    assert (after_pings["node"]["action"], after_pings["node"]["plan"]) == (
        "CREATE",
        desk.plan["id"],
    )


# A big edge of plain fields only: each alias's long name comes back as a key of the answer.
LONG_NAME = "an_alias_long_enough_to_make_a_big_message_" * 10
ALIASES = " ".join(f"{LONG_NAME}{n}: action" for n in range(25))
BIG_EDGE = (
    "subscription ($unit: ID!) { planEvents(unit: $unit) { cursor node { at plan action"
    f" {ALIASES} }} }} }}"
)
CATCH_UPS = 20  # the per-connection cap: every one from the start of the province's feed
PAUSE_S = 5  # how long the client stops reading: several times the send timeout below
SMALL_BUFFER = 4096  # bytes of a kernel socket buffer (Linux doubles it)


def small_buffers(sock: socket.socket) -> socket.socket:
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, SMALL_BUFFER)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, SMALL_BUFFER)
    return sock


async def until_closed(
    socket: ClientConnection,
) -> tuple[list[dict[str, Any]], ConnectionClosed]:
    """Every message a raw WebSocket still receives, and how it ended."""
    messages = []
    while True:
        try:
            messages.append(await received(socket))
        except ConnectionClosed as closed:
            return messages, closed


async def test_a_client_that_stops_reading_is_dropped(
    api: Api, demo: Demo, limited: Limited
) -> None:
    await api.login("viewer.22")
    token = api.tokens["viewer.22"]
    # What the server sends to a client that does not read waits in the kernel's buffers, then
    # in the server's. On a link as slow as this one (small kernel buffers at both ends, which
    # the loopback would otherwise grow to megabytes), the catch-up fills them, uncompressed,
    # once websockets stops reading past one message.
    with (
        free_socket() as listening,
        socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock,
    ):
        async with limited(
            small_buffers(listening), ws_send_queue=1, ws_send_timeout_seconds=1
        ) as url:
            small_buffers(sock).connect(listening.getsockname())
            async with raw_socket(url, token, sock=sock, max_queue=1, compression=None) as slow:
                for number in range(CATCH_UPS):
                    subscribe = {
                        "id": str(number),
                        "type": "subscribe",
                        "payload": {"query": BIG_EDGE, "variables": {"unit": demo.province}},
                    }
                    await slow.send(json.dumps(subscribe))
                await asyncio.sleep(PAUSE_S)  # not reading
                delivered, closed = await until_closed(slow)

    assert delivered  # the catch-up had begun
    assert {message["type"] for message in delivered} == {"next"}
    assert close_of(closed) == (4029, "SLOW_CONSUMER")


async def test_past_the_process_cap_a_subscription_is_refused_until_one_ends(
    api: Api, demo: Demo, limited: Limited
) -> None:
    desk = await Desk.open(api, demo)
    await desk.create()  # the one event of the commune's feed
    token = api.tokens["viewer.22"]
    commune = desk.commune["id"]
    async with (
        limited(ws_max_subscriptions=2) as url,
        subscriber(url, token) as one,
        subscriber(url, token) as two,
    ):
        first = one.subscribe(PLAN_EVENTS, unit=commune, after=None)
        second = two.subscribe(PLAN_EVENTS, unit=commune, after=None)
        # Each has delivered its catch-up: both are watching, the process is at its cap.
        caught_up = [(await s.next())["planEvents"] for s in (first, second)]
        refused = await two.subscribe(PLAN_EVENTS, unit=commune, after=None).error()
        await first.cancel()  # completes it: the connection's next one takes its place
        again = (await one.subscribe(PLAN_EVENTS, unit=commune, after=None).next())["planEvents"]

    assert [edge["node"]["plan"] for edge in caught_up] == [desk.plan["id"]] * 2
    assert isinstance(refused, TransportQueryError), repr(refused)
    assert refused.errors is not None
    assert [error.get("extensions", {}).get("code") for error in refused.errors] == [
        "SERVER_BUSY"
    ], refused.errors
    assert again == caught_up[0]
