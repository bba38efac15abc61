"""A principal carries the predecessor subtrees its granted units read through lineage, loaded
with it (an official's login, an integrator's API key); whatever changes lineage drops every
cached principal of every process (``notify_all``), since a cached one holds the old roots."""

from __future__ import annotations

import asyncio
from datetime import date

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

import db
from db import access as access_db
from db.access_cache import AccessListener, Account, PrincipalCache, notify_all
from planning.access import Principal, Role
from schema.access.services import AccessServices
from tests.conftest import NOW
from tests.factories import make_user, unit

THREE_TIER = date(2025, 6, 30)


async def test_an_officials_grants_carry_their_units_predecessors(
    session: AsyncSession, access: AccessServices
) -> None:
    old_province = await unit(session, "22", THREE_TIER)
    _, principal = await make_user(
        session, access, "lineage.22", unit_code="22", roles=[Role.VIEWER, Role.CLERK]
    )
    _, old_official = await make_user(
        session, access, "lineage.22.old", unit_code="22", roles=[Role.VIEWER], at=THREE_TIER
    )

    assert {grant.inherited for grant in principal.grants} == {(old_province.path,)}
    assert old_official.grants[0].inherited == ()  # the old tree continues nothing


async def test_an_integrators_key_carries_its_units_predecessors(
    session: AsyncSession, access: AccessServices
) -> None:
    commune = await unit(session, "07168")  # Phường Hà An: four communes, one of them split
    creator, _ = await make_user(session, access, "keys.07168", unit_code="07168")
    key = await access_db.add_api_key(
        session,
        name="dashboard",
        unit_id=commune.id,
        created_by=creator.id,
        expires_at=None,
        now=NOW,
    )
    _, key.secret_hash = access.credentials.new_api_key_secret(key.id)
    await session.flush()

    principal = await access_db.principal_of_api_key(
        session, key_id=key.id, secret_hash=key.secret_hash, now=NOW
    )

    assert principal is not None
    [grant] = principal.grants
    assert grant.role is Role.INTEGRATOR
    codes = ("07156", "07159", "07168", "07180")
    predecessors = [await unit(session, code, THREE_TIER) for code in codes]
    assert sorted(grant.inherited) == sorted(p.path for p in predecessors)


async def test_notify_all_drops_every_cached_principal_once_committed(
    database_url: str, engine: AsyncEngine
) -> None:
    cache = PrincipalCache()
    loads: list[int] = []

    async def load(user_id: int) -> Account | None:
        loads.append(user_id)
        principal = Principal(user_id=user_id, api_key_id=None, name=str(user_id), grants=())
        return Account(principal=principal, sessions=frozenset())

    listener = AccessListener(db.plain_url(database_url), cache)
    await listener.start()
    try:
        for user_id in (1, 2, 1, 2):
            await cache.get(user_id, load)
        assert loads == [1, 2]  # cached
        async with db.create_sessionmaker(engine)() as session:
            await notify_all(session)
            await asyncio.sleep(0.2)
            await cache.get(1, load)
            assert loads == [1, 2]  # not before the commit
            before = cache.generation  # already bumped once: the listener cleared on connecting
            await session.commit()

        for _ in range(40):  # a bounded wait for the notification, not a timing measurement
            if cache.generation != before:
                break
            await asyncio.sleep(0.05)
        await cache.get(1, load)
        await cache.get(2, load)
        assert loads == [1, 2, 1, 2]
    finally:
        await listener.stop()
