"""One listener per process follows several channels on one connection, and tells each follower
when it had to reconnect (what was sent meanwhile is lost)."""

from __future__ import annotations

import asyncio

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

import db
from db.notifications import APPLICATION_NAME, Listener

WAIT_S = 10  # bounds on waits for a notification, not timing measurements


class Follower:
    def __init__(self) -> None:
        self.payloads: asyncio.Queue[str] = asyncio.Queue()
        self.reconnections = 0
        self.reconnected_event = asyncio.Event()

    def notified(self, payload: str) -> None:
        self.payloads.put_nowait(payload)

    def reconnected(self) -> None:
        self.reconnections += 1
        self.reconnected_event.set()


async def _notify(engine: AsyncEngine, channel: str, payload: str) -> None:
    async with db.create_sessionmaker(engine)() as session:
        await session.execute(text("SELECT pg_notify(:c, :p)"), {"c": channel, "p": payload})
        await session.commit()


async def test_each_follower_hears_its_channel_and_is_told_of_a_reconnect(
    database_url: str, engine: AsyncEngine
) -> None:
    plans, access = Follower(), Follower()
    listener = Listener(db.plain_url(database_url), retry_seconds=0.05)
    listener.follow("test_plans", plans.notified, plans.reconnected)
    listener.follow("test_access", access.notified, access.reconnected)
    await listener.start()
    try:
        assert (plans.reconnections, access.reconnections) == (1, 1)  # the first connection
        await _notify(engine, "test_plans", "17")
        await _notify(engine, "test_access", "3")
        assert await asyncio.wait_for(plans.payloads.get(), WAIT_S) == "17"
        assert await asyncio.wait_for(access.payloads.get(), WAIT_S) == "3"
        assert plans.payloads.empty()
        assert access.payloads.empty()

        plans.reconnected_event.clear()
        async with db.create_sessionmaker(engine)() as session:
            cut = await session.scalar(
                text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                    " WHERE application_name = :name AND datname = current_database()"
                ),
                {"name": APPLICATION_NAME},
            )
        assert cut == 1
        await asyncio.wait_for(plans.reconnected_event.wait(), WAIT_S)
        await asyncio.wait_for(listener.listening.wait(), WAIT_S)

        assert (plans.reconnections, access.reconnections) == (2, 2)
        await _notify(engine, "test_plans", "18")
        assert await asyncio.wait_for(plans.payloads.get(), WAIT_S) == "18"
    finally:
        await listener.stop()
