"""Pure ASGI middleware: a bounded body, a request id, one database session per request."""

from __future__ import annotations

import asyncio
import ipaddress
import re
import uuid
from collections.abc import Sequence

from starlette.datastructures import Headers
from starlette.middleware import Middleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from api.responses import language_of, rejection
from db import SessionFactory
from schema.errors import ClientError

_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")


def proxy_headers(trusted_proxies: Sequence[str]) -> list[Middleware]:
    """Believe ``X-Forwarded-For`` (and ``X-Forwarded-Proto``) only from ``trusted_proxies``:
    uvicorn's middleware then puts the client it names in the scope, the right-most address
    that is not itself a trusted proxy. With none configured nothing is added, and the client
    is the connection's peer whatever headers say (``serve`` runs uvicorn with
    ``proxy_headers=False``, so uvicorn does not trust 127.0.0.1 behind our back)."""
    if not trusted_proxies:
        return []
    return [Middleware(ProxyHeadersMiddleware, trusted_hosts=list(trusted_proxies))]


def client_address(scope: Scope) -> str:
    """The caller's address as login throttling counts it: the IPv4 address, or the /64
    network of an IPv6 one (one subscriber usually holds a whole /64). Anything else (a unix
    socket, a garbled forwarded value) is one shared "unknown"."""
    client = scope.get("client")
    try:
        address = ipaddress.ip_address(client[0] if client else "")
    except ValueError:
        return "unknown"
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)


class BodyLimit:
    """Refuse bodies over ``max_bytes`` with 413 before the application reads them."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            await self.too_large(scope)(scope, receive, send)
            return
        # Read the whole (bounded) body now, so a lying Content-Length or a chunked stream
        # cannot make the application buffer more than the limit.
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await self.too_large(scope)(scope, receive, send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    def too_large(self, scope: Scope) -> ASGIApp:
        # Made only when refusing: wording the answer cost every request a fiftieth of its time.
        return rejection(
            413, ClientError("BODY_TOO_LARGE", limit=self.max_bytes), language_of(scope)
        )


class RequestScope:
    """Give each HTTP request an id (echoed back) and a session closed after it.

    Closing rolls back whatever was not committed: a mutation commits explicitly, once.
    """

    def __init__(self, app: ASGIApp, sessionmaker: SessionFactory, concurrency: int) -> None:
        self.app = app
        self.sessionmaker = sessionmaker
        # At most as many requests in flight as the pool has connections, admitted first come
        # first served: waiting inside the pool instead let some requests starve for seconds.
        self.gate = asyncio.Semaphore(concurrency)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = Headers(scope=scope).get("x-request-id", "")
        request_id = given if _REQUEST_ID.fullmatch(given) else uuid.uuid4().hex

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", request_id.encode())]
            await send(message)

        async with self.gate, self.sessionmaker() as session:
            state = scope.setdefault("state", {})
            state["session"] = session
            state["request_id"] = request_id
            await self.app(scope, receive, send_with_id)
