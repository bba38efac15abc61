"""A per-process cache of principals, invalidated across processes by LISTEN/NOTIFY.

Each official's entry holds the principal and the login sessions that are live
(``Account``): an access token is checked against that set on every request without
a query. Triggers on ``app_user``, ``role_grant`` and ``refresh_token`` (a revocation: logout,
a reused refresh token, deactivation, a password reset) send ``NOTIFY quyhoach_access,
'<user id>'`` when their transaction commits; every process listening drops that user's entry,
so a revocation or an ended session made through one process takes effect in all of them
within the notification's delivery time (milliseconds). Notifications sent while a listener is
disconnected are lost, so after a reconnect the whole cache is dropped.

A session younger than the entry (begun through another process since) is not in the set: the
entry is loaded again once. A session found ended is remembered (an ended session never comes
back), so a client that keeps sending its old token costs no query either.

A principal also carries the predecessor subtrees its granted units read through lineage
(``unit_inherited``). Whatever changes that table (loading a reform's lineage, a
reorganisation) calls ``notify_all`` in its transaction: a payload that is not a user id
drops every cached principal of every process when the transaction commits.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.notifications import Listener
from planning.access import Principal

CHANNEL = "quyhoach_access"


@dataclass(frozen=True, slots=True)
class Account:
    """What a process caches of an official: the principal, and the login sessions that are
    live (an access token works only inside one of them: its ``sid`` claim)."""

    principal: Principal
    sessions: frozenset[uuid.UUID]


Loader = Callable[[int], Awaitable[Account | None]]
EVERYONE = "all"  # a payload that is not a user id: every principal is dropped
KEY_REVOKED = "key:"  # then an API key's id (migration 0025): for live connections to end


async def notify_all(session: AsyncSession) -> None:
    """Drop every cached principal, in every process, when the session's transaction commits
    (call it whenever lineage, and so ``unit_inherited``, changes; a rollback sends nothing)."""
    await session.execute(select(func.pg_notify(CHANNEL, EVERYONE)))


class PrincipalCache:
    def __init__(self, max_entries: int = 50_000) -> None:
        self._entries: dict[int, Account | None] = {}
        self._ended: set[uuid.UUID] = set()
        self._max_entries = max_entries
        self.generation = 0  # bumped by every invalidation, so a racing load is not cached

    async def get(self, user_id: int, load: Loader) -> Account | None:
        if user_id in self._entries:
            return self._entries[user_id]
        return await self._load(user_id, load)

    async def _load(self, user_id: int, load: Loader) -> Account | None:
        generation = self.generation
        account = await load(user_id)
        if generation == self.generation:
            if len(self._entries) >= self._max_entries:
                self._entries.clear()
            self._entries[user_id] = account
        return account

    async def in_session(
        self, user_id: int, session_id: uuid.UUID, load: Loader
    ) -> Principal | None:
        """The principal of ``user_id`` if ``session_id`` is one of its live sessions."""
        if session_id in self._ended:
            return None
        account = await self.get(user_id, load)
        if account is not None and session_id not in account.sessions:
            account = await self._load(user_id, load)  # a session begun since the entry
            if account is not None and session_id not in account.sessions:
                if len(self._ended) >= self._max_entries:
                    self._ended.clear()
                self._ended.add(session_id)
        if account is None or session_id not in account.sessions:
            return None
        return account.principal

    def notified(self, payload: str) -> None:
        """A change of access, committed in some process (``CHANNEL``)."""
        if payload.startswith(KEY_REVOKED):
            return  # an integrator's key: its principal is never cached (api/auth.py)
        if payload.isdigit():
            self.forget(int(payload))
        else:
            self.clear()

    def forget(self, user_id: int) -> None:
        self.generation += 1
        self._entries.pop(user_id, None)

    def clear(self) -> None:
        self.generation += 1
        self._entries.clear()


class AccessListener(Listener):
    """A process's listener, dropping cached principals as access changes (more channels may
    be followed on it before it starts: one connection per process)."""

    def __init__(self, dsn: str, cache: PrincipalCache, *, retry_seconds: float = 1.0) -> None:
        super().__init__(dsn, retry_seconds=retry_seconds)
        self.follow(CHANNEL, cache.notified, reconnected=cache.clear)
