"""Test fixtures: one real PostgreSQL per run, one rolled-back transaction per test.

The embedded PostgreSQL is started in a temporary folder (or ``DATABASE_URL`` is used), a fresh
database is created and migrated once, and both shipped unit trees are loaded once as operators
load them: the three-tier list through the importer, the 2025 reform through ``reorganize``.
Each test then runs inside a transaction that is rolled back; sessions join it with savepoints,
so code under test may commit as it does in production.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from argon2 import PasswordHasher, profiles
from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker

import db
from api import reference_data
from api.app import create_app
from api.auth import build_access
from api.settings import Settings
from api.unit_lists import datasets, read_lineage, read_rows, reforms
from db import embedded, migrate
from db.access_cache import PrincipalCache
from db.reference import load_reference
from db.reorganisation import reorganize
from db.unit_import import import_units
from planning.access import Grant, Principal, Role
from schema.access.credentials import Credentials
from schema.access.services import AccessServices
from schema.context import Context
from schema.messages import Language
from schema.root import schema
from schema.scalars import VIETNAM_TIME

RULE_SETS = reference_data.rule_sets()
# A fixed clock: "today" in every test is 21/11/2026 in Vietnam.
NOW = datetime(2026, 11, 21, 3, 0, tzinfo=UTC).astimezone(VIETNAM_TIME)


@pytest.fixture(scope="session")
def server_url() -> Iterator[str]:
    """A maintenance URL of the PostgreSQL server the tests use."""
    given = os.environ.get("DATABASE_URL")
    if given:
        yield given
        return
    folder = Path(tempfile.mkdtemp(prefix="quyhoach-test-"))
    server = embedded.start(folder / "postgres")
    try:
        yield server.get_uri()
    finally:
        server.close()


@asynccontextmanager
async def fresh_database(server_url: str, prefix: str) -> AsyncIterator[str]:
    """Create an empty database on the server; drop it on exit. Yields a plain postgresql URL."""
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    plain = make_url(server_url).set(drivername="postgresql")
    maintenance = plain.render_as_string(hide_password=False)
    admin = await asyncpg.connect(maintenance)
    await admin.execute(f'CREATE DATABASE "{name}"')
    await admin.close()
    try:
        yield plain.set(database=name).render_as_string(hide_password=False)
    finally:
        admin = await asyncpg.connect(maintenance)
        await admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        await admin.close()


@pytest.fixture(scope="session")
async def database_url(server_url: str) -> AsyncIterator[str]:
    """The database of the run, shared by every test through rolled-back transactions."""
    async with fresh_database(server_url, "quyhoach_test") as url:
        yield url


@pytest.fixture(scope="session")
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = db.create_engine(database_url)
    await migrate.upgrade(engine)
    async with db.create_sessionmaker(engine)() as session:
        old = datasets()["three-tier"]
        await import_units(
            session, read_rows(old.path), valid_from=old.valid_from, valid_to=old.valid_to
        )
        # The two-tier tree arrives as every reform does: through `reorganize`.
        reform = reforms()["2025"]
        await reorganize(
            session,
            units=read_rows(reform.units.path),
            lineage=read_lineage(reform.lineage),
            effective=reform.effective,
            dry_run=False,
            actor_user_id=None,
            now=NOW,
            source="reform 2025",
        )
        await load_reference(
            session,
            positions=reference_data.read("positions"),
            cycles=reference_data.read("cycles"),
            holidays=reference_data.read("holidays"),
        )
        await session.commit()
    yield engine
    await engine.dispose()


@pytest.fixture
async def connection(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    async with engine.connect() as connection:
        transaction = await connection.begin()
        yield connection
        await transaction.rollback()


@pytest.fixture
def sessionmaker(connection: AsyncConnection) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )


@pytest.fixture
async def session(sessionmaker: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    async with sessionmaker() as session:
        yield session


class Statements:
    """Counts the SQL statements sent on the test's connection."""

    def __init__(self) -> None:
        self.count = 0


@pytest.fixture
def statements(connection: AsyncConnection) -> Iterator[Statements]:
    counter = Statements()

    def count(*_: Any) -> None:
        counter.count += 1

    sync = connection.sync_connection
    assert sync is not None
    event.listen(sync, "before_cursor_execute", count)
    yield counter
    event.remove(sync, "before_cursor_execute", count)


@pytest.fixture(scope="session")
def access() -> AccessServices:
    """The real access services, with argon2 at its cheapest so tests stay fast."""
    real = build_access(Settings())
    credentials = Credentials(
        secret="test-secret-" + "x" * 32,
        access_ttl=real.credentials.access_ttl,
        refresh_ttl=real.credentials.refresh_ttl,
        hasher=PasswordHasher.from_parameters(profiles.CHEAPEST),
    )
    return replace(real, credentials=credentials)


# The caller of `run` unless a test says otherwise: a viewer of the whole country.
NATIONAL_VIEWER = Principal(
    user_id=None,
    api_key_id=None,
    name="national-viewer",
    grants=(Grant(grant_id=0, role=Role.VIEWER, unit_id=1, unit_path="1"),),
)


class Runner:
    """Executes GraphQL documents through the real schema on the test's session."""

    def __init__(self, session: AsyncSession, access: AccessServices) -> None:
        self.session = session
        self.access = access
        self.principal: Principal | None = NATIONAL_VIEWER
        self.now = NOW

    def as_(self, principal: Principal | None) -> Runner:
        other = Runner(self.session, self.access)
        other.principal, other.now = principal, self.now
        return other

    def on(self, now: datetime) -> Runner:
        """The same caller, with the clock at ``now``."""
        other = self.as_(self.principal)
        other.now = now
        return other

    async def result(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        language: Language = Language.EN,
        operation_name: str | None = None,
    ) -> Any:
        context = Context(
            session=self.session,
            now=self.now,
            access=self.access,
            principal=self.principal,
            rule_sets=RULE_SETS,
            language=language,
            request_id="test",
        )
        return await schema.execute(
            query, variable_values=variables, context_value=context, operation_name=operation_name
        )

    async def data(self, query: str, variables: dict[str, Any] | None = None) -> Any:
        """Return ``data``, failing the test on any error."""
        result = await self.result(query, variables)
        assert result.errors is None, result.errors
        return result.data

    async def error_codes(self, query: str, variables: dict[str, Any] | None = None) -> list[str]:
        result = await self.result(query, variables)
        assert result.errors, f"expected errors, got {result.data}"
        return [(error.extensions or {}).get("code", "") for error in result.errors]


@pytest.fixture
def run(session: AsyncSession, access: AccessServices) -> Runner:
    return Runner(session, access)


@pytest.fixture
async def anonymous(
    sessionmaker: async_sessionmaker[AsyncSession], access: AccessServices
) -> AsyncIterator[httpx.AsyncClient]:
    async with http_client(sessionmaker, access, max_body_bytes=100_000) as client:
        yield client


@asynccontextmanager
async def http_client(
    sessionmaker: async_sessionmaker[AsyncSession], access: AccessServices, *, max_body_bytes: int
) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client of a fresh app on the tests' sessionmaker and clock (nobody logged in)."""
    app = create_app(
        settings=Settings(max_body_bytes=max_body_bytes),
        sessionmaker=sessionmaker,
        access=access,
        principals=PrincipalCache(),
        clock=lambda: NOW,
    )
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://quyhoach.test") as client:
        yield client


LOGIN = """
mutation ($u: String!, $p: String!) {
  login(input: {username: $u, password: $p}) {
    __typename
    ... on AuthPayload { accessToken refreshToken expiresAt }
  }
}
"""


async def log_in(client: httpx.AsyncClient, username: str, password: str) -> dict[str, Any]:
    response = await client.post(
        "/graphql", json={"query": LOGIN, "variables": {"u": username, "p": password}}
    )
    login = response.json()["data"]["login"]
    assert login["__typename"] == "AuthPayload", login
    return dict(login)


@pytest.fixture
async def official(
    sessionmaker: async_sessionmaker[AsyncSession], session: AsyncSession, access: AccessServices
) -> AsyncIterator[httpx.AsyncClient]:
    """A client logged in as a national official holding every role, so that resolvers really
    run and write, on an app that takes bodies up to 10 MB (hostile input is large)."""
    from tests.factories import PASSWORD, make_user

    await make_user(session, access, "national.every-role", roles=list(Role))
    await session.commit()
    async with http_client(sessionmaker, access, max_body_bytes=10_000_000) as client:
        tokens = await log_in(client, "national.every-role", PASSWORD)
        client.headers["authorization"] = f"Bearer {tokens['accessToken']}"
        yield client


@pytest.fixture
async def client(
    anonymous: httpx.AsyncClient, session: AsyncSession, access: AccessServices
) -> httpx.AsyncClient:
    """A client logged in as a national viewer."""
    from tests.factories import PASSWORD, make_user

    await make_user(session, access, "national.viewer", roles=[Role.VIEWER])
    await session.commit()
    tokens = await log_in(anonymous, "national.viewer", PASSWORD)
    anonymous.headers["authorization"] = f"Bearer {tokens['accessToken']}"
    return anonymous
