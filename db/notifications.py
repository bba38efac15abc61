"""One LISTEN connection per process, for every channel it follows (PostgreSQL's NOTIFY).

A notification reaches every listening process when, and only when, the transaction that sent
it commits. Notifications sent while a listener is disconnected are lost: after a reconnect,
each follower's ``reconnected`` runs, so that it can drop or re-read whatever it derived from
them (the principal cache drops everything; a live subscription reads again from its cursor).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass

import asyncpg

logger = logging.getLogger(__name__)
# How the connection shows in pg_stat_activity, for operators (and the test that cuts it).
APPLICATION_NAME = "quyhoach-listener"


@dataclass(frozen=True, slots=True)
class _Follower:
    channel: str
    notified: Callable[[str], None]  # the payload, on the event loop; must not block
    reconnected: Callable[[], None]


class Listener:
    """Listens on a connection of its own, reconnecting when it drops."""

    def __init__(self, dsn: str, *, retry_seconds: float = 1.0) -> None:
        self._dsn = dsn
        self._retry_seconds = retry_seconds
        self._followers: list[_Follower] = []
        self._task: asyncio.Task[None] | None = None
        self.listening = asyncio.Event()

    def follow(
        self, channel: str, notified: Callable[[str], None], reconnected: Callable[[], None]
    ) -> None:
        """Call ``notified`` with each payload of ``channel`` (before ``start``)."""
        if self._task is not None:
            raise RuntimeError("follow a channel before the listener starts")
        self._followers.append(_Follower(channel, notified, reconnected))

    def _on_notify(self, connection: object, pid: int, channel: str, payload: str) -> None:
        for follower in self._followers:
            if follower.channel == channel:
                follower.notified(payload)

    async def _run(self) -> None:
        while True:
            try:
                connection = await asyncpg.connect(
                    self._dsn, server_settings={"application_name": APPLICATION_NAME}
                )
            except (OSError, asyncpg.PostgresError):
                logger.warning("listener cannot connect; retrying")
                await asyncio.sleep(self._retry_seconds)
                continue
            closed = asyncio.Event()
            try:
                connection.add_termination_listener(lambda _, closed=closed: closed.set())
                for channel in dict.fromkeys(f.channel for f in self._followers):
                    await connection.add_listener(channel, self._on_notify)
                for follower in self._followers:
                    follower.reconnected()  # anything may have changed while we were away
                self.listening.set()
                await closed.wait()
                logger.warning("listener lost its connection; reconnecting")
            except (OSError, asyncpg.PostgresError):
                logger.warning("listener lost its connection; reconnecting")
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
