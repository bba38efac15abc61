"""Production mode is closed by default: no introspection, no GraphiQL, no suggestions.

Over HTTP, with the settings read from an environment as a production server reads them.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

import httpx
import pytest
from graphql import get_introspection_query
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.app import create_app
from api.cli import exposure
from api.settings import Settings
from db.access_cache import PrincipalCache
from planning.access import Role
from schema.access.services import AccessServices
from tests.conftest import NOW, log_in
from tests.factories import PASSWORD, make_user

# Texts these tests write on the spot, which production refuses unless registered
# (QUYHOACH_TRUSTED_DOCUMENTS=only; tests/api/test_trusted_documents.py): allowed here.
PRODUCTION = {
    "QUYHOACH_ENV": "production",
    "QUYHOACH_SECRET": "s" * 40,
    "QUYHOACH_TRUSTED_DOCUMENTS": "allowed",
}
ENABLED = {**PRODUCTION, "QUYHOACH_INTROSPECTION": "1", "QUYHOACH_GRAPHIQL": "1"}
INTROSPECTION = get_introspection_query(descriptions=True)
HTML = {"accept": "text/html"}

Server = Callable[..., AbstractAsyncContextManager[httpx.AsyncClient]]


@pytest.fixture
def server(sessionmaker: async_sessionmaker[AsyncSession], access: AccessServices) -> Server:
    """A client of an app configured from ``environ``, logged in as an official if asked."""

    @asynccontextmanager
    async def serve(
        environ: dict[str, str], *, official: bool = False
    ) -> AsyncIterator[httpx.AsyncClient]:
        app = create_app(
            settings=Settings.from_environ(environ),
            sessionmaker=sessionmaker,
            access=access,
            principals=PrincipalCache(),
            clock=lambda: NOW,
        )
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://quyhoach.test") as c:
            if official:
                async with sessionmaker() as session:
                    await make_user(session, access, "can.bo", roles=[Role.VIEWER])
                    await session.commit()
                tokens = await log_in(c, "can.bo", PASSWORD)
                c.headers["authorization"] = f"Bearer {tokens['accessToken']}"
            yield c

    return serve


async def codes_of(client: httpx.AsyncClient, query: str) -> tuple[int, list[str]]:
    response = await client.post("/graphql", json={"query": query})
    errors = response.json().get("errors") or []
    return response.status_code, [e["extensions"]["code"] for e in errors]


class TestClosedByDefault:
    async def test_introspection_is_refused_even_to_an_official(self, server: Server) -> None:
        async with server(PRODUCTION, official=True) as client:
            status, codes = await codes_of(client, INTROSPECTION)

        assert (status, codes) == (400, ["INTROSPECTION_DISABLED"])

    async def test_a_type_lookup_hidden_in_a_fragment_is_refused(self, server: Server) -> None:
        query = '{ ...Q } fragment Q on Query { ... on Query { __type(name: "Unit") { name } } }'
        async with server(PRODUCTION) as client:
            status, codes = await codes_of(client, query)

        assert (status, codes) == (400, ["INTROSPECTION_DISABLED"])

    async def test_typename_is_not_introspection(self, server: Server) -> None:
        async with server(PRODUCTION) as client:
            response = await client.post("/graphql", json={"query": "{ __typename }"})

        assert response.json() == {"data": {"__typename": "Query"}}

    async def test_graphiql_is_not_served(self, server: Server) -> None:
        async with server(PRODUCTION) as client:
            response = await client.get("/graphql", headers=HTML)

        assert response.status_code == 404
        assert "graphiql" not in response.text.lower()

    @pytest.mark.parametrize(
        "query",
        [
            '{ unit(code: "01") { nam } }',  # a field
            '{ unit(cod: "01") { name } }',  # an argument
            "{ units(kind: PROVINC) { totalCount } }",  # an enum value
            '{ unit(code: "01") { ... on Uni { name } } }',  # a type
            "query ($k: UnitKin) { units(kind: $k) { totalCount } }",  # a variable's type
        ],
    )
    async def test_a_mistake_gets_no_suggestion(self, server: Server, query: str) -> None:
        async with server(PRODUCTION) as client:
            response = await client.post("/graphql", json={"query": query})

        assert response.json()["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
        assert "did you mean" not in response.text.lower()
        assert "có phải" not in response.text.lower()

    async def test_a_mistaken_variable_value_gets_no_suggestion(self, server: Server) -> None:
        query = "query ($k: UnitKind) { units(kind: $k) { totalCount } }"
        async with server(PRODUCTION, official=True) as client:
            response = await client.post(
                "/graphql", json={"query": query, "variables": {"k": "PROVINC"}}
            )

        assert response.status_code == 400
        assert "PROVINCE" not in response.text


class TestEnabledInProduction:
    async def test_an_official_may_introspect(self, server: Server) -> None:
        async with server(ENABLED, official=True) as client:
            response = await client.post("/graphql", json={"query": INTROSPECTION})

        assert response.status_code == 200
        assert response.json()["data"]["__schema"]["queryType"]["name"] == "Query"

    async def test_an_anonymous_caller_may_not(self, server: Server) -> None:
        async with server(ENABLED) as client:
            status, codes = await codes_of(client, '{ __type(name: "Unit") { name } }')

        assert (status, codes) == (400, ["INTROSPECTION_FOR_OFFICIALS"])

    async def test_the_refusal_is_worded_in_both_languages(self, server: Server) -> None:
        async with server(ENABLED) as client:
            response = await client.post(
                "/graphql", json={"query": "{ __schema { types { name } } }"}
            )

        [error] = response.json()["errors"]
        assert error["message"].startswith("Trên máy chủ này")
        assert "logged-in officials" in error["extensions"]["messages"]["en"]

    async def test_graphiql_is_served_when_asked_for(self, server: Server) -> None:
        async with server(ENABLED) as client:
            response = await client.get("/graphql", headers=HTML)

        assert response.status_code == 200
        assert "graphiql" in response.text.lower()


class TestDevelopment:
    async def test_anyone_may_introspect_and_use_graphiql(self, server: Server) -> None:
        async with server({}) as client:
            answer = await client.post("/graphql", json={"query": INTROSPECTION})
            page = await client.get("/graphql", headers=HTML)

        assert answer.json()["data"]["__schema"]["queryType"]["name"] == "Query"
        assert page.status_code == 200

    async def test_introspection_can_be_turned_off(self, server: Server) -> None:
        async with server({"QUYHOACH_INTROSPECTION": "0"}) as client:
            status, codes = await codes_of(client, "{ __schema { queryType { name } } }")

        assert (status, codes) == (400, ["INTROSPECTION_DISABLED"])


class TestStartupLog:
    def test_production_says_what_is_off(self) -> None:
        lines = exposure(Settings.from_environ(PRODUCTION))

        assert "Introspection: off (QUYHOACH_INTROSPECTION)." in lines
        assert "GraphiQL: off (QUYHOACH_GRAPHIQL)." in lines
        assert any(line.startswith("Field suggestions") and "off" in line for line in lines)

    def test_enabled_introspection_says_for_whom(self) -> None:
        lines = exposure(Settings.from_environ({**PRODUCTION, "QUYHOACH_INTROSPECTION": "yes"}))

        assert "Introspection: on, for logged-in officials only (QUYHOACH_INTROSPECTION)." in lines

    def test_development_says_what_is_on(self) -> None:
        lines = exposure(Settings.from_environ({}))

        assert "Introspection: on, for anyone (QUYHOACH_INTROSPECTION)." in lines
        assert "GraphiQL: on (QUYHOACH_GRAPHIQL)." in lines


class TestWorkers:
    def test_production_serves_with_one_worker_per_cpu(self) -> None:
        assert Settings.from_environ(PRODUCTION).workers == (os.cpu_count() or 1)
        assert Settings.from_environ({**PRODUCTION, "QUYHOACH_WORKERS": "3"}).workers == 3

    def test_development_serves_with_one(self) -> None:
        assert Settings.from_environ({}).workers == 1
