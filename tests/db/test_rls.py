"""The database is the second wall (issue 13, problem 10; migration 0023, db/rls.py).

The application serves as ``quyhoach_app``: no superuser, no owner, no BYPASSRLS. Here the test's
transaction takes that role (``SET LOCAL ROLE``) after the owner has written the rows, so what
the application's own request session then reads is what PostgreSQL lets that role read.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

import db
from api.app import create_app
from api.cli import serving_url
from api.database_role import check_role
from api.graphql import GraphQLView
from api.settings import Settings
from db import rls
from db.access_cache import PrincipalCache
from db.base import Base
from planning.access import Role
from schema.access.services import AccessServices
from schema.node import to_global_id
from tests.conftest import NOW, log_in
from tests.factories import PASSWORD, make_user, unit
from tests.schema.plan_helpers import person

APPEND_ONLY = ("audit_event", "plan_event", "person_unit_history", "inheritance_ended")
# How PostgreSQL prints `(SELECT current_setting(...))`, alone or inside coalesce/nullif.
SUB_SELECTED = r"\( SELECT \(?(?:COALESCE\()?(?:NULLIF\()?current_setting\("
FILLED_LATER = {"entry_fact_history": "counted_to", "idempotency_key": "response"}
# Written by the owner alone (quyhoach documents add): a client must not trust its own text.
READ_ONLY = ("trusted_document",)


async def _as_app(connection: AsyncConnection) -> None:
    """From here on, this test's transaction is the application's role."""
    await connection.execute(text(f"SET LOCAL ROLE {rls.APP_ROLE}"))


@pytest.fixture
async def app_engine(database_url: str, engine: AsyncEngine) -> AsyncIterator[AsyncEngine]:
    """An engine logged in as `quyhoach serve` logs in on the embedded server."""
    walled = db.create_engine(serving_url(Settings(), database_url), pool_size=1)
    yield walled
    await walled.dispose()


async def test_the_application_serves_as_a_role_the_wall_holds_for(
    app_engine: AsyncEngine, session: AsyncSession
) -> None:
    async with db.create_sessionmaker(app_engine)() as app_session:
        role = await rls.serving_role(app_session)
    assert role == rls.ServingRole(
        name=rls.APP_ROLE, superuser=False, bypasses_rls=False, owns_tables=False
    )
    assert role.is_walled
    # The migrations ran as the owner, which the policies do not hold.
    assert not (await rls.serving_role(session)).is_walled


async def test_append_only_tables_take_inserts_and_reads_only(session: AsyncSession) -> None:
    def can(table: str, privilege: str) -> str:
        return f"has_table_privilege('{rls.APP_ROLE}', '{table}', '{privilege}')"

    for table in sorted(Base.metadata.tables):
        row = (
            await session.execute(
                text(
                    f"SELECT {can(table, 'SELECT')} AS s, {can(table, 'INSERT')} AS i,"
                    f" {can(table, 'UPDATE')} AS u, {can(table, 'DELETE')} AS d"
                )
            )
        ).one()
        if table in READ_ONLY:
            assert (row.s, row.i, row.u, row.d) == (True, False, False, False), table
        elif table in APPEND_ONLY or table in FILLED_LATER:
            assert (row.s, row.i, row.u, row.d) == (True, True, False, False), table
        else:
            assert (row.s, row.i, row.u, row.d) == (True, True, True, True), table
    for table, column in FILLED_LATER.items():
        granted = await session.scalar(
            text(f"SELECT has_column_privilege('{rls.APP_ROLE}', '{table}', :c, 'UPDATE')"),
            {"c": column},
        )
        assert granted, (table, column)


async def test_the_application_cannot_rewrite_the_audit_trail(
    connection: AsyncConnection, session: AsyncSession
) -> None:
    await _as_app(connection)
    with pytest.raises(DBAPIError, match="permission denied for table audit_event"):
        await session.execute(text("UPDATE audit_event SET reason = 'rewritten'"))


def _probe_app(
    sessionmaker: async_sessionmaker[AsyncSession], access: AccessServices
) -> httpx.AsyncClient:
    """The application, plus one route that forgets every scope filter: it authenticates as a
    GraphQL request does (the view's own ``get_context``) and sends a bare ``SELECT``."""
    app = create_app(
        settings=Settings(),
        sessionmaker=sessionmaker,
        access=access,
        principals=PrincipalCache(),
        clock=lambda: NOW,
    )
    view = next(r.endpoint for r in app.routes if isinstance(r, Route) and r.path == "/graphql")
    assert isinstance(view, GraphQLView)

    async def careless(request: Request) -> JSONResponse:
        ctx = await view.get_context(request, Response())
        first = await ctx.session.execute(text("SELECT national_id FROM person"))
        seen = sorted(row.national_id for row in first)
        # A mutation commits once, then presents in a new transaction: still walled.
        await ctx.session.commit()
        after = await ctx.session.execute(text("SELECT national_id FROM person"))
        return JSONResponse({"seen": seen, "after_commit": sorted(r.national_id for r in after)})

    app.router.routes.append(Route("/careless", careless))
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://qh.test")


async def test_an_unscoped_select_in_a_request_reads_only_the_callers_units(
    connection: AsyncConnection,
    session: AsyncSession,
    sessionmaker: async_sessionmaker[AsyncSession],
    access: AccessServices,
) -> None:
    await make_user(session, access, "clerk.qy.rls", unit_code="07132", roles=[Role.CLERK])
    await person(session, "07132", "022084000901", "Trần Thị Quảng Yên")
    await person(session, "00004", "001084000902", "Lê Văn Ba Đình")
    await session.commit()
    everyone = await session.scalar(text("SELECT count(*) FROM person"))
    assert (everyone or 0) >= 2  # the owner reads every record
    await _as_app(connection)
    async with _probe_app(sessionmaker, access) as client:
        anonymous = (await client.get("/careless")).json()
        tokens = await log_in(client, "clerk.qy.rls", PASSWORD)
        client.headers["authorization"] = f"Bearer {tokens['accessToken']}"
        official = (await client.get("/careless")).json()
    assert anonymous == {"seen": [], "after_commit": []}
    assert official == {"seen": ["022084000901"], "after_commit": ["022084000901"]}


async def test_the_policies_read_their_settings_once_per_statement(
    connection: AsyncConnection, session: AsyncSession
) -> None:
    policies = (
        await session.execute(
            text(
                "SELECT tablename, qual FROM pg_policies WHERE roles = ARRAY[CAST(:role AS name)]"
            ),
            {"role": rls.APP_ROLE},
        )
    ).all()
    walled = {"person", "plan", "plan_entry", "app_user", "role_grant"}
    assert walled <= {row.tablename for row in policies}
    for row in policies:
        # Every setting is read inside a sub-select of its own, never as a per-row function.
        wrapped = re.findall(SUB_SELECTED, row.qual)
        assert len(wrapped) == row.qual.count("current_setting("), row
    await _as_app(connection)
    await rls.enter(session, rls.Scope(paths=("1",), user_id=None))
    plan = "\n".join((await session.execute(text("EXPLAIN SELECT * FROM person"))).scalars().all())
    # The settings are InitPlans: computed once, then only compared row by row.
    assert "InitPlan" in plan, plan


def test_serve_connects_as_the_application_role_and_migrates_as_the_owner() -> None:
    owner = "postgresql://postgres@/quyhoach?host=/tmp/pg"
    app = make_url(serving_url(Settings(), owner))
    assert (app.username, app.database, app.query["host"]) == (
        "quyhoach_app",
        "quyhoach",
        "/tmp/pg",
    )
    given = Settings.from_environ(
        {
            "DATABASE_URL": "postgresql://app@db/q",
            "QUYHOACH_OWNER_DATABASE_URL": "postgresql://o@db/q",
        }
    )
    assert (serving_url(given, "postgresql://o@db/q"), given.migration_url) == (
        "postgresql://app@db/q",
        "postgresql://o@db/q",
    )
    # One URL only: the commands and the migrations use it (as before).
    assert Settings.from_environ({"DATABASE_URL": "postgresql://x@db/q"}).migration_url == (
        "postgresql://x@db/q"
    )
    assert serving_url(Settings(serve_as_owner=True), owner) == owner
    production = {"QUYHOACH_ENV": "production", "QUYHOACH_SECRET": "s" * 40}
    with pytest.raises(SystemExit, match="never production"):
        Settings.from_environ({**production, "QUYHOACH_SERVE_AS_OWNER": "1"})


async def test_production_refuses_to_serve_as_the_owner(engine: AsyncEngine) -> None:
    production = Settings(production=True, secret="s" * 40)
    with pytest.raises(SystemExit, match="is a superuser"):
        await check_role(engine, production)
    await check_role(engine, Settings())  # development: a warning only


async def _graphql(client: httpx.AsyncClient, query: str, variables: dict[str, object]) -> Any:
    answer = (await client.post("/graphql", json={"query": query, "variables": variables})).json()
    assert "errors" not in answer, answer
    return answer["data"]


TRANSFER = """mutation ($input: TransferPersonInput!) { transferPerson(input: $input) {
  __typename ... on PersonPayload { person { unit { code } version } } } }"""
CREATE = """mutation ($input: CreatePersonInput!) { createPerson(input: $input) {
  __typename ... on ValidationFailed { problems { code } } } }"""


async def test_the_named_reads_beyond_the_scope_still_work_as_the_application_role(
    connection: AsyncConnection,
    session: AsyncSession,
    sessionmaker: async_sessionmaker[AsyncSession],
    access: AccessServices,
) -> None:
    """A transfer takes a record in from outside (``transfer``); a national id held elsewhere
    is taken (``identity``); the login itself is read before any scope (``authentication``)."""
    await make_user(session, access, "admin.hn.rls", unit_code="01", roles=[Role.ADMIN])
    await make_user(session, access, "clerk.hn.rls", unit_code="00004", roles=[Role.CLERK])
    cadre = await person(session, "07132", "022084005679", "Lê Văn Tâm")
    ba_dinh = to_global_id("Unit", (await unit(session, "00004")).id)
    await session.commit()
    await _as_app(connection)
    async with _probe_app(sessionmaker, access) as client:
        tokens = await log_in(client, "clerk.hn.rls", PASSWORD)
        client.headers["authorization"] = f"Bearer {tokens['accessToken']}"
        assert (await client.get("/careless")).json()["seen"] == []  # Quảng Ninh's record
        taken = await _graphql(
            client,
            CREATE,
            {
                "input": {
                    "nationalId": "022084005679",
                    "fullName": "Lê Văn Tâm",
                    "sex": "MALE",
                    "birthYear": 1984,
                    "unit": ba_dinh,
                }
            },
        )
        assert taken["createPerson"] == {
            "__typename": "ValidationFailed",
            "problems": [{"code": "NATIONAL_ID_TAKEN"}],
        }
        tokens = await log_in(client, "admin.hn.rls", PASSWORD)
        client.headers["authorization"] = f"Bearer {tokens['accessToken']}"
        moved = await _graphql(
            client,
            TRANSFER,
            {"input": {"person": cadre, "toUnit": ba_dinh, "reason": "QĐ 12-QĐ/TU điều động"}},
        )
        assert moved["transferPerson"] == {
            "__typename": "PersonPayload",
            "person": {"unit": {"code": "00004"}, "version": 2},
        }
        assert (await client.get("/careless")).json()["seen"] == ["022084005679"]
