"""Live updates over WebSocket: strawberry's graphql-transport-ws handler, with our login, limits
and keep-alive (issue 15; docs/api.md "Live updates").

The protocol is strawberry's (``BaseGraphQLTransportWSHandler``); what it leaves open is here:

- ``connection_init`` carries the bearer token or API key (``{"authorization": "Bearer …"}``),
  checked as an HTTP request's header is (api/auth.py). A refusal closes with 4403 and the
  code as the reason.
- While connected, the login is held to what it is now: an access token or an API key closes
  the connection when it expires; a change of the user's access (a logout, a deactivation, a
  revoked grant or key), told by ``quyhoach_access``, authenticates it again at once: an ended
  one closes, a narrowed one rescopes every subscription (schema/live/connection.py).
- Messages go out through a bounded queue: a client that leaves it full longer than the send
  timeout is closed (4029) rather than buffered without limit. The server pings; a client
  that does not answer is closed (4008).
- Operations per connection and subscriptions per process are capped.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import defaultdict
from collections.abc import AsyncGenerator, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from starlette.websockets import WebSocket
from strawberry.asgi import ASGIWebSocketAdapter
from strawberry.schema import BaseSchema
from strawberry.schema.schema import StreamResult
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import (
    ConnectionInitMessage,
    Message,
    PongMessage,
    SubscribeMessage,
)
from strawberry.types.graphql import OperationType

from api.auth import authenticate
from api.responses import RequestRejected
from api.settings import Settings
from api.trusted_documents import TrustedDocuments
from db.access_cache import CHANNEL as ACCESS_CHANNEL, KEY_REVOKED, PrincipalCache
from db.notifications import Listener
from planning.access import Principal
from schema.access.credentials import InvalidToken
from schema.access.services import AccessServices
from schema.errors import ClientError
from schema.live.connection import LiveConnection
from schema.live.hub import PLANS_CHANNEL, Hub
from schema.messages import Language

# uvicorn's WebSocket implementation: websockets' maintained one (its legacy one is deprecated).
UVICORN_WS = "websockets-sansio"

FORBIDDEN = 4403  # connection_init refused, or the login ended while connected
INVALID_MESSAGE = 4400  # the protocol's code for a message it cannot read
KEEPALIVE_TIMEOUT = 4008
SLOW_CONSUMER = 4029
SERVICE_RESTART = 1012  # the server is shutting down: reconnect (to another) and resume
SHUTDOWN_WAIT_S = 10


def _credentials(payload: Mapping[str, Any]) -> str | None:
    for key, value in payload.items():
        if isinstance(key, str) and key.lower() == "authorization" and isinstance(value, str):
            return value
    return None


class LiveLogins:
    """The logins of a process's live connections, checked again whenever access changes."""

    def __init__(self, access: AccessServices, principals: PrincipalCache) -> None:
        self.access = access
        self.principals = principals
        self._by_user: dict[int, set[LiveHandler]] = defaultdict(set)
        self._by_key: dict[int, set[LiveHandler]] = defaultdict(set)
        self._tasks: set[asyncio.Task[None]] = set()

    def _index(self, principal: Principal) -> tuple[dict[int, set[LiveHandler]], int | None]:
        if principal.api_key_id is not None:
            return self._by_key, principal.api_key_id
        return self._by_user, principal.user_id

    def add(self, handler: LiveHandler, principal: Principal) -> None:
        index, key = self._index(principal)
        if key is not None:
            index[key].add(handler)

    def discard(self, handler: LiveHandler, principal: Principal) -> None:
        index, key = self._index(principal)
        if key in index:
            index[key].discard(handler)
            if not index[key]:
                del index[key]

    def notified(self, payload: str) -> None:
        """An access change committed somewhere (``quyhoach_access``, after the cache's own)."""
        if payload.startswith(KEY_REVOKED):
            suffix = payload[len(KEY_REVOKED) :]
            affected = set(self._by_key.get(int(suffix), ())) if suffix.isdigit() else set()
        elif payload.isdigit():
            affected = set(self._by_user.get(int(payload), ()))
        else:
            affected = self.everyone()
        for handler in affected:
            self._spawn(handler.check_login())

    def reconnected(self) -> None:
        for handler in self.everyone():
            self._spawn(handler.check_login())

    def everyone(self) -> set[LiveHandler]:
        return {h for index in (self._by_user, self._by_key) for hs in index.values() for h in hs}

    def _spawn(self, work: Any) -> None:
        task = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)


class LiveSocket(ASGIWebSocketAdapter):
    """The socket's messages, decoded by the view as a request body is (api/graphql.py): one
    it refuses (not JSON, nested too deep) closes the connection with 4400 and its code."""

    async def iter_json(self, *, ignore_parsing_errors: bool = False) -> AsyncGenerator[object]:
        messages = super().iter_json(ignore_parsing_errors=ignore_parsing_errors)
        try:
            async for message in messages:
                yield message
        except RequestRejected as rejected:
            await self.close(INVALID_MESSAGE, rejected.error.code)


class SubscriptionsOnly:
    """The schema as a live connection runs it: subscriptions only. Queries and mutations go
    over HTTP, where their limits, read pool and idempotency keys hold; one sent here is
    refused with SUBSCRIPTIONS_ONLY (schema/errors.py)."""

    def __init__(self, schema: BaseSchema) -> None:
        self.schema = schema

    async def stream(self, query: str | None, *args: Any, **kwargs: Any) -> StreamResult:
        kwargs["allowed_operation_types"] = (OperationType.SUBSCRIPTION,)
        return await self.schema.stream(query, *args, **kwargs)


class LiveHandler(BaseGraphQLTransportWSHandler[LiveConnection, None]):
    """One WebSocket speaking graphql-transport-ws (the view makes one per connection)."""

    context: LiveConnection

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.schema = cast(BaseSchema, SubscriptionsOnly(self.schema))
        live: Live = getattr(self.view, "live")  # noqa: B009 (the view is typed as strawberry's)
        self.limits = live.limits
        self.logins = live.logins
        self._socket: WebSocket = cast(ASGIWebSocketAdapter, self.websocket).ws
        self._outbox: asyncio.Queue[Message] = asyncio.Queue(self.limits.ws_send_queue)
        self._closed = False
        self._credentials: str | None = None
        self._pong = asyncio.Event()
        self._chores: list[asyncio.Task[None]] = []
        self.ended = asyncio.Event()  # its operations have ended, their reads closed

    async def handle(self) -> None:
        self._chores = [asyncio.create_task(self._write()), asyncio.create_task(self._keep_alive())]
        try:
            await super().handle()
        finally:
            for chore in self._chores:
                chore.cancel()
            principal = self.context.principal
            if principal is not None:
                self.logins.discard(self, principal)
            self.ended.set()

    # --- Sending, bounded -------------------------------------------------------------------

    async def send_message(self, message: Message) -> None:
        if self._closed:
            return
        try:
            # A full queue holds the subscription back (a catch-up waits for the client to
            # read), but only so long: a client that stops reading is dropped, not buffered.
            await asyncio.wait_for(self._outbox.put(message), self.limits.ws_send_timeout_seconds)
        except TimeoutError:
            await self.close(SLOW_CONSUMER, "SLOW_CONSUMER")

    async def _write(self) -> None:
        while True:
            message = await self._outbox.get()
            encoded = self.view.encode_json(message)
            try:
                # Text frames: the protocol's messages are JSON text (the view encodes bytes).
                await self._socket.send_text(
                    encoded.decode() if isinstance(encoded, bytes) else encoded
                )
            except Exception:  # the client went away: the receiving side ends the connection
                return

    async def close(self, code: int, reason: str) -> None:
        if self._closed:
            return
        self._closed = True
        with contextlib.suppress(Exception):
            await self.websocket.close(code=code, reason=reason)

    # --- Keep-alive -------------------------------------------------------------------------

    async def _keep_alive(self) -> None:
        while not self._closed:
            await asyncio.sleep(self.limits.ws_ping_seconds)
            self._pong.clear()
            await self.send_message({"type": "ping"})
            try:
                await asyncio.wait_for(self._pong.wait(), self.limits.ws_pong_timeout_seconds)
            except TimeoutError:
                await self.close(KEEPALIVE_TIMEOUT, "KEEPALIVE_TIMEOUT")

    async def handle_pong(self, message: PongMessage) -> None:
        self._pong.set()

    # --- The login --------------------------------------------------------------------------

    async def handle_connection_init(self, message: ConnectionInitMessage) -> None:
        payload = message.get("payload") or {}
        if self.connection_init_received or not isinstance(payload, dict):
            await super().handle_connection_init(message)  # strawberry's refusals
            return
        language = payload.get("acceptLanguage")
        if isinstance(language, str):
            self.context.language = Language.from_accept_language(language)
        self._credentials = _credentials(payload)
        refusal = "UNAUTHENTICATED" if self._credentials is None else await self.check_login()
        if refusal is not None:
            if self.connection_init_timeout_task:
                self.connection_init_timeout_task.cancel()
            self.connection_init_received = True
            await self.close(FORBIDDEN, refusal)
            return
        await super().handle_connection_init(message)

    async def check_login(self) -> str | None:
        """Authenticate the connection's credentials again (at init, and on every access
        change of its login); None if they hold, else the reason it was closed for."""
        if self._closed:
            return None
        services = self.context.services
        now = services.clock()
        try:
            async with services.sessions() as session:
                principal = await authenticate(
                    self._credentials,
                    session=session,
                    access=self.logins.access,
                    cache=self.logins.principals,
                    now=now,
                )
        except RequestRejected:
            principal = None
        before = self.context.principal
        if principal is None:
            reason = "INVALID_TOKEN" if before is None else "SESSION_ENDED"
            await self.close(FORBIDDEN, reason)
            return reason
        if before is None:
            self.logins.add(self, principal)
            self._expire_at(self._expiry(principal, now))
        if principal != before:
            self.context.rescope(principal)
        return None

    def _expiry(self, principal: Principal, now: datetime) -> datetime | None:
        """When the credentials stop authenticating: the access token's ``exp``, or the API
        key's expiry date (a revoked key is told by notification instead)."""
        if principal.api_key_id is not None:
            return principal.expires_at
        token = (self._credentials or "").partition(" ")[2].strip()
        try:
            return self.logins.access.credentials.read_access_token(token, now=now).expires_at
        except InvalidToken:
            return now

    def _expire_at(self, at: datetime | None) -> None:
        if at is None:
            return
        delay = (at - self.context.services.clock()).total_seconds()

        async def expire() -> None:
            await asyncio.sleep(max(delay, 0))
            await self.close(FORBIDDEN, "TOKEN_EXPIRED")

        self._chores.append(asyncio.create_task(expire()))

    # --- Operations, capped -----------------------------------------------------------------

    async def handle_subscribe(self, message: SubscribeMessage) -> None:
        if (
            self.connection_acknowledged
            and message.get("id") not in self.operations
            and len(self.operations) >= self.limits.ws_max_per_connection
        ):
            error = ClientError("TOO_MANY_SUBSCRIPTIONS", limit=self.limits.ws_max_per_connection)
            await self._refuse(message, error)
            return
        if self.connection_acknowledged and isinstance(message.get("payload"), dict):
            # The allow-list of QUYHOACH_TRUSTED_DOCUMENTS holds here as over HTTP: a
            # subscription runs a registered document (by id or text) or is refused.
            documents: TrustedDocuments = getattr(self.view, "documents")  # noqa: B009
            try:
                async with self.context.services.sessions() as session:
                    query = await documents.query_of(message["payload"], session)
            except RequestRejected as rejected:
                await self._refuse(message, rejected.error)
                return
            if isinstance(query, str):
                message["payload"]["query"] = query
        await super().handle_subscribe(message)

    async def _refuse(self, message: SubscribeMessage, error: ClientError) -> None:
        payload: Any = [error.as_json(self.context.language)]
        await self.send_message({"id": message["id"], "type": "error", "payload": payload})


@dataclass(frozen=True, slots=True)
class Live:
    """A process's live updates: its subscriptions, its connections' logins, their limits."""

    hub: Hub
    logins: LiveLogins
    limits: Settings  # its QUYHOACH_WS_* values

    @classmethod
    def of(cls, settings: Settings, access: AccessServices, principals: PrincipalCache) -> Live:
        return cls(
            hub=Hub(max_subscriptions=settings.ws_max_subscriptions),
            logins=LiveLogins(access, principals),
            limits=settings,
        )

    def follow(self, listener: Listener) -> None:
        """Wake on the process's listener (before it starts): plan events and access changes
        (after the principal cache, which the listener follows first)."""
        listener.follow(PLANS_CHANNEL, self.hub.notified, self.hub.wake_all)
        listener.follow(ACCESS_CHANNEL, self.logins.notified, self.logins.reconnected)

    async def close(self) -> None:
        """Close every live connection of the process (a shutdown: 1012, as a restart) and
        wait, for a bound, until their operations have ended: none reads from a pool that is
        being closed."""
        handlers = self.logins.everyone()
        for handler in handlers:
            await handler.close(SERVICE_RESTART, "SERVICE_RESTART")
        if handlers:
            waits = [asyncio.ensure_future(handler.ended.wait()) for handler in handlers]
            _, late = await asyncio.wait(waits, timeout=SHUTDOWN_WAIT_S)
            for wait in late:
                wait.cancel()

    @property
    def init_timeout(self) -> timedelta:
        return timedelta(seconds=self.limits.ws_init_timeout_seconds)
