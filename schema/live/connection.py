"""One live connection (a WebSocket): who is on it now, and the moments its events are read in.

The connection outlives every request-sized thing: its caller's grants may narrow, its session
may end, days pass. So nothing is read in it directly: each delivery opens a *moment*, a context
of its own (a session scoped to the caller as they are now, a clock reading, fresh loaders), and
the events read in it are answered in it (``InContext``, schema/executor.py).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime

from db import SessionFactory, rls
from planning.access import Principal, inherited_covers
from planning.reorganisation import ShippedReform
from planning.rulesets import RuleSet
from schema.access.services import AccessServices
from schema.context import Context
from schema.live.hub import Hub, PlanNotice, Watch
from schema.messages import Language


@dataclass(frozen=True, slots=True)
class LiveServices:
    """What every connection of a process shares."""

    hub: Hub
    sessions: SessionFactory
    access: AccessServices
    clock: Callable[[], datetime]
    rule_sets: Mapping[str, RuleSet]
    shipped_reform: Callable[[str], ShippedReform | None]
    # Live reads take at most this many of the pool's connections at once: a wake of a
    # thousand subscribers queues here instead of taking the pool from the requests.
    reads: asyncio.Semaphore


@dataclass(eq=False)
class LiveConnection:
    """The context of a WebSocket's operations (``info.context`` of a subscription field)."""

    services: LiveServices
    language: Language = Language.VI
    request_id: str = "-"
    client_address: str = "unknown"
    principal: Principal | None = None
    connection_params: dict[str, object] = field(default_factory=dict)  # strawberry sets it
    _scope: rls.Scope = rls.NOBODY
    _watches: set[Watch] = field(default_factory=set)

    @property
    def hub(self) -> Hub:
        return self.services.hub

    def rescope(self, principal: Principal) -> None:
        """The caller's grants changed: every subscription reads again, as they are now."""
        self.principal = principal
        self._scope = rls.scope_of(principal)
        for watch in self._watches:
            watch.wake_all()

    def within_wall(self, unit_path: str | None) -> bool:
        """Whether ``unit_path`` lies inside the caller's wall (db/rls.py): a unit outside it is
        one whose plans the caller cannot read in any way."""
        return unit_path is not None and inherited_covers(self._scope.paths, unit_path)

    @asynccontextmanager
    async def watching(self, concerns: Callable[[PlanNotice], bool]) -> AsyncIterator[Watch]:
        """:raises ClientError: SERVER_BUSY past the process's cap"""
        with self.hub.watching(concerns) as watch:
            self._watches.add(watch)
            try:
                yield watch
            finally:
                self._watches.discard(watch)

    @asynccontextmanager
    async def moment(self) -> AsyncIterator[Context]:
        """A context to read one delivery in, closed after it."""
        services = self.services
        async with services.reads, services.sessions() as session:
            await rls.enter(session, self._scope)
            yield Context(
                session=session,
                now=services.clock(),
                access=services.access,
                principal=self.principal,
                rule_sets=services.rule_sets,
                shipped_reform=services.shipped_reform,
                language=self.language,
                request_id=self.request_id,
                client_address=self.client_address,
            )
