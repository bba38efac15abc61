"""A process's live subscriptions, and what wakes them.

Every process listens to ``quyhoach_plans`` (migration 0025): each committed plan event names its
plan, its transaction and the id paths of the plan's planning and approving units. The hub offers
each notice to every watch of the process; a watch that may concern it (its plan, or a unit under
its subtree and inside its subscriber's wall) wakes, and its subscription reads, in its own
scope, what it may see. A notice says nothing to anyone: it only says when to look.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field

from schema.errors import ClientError

PLANS_CHANNEL = "quyhoach_plans"


@dataclass(frozen=True, slots=True)
class PlanNotice:
    """One committed plan event, as its notification names it: ids only."""

    plan_id: int
    txid: int
    planning_path: str
    approving_path: str | None

    @classmethod
    def parse(cls, payload: str) -> PlanNotice | None:
        try:
            plan_id, txid, planning, approving = json.loads(payload)
            return cls(int(plan_id), int(txid), str(planning), approving and str(approving))
        except (ValueError, TypeError):
            return None


@dataclass(eq=False, slots=True)
class Watch:
    """What one subscription waits for: ``concerns`` says which notices may matter to it."""

    concerns: Callable[[PlanNotice], bool]
    plans: set[int] = field(default_factory=set)  # of the notices since the last `take`
    latest_txid: int = 0  # the newest transaction a notice named since the last `take`
    everything: bool = False  # notices may have been lost, or the subscriber's scope changed
    woken: asyncio.Event = field(default_factory=asyncio.Event)

    def offer(self, notice: PlanNotice) -> None:
        if self.concerns(notice):
            self.plans.add(notice.plan_id)
            self.latest_txid = max(self.latest_txid, notice.txid)
            self.woken.set()

    def wake_all(self) -> None:
        self.everything = True
        self.woken.set()

    async def wait(self, seconds: float | None = None) -> None:
        """Until woken, or ``seconds`` have passed."""
        with suppress(TimeoutError):
            await asyncio.wait_for(self.woken.wait(), seconds)

    def take(self) -> tuple[set[int], int, bool]:
        """The plans, newest transaction and whether everything changed, since the last take."""
        taken = (self.plans, self.latest_txid, self.everything)
        self.plans, self.latest_txid, self.everything = set(), 0, False
        self.woken.clear()
        return taken


class Hub:
    """The live subscriptions of one process, under its cap."""

    def __init__(self, *, max_subscriptions: int) -> None:
        self.max_subscriptions = max_subscriptions
        self._watches: set[Watch] = set()

    def __len__(self) -> int:
        return len(self._watches)

    @contextmanager
    def watching(self, concerns: Callable[[PlanNotice], bool]) -> Iterator[Watch]:
        """:raises ClientError: SERVER_BUSY past the process's cap"""
        if len(self._watches) >= self.max_subscriptions:
            raise ClientError("SERVER_BUSY", limit=self.max_subscriptions)
        watch = Watch(concerns)
        self._watches.add(watch)
        try:
            yield watch
        finally:
            self._watches.discard(watch)

    def notified(self, payload: str) -> None:
        """A plan event committed somewhere (``PLANS_CHANNEL``)."""
        notice = PlanNotice.parse(payload)
        if notice is None:
            return
        for watch in self._watches:
            watch.offer(notice)

    def wake_all(self) -> None:
        """The listener reconnected: what was notified meanwhile is lost; everyone reads again."""
        for watch in self._watches:
            watch.wake_all()
