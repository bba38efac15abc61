"""A per-process cache of principals, invalidated across processes by LISTEN/NOTIFY.

Triggers on ``app_user`` and ``role_grant`` send ``NOTIFY quyhoach_access, '<user id>'`` when
their transaction commits; every process listening drops that user's cached principal, so a
revocation made through one process takes effect in all of them within the notification's
delivery time (milliseconds). Notifications sent while a listener is disconnected are lost, so
after a reconnect the whole cache is dropped.

A principal also carries the predecessor subtrees its granted units read through lineage
(``unit_inherited``). Whatever changes that table (loading a reform's lineage, a
reorganisation) calls ``notify_all`` in its transaction: a payload that is not a user id
drops every cached principal of every process when the transaction commits.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

import asyncpg
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from planning.access import Principal

logger = logging.getLogger(__name__)
CHANNEL = "quyhoach_access"
Loader = Callable[[int], Awaitable[Principal | None]]
EVERYONE = "all"  # a payload that is not a user id: every principal is dropped


async def notify_all(session: AsyncSession) -> None:
    """Drop every cached principal, in every process, when the session's transaction commits
    (call it whenever lineage, and so ``unit_inherited``, changes; a rollback sends nothing)."""
    await session.execute(select(func.pg_notify(CHANNEL, EVERYONE)))


class PrincipalCache:
    def __init__(self, max_entries: int = 50_000) -> None:
        self._entries: dict[int, Principal | None] = {}
        self._max_entries = max_entries
        self.generation = 0  # bumped by every invalidation, so a racing load is not cached

    async def get(self, user_id: int, load: Loader) -> Principal | None:
        if user_id in self._entries:
            return self._entries[user_id]
        generation = self.generation
        principal = await load(user_id)
        if generation == self.generation:
            if len(self._entries) >= self._max_entries:
                self._entries.clear()
            self._entries[user_id] = principal
        return principal

    def forget(self, user_id: int) -> None:
        self.generation += 1
        self._entries.pop(user_id, None)

    def clear(self) -> None:
        self.generation += 1
        self._entries.clear()


class AccessListener:
    """Listens for access changes on a connection of its own, reconnecting when it drops."""

    def __init__(self, dsn: str, cache: PrincipalCache, *, retry_seconds: float = 1.0) -> None:
        self._dsn = dsn
        self._cache = cache
        self._retry_seconds = retry_seconds
        self._task: asyncio.Task[None] | None = None
        self.listening = asyncio.Event()

    def _on_notify(self, connection: object, pid: int, channel: str, payload: str) -> None:
        if payload.isdigit():
            self._cache.forget(int(payload))
        else:
            self._cache.clear()

    async def _run(self) -> None:
        while True:
            try:
                connection = await asyncpg.connect(self._dsn)
            except (OSError, asyncpg.PostgresError):
                logger.warning("access listener cannot connect; retrying")
                await asyncio.sleep(self._retry_seconds)
                continue
            closed = asyncio.Event()
            try:
                connection.add_termination_listener(lambda _, closed=closed: closed.set())
                await connection.add_listener(CHANNEL, self._on_notify)
                self._cache.clear()  # anything may have changed while we were not listening
                self.listening.set()
                await closed.wait()
                logger.warning("access listener lost its connection; reconnecting")
            except (OSError, asyncpg.PostgresError):
                logger.warning("access listener lost its connection; reconnecting")
            finally:
                self.listening.clear()
                with contextlib.suppress(Exception):
                    await connection.close()

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run())
        await asyncio.wait_for(self.listening.wait(), timeout=10)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
