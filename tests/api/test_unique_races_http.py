"""Over HTTP, concurrent records of one national id: one is created, the others are told
NATIONAL_ID_TAKEN, and none is answered 500 (issue 13: 8 such requests gave two 500s).

The requests commit, each on its own pooled connection, so this runs on a database of its own.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

import db
from api.app import create_app
from api.settings import Settings
from api.unit_lists import datasets, read_rows
from db import migrate
from db.access_cache import PrincipalCache
from db.unit_import import import_units
from planning.access import Role
from schema.access.services import AccessServices
from schema.node import to_global_id
from tests.conftest import NOW, fresh_database, log_in
from tests.factories import PASSWORD, make_user, unit

RACERS = 12
ROUNDS = 3

CREATE_PERSON = """
mutation ($input: CreatePersonInput!) {
  createPerson(input: $input) {
    __typename
    ... on PersonPayload { person { id nationalId } }
    ... on ValidationFailed { problems { code field } }
  }
}
"""


@pytest.fixture
async def clerk(server_url: str, access: AccessServices) -> AsyncIterator[tuple[Any, str]]:
    """A client logged in as a commune clerk, and the commune's id, on a database of its own."""
    async with fresh_database(server_url, "quyhoach_unique_http") as url:
        engine = db.create_engine(url, pool_size=RACERS + 2)
        await migrate.upgrade(engine)
        sessions = db.create_sessionmaker(engine)
        async with sessions() as session:
            two_tier = datasets()["two-tier"]
            await import_units(
                session, read_rows(two_tier.path), valid_from=two_tier.valid_from, valid_to=None
            )
            await make_user(session, access, "clerk.http", unit_code="07132", roles=[Role.CLERK])
            commune = to_global_id("Unit", (await unit(session, "07132")).id)
            await session.commit()
        app = create_app(
            settings=Settings(),
            sessionmaker=sessions,
            access=access,
            principals=PrincipalCache(),
            clock=lambda: NOW,
        )
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://quyhoach.test") as c:
            tokens = await log_in(c, "clerk.http", PASSWORD)
            c.headers["authorization"] = f"Bearer {tokens['accessToken']}"
            yield c, commune
        await engine.dispose()


def outcome(response: httpx.Response) -> str:
    """The status and what the body says, reduced to a word."""
    body = response.json()
    if body.get("errors"):
        return f"{response.status_code} {body['errors'][0]['extensions']['code']}"
    created = body["data"]["createPerson"]
    if created["__typename"] == "ValidationFailed":
        return f"{response.status_code} " + ",".join(p["code"] for p in created["problems"])
    return f"{response.status_code} {created['__typename']}"


async def test_concurrent_records_of_one_national_id_never_answer_500(
    clerk: tuple[httpx.AsyncClient, str],
) -> None:
    client, commune = clerk
    for round_ in range(ROUNDS):
        given = {
            "nationalId": f"03709900{round_:04d}",
            "fullName": "Phạm Văn Đồng Thời",
            "sex": "MALE",
            "birthYear": 1983,
            "unit": commune,
        }
        body = {"query": CREATE_PERSON, "variables": {"input": given}}
        responses = await asyncio.gather(
            *(client.post("/graphql", json=body) for _ in range(RACERS))
        )

        outcomes = Counter(outcome(response) for response in responses)
        assert outcomes == {"200 PersonPayload": 1, "200 NATIONAL_ID_TAKEN": RACERS - 1}, round_
