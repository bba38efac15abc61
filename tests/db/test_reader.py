"""The read pool (db/reader.py) keeps each caller inside its own scope, whoever used the
connection before: its scope is a session setting of a connection shared by every caller."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

import db
from api.cli import serving_url
from api.settings import Settings
from db import persons as persons_db, rls
from db.plan_models import Person
from db.reader import PoolReads, Rows
from tests.factories import unit

NATIONAL_IDS = ("022084009901", "001084009902")  # one in Quảng Ninh, one in Hà Nội


@pytest.fixture
async def two_people(engine: AsyncEngine) -> AsyncIterator[dict[str, int]]:
    """A person in a commune of Quảng Ninh and one in Hà Nội, committed (the pool reads on its
    own connection, outside the test's transaction), and removed afterwards."""
    async with db.create_sessionmaker(engine)() as session:
        ids = {}
        for code, national_id in zip(("07132", "00004"), NATIONAL_IDS, strict=True):
            home = await unit(session, code)
            row = await persons_db.add(
                session,
                national_id=national_id,
                full_name=f"Người Đọc {code}",
                sex="FEMALE",
                birth_year=1985,
                birth_month=None,
                unit_id=home.id,
            )
            ids[code] = row.id
        await session.commit()
    try:
        yield ids
    finally:
        async with engine.begin() as connection:
            await connection.execute(
                text("DELETE FROM person WHERE national_id = ANY(:ids)"),
                {"ids": list(NATIONAL_IDS)},
            )


async def _scope(engine: AsyncEngine, code: str) -> rls.Scope:
    async with db.create_sessionmaker(engine)() as session:
        return rls.Scope(paths=((await unit(session, code)).path,), user_id=None)


async def test_one_connection_serves_each_caller_only_its_own_units(
    database_url: str, engine: AsyncEngine, two_people: dict[str, int]
) -> None:
    # One connection: every reader below takes the same one, one after another.
    reads = await PoolReads.open(serving_url(Settings(), database_url), size=1)
    people = Rows(Person)
    quang_ninh, ha_noi = await _scope(engine, "22"), await _scope(engine, "01")
    national = await _scope(engine, "VN")
    both = set(two_people.values())
    try:

        async def seen(scope: rls.Scope) -> set[int]:
            reader = reads.reader(scope)  # one request's reads
            try:
                return set(await people.by_id(reader, sorted(both)))
            finally:
                await reader.release()

        assert await seen(national) == both
        assert await seen(quang_ninh) == {two_people["07132"]}
        assert await seen(national) == both
        assert await seen(ha_noi) == {two_people["00004"]}
        assert await seen(rls.NOBODY) == set()
        assert await seen(quang_ninh) == {two_people["07132"]}
    finally:
        await reads.close()


async def test_concurrent_callers_of_different_scopes_never_see_each_others_rows(
    database_url: str, engine: AsyncEngine, two_people: dict[str, int]
) -> None:
    reads = await PoolReads.open(serving_url(Settings(), database_url), size=2)
    people = Rows(Person)
    scopes = {"07132": await _scope(engine, "22"), "00004": await _scope(engine, "01")}
    both = sorted(two_people.values())
    try:

        async def reads_only_its_own(code: str) -> None:
            for _ in range(25):
                reader = reads.reader(scopes[code])
                try:
                    found = await people.by_id(reader, both)
                finally:
                    await reader.release()
                assert set(found) == {two_people[code]}, code

        # 8 callers of two scopes on a pool of two connections: each is set and reset often.
        await asyncio.gather(*(reads_only_its_own(code) for code in list(scopes) * 4))
    finally:
        await reads.close()
